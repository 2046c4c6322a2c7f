"""Conflicts of interest (利益迴避): the declaration an expert signs for each invitation, and the portal's own
check of the expert's affiliations against the applicant's 統一編號.

- The declaration's grounds are those of 行政程序法 §32 (Administrative Procedure Act, art. 32: the official
  or their spouse, former spouse, blood relative within the fourth degree or relative by marriage within the
  third degree is a party or a joint right-holder/obligor; is or was a party's agent or assistant; is a
  witness or expert witness in the matter) plus the employment / business relationship the programme asks
  about (ISSUE 8; seed 000_9617a3b789ca4d20.txt 審查: 產學研專家). Codes: :class:`review.enums.ConflictCategory`.
- :data:`DECLARATION_VERSION` names the declaration text below; each :class:`review.models.ConflictDeclaration`
  records the version the expert saw. Change the text ⇒ bump the version (old declarations keep theirs).
- :func:`conflicted_expert_ids`: experts with an affiliation whose ``ubn`` is the applicant's and which
  overlaps the last ``tenant.config.review_conflict_lookback_years`` years (Asia/Taipei dates).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from review.enums import ConflictCategory

#: Version of :data:`DECLARATION_TEXT` (recorded on every declaration).
DECLARATION_VERSION = "2026-12-v1"

#: The declaration the expert reads before answering (行政程序法 §32; translated, English source).
DECLARATION_TEXT = _(
    "Before you see the case file, declare whether you have a conflict of interest with the applicant or its "
    "people. Under article 32 of the Administrative Procedure Act (行政程序法 §32) you must recuse yourself if "
    "you, your spouse or former spouse, a blood relative within the fourth degree or a relative by marriage "
    "within the third degree is the applicant or a joint right-holder or obligor with it in this matter; if "
    "you are or were the applicant's agent or assistant; or if you are a witness or expert witness in this "
    "matter. The programme also asks you to declare any employment or business relationship with the "
    "applicant. If you declare a conflict you are excluded from this review and the CTO will invite a "
    "replacement; the recusal appears in the minutes."
)

#: Grounds that need the details box filled in.
DETAILS_REQUIRED = frozenset({ConflictCategory.OTHER})


def lookback_start(today: dt.date, years: int) -> dt.date:
    """``today`` minus ``years`` calendar years (29 February → 28 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def conflicted_expert_ids(
    expert_ids: Iterable[int], ubn: str, years: int, today: dt.date | None = None
) -> dict[int, list[str]]:
    """``{expert id: [organisation names]}`` of the experts among ``expert_ids`` with an affiliation whose
    統一編號 is ``ubn`` and which was current at some time in ``[today - years, today]`` (no end = current).

    An empty ``ubn`` (an applicant without 統一編號) flags nobody. One query, in the current tenant scope.
    """
    from review.models import ExpertAffiliation

    if not ubn:
        return {}
    today = today or timezone.localdate()
    since = lookback_start(today, years)
    rows = (
        ExpertAffiliation.objects.filter(expert_id__in=list(expert_ids), ubn=ubn, start__lte=today)
        .exclude(end__lt=since)
        .order_by("expert_id", "-start")
        .values_list("expert_id", "organisation_name")
    )
    found: dict[int, list[str]] = {}
    for expert_id, name in rows:
        found.setdefault(expert_id, []).append(name)
    return found
