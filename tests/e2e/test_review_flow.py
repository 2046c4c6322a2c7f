"""The review committee end to end in real Chromium (ISSUE 8 "Done means"): the CTO schedules a preliminary
meeting (初審) and invites the panel, two experts declare no conflict and score in the browser, the CTO records
"pass to final", schedules the final review (複審) with a lead reviewer, records the applicant's in-person
attendance, the experts score, the CTO passes it with the value-creation tier, the tier discount and the case
manager and releases it, and the applicant sees the released decision — never a score or an expert's name. The
minutes PDF downloads and contains the decision (read back with pypdf).

The panels keep the seed's sizes (seed 000_9617a3b789ca4d20.txt: 初審 3-5, 複審 5-7 experts): the CTO invites
every expert in the browser; two of them (李建國, 陳淑惠) act in the browser, the others answer and score
through the same services (``review.services`` / ``review.services.meetings``) the pages call.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.enums import CaseState
from platform_site.enums import Role
from platform_site.tenancy import tenant_scope
from review import services
from review.enums import DecisionOutcome
from review.minutes import OUTCOME_ZH
from review.models import PanelInvitation, ReviewDecision
from review.services import meetings
from tests.e2e.browser import click_through
from tests.factories import OrganizationFactory, TenantFactory, persona, reload
from tests.review import factories as rf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_out(page) -> None:
    click_through(page, "form[action='/accounts/logout/'] button")


def _schedule(page, case_url: str, when: dt.datetime, **fields: str) -> str:
    """From the case page: "Schedule a meeting", fill the form; returns the meeting page's URL."""
    page.goto(case_url)
    click_through(page, "#schedule-link")
    page.fill("#id_scheduled_at", timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_mode", fields.pop("mode"))
    for name, value in fields.items():
        page.fill(f"#id_{name}", value)
    click_through(page, "#schedule-form button[type=submit]")
    assert "/review/meetings/" in page.url, page.url
    return page.url


def _invite(page, experts, lead=None) -> None:
    """On the meeting page: open the panel and invite ``experts`` from the picker (``lead`` as lead reviewer)."""
    click_through(page, "#panel-link")
    for exp in experts:
        row = page.locator(f"#picker tr[data-expert='{exp.pk}']")
        if exp == lead:
            row.locator("input[name=is_lead]").check()
        click_through(page, row.locator("button[type=submit]"))
        assert page.locator("#error").count() == 0, page.locator("#error").inner_text()
    assert page.locator("#panel tr[data-state='invited']").count() == len(experts)


def _expert_declares_and_scores(page, login, expert, meeting_pk: int, comment: str, *, first: bool = False) -> None:
    """The expert signs in, opens the invitation from their home, declares no conflict, accepts and scores."""
    login(page, expert.user)
    with tenant_scope(expert.tenant):
        invitation = PanelInvitation.objects.get(meeting_id=meeting_pk, expert=expert)
    click_through(page, f"[data-panel='review-invitations'] [data-invitation='{invitation.pk}'] a")
    if first:  # nothing of the case before the first declaration on it
        assert page.locator("#case-link").count() == 0
    page.check("input[name=has_conflict][value=no]")
    click_through(page, "#declaration-form button[type=submit]")
    click_through(page, "#accept-form button[type=submit]")
    assert page.locator("#case-link").count() == 1
    click_through(page, "#score-link")
    page.select_option("#id_value_creation", "1")  # tier 1: a new application opening a new market
    page.fill("#id_local_linkage", "4")  # scale 1-5
    page.select_option("#id_recommendation", "1")
    page.fill("#id_value_creation__why", "開發新市場之嶄新應用：客製邊緣 AI 晶片。")
    page.fill("#id_local_linkage__why", "串聯在地晶片設計與系統整合業者。")
    page.fill("#id_comments", comment)
    click_through(page, "#score-form button[name=submit]")
    assert page.locator("#submitted").count() == 1
    _sign_out(page)


def _others_answer_and_score(meeting_pk: int, experts, tenant) -> None:
    """The rest of the panel, through the services the pages call (declare, accept, submit scores)."""
    with tenant_scope(tenant):
        for exp in experts:
            inv = PanelInvitation.objects.get(meeting_id=meeting_pk, expert=exp)
            services.declare_conflicts(inv, exp.user, has_conflict=False)
            services.accept_invitation(inv, exp.user)
            entries = {
                "value_creation": {"value": 2, "justification": "現有產品的加值應用。"},
                "local_linkage": {"value": 4, "justification": "鏈結在地供應鏈。"},
                "recommendation": {"value": 1},
            }
            meetings.save_scores(reload(inv), exp.user, entries, submit=True)


def _decide(page, meeting_url: str, outcome: str, reasons: str, comments: str, **final: str) -> None:
    page.goto(meeting_url)
    click_through(page, "#decision-link")
    page.check(f"input[name=outcome][value={outcome}]")
    page.fill("#id_reasons", reasons)
    page.fill("#id_applicant_comments", comments)
    for name, value in final.items():
        page.select_option(f"#id_{name}", value)
    click_through(page, "#decision-form button[type=submit]")
    assert page.locator("#error").count() == 0, page.locator("#error").inner_text()
    assert page.locator("#recorded-decision").count() == 1


def test_the_committee_reviews_a_case_from_preliminary_to_a_released_final_pass(page, login):
    tenant = TenantFactory(slug="tsmp", name="臺灣智慧系統整合製造平台推動辦公室", settings={"case_prefix": "TSMP"})
    org = OrganizationFactory(tenant=tenant, name="南方精密金屬股份有限公司", ubn="04595257")
    applicant = persona(tenant, Role.APPLICANT, org, first_name="陳志明")
    cto = persona(tenant, Role.CTO, first_name="張家豪")
    manager = persona(tenant, Role.CASE_MANAGER, first_name="黃淑芬")
    with tenant_scope(tenant):
        services.install_tier_discounts(cto)  # review/rubric_presets.py: tier 1, rating 4 → 25 %
    names = ["李建國", "陳淑惠", "王志豪", "林美華", "黃俊傑"]
    experts = [rf.expert(tenant, first_name=name) for name in names]
    case = rf.case_in(tenant, applicant_org=org, created_by=applicant, title="金屬加工件表面瑕疵 AI 檢測")
    case_url = f"/t/tsmp/cases/{case.pk}/"

    # 1. 初審: the CTO schedules round 1 by video from the case page and invites three experts.
    login(page, cto)
    prelim_url = _schedule(
        page,
        case_url,
        timezone.now() + dt.timedelta(days=7),
        mode="video",
        video_link="https://meet.example.tw/tsmp-r1",
        agenda="案件簡報、委員詢答、共識決",
    )
    _invite(page, experts[:3])
    prelim_pk = int(prelim_url.rstrip("/").split("/")[-1])
    _sign_out(page)

    # 2. Two experts declare and score in the browser; the third through the services.
    _expert_declares_and_scores(page, login, experts[0], prelim_pk, "需求明確，建議進入複審。", first=True)
    _expert_declares_and_scores(page, login, experts[1], prelim_pk, "在地供應鏈鏈結佳。", first=True)
    _others_answer_and_score(prelim_pk, experts[2:3], tenant)

    # 3. The CTO records "pass to final": the case moves to 複審 with its due date within the month.
    login(page, cto)
    _decide(page, prelim_url, "pass_to_final", "委員共識通過初審。", "恭喜通過初審，複審請實體出席。")
    page.goto(case_url)
    assert page.locator("#case-status [data-state]").get_attribute("data-state") == CaseState.FINAL_REVIEW
    assert page.locator("#final-review-due [data-due]").count() == 1

    # 4. 複審: scheduled in person with five experts, 李建國 the lead reviewer.
    final_url = _schedule(
        page, case_url, timezone.now() + dt.timedelta(days=14), mode="in_person", room="推動辦公室 第一會議室"
    )
    _invite(page, experts, lead=experts[0])
    final_pk = int(final_url.rstrip("/").split("/")[-1])
    _sign_out(page)
    _expert_declares_and_scores(page, login, experts[0], final_pk, "主審意見：建議通過。")
    _expert_declares_and_scores(page, login, experts[1], final_pk, "建議通過。")
    _others_answer_and_score(final_pk, experts[2:], tenant)

    # 5. The CTO records the applicant's in-person attendance, then passes it with tier, discount and manager.
    login(page, cto)
    page.goto(final_url)
    for select in page.locator("#attendance-form select[name^=expert_]").all():
        select.select_option("yes")
    page.select_option("#id_applicant_attendance", "in_person")
    page.fill("#id_applicant_attendees", "陳志明（總經理）")
    click_through(page, "#attendance-form button[type=submit]")
    _decide(
        page,
        final_url,
        "pass",
        "委員共識通過複審：價值創造性第一級，在地連結性 4。",
        "恭喜通過複審，個案管理師將與您聯繫。",
        value_creation_tier="1",
        local_linkage_rating="4",
        case_manager=str(manager.pk),
    )
    assert "25%" in page.locator("#labour-share").inner_text()
    click_through(page, "#release-form button[type=submit]")
    with tenant_scope(tenant):
        decision = ReviewDecision.objects.get(meeting_id=final_pk)
    assert decision.state == "released" and decision.minutes_sha256  # rendered by the task queued on commit

    # 6. The minutes PDF downloads and names the decision, its reasons, the tier discount and the case manager.
    page.reload()
    assert page.locator("#minutes-sha256").inner_text() == decision.minutes_sha256
    href = page.locator("#minutes a").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    compact = "".join(text.split())
    passed = OUTCOME_ZH[DecisionOutcome.PASS]  # the minutes are zh-Hant whatever the reader's language
    for expected in (passed, "委員共識通過複審", "需求端分攤平台人力成本25%", "個案管理師黃淑芬", case.reference):
        assert expected in compact, (expected, compact[:400])
    _sign_out(page)

    # 7. The applicant sees the released decision and comments — no score, no expert's name.
    login(page, applicant)
    page.goto(case_url)
    assert page.locator("#case-status [data-state]").get_attribute("data-state") == CaseState.IN_SERVICE
    click_through(page, "#committee-link")
    released = page.locator(".released-decision")
    assert released.count() == 1  # the final pass (the preliminary decision was not released)
    body = page.locator("main").inner_text()
    assert "恭喜通過複審" in body and "25%" in body
    assert not any(name in body for name in names)
    assert "在地供應鏈鏈結佳" not in body  # an expert's comment
