"""Every role has a home (issue 7 item 1): ``/t/<slug>/`` is each member's work inbox, built from the panels the
apps contribute (platform_site.extensions.HomePanel), with role labels and never role codes.

Dates: 'today' is pinned to Wednesday 2026-03-04 (Asia/Taipei) by patching ``cases.models.taipei_today``, the
one clock the queue, its counts and the due cells read (as tests/cases/test_views.py does).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection

from cases import models as case_models
from cases.enums import CaseState
from platform_site.enums import Role, TenantKind
from platform_site.tenancy import tenant_scope
from platform_site.transitions import run_transition
from tests.factories import (
    DemandCaseFactory,
    MembershipFactory,
    OrganizationFactory,
    TenantFactory,
    complete_case,
    persona,
    reload,
    set_fields,
)
from tests.hwsim.factories import VerificationJobFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 4)  # a Wednesday
ROLE_CODES = [role.value for role in Role if "_" in role.value]  # office_reviewer, case_manager, tenant_admin


@pytest.fixture(autouse=True)
def english_and_pinned_today(client, monkeypatch):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    monkeypatch.setattr(case_models, "taipei_today", lambda: TODAY)


_refs = iter(range(1, 10_000))


def make_case(tenant, org, state, due=None, remaining=None, title=None):
    """A case of ``org`` forced into ``state`` (set-up only: the transitions are tested elsewhere)."""
    n = next(_refs)
    case = DemandCaseFactory(tenant=tenant, applicant_org=org, title=title or f"案件 {n}")
    fields = {"state": state, "qualification_due": due, "qualification_days_remaining": remaining}
    if state != CaseState.DRAFT:
        fields["reference"] = f"{tenant.config.case_prefix}-2026-{n:04d}"
    set_fields(case, **fields)
    return reload(case)


def home(client, user, slug="tsmp"):
    client.force_login(user)
    response = client.get(f"/t/{slug}/")
    assert response.status_code == 200
    return response.content.decode()


def panels(body: str) -> list[str]:
    return re.findall(r'data-panel="([^"]+)"', body)


def main_text(body: str) -> str:
    return re.sub(r"<[^>]+>", " ", body.split("<main", 1)[1])


def test_the_applicant_sees_their_organisations_cases_only_and_no_withdrawn_ones(client, world):
    own = make_case(world.a, world.org_a, CaseState.SUBMITTED, due=TODAY, title="自家送審案")
    draft = make_case(world.a, world.org_a, CaseState.DRAFT, title="自家草稿案")
    withdrawn = make_case(world.a, world.org_a, CaseState.WITHDRAWN, title="自家撤案")
    other_org = make_case(world.a, world.org_a2, CaseState.SUBMITTED, due=TODAY, title="別家公司案")
    other_tenant = make_case(world.b, world.org_b, CaseState.SUBMITTED, due=TODAY, title="別的辦公室案")
    body = home(client, world.applicant)
    assert panels(body) == ["my-cases"]
    assert own.title in body and own.reference in body
    assert draft.title in body.split('id="home-drafts"', 1)[1].split("</ul>", 1)[0]
    for absent in (withdrawn, other_org, other_tenant):
        assert absent.title not in body
    assert "Applicant (demand side)" in body
    assert 'href="/t/tsmp/cases/new/"' in body


def test_a_documents_request_is_a_banner_with_what_is_asked_and_the_paused_clock(client, world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        run_transition(case, "submit", world.applicant, reference="TSMP-2026-0042", working_days=5)  # due 03-11
        run_transition(case, "start_qualification", world.reviewer)
        run_transition(case, "request_documents", world.reviewer, comment="請補 113 年度財務報表。")
    assert case.qualification_days_remaining == 5
    body = home(client, world.applicant)
    banner = re.search(r'<div class="alert alert-warning documents-requested".*?</div>', body, re.S).group(0)
    assert "TSMP-2026-0042" in banner and "more documents are requested" in banner
    assert "請補 113 年度財務報表。" in banner
    assert "decision is due within 5 working days" in banner
    assert f'href="/t/tsmp/cases/{case.pk}/"' in banner
    assert home(client, world.other_applicant).count("documents-requested") == 0


def test_the_reviewer_queue_is_overdue_first_then_soonest_due_then_paused_with_counts(client, world):
    later = make_case(world.a, world.org_a, CaseState.QUALIFICATION, due=dt.date(2026, 3, 9))
    paused = make_case(world.a, world.org_a2, CaseState.DOCUMENTS_REQUESTED, remaining=3)
    today = make_case(world.a, world.org_a, CaseState.SUBMITTED, due=TODAY)
    overdue = make_case(world.a, world.org_a2, CaseState.QUALIFICATION, due=dt.date(2026, 3, 2))
    soon = make_case(world.a, world.org_a, CaseState.SUBMITTED, due=dt.date(2026, 3, 5))
    make_case(world.a, world.org_a, CaseState.PRELIMINARY_REVIEW)  # not in the queue
    b_case = make_case(world.b, world.org_b, CaseState.SUBMITTED, due=dt.date(2026, 3, 1))
    for user in (world.reviewer, world.admin):
        body = home(client, user)
        assert panels(body) == ["qualification-queue"]
        order = re.findall(r'<tr data-case="([^"]+)"', body)
        assert order == [c.reference for c in (overdue, today, soon, later, paused)]
        counts = dict(re.findall(r'data-group="(\w+)">[^:]+: (\d+)<', body))
        assert counts == {"overdue": "1", "due_today": "1", "later": "2", "paused": "1"}
        assert b_case.reference not in body
    assert "overdue by 2 working days" in body and "due today" in body


def test_the_queue_summary_takes_an_explicit_today(world):
    from cases.queries import queue_summary

    make_case(world.a, world.org_a, CaseState.SUBMITTED, due=TODAY)
    with tenant_scope(world.a):
        assert queue_summary(world.reviewer, world.a, today=TODAY)["counts"]["due_today"] == 1
        assert queue_summary(world.reviewer, world.a, today=TODAY + dt.timedelta(days=1))["counts"]["overdue"] == 1


def test_the_cto_sees_the_cases_waiting_for_the_preliminary_and_final_reviews(client, world):
    prelim = [make_case(world.a, world.org_a, CaseState.PRELIMINARY_REVIEW) for _ in range(2)]
    final = make_case(world.a, world.org_a2, CaseState.FINAL_REVIEW)
    queued = make_case(world.a, world.org_a, CaseState.SUBMITTED, due=TODAY)
    b_case = make_case(world.b, world.org_b, CaseState.PRELIMINARY_REVIEW)
    body = home(client, world.cto)
    # The review app's: final reviews by due date, then replacements needed after recusals.
    assert panels(body) == ["committee-reviews", "final-reviews-due", "panel-replacements"]
    stages = dict(re.findall(r'data-stage="(\w+)">\s*<h3[^>]*>[^<]*<span class="badge[^"]*">(\d+)<', body))
    assert stages == {"preliminary_review": "2", "final_review": "1"}
    assert all(c.reference in body for c in (*prelim, final))
    assert queued.reference not in body and b_case.reference not in body
    assert "CTO" in body


@pytest.mark.parametrize(
    ("persona_name", "label", "text"),
    [
        ("case_manager", "Case manager", "The service projects you manage"),
    ],  # finance: the billing app's receivables panel (tests/billing/test_pages.py)
)
def test_roles_without_work_yet_get_an_honest_empty_state(client, world, persona_name, label, text):
    make_case(world.a, world.org_a, CaseState.SUBMITTED, due=TODAY, title="別人的案件")
    body = home(client, world.by_role()[persona_name])
    assert panels(body) == ["empty-state"]
    assert label in body and text in body
    assert "別人的案件" not in body


def test_a_user_with_several_roles_sees_each_roles_panels(client, world):
    MembershipFactory(user=world.applicant, tenant=world.a, role=Role.EXPERT)
    MembershipFactory(user=world.applicant, tenant=world.a, role=Role.CTO)
    body = home(client, world.applicant)
    assert panels(body) == [
        "my-cases",
        "review-invitations",
        "committee-reviews",
        "final-reviews-due",
        "panel-replacements",
    ]
    labels = re.findall(r'<span class="badge text-bg-secondary role-label">([^<]+)</span>', body)
    assert labels == ["Applicant (demand side)", "CTO", "Expert reviewer"]


def test_an_expert_sees_their_review_invitations(client, world):
    """The review app replaces the expert's empty state with their invitations panel (review.panel_homes)."""
    body = home(client, world.expert)
    assert panels(body) == ["review-invitations"]
    assert "Review invitations" in body


@pytest.mark.parametrize(
    "persona_name",
    ["applicant", "supplier", "office_reviewer", "cto", "expert", "case_manager", "finance", "tenant_admin"],
)
def test_no_home_shows_a_role_code(client, world, persona_name):
    text = main_text(home(client, world.by_role()[persona_name]))
    assert [code for code in ROLE_CODES if code in text] == []
    assert re.search(r"\b(applicant|supplier|cto|expert|finance)\b", text) is None


@pytest.fixture
def lab(db):
    lab = TenantFactory(slug="lab", kind=TenantKind.VERIFICATION_LAB, name="AI晶片異質整合驗證實驗室")
    org = OrganizationFactory(tenant=lab, name="晶創科技股份有限公司")
    other = OrganizationFactory(tenant=lab, name="別家公司")
    return lab, org, other


def test_lab_staff_see_the_queued_running_and_failed_requests(client, lab):
    tenant, org, other = lab
    engineer = persona(tenant, Role.OFFICE_REVIEWER)
    for state in ("queued", "running", "failed", "succeeded"):
        VerificationJobFactory(tenant=tenant, state=state, request__requester_org=org, request__title=f"{state} 驗證")
    body = home(client, engineer, "lab")
    assert panels(body) == ["lab-queue"]
    counts = dict(re.findall(r'data-group="(\w+)">[^:]+: (\d+)<', body))
    assert counts == {"running": "1", "queued": "1", "failed": "1"}
    assert "succeeded 驗證" not in body and all(f"{s} 驗證" in body for s in ("queued", "running", "failed"))
    assert "qualification" not in main_text(body).lower()  # the lab runs no 5-day qualification


def test_lab_applicants_see_their_organisations_requests_only(client, lab):
    tenant, org, other = lab
    applicant = persona(tenant, Role.APPLICANT, org)
    VerificationJobFactory(tenant=tenant, request__requester_org=org, request__title="自家驗證")
    VerificationJobFactory(tenant=tenant, request__requester_org=other, request__title="別家驗證")
    body = home(client, applicant, "lab")
    assert panels(body) == ["my-requests"]
    assert "自家驗證" in body and "別家驗證" not in body


def test_each_tenant_has_its_own_public_text(client, world, lab):
    office = client.get("/t/tsmp/").content.decode()
    assert "Qualification review is decided within 5 working days." in office
    lab_page = client.get("/t/lab/").content.decode()
    assert "verifies AI-chip platforms" in lab_page and "qualification" not in main_text(lab_page).lower()


@pytest.mark.parametrize("persona_name", ["b_reviewer", "outsider"])
def test_a_non_member_gets_the_public_landing_page_without_data(client, world, persona_name):
    case = make_case(world.a, world.org_a, CaseState.SUBMITTED, due=TODAY, title="A 辦公室的案件")
    body = home(client, world.by_role()[persona_name])
    assert panels(body) == []
    assert case.title not in body and case.reference not in body
    assert "You hold no role here." in body


def _extra():
    """PostgreSQL sets and clears app.tenant_id (row-level security) once each per request."""
    return 2 if connection.vendor == "postgresql" else 0


def _fill(world, n):
    """``n`` cases of every kind a home lists, for the applicant's organisation (and the lab's)."""
    states = [
        CaseState.DRAFT,
        CaseState.SUBMITTED,
        CaseState.DOCUMENTS_REQUESTED,
        CaseState.PRELIMINARY_REVIEW,
        CaseState.FINAL_REVIEW,
        CaseState.QUALIFICATION,
    ]
    for i in range(n):
        state = states[i % len(states)]
        due = TODAY + dt.timedelta(days=i % 5 - 2) if state in (CaseState.SUBMITTED, CaseState.QUALIFICATION) else None
        make_case(world.a, world.org_a, state, due=due, remaining=2 if state == CaseState.DOCUMENTS_REQUESTED else None)


@pytest.mark.parametrize("n", [1, 30])
@pytest.mark.parametrize(
    "persona_name", ["applicant", "office_reviewer", "cto", "tenant_admin", "expert", "supplier", "b_reviewer"]
)
def test_each_home_takes_a_bounded_number_of_queries(client, world, django_assert_max_num_queries, persona_name, n):
    _fill(world, n)
    client.force_login(world.by_role()[persona_name])
    # The CTO's home has three panels: cases waiting for the committee, final reviews by due date, replacements.
    with django_assert_max_num_queries((12 if persona_name == "cto" else 10) + _extra()):
        assert client.get("/t/tsmp/").status_code == 200


@pytest.mark.parametrize("n", [1, 30])
@pytest.mark.parametrize("role", [Role.OFFICE_REVIEWER, Role.APPLICANT])
def test_the_lab_homes_take_a_bounded_number_of_queries(client, lab, django_assert_max_num_queries, role, n):
    tenant, org, _other = lab
    user = persona(tenant, role, org if role == Role.APPLICANT else None)
    for i in range(n):
        VerificationJobFactory(tenant=tenant, state=("queued", "running", "failed")[i % 3], request__requester_org=org)
    client.force_login(user)
    with django_assert_max_num_queries(6 + _extra()):
        assert client.get("/t/lab/").status_code == 200


def _sign_in(client, user, next_url=""):
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.username, "password": "pw-for-tests-2026"}, follow=True)


def test_a_user_of_one_tenant_lands_on_its_home_after_login(client, world):
    response = _sign_in(client, world.reviewer)
    assert response.redirect_chain[-1][0] == "/t/tsmp/"
    assert panels(response.content.decode()) == ["qualification-queue"]


def test_a_user_of_several_tenants_lands_on_the_portal_home_listing_them(client, world):
    MembershipFactory(user=world.reviewer, tenant=world.b, role=Role.EXPERT)
    response = _sign_in(client, world.reviewer)
    assert response.redirect_chain[-1][0] == "/"
    body = response.content.decode()
    assert 'href="/t/tsmp/"' in body and 'href="/t/ailab/"' in body and "Expert reviewer" in body


def test_two_roles_in_one_tenant_are_still_one_tenant(client, world):
    MembershipFactory(user=world.reviewer, tenant=world.a, role=Role.EXPERT)
    assert _sign_in(client, world.reviewer).redirect_chain[-1][0] == "/t/tsmp/"


def test_the_portal_home_lists_each_tenant_once_with_the_role_labels(client, world):
    MembershipFactory(user=world.reviewer, tenant=world.a, role=Role.EXPERT)
    MembershipFactory(user=world.reviewer, tenant=world.b, role=Role.FINANCE)
    client.force_login(world.reviewer)
    body = client.get("/").content.decode()
    rows = re.findall(r'<li class="list-group-item[^"]*"><a href="(/t/\w+/)">.*?</li>', body)
    assert rows == ["/t/ailab/", "/t/tsmp/"]
    labels = re.findall(r'role-label">([^<]+)<', body)
    assert labels == ["Finance admin", "Office reviewer", "Expert reviewer"]
    assert not [code for code in ROLE_CODES if code in main_text(body)]


def test_login_honours_next(client, world):
    response = _sign_in(client, world.reviewer, "/t/tsmp/cases/")
    assert response.redirect_chain[-1][0] == "/t/tsmp/cases/"


def test_a_user_without_a_tenant_lands_on_the_portal_home(client, world):
    assert _sign_in(client, world.outsider).redirect_chain[-1][0] == "/"
