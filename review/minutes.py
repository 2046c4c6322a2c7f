"""The minutes (會議紀錄) of a closed review meeting: a zh-Hant A4 PDF, rendered once, stored, never changed.

Seed 000_9617a3b789ca4d20.txt (初審 / 複審 "共識決"): the minutes record the meeting (case, stage, round, time,
mode, place), the attendees (chair, experts with the lead reviewer marked, the applicant's attendance),
the recusals (利益迴避, with their §32 grounds), a per-criterion summary of the panel's scores (count, mean,
lowest, highest — no expert's individual score), the decision and its reasons and, for a final pass, the
value-creation tier, the local-linkage rating, the tier discount (the applicant's share of platform labour)
and the case manager.

Rendering follows :mod:`hwsim.certificate`: a private Django template engine on this app's ``templates``
directory, WeasyPrint, every text in ``"Noto Sans CJK TC"`` (Debian ``fonts-noto-cjk``; subset-embedded, with
a ToUnicode map so the text reads back, e.g. with pypdf). :func:`issue_minutes` is what the Celery task
:func:`review.tasks.render_minutes` calls: idempotent (a decision that has minutes keeps them), stores the
file under ``tenants/<id>/review/minutes/<meeting>/`` with its SHA-256 (hex, 64 chars) and logs
``minutes_issued``.
"""

from __future__ import annotations

import hashlib
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from platform_site.activity import log_event
from platform_site.actors import SYSTEM
from platform_site.enums import ActivityAction
from review.enums import (
    ApplicantAttendance,
    ConflictCategory,
    CriterionKind,
    DecisionOutcome,
    DecisionState,
    InvitationState,
    MeetingMode,
    ReviewStage,
)
from review.models import PanelInvitation, ReviewDecision, ReviewMeeting, Score

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
#: zh-Hant wording printed in the minutes (the document is zh-Hant whatever the reader's language).
STAGE_ZH = {ReviewStage.PRELIMINARY: "初審", ReviewStage.FINAL: "複審", ReviewStage.SUPPLIER_FINAL: "供應商複審"}
MODE_ZH = {MeetingMode.IN_PERSON: "實體會議", MeetingMode.VIDEO: "視訊會議", MeetingMode.HYBRID: "實體會議（併視訊）"}
OUTCOME_ZH = {
    DecisionOutcome.PASS_TO_FINAL: "通過初審，進入複審",
    DecisionOutcome.ANOTHER_ROUND: "再行初審",
    DecisionOutcome.PASS: "通過複審",
    DecisionOutcome.RETURN: "退回補充資料",
    DecisionOutcome.REJECT: "不通過",
}
#: A supplier's final review passes into the partner directory (issue 9).
SUBJECT_OUTCOME_ZH = {(ReviewStage.SUPPLIER_FINAL, DecisionOutcome.PASS): "通過複審，核定為合作夥伴"}
ATTENDANCE_ZH = {
    ApplicantAttendance.IN_PERSON: "實體出席",
    ApplicantAttendance.VIDEO: "視訊出席",
    ApplicantAttendance.ABSENT: "未出席",
    ApplicantAttendance.NOT_RECORDED: "未記錄",
}
TIER_ZH = {1: "第一級：開發新市場之嶄新應用", 2: "第二級：現有產品的加值應用", 3: "第三級：降低成本之應用"}
CATEGORY_ZH = {
    ConflictCategory.SPOUSE: "配偶或前配偶",
    ConflictCategory.BLOOD_RELATIVE: "四親等內血親",
    ConflictCategory.IN_LAW: "三親等內姻親",
    ConflictCategory.JOINT_RIGHT: "共同權利人或義務人",
    ConflictCategory.AGENT: "代理人或輔佐人",
    ConflictCategory.WITNESS: "證人或鑑定人",
    ConflictCategory.EMPLOYMENT: "僱傭或業務關係",
    ConflictCategory.OTHER: "其他足認有偏頗之虞",
}


@lru_cache(maxsize=1)
def template_engine() -> Any:
    """The private Django template engine (dirs = ``review/templates``)."""
    from django.template import Engine

    return Engine(dirs=[str(TEMPLATES_DIR)], app_dirs=False)


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "—"


def _number(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def criterion_summary(meeting: ReviewMeeting) -> list[dict[str, Any]]:
    """Per criterion of the meeting's rubric, over the scores of experts who accepted a seat:
    ``[{"group", "label", "kind", "count", "mean", "low", "high", "comments"}]`` — numbers as strings (mean to
    two decimals, half up; "—" when nobody scored); ``comments``: how many text answers / justifications.
    Two queries whatever the panel's size; never names an expert."""
    criteria = list(meeting.rubric.criteria.select_related("group").order_by("group__position", "position", "pk"))
    scores = Score.objects.filter(invitation__meeting=meeting, invitation__state=InvitationState.ACCEPTED).values_list(
        "criterion_id", "value", "text", "justification"
    )
    values: dict[int, list[int]] = {}
    comments: dict[int, int] = {}
    for criterion_id, value, text, justification in scores:
        if value is not None:
            values.setdefault(criterion_id, []).append(value)
        if text or justification:
            comments[criterion_id] = comments.get(criterion_id, 0) + 1
    rows = []
    for criterion in criteria:
        got = values.get(criterion.pk, [])
        numeric = criterion.kind != CriterionKind.TEXT and got
        rows.append(
            {
                "group": criterion.group.label_zh,
                "label": criterion.label_zh,
                "kind": criterion.kind,
                "count": len(got),
                "mean": _number(Decimal(sum(got)) / len(got)) if numeric else "—",
                "low": min(got) if numeric else "—",
                "high": max(got) if numeric else "—",
                "comments": comments.get(criterion.pk, 0),
            }
        )
    return rows


def minutes_context(decision: ReviewDecision) -> dict[str, Any]:
    """What the minutes template sees (pre-formatted zh-Hant strings)."""
    meeting = decision.meeting
    case = meeting.case  # None for a registered subject's meeting (the supplier final review)
    invitations = list(
        PanelInvitation.objects.filter(meeting=meeting)
        .select_related("expert__user", "declaration")
        .order_by("-is_lead", "pk")
    )
    experts = [
        {
            "name": _name(inv.expert.user),
            "title": inv.expert.title,
            "lead": inv.is_lead,
            "attended": {True: "出席", False: "未出席"}.get(inv.attended, "未記錄"),
        }
        for inv in invitations
        if inv.state == InvitationState.ACCEPTED
    ]
    recusals = []
    for inv in invitations:
        if inv.state != InvitationState.RECUSED:
            continue
        declaration = getattr(inv, "declaration", None)
        grounds = [CATEGORY_ZH.get(code, code) for code in (declaration.categories if declaration else [])]
        recusals.append({"name": _name(inv.expert.user), "grounds": "、".join(grounds) or "自行迴避"})
    when = timezone.localtime(meeting.scheduled_at)
    recorded = timezone.localtime(decision.recorded_at or timezone.now())
    place = meeting.room or ""
    if meeting.video_link:
        place = f"{place}　{meeting.video_link}".strip()
    is_pass = decision.outcome == DecisionOutcome.PASS and meeting.stage == ReviewStage.FINAL
    outcome = SUBJECT_OUTCOME_ZH.get((meeting.stage, decision.outcome)) or OUTCOME_ZH.get(
        decision.outcome, decision.outcome
    )
    return {
        "tenant_name": meeting.tenant.name,
        "case": case,
        "applicant": getattr(case.applicant_org, "name", "") if case is not None else meeting.subject_title,
        "stage": STAGE_ZH[meeting.stage],
        "round": meeting.round,
        "when": when.strftime("%Y-%m-%d %H:%M"),
        "mode": MODE_ZH.get(meeting.mode, meeting.mode),
        "place": place or "—",
        "agenda": meeting.agenda,
        "chair": _name(meeting.chair),
        "chair_role": "技術長（主審）" if meeting.stage == ReviewStage.PRELIMINARY else "技術長（主席）",
        "experts": experts,
        "applicant_attendance": ATTENDANCE_ZH.get(meeting.applicant_attendance, "未記錄"),
        "applicant_attendees": meeting.applicant_attendees,
        "recusals": recusals,
        "summary": criterion_summary(meeting),
        "rubric": f"{meeting.rubric.name_zh} 第 {meeting.rubric.version} 版",
        "outcome": outcome,
        "decision": decision,
        "is_pass": is_pass,
        "tier": TIER_ZH.get(decision.value_creation_tier, decision.value_creation_tier) if is_pass else "",
        "case_manager": _name(decision.case_manager) if is_pass else "",
        "recorded": recorded.strftime("%Y-%m-%d %H:%M"),
        "recorded_w3c": recorded.isoformat(timespec="seconds"),
    }


def render_minutes_html(decision: ReviewDecision) -> str:
    from django.template import Context

    template = template_engine().get_template("review/minutes.html")
    return template.render(Context(minutes_context(decision), autoescape=True))


def render_minutes_pdf(decision: ReviewDecision) -> bytes:
    """The minutes as PDF bytes (A4, one or two pages; ~0.5-1 s on a 2-core machine). The PDF's
    created/modified metadata are the decision's ``recorded_at``, so a re-render is the same document."""
    from weasyprint import HTML

    return HTML(string=render_minutes_html(decision), base_url=str(TEMPLATES_DIR)).write_pdf()


def _decision(decision_id: int) -> ReviewDecision | None:
    return (
        ReviewDecision.objects.select_related(
            "meeting__case__applicant_org", "meeting__chair", "meeting__rubric", "meeting__tenant", "case_manager"
        )
        .filter(pk=decision_id)
        .first()
    )


def issue_minutes(decision_id: int) -> bool:
    """Render and store the minutes of decision ``decision_id`` (current tenant scope) unless it already has
    them; return whether a file was stored. A draft decision (meeting not closed) gets none. The PDF is
    rendered outside the row lock; the lock then re-checks, so two workers store one file."""
    decision = _decision(decision_id)
    if decision is None or decision.state == DecisionState.DRAFT or decision.minutes_sha256:
        return False
    pdf = render_minutes_pdf(decision)
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        locked = ReviewDecision.objects.select_for_update().get(pk=decision_id)
        if locked.minutes_sha256:
            return False
        locked.minutes_pdf.save(f"minutes-{decision.meeting_id}-{digest[:12]}.pdf", ContentFile(pdf), save=False)
        ReviewDecision.objects.filter(pk=decision_id).update(minutes_pdf=locked.minutes_pdf.name, minutes_sha256=digest)
        log_event(locked, ActivityAction.MINUTES_ISSUED, SYSTEM, data={"sha256": digest, "bytes": len(pdf)})
    return True
