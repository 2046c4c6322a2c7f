"""What the review app adds to the case page (registered with :mod:`cases.hooks`; cases imports no review).

Once the case has reached the committee (初審 / 複審, seed 000_9617a3b789ca4d20.txt): the final-review due date
("初審結束後一個月內完成", overdue flagged while the case is still in 複審), the committee's page for the case
(meetings, attendance requirement, released decisions), and for office staff its meetings and their decision
pages — the CTO also gets
"Schedule a meeting" when the current stage has no open meeting. Two queries.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from cases.enums import CaseState
from cases.hooks import case_section
from platform_site.rules import can
from review import queries
from review.enums import OPEN_MEETING_STATES, ReviewStage

#: The stage a case waits for in each committee state.
STAGE_OF_STATE = {CaseState.PRELIMINARY_REVIEW: ReviewStage.PRELIMINARY, CaseState.FINAL_REVIEW: ReviewStage.FINAL}


@case_section(order=10)
def committee_section(request: Any, case: Any) -> str:
    """The committee card, or "" for a case that never reached 初審."""
    meetings = queries.case_meetings(case)
    review_file = queries.case_review_file(case)
    stage = STAGE_OF_STATE.get(case.state)
    if stage is None and not meetings and review_file is None:
        return ""
    user, tenant = request.user, request.tenant
    today = timezone.localdate()
    due = review_file.final_review_due if review_file else None
    pending = case.state == CaseState.FINAL_REVIEW
    context = {
        "case": case,
        "file": review_file,
        "due": due,
        "pending": pending,
        "overdue": bool(due and pending and due < today),
        "days_left": (due - today).days if due else None,
        "meetings": meetings if can(user, "review.view_meeting", tenant) else [],
        "can_decide": can(user, "review.view_decisions", tenant),
        "can_schedule": stage is not None
        and can(user, "review.schedule_meeting", case)
        and not any(m.stage == stage and m.state in OPEN_MEETING_STATES for m in meetings),
    }
    return render_to_string("review/case_committee_section.html", context, request=request)
