"""hwsim.queries: role-aware visibility of verification requests, latest / succeeded job, cursor-paginated API list."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework.test import APIClient

from hwsim import queries
from platform_site.tenancy import tenant_scope
from tests.hwsim.factories import VerificationRequestFactory, job_in_state

pytestmark = pytest.mark.django_db


def _titles(lab: Any, user: Any) -> list[str]:
    with tenant_scope(lab.a):
        return sorted(queries.visible_requests(user, lab.a).values_list("title", flat=True))


def test_each_role_sees_what_its_rule_allows(lab: Any) -> None:
    VerificationRequestFactory(tenant=lab.a, requester_org=lab.org, requester=lab.applicant, title="org1")
    VerificationRequestFactory(tenant=lab.a, requester_org=lab.org2, requester=lab.other_applicant, title="org2")
    for staff in (lab.engineer, lab.cto, lab.admin):
        assert _titles(lab, staff) == ["org1", "org2"]
    assert _titles(lab, lab.applicant) == _titles(lab, lab.colleague) == ["org1"]
    assert _titles(lab, lab.other_applicant) == ["org2"]
    for pending in (lab.expert, lab.supplier, lab.finance, lab.outsider):
        assert _titles(lab, pending) == []


def test_get_request_for_user_is_404_when_invisible_and_403_when_not_allowed(lab: Any) -> None:
    vr = VerificationRequestFactory(tenant=lab.a, requester_org=lab.org, requester=lab.applicant)
    with tenant_scope(lab.a):
        assert queries.get_request_for_user(lab.colleague, lab.a, vr.pk) == vr
        for user, pk in ((lab.other_applicant, vr.pk), (lab.expert, vr.pk), (lab.applicant, "x")):
            with pytest.raises(Http404):
                queries.get_request_for_user(user, lab.a, pk)
        with pytest.raises(PermissionDenied):  # sees it (same organisation), is not the requester
            queries.get_request_for_user(lab.colleague, lab.a, vr.pk, "hwsim.submit_request")


def test_latest_and_succeeded_job(lab: Any) -> None:
    vr = VerificationRequestFactory(tenant=lab.a, requester_org=lab.org, requester=lab.applicant)
    with tenant_scope(lab.a):
        assert queries.latest_job(vr) is None and queries.succeeded_job(vr) is None
    failed = job_in_state("failed", tenant=lab.a, request=vr)
    with tenant_scope(lab.a):
        assert queries.latest_job(vr) == failed and queries.succeeded_job(vr) is None
    succeeded = job_in_state("succeeded", tenant=lab.a, request=vr)
    with tenant_scope(lab.a):
        assert queries.latest_job(vr) == succeeded == queries.succeeded_job(vr)


def test_the_api_list_is_cursor_paginated_and_refuses_page_numbers(lab: Any) -> None:
    made = [VerificationRequestFactory(tenant=lab.a, requester_org=lab.org, requester=lab.applicant) for _ in range(27)]
    api = APIClient()
    api.force_authenticate(lab.applicant)
    base = f"/api/v1/t/{lab.a.slug}/lab/requests/"
    first = api.get(base).data
    second = api.get(first["next"]).data
    assert [r["id"] for r in first["results"] + second["results"]] == [vr.pk for vr in reversed(made)]
    assert second["next"] is None
    assert api.get(base + "?page=2").status_code == 400
    assert api.get(base + "?cursor=garbage").status_code == 404
