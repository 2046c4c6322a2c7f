"""Demo data of the review committee (``manage.py seed_demo``), everything through the review services so the
activity log reads as if the people had done it.

- Every programme / grant-call office: its rubric — TSMP (seed 000_9617a3b789ca4d20.txt "審查評分項目") or, in the
  grant-call office, seed 001_f4b2551ebc037df1.txt's professional review (item 1 20 %, items 2-5 40 %, items
  6-8 25 %, items 9-10 15 %) — and an expert pool of industry, academic and research experts (產學研專家) with
  dated affiliations, the demo expert login among them.
- TSMP office, the demand cases of ``cases/demo.py`` at each review stage (初審 / 複審, seed 000 收案與審查流程):
  - 布匹織疵自動辨識與分級 (preliminary review): round 1 scheduled by video; three experts accepted (one scored
    and submitted, one saved a draft), one still unanswered, and one flagged by the automatic conflict check
    (an affiliation with the applicant's 統一編號 within 3 years), invited with a logged override reason, who
    then declared the conflict and **recused**;
  - 居家復健動作辨識 (final review): round 1 closed "another preliminary round", round 2 closed "pass to final"
    and released; the final review (複審) scheduled in person within the month, five experts, one lead reviewer;
  - 金屬加工件表面瑕疵 AI 檢測 (in service): preliminary round passed; the final review held with the applicant
    in person, scored, passed with value-creation tier 1, local-linkage rating 4 → the tier discount from the
    table (25 % of the platform labour), case manager appointed; released to the applicant. The minutes PDFs
    are rendered by the worker (queued on commit).
- Grant-call office: one preliminary meeting whose three experts scored the ten items (weighted total on the
  meeting board).

Idempotent: a tenant that has an expert pool is left alone. Runs inside ``tenant_scope(site.tenant)``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cases.demo import CASES
from cases.models import DemandCase
from platform_site.enums import Role, TenantKind
from platform_site.extensions import DemoSite
from platform_site.management.commands.seed_demo import DEMO_PASSWORD
from review import services
from review.apps import REVIEW_TENANT_KINDS
from review.enums import ApplicantAttendance, ConflictCategory, DecisionOutcome, ExpertKind, MeetingMode, ReviewStage
from review.models import Expert, PanelInvitation, ReviewDecision, ReviewMeeting
from review.services import meetings

#: (login prefix, name, sector, title, expertise, affiliations [(organisation, 統一編號 or "", years ago from, to)])
EXPERTS: list[tuple[str, str, str, str, list[str], list[tuple[str, str, int, int | None]]]] = [
    (
        "expert",
        "李建國",
        ExpertKind.ACADEMIA,
        "國立南方科技大學 電機工程學系 教授",
        ["AI 晶片", "邊緣運算"],
        [("國立南方科技大學", "", 12, None)],
    ),
    (
        "chen.expert",
        "陳淑惠",
        ExpertKind.RESEARCH,
        "工業技術研究院 電子與光電系統研究所 組長",
        ["機器視覺", "瑕疵檢測"],
        [("財團法人工業技術研究院", "02750963", 15, None)],
    ),
    (
        "wang.expert",
        "王志豪",
        ExpertKind.INDUSTRY,
        "晶片設計服務公司 技術副總",
        ["IC 設計", "系統單晶片"],
        [("南科晶片設計股份有限公司", "", 6, None), ("某晶圓代工廠", "", 14, 6)],
    ),
    (
        "lin.expert",
        "林美華",
        ExpertKind.ACADEMIA,
        "國立高雄科技大學 智慧製造學系 副教授",
        ["智慧製造", "預知保養"],
        [("國立高雄科技大學", "", 9, None)],
    ),
    (
        "huang.expert",
        "黃俊傑",
        ExpertKind.INDUSTRY,
        "系統整合商 總經理",
        ["系統整合", "工業物聯網"],
        [("港都系統整合股份有限公司", "", 10, None)],
    ),
    (
        "tsai.expert",
        "蔡佩珊",
        ExpertKind.RESEARCH,
        "金屬工業研究發展中心 研究員",
        ["金屬加工", "製程最佳化"],
        [("財團法人金屬工業研究發展中心", "", 11, None)],
    ),
    (
        "chang.expert",
        "張文彬",
        ExpertKind.INDUSTRY,
        "紡織機械顧問",
        ["紡織製程", "品質管理"],
        # Worked for the applicant of the textile case until a year ago: the automatic check flags him there.
        [("顧問工作室", "", 1, None), ("織采紡織股份有限公司", "<textile>", 8, 1)],
    ),
    (
        "wu.expert",
        "吳宗翰",
        ExpertKind.ACADEMIA,
        "國立成功大學 醫學工程研究所 教授",
        ["醫療器材", "穿戴式感測"],
        [("國立成功大學", "", 13, None)],
    ),
    (
        "hsu.expert",
        "許雅雯",
        ExpertKind.RESEARCH,
        "資訊工業策進會 數位轉型研究院 經理",
        ["數位轉型", "資訊安全"],
        [("財團法人資訊工業策進會", "", 7, None)],
    ),
]

#: TSMP scores per expert: (value-creation tier, local-linkage rating, recommend, comment).
JUSTIFY_TIER = {1: "開發新市場之嶄新應用，具市場開拓性。", 2: "屬現有產品的加值應用。", 3: "主要效益為降低成本。"}
JUSTIFY_LINK = "串聯在地 AI、半導體與電子資通訊上中下游業者，具供應鏈加值帶動效果。"


def _title(target: str) -> str:
    return next(title for _org, title, *_rest, case_target in CASES if case_target == target)


def _tsmp_scores(tier: int, rating: int, recommend: bool, comment: str) -> dict[str, dict[str, Any]]:
    return {
        "value_creation": {"value": tier, "justification": JUSTIFY_TIER[tier]},
        "local_linkage": {"value": rating, "justification": JUSTIFY_LINK},
        "recommendation": {"value": 1 if recommend else 0},
        "comments": {"text": comment},
    }


class _Committee:
    """The demo office's CTO acting through the services, and its expert pool."""

    def __init__(self, site: DemoSite) -> None:
        self.site, self.tenant = site, site.tenant
        self.cto = site.people[Role.CTO]
        self.experts: list[Expert] = []

    def pool(self) -> None:
        textile_ubn = self.site.orgs["textile"].ubn
        today = timezone.localdate()
        for prefix, name, kind, title, expertise, affiliations in EXPERTS:
            email = f"{prefix}@{self.tenant.slug}.demo"
            exp = services.create_expert(
                self.cto, self.tenant, email=email, full_name=name, kind=kind, title=title, expertise=expertise
            )
            if not exp.user.has_usable_password():  # a demo login like the others
                exp.user.set_password(DEMO_PASSWORD)
                exp.user.save(update_fields=["password"])
            for org, ubn, since, until in affiliations:
                services.add_affiliation(
                    exp,
                    exp.user,  # the expert keeps their own profile
                    {
                        "organisation_name": org,
                        "ubn": textile_ubn if ubn == "<textile>" else ubn,
                        "position": title.split(" ")[-1],
                        "start": today.replace(year=today.year - since, month=1, day=1),
                        "end": None if until is None else today.replace(year=today.year - until, month=1, day=1),
                    },
                )
            self.experts.append(exp)

    def schedule(self, case: DemandCase, stage: str, days: int, **kwargs: Any) -> ReviewMeeting:
        when = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0) + dt.timedelta(days=days)
        defaults = {"mode": MeetingMode.IN_PERSON, "room": "推動辦公室 3 樓第一會議室"}
        return meetings.schedule_meeting(
            self.cto,
            case,
            stage=stage,
            scheduled_at=when,
            agenda="一、案件簡報（需求業者）\n二、委員詢答\n三、委員評分與共識決",
            **{**defaults, **kwargs},
        )

    def seat(self, meeting: ReviewMeeting, expert: Expert, *, accept: bool = True, **kwargs: Any) -> PanelInvitation:
        inv = services.invite_expert(meeting, expert, self.cto, **kwargs)
        if accept:
            services.declare_conflicts(inv, expert.user, has_conflict=False)
            services.accept_invitation(inv, expert.user)
        return inv

    def panel(self, meeting: ReviewMeeting, experts: list[Expert], scores: list[dict[str, Any]]) -> list[Any]:
        """Seat ``experts`` (accepted) and submit their ``scores`` (same order)."""
        seats = [self.seat(meeting, exp) for exp in experts]
        for inv, entries in zip(seats, scores, strict=False):
            meetings.save_scores(inv, inv.expert.user, entries, submit=True)
        return seats

    def close(self, meeting: ReviewMeeting, outcome: str, reasons: str, comments: str, **final: Any) -> ReviewDecision:
        meetings.run_meeting_action(meeting, "open", self.cto)
        return services.close_with_decision(
            meeting,
            self.cto,
            outcome=outcome,
            reasons=reasons,
            minutes=f"會議由技術長主持，{reasons}",
            applicant_comments=comments,
            **final,
        )


def _case(title: str) -> DemandCase:
    return DemandCase.objects.get(title=title)


def seed(site: DemoSite) -> None:
    """The review demo of ``site.tenant`` (see the module docstring); nothing in a verification lab."""
    if site.tenant.kind not in REVIEW_TENANT_KINDS or Expert.objects.exists():
        return
    committee = _Committee(site)
    meetings.meeting_rubric(site.tenant, committee.cto)  # the office's rubric (TSMP / grant call), logged
    committee.pool()
    if site.tenant.kind == TenantKind.GRANT_CALL:
        _grant_call(committee)
        return
    services.install_tier_discounts(committee.cto)
    e = committee.experts
    _preliminary_in_progress(committee, _case(_title("preliminary_review")), e)
    _final_scheduled(committee, _case(_title("final_review")), e)
    _passed(committee, _case(_title("in_service")), e, site.people[Role.CASE_MANAGER])


def _preliminary_in_progress(c: _Committee, case: DemandCase, e: list[Expert]) -> None:
    """Round 1 by video in five days: three accepted (one submitted, one draft), one unanswered, one recusal."""
    mtg = c.schedule(
        case, ReviewStage.PRELIMINARY, 5, mode=MeetingMode.VIDEO, room="", video_link="https://meet.example.tw/tsmp-r1"
    )
    submitted = c.seat(mtg, e[1])
    meetings.save_scores(
        submitted, e[1].user, _tsmp_scores(2, 3, True, "影像辨識方案可行，建議先做產線 PoC。"), submit=True
    )
    draft = c.seat(mtg, e[0])
    meetings.save_scores(draft, e[0].user, {"value_creation": {"value": 2, "justification": JUSTIFY_TIER[2]}})
    c.seat(mtg, e[3])
    c.seat(mtg, e[8], accept=False)  # has not answered yet
    flagged = services.invite_expert(
        mtg, e[6], c.cto, override_reason="紡織製程專長難以替代，離職已逾一年；請其依利益迴避規定自行聲明。"
    )
    services.declare_conflicts(
        flagged,
        e[6].user,
        has_conflict=True,
        categories=[ConflictCategory.EMPLOYMENT],
        details="曾任申請廠商品保經理至去年。",
    )


def _final_scheduled(c: _Committee, case: DemandCase, e: list[Expert]) -> None:
    """Two preliminary rounds (another round, then pass to final, released); the final review scheduled."""
    r1 = c.schedule(
        case, ReviewStage.PRELIMINARY, -40, mode=MeetingMode.HYBRID, video_link="https://meet.example.tw/r1"
    )
    c.panel(
        r1,
        [e[7], e[3], e[8]],
        [
            _tsmp_scores(2, 3, False, "臨床驗證規劃不足，請補充場域與個資保護作法。"),
            _tsmp_scores(3, 2, False, "動作辨識準確度目標未量化。"),
            _tsmp_scores(2, 3, True, "方向可行，建議補件後再審。"),
        ],
    )
    first = c.close(
        r1,
        DecisionOutcome.ANOTHER_ROUND,
        "委員建議補充臨床場域驗證規劃與個資保護作法後再次初審。",
        "請補充合作醫療院所之場域驗證規劃、辨識準確度目標與個資保護作法，將再安排初審。",
    )
    services.release_decision(first, c.cto)
    r2 = c.schedule(
        case, ReviewStage.PRELIMINARY, -10, mode=MeetingMode.VIDEO, room="", video_link="https://meet.example.tw/r2"
    )
    c.panel(
        r2,
        [e[7], e[3], e[8], e[0]],
        [
            _tsmp_scores(1, 4, True, "補充之場域驗證完整，具新市場潛力。"),
            _tsmp_scores(2, 4, True, "準確度目標明確。"),
            _tsmp_scores(2, 3, True, "個資保護作法可行。"),
            _tsmp_scores(1, 4, True, "穿戴式感測需客製晶片，適合平台服務。"),
        ],
    )
    second = c.close(
        r2,
        DecisionOutcome.PASS_TO_FINAL,
        "補件內容完整，委員共識通過初審，進入複審。",
        "恭喜通過初審。複審須由貴公司代表實體出席簡報，將於一個月內召開。",
    )
    services.release_decision(second, c.cto)
    final = c.schedule(case, ReviewStage.FINAL, 12)
    for index, exp in enumerate([e[7], e[0], e[1], e[4], e[5]]):
        c.seat(final, exp, accept=index < 4, is_lead=index == 0)  # 吳宗翰 leads; the fifth has not answered


def _passed(c: _Committee, case: DemandCase, e: list[Expert], manager: Any) -> None:
    """Preliminary passed and released; the final review held in person, passed with tier and discount."""
    prelim = c.schedule(
        case, ReviewStage.PRELIMINARY, -45, mode=MeetingMode.VIDEO, room="", video_link="https://meet.example.tw/m1"
    )
    c.panel(
        prelim,
        [e[1], e[5], e[2]],
        [
            _tsmp_scores(1, 4, True, "夜班漏檢問題明確，需客製推論晶片。"),
            _tsmp_scores(2, 4, True, "金屬加工在地供應鏈完整。"),
            _tsmp_scores(1, 5, True, "可帶動在地晶片設計業者。"),
        ],
    )
    passed = c.close(
        prelim,
        DecisionOutcome.PASS_TO_FINAL,
        "需求明確且現有供應鏈無法服務，委員共識通過初審。",
        "恭喜通過初審，請準備複審簡報並由公司代表實體出席。",
    )
    services.release_decision(passed, c.cto)
    final = c.schedule(case, ReviewStage.FINAL, -20)
    seats = c.panel(
        final,
        [e[2], e[1], e[5], e[4], e[3]],
        [
            _tsmp_scores(1, 4, True, "客製邊緣 AI 晶片開拓新市場，建議通過。"),
            _tsmp_scores(1, 4, True, "驗證規劃完整。"),
            _tsmp_scores(2, 4, True, "成本效益佳。"),
            _tsmp_scores(1, 3, True, "系統整合分工清楚。"),
            _tsmp_scores(1, 4, True, "建議通過。"),
        ],
    )
    services.designate_lead(seats[0], c.cto)  # 王志豪 主審
    meetings.record_attendance(
        final,
        c.cto,
        experts={inv.pk: True for inv in seats},
        applicant_attendance=ApplicantAttendance.IN_PERSON,
        applicant_attendees="陳志明（總經理）、品保課長",
    )
    decision = c.close(
        final,
        DecisionOutcome.PASS,
        "委員共識通過複審：價值創造性第一級（開發新市場之嶄新應用），在地連結性 4。",
        "恭喜通過複審。平台服務團隊人力成本依分級折扣分攤，個案管理師將與您聯繫組成工作小組。",
        value_creation_tier=1,
        local_linkage_rating=4,
        case_manager=manager,
    )
    services.release_decision(decision, c.cto)


def _grant_call(c: _Committee) -> None:
    """One preliminary meeting in the grant-call office, three experts scoring seed 001's ten items."""
    case = DemandCase.objects.filter(state="preliminary_review").order_by("pk").first()
    if case is None:
        return
    mtg = c.schedule(case, ReviewStage.PRELIMINARY, 3)
    keys = [
        "problem_analysis",
        "supply_chain_flow",
        "smart_machinery",
        "artificial_intelligence",
        "cyber_security",
        "si_validation",
        "division_of_work",
        "budget_schedule",
        "proposer_supply_chain",
        "si_firm",
    ]
    sheets = [
        [80, 75, 70, 85, 60, 78, 72, 70, 82, 76],
        [85, 70, 72, 80, 65, 75, 70, 68, 80, 74],
        [78, 72, 68, 82, 62, 80, 74, 72, 78, 70],
    ]
    c.panel(mtg, c.experts[:3], [{k: {"value": v} for k, v in zip(keys, sheet, strict=True)} for sheet in sheets])
