"""Demand-case pages: what each persona sees and can do, errors as 409/400 with nothing lost, bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.enums import CaseState
from cases.models import DemandCase
from platform_site.models import ActivityLog
from platform_site.tenancy import tenant_scope
from tests.factories import MINIMAL_PDF, CaseDocumentFactory, DemandCaseFactory, complete_case, reload, set_fields

pytestmark = pytest.mark.django_db


def url(name, case=None, **kwargs):
    if case is not None:
        kwargs.setdefault("pk", case.pk)
    return reverse(f"cases:{name}", kwargs={"tenant_slug": "tsmp", **kwargs})


def _state(case):
    return reload(case).state


def test_applicant_creates_a_draft_for_their_organisation(client, world):
    client.force_login(world.applicant)
    response = client.post(url("create"), {"title": "布匹織疵辨識", "customisations": ["software"]})
    assert response.status_code == 302
    with tenant_scope(world.a):
        case = DemandCase.objects.get(title="布匹織疵辨識")
    assert (case.tenant_id, case.applicant_org_id, case.created_by_id, case.state) == (
        world.a.pk,
        world.org_a.pk,
        world.applicant.pk,
        "draft",
    )


def test_office_staff_cannot_create_cases(client, world):
    client.force_login(world.reviewer)
    assert client.get(url("create")).status_code == 403


def test_invalid_customisation_combination_is_a_form_error(client, world):
    client.force_login(world.applicant)
    response = client.post(url("create"), {"title": "x", "customisations": ["none", "chip"]})
    assert response.status_code == 200
    assert "cannot be combined" in response.content.decode() or "不能" in response.content.decode()
    with tenant_scope(world.a):
        assert not DemandCase.objects.filter(title="x").exists()


def test_submitting_an_incomplete_case_is_409_and_lists_what_is_missing(client, world):
    case = DemandCaseFactory(
        tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, smart_system_need=""
    )
    client.force_login(world.applicant)
    response = client.post(url("transition", case, action="submit"))
    assert response.status_code == 409
    body = response.content.decode()
    assert 'id="error"' in body
    assert _state(case) == "draft"


def test_submit_numbers_the_case_and_starts_the_five_working_day_clock(
    client, world, django_capture_on_commit_callbacks, mailoutbox
):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    client.force_login(world.applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("transition", case, action="submit"))
    assert response.status_code == 302
    case = reload(case)
    year = dt.date.today().year
    assert case.reference == f"TSMP-{year}-0001"
    assert case.state == "submitted"
    from cases.models import taipei_today
    from platform_site.workdays import add_working_days

    assert case.qualification_due == add_working_days(taipei_today(), 5)
    assert sorted(tuple(m.to) for m in mailoutbox) == sorted(  # the applicant's confirmation, the office's notice
        [
            tuple(sorted({world.applicant.email, case.contact_email})),
            tuple(sorted([world.reviewer.email, world.admin.email])),
        ]
    )
    assert all(case.reference in m.subject for m in mailoutbox)


def test_upload_rejects_wrong_type_and_too_large_without_losing_the_case(client, world, settings):
    case = DemandCaseFactory(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    client.force_login(world.applicant)
    exe = SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    response = client.post(url("document_upload", case), {"kind": "company_registration", "file": exe})
    assert response.status_code == 400
    settings.UPLOAD_MAX_BYTES = 100
    big = SimpleUploadedFile("big.pdf", MINIMAL_PDF + b"0" * 200)
    response = client.post(url("document_upload", case), {"kind": "company_registration", "file": big})
    assert response.status_code == 400
    with tenant_scope(world.a):
        assert case.documents.count() == 0
    ok = SimpleUploadedFile("公司登記.pdf", MINIMAL_PDF)
    assert client.post(url("document_upload", case), {"kind": "company_registration", "file": ok}).status_code == 302
    with tenant_scope(world.a):
        document = case.documents.get()
    assert document.original_name == "公司登記.pdf"
    assert "公司登記" not in document.file.name


def test_documents_are_served_only_to_authorised_users(client, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        document = case.documents.first()
    target = url("document_download", case, doc_pk=document.pk)
    for user, status in [
        (world.applicant, 200),
        (world.reviewer, 200),
        (world.other_applicant, 404),
        (world.expert, 404),
        (world.b_reviewer, 404),
        (world.outsider, 404),
    ]:
        client.force_login(user)
        response = client.get(target)
        assert response.status_code == status, user
        if status == 200:
            assert response["Content-Disposition"].startswith("attachment")
            assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_applicant_cannot_edit_or_upload_after_submission(client, world):
    """409 with why (not the 403 "your role may not"): tests/cases/test_refusals.py checks the wording."""
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.SUBMITTED)
    client.force_login(world.applicant)
    assert client.get(url("edit", case)).status_code == 409
    upload = SimpleUploadedFile("a.pdf", MINIMAL_PDF)
    assert client.post(url("document_upload", case), {"kind": "other", "file": upload}).status_code == 409
    with tenant_scope(world.a):
        assert case.documents.count() == 2
    client.force_login(world.reviewer)  # office staff never edit an applicant's case: that stays a 403
    assert client.get(url("edit", case)).status_code == 403


def _decide(client, case, decision, ticks=2, can_serve="", comment="說明"):
    """Post the decision form: the first ``ticks`` eligibility criteria ticked, the supply-chain radio
    ``can_serve`` ("yes" / "no" / "" unanswered)."""
    data = {"decision": decision, "comment": comment, "existing_supply_chain_can_serve": can_serve}
    for name in ["eligible_applicant_type", "eligible_need"][:ticks]:
        data[name] = "on"
    return client.post(url("decide", case), data)


def test_reviewer_decisions_move_the_case_and_are_logged(client, world):
    client.force_login(world.reviewer)
    # decision -> (resulting state, can the chain serve, intake customisations): seed 000's branches
    expected = {
        "refer": ("referred", "yes", ["chip"]),
        "reference_design": ("reference_design", "no", ["none"]),
        "proceed": ("preliminary_review", "no", ["chip"]),
    }
    for decision, (state, can_serve, customisations) in expected.items():
        case = complete_case(
            tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, customisations=customisations
        )
        set_fields(case, state=CaseState.QUALIFICATION)
        assert _decide(client, case, decision, can_serve=can_serve).status_code == 302
        assert _state(case) == state
        with tenant_scope(world.a):
            log = ActivityLog.objects.select_related("actor").get(object_id=case.pk, field_name="state")
        assert (log.actor, log.source_state, log.target_state, log.comment) == (
            world.reviewer,
            "qualification",
            state,
            "說明",
        )


def test_not_eligible_needs_an_unmet_criterion_and_keeps_the_form(client, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.QUALIFICATION)
    client.force_login(world.reviewer)
    response = _decide(client, case, "not_eligible", ticks=2, can_serve="yes", comment="我的詳細理由")
    assert response.status_code == 409
    assert "我的詳細理由" in response.content.decode()  # nothing typed is lost
    assert _state(case) == "qualification"
    assert _decide(client, case, "not_eligible", ticks=1).status_code == 302
    closed = reload(case)
    assert (closed.state, closed.closure_reason) == ("closed", "not_eligible")


def test_a_decision_without_comment_is_a_form_error(client, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.QUALIFICATION)
    client.force_login(world.reviewer)
    assert _decide(client, case, "proceed", can_serve="no", comment="").status_code == 409
    assert _state(case) == "qualification"


def test_applicant_cannot_decide(client, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.QUALIFICATION)
    client.force_login(world.applicant)
    assert _decide(client, case, "proceed").status_code == 403
    assert _state(case) == "qualification"


def test_documents_request_pauses_and_resubmission_resumes_the_clock(client, world, monkeypatch):
    from cases import models as case_models

    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        monkeypatch.setattr(case_models, "taipei_today", lambda: dt.date(2026, 2, 10))  # Tuesday
        from cases import services

        services.transition_case(case, "submit", world.applicant)
        assert case.qualification_due == dt.date(2026, 2, 24)  # 11,12,13,23,24 (春節 14–22)
        services.transition_case(case, "start_qualification", world.reviewer)
        monkeypatch.setattr(case_models, "taipei_today", lambda: dt.date(2026, 2, 12))  # 2 days used, 8 left→3
        services.decide_qualification(
            case,
            world.reviewer,
            decision="request_documents",
            comment="請補件",
            eligible_applicant_type=True,
            eligible_need=True,
            existing_supply_chain_can_serve=None,
        )
        assert (case.state, case.qualification_due, case.qualification_days_remaining) == (
            "documents_requested",
            None,
            3,
        )
        monkeypatch.setattr(case_models, "taipei_today", lambda: dt.date(2026, 3, 2))  # Monday
        services.transition_case(case, "resubmit", world.applicant)
        assert (case.state, case.qualification_due) == ("qualification", dt.date(2026, 3, 5))


def test_needs_analysis_is_recorded_by_office_staff_only(client, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.SUBMITTED)
    client.force_login(world.applicant)
    assert client.get(url("needs_analysis", case)).status_code == 403
    client.force_login(world.reviewer)
    response = client.post(
        url("needs_analysis", case), {"summary": "需客製化晶片，建議晶片設計專案。", "project_types": ["chip_design"]}
    )
    assert response.status_code == 302
    with tenant_scope(world.a):
        assert case.needs_analysis.project_types == ["chip_design"]
    assert "需客製化晶片" in client.get(url("detail", case)).content.decode()


def test_applicants_see_only_their_organisations_cases(client, world):
    mine = DemandCaseFactory(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, title="我的案件")
    DemandCaseFactory(tenant=world.a, applicant_org=world.org_a2, created_by=world.other_applicant, title="別人的案件")
    client.force_login(world.applicant)
    body = client.get(url("list")).content.decode()
    assert "我的案件" in body and "別人的案件" not in body
    client.force_login(world.other_applicant)
    assert client.get(url("detail", mine)).status_code == 404
    client.force_login(world.reviewer)
    body = client.get(url("list")).content.decode()
    assert "我的案件" in body and "別人的案件" in body


def test_queue_shows_days_left_and_overdue(client, world):
    from cases.models import taipei_today

    today = taipei_today()
    for offset in (-10, 0, 10):
        case = DemandCaseFactory(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
        from platform_site.workdays import working_days_between

        due = today + dt.timedelta(days=offset)
        set_fields(case, state=CaseState.SUBMITTED, qualification_due=due)
    client.force_login(world.reviewer)
    body = client.get(url("queue")).content.decode()
    for offset in (-10, 0, 10):
        left = working_days_between(today, today + dt.timedelta(days=offset))
        assert f'data-days-left="{left}"' in body
    assert "due-overdue" in body


def test_the_queue_is_for_office_staff(client, world):
    client.force_login(world.applicant)
    assert client.get(url("queue")).status_code == 403


@pytest.mark.parametrize("rows", [1, 30])
def test_list_pages_use_a_constant_number_of_queries(client, world, django_assert_max_num_queries, rows):
    for _ in range(rows):
        case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
        set_fields(case, state=CaseState.SUBMITTED, qualification_due=dt.date(2026, 12, 1))
    client.force_login(world.reviewer)
    # Bounds include PostgreSQL's per-request set_config('app.tenant_id') for row-level security.
    for name in ("list", "queue"):
        with django_assert_max_num_queries(10):
            assert client.get(url(name)).status_code == 200
    client.force_login(world.applicant)
    with django_assert_max_num_queries(10):
        assert client.get(url("list")).status_code == 200


def test_detail_page_query_count_does_not_grow_with_history_and_documents(client, world, django_assert_max_num_queries):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    for _ in range(10):
        CaseDocumentFactory(case=case)
    client.force_login(world.reviewer)
    with django_assert_max_num_queries(16):
        assert client.get(url("detail", case)).status_code == 200


def test_bad_page_numbers_do_not_error(client, world):
    client.force_login(world.reviewer)
    for page in ("abc", "-1", "99999", "1e9"):
        assert client.get(url("list") + f"?page={page}").status_code == 200
    assert client.get(url("list") + "?state=nonsense&q=" + "x" * 500).status_code == 200
