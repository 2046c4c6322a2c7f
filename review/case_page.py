"""What the review app adds to the case page (registered with :mod:`cases.hooks`; cases imports no review).

The final-review due date (複審: seed 000_9617a3b789ca4d20.txt "初審結束後一個月內完成"), overdue flagged,
once the preliminary review has ended.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from cases.enums import CaseState
from cases.hooks import case_section
from review import queries


@case_section(order=10)
def final_review_due(request: Any, case: Any) -> str:
    """The committee file's dates (one query); empty when the preliminary review has not ended."""
    review_file = queries.case_review_file(case)
    if review_file is None or review_file.final_review_due is None:
        return ""
    today = timezone.localdate()
    context = {
        "file": review_file,
        "pending": case.state == CaseState.FINAL_REVIEW,
        "overdue": case.state == CaseState.FINAL_REVIEW and review_file.final_review_due < today,
        "days_left": (review_file.final_review_due - today).days,
    }
    return render_to_string("review/case_due.html", context, request=request)
