"""One append-only activity log for every app: a row for each audited event kind, shown on the history pages;
UPDATE and DELETE refused for the app role on PostgreSQL."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from cases.enums import CaseState
from cases.models import DemandCase
from platform_site.activity import history, log_event
from platform_site.actors import SYSTEM
from platform_site.enums import ActivityAction, Role
from platform_site.models import ActivityLog, Membership
from platform_site.tenancy import tenant_scope
from tests.factories import MINIMAL_PDF, DemandCaseFactory, complete_case, persona, set_fields

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _entries(obj) -> list[ActivityLog]:
    with tenant_scope(obj.tenant):
        return list(history(obj))


def _url(name, case, **kwargs):
    return reverse(f"cases:{name}", kwargs={"tenant_slug": "tsmp", "pk": case.pk, **kwargs})


def test_created_in_the_view_and_in_the_api_through_one_service(world, client):
    client.force_login(world.applicant)
    assert (
        client.post(reverse("cases:create", kwargs={"tenant_slug": "tsmp"}), {"title": "網頁建立"}).status_code == 302
    )
    api = APIClient()
    api.force_authenticate(world.applicant)
    assert api.post("/api/v1/t/tsmp/cases/", {"title": "API 建立"}, format="json").status_code == 201
    with tenant_scope(world.a):
        for title in ("網頁建立", "API 建立"):
            case = DemandCase.objects.get(title=title)
            assert (case.applicant_org_id, case.created_by_id) == (world.org_a.pk, world.applicant.pk)
            [entry] = history(case)
            assert (entry.action, entry.actor, entry.by_system, entry.data) == (
                "created",
                world.applicant,
                False,
                {"title": title},
            )


def test_edits_log_each_changed_field_before_and_after_and_the_page_labels_them(world, client):
    case = DemandCaseFactory(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, title="舊標題")
    client.force_login(world.applicant)
    data = {
        "title": "新標題",
        "industry": case.industry,
        "application_field": case.application_field,
        "problem_statement": case.problem_statement,
        "smart_system_need": "改寫後的需求",
        "customisations": ["chip"],
        "contact_name": case.contact_name,
        "contact_email": case.contact_email,
    }
    assert client.post(_url("edit", case), data).status_code == 302
    api = APIClient()
    api.force_authenticate(world.applicant)
    assert api.patch(f"/api/v1/t/tsmp/cases/{case.pk}/", {"employee_count": 42}, format="json").status_code == 200
    edits = [e for e in _entries(case) if e.action == ActivityAction.EDITED]
    assert [e.data["changes"] for e in edits] == [
        {
            "title": {"before": "舊標題", "after": "新標題"},
            "smart_system_need": {"before": "邊緣 AI 影像檢測。", "after": "改寫後的需求"},
        },
        {"employee_count": {"before": None, "after": 42}},
    ]
    body = client.get(_url("detail", case), **EN).content.decode()
    assert '<span class="changed-field">case title</span>、<span class="changed-field">smart-system need</span>' in body
    assert '<span class="changed-field">employees</span>' in body


def test_a_stale_edit_is_refused_with_409_not_saved(world):
    case = DemandCaseFactory(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.SUBMITTED)
    api = APIClient()
    api.force_authenticate(world.applicant)
    response = api.patch(f"/api/v1/t/tsmp/cases/{case.pk}/", {"title": "改名"}, format="json")
    assert (response.status_code, response.data["code"], response.data["state"]) == (409, "not_editable", "submitted")
    assert _entries(case) == []


def test_document_upload_and_removal_are_logged_on_the_case(world, client):
    case = DemandCaseFactory(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    client.force_login(world.applicant)
    upload = SimpleUploadedFile("公司登記.pdf", MINIMAL_PDF)
    assert (
        client.post(_url("document_upload", case), {"kind": "company_registration", "file": upload}).status_code == 302
    )
    with tenant_scope(world.a):
        document = case.documents.get()
    assert client.post(_url("document_delete", case, doc_pk=document.pk)).status_code == 302
    expected = {
        "document_id": document.pk,
        "kind": "company_registration",
        "name": "公司登記.pdf",
        "size": len(MINIMAL_PDF),
    }
    assert [(e.action, e.actor, e.data) for e in _entries(case)] == [
        ("document_uploaded", world.applicant, expected),
        ("document_deleted", world.applicant, expected),
    ]
    body = client.get(_url("detail", case), **EN).content.decode()
    assert "Document uploaded" in body and "Document removed" in body and "公司登記.pdf" in body


def test_the_qualification_checklist_is_logged_before_the_decision_with_the_field_name(world, client):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.QUALIFICATION)
    client.force_login(world.reviewer)
    data = {"decision": "request_documents", "comment": "請補件", "eligible_applicant_type": "on"}
    assert client.post(_url("decide", case), data).status_code == 302
    checklist, decision = _entries(case)
    assert (checklist.action, checklist.actor, checklist.is_transition) == ("checklist_saved", world.reviewer, False)
    assert checklist.data == {
        "changes": {
            "eligible_applicant_type": {"before": None, "after": True},
            "eligible_need": {"before": None, "after": False},
        }
    }
    assert (decision.action, decision.field_name, decision.source_state, decision.target_state, decision.comment) == (
        "request_documents",
        "state",
        "qualification",
        "documents_requested",
        "請補件",
    )
    body = client.get(_url("detail", case), **EN).content.decode()
    assert "Checklist saved" in body and "Request more documents" in body
    assert "Qualification review → <strong>More documents requested</strong>" in body


def test_needs_analysis_edits_are_labelled_with_the_analysis_fields(world, client):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.SUBMITTED)
    client.force_login(world.reviewer)
    assert (
        client.post(
            _url("needs_analysis", case), {"summary": "需客製化晶片", "project_types": ["chip_design"]}
        ).status_code
        == 302
    )
    [entry] = _entries(case)
    assert entry.data["model"] == "cases.needsanalysis"
    with tenant_scope(world.a), translation.override("en"):
        assert [c["label"] for c in entry.changed_fields] == ["summary of the need", "likely project types"]


def test_member_invited_and_money_changed_kinds_for_other_apps(world):
    invited = persona(world.a, Role.SUPPLIER)
    membership = Membership.objects.get(user=invited, tenant=world.a)
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        log_event(
            membership,
            ActivityAction.MEMBER_INVITED,
            world.admin,
            data={"user_id": invited.pk, "email": invited.email, "role": "supplier"},
        )
        log_event(
            case, ActivityAction.MONEY_CHANGED, SYSTEM, data={"field": "grant_ntd", "before": 0, "after": 500_000}
        )
        member_entry = ActivityLog.objects.get(content_type=ContentType.objects.get_for_model(Membership))
        money_entry = ActivityLog.objects.get(action=ActivityAction.MONEY_CHANGED)
    assert (member_entry.tenant_id, member_entry.object_id, member_entry.actor, member_entry.data["role"]) == (
        world.a.pk,
        membership.pk,
        world.admin,
        "supplier",
    )
    with translation.override("en"):
        name = money_entry.actor_name
    assert (money_entry.actor, money_entry.by_system, name, money_entry.data["after"]) == (
        None,
        True,
        "system",
        500_000,
    )


def test_the_log_refuses_to_be_saved_twice(world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        entry = log_event(case, ActivityAction.CREATED, world.applicant)
        entry.comment = "changed"
        with pytest.raises(ValueError):
            entry.save()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
def test_the_app_role_cannot_update_or_delete_log_rows_on_postgresql(world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone()[0] is False  # the app role, not a superuser
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        entry = log_event(case, ActivityAction.CREATED, world.applicant)
        for sql in (
            "UPDATE platform_site_activitylog SET comment = 'rewritten' WHERE id = %s",
            "DELETE FROM platform_site_activitylog WHERE id = %s",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql, [entry.pk])
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            ActivityLog.objects.filter(pk=entry.pk).update(comment="rewritten")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            ActivityLog.objects.filter(pk=entry.pk).delete()
        assert ActivityLog.objects.values_list("comment", flat=True).get(pk=entry.pk) == ""
