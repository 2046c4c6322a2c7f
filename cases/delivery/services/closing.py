"""Closing the service (結案, seed 000_9617a3b789ca4d20.txt): the case manager proposes completion with a final
report; the office closes with an outcome — completed, or terminated with a reason — and records whether the
case enters mass production / sales (量產/銷售, where royalties begin: cases.delivery.queries
.mass_production_started_on). The case itself is closed through cases.services (its ``close_completed``
or ``close_terminated`` transition: closure reason ``completed`` / ``terminated``), never by writing its state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.delivery.enums import Outcome
from cases.delivery.models import WorkGroup
from platform_site.transitions import TransitionRefused, run_transition


def propose_completion(group: WorkGroup, user: Any, *, final_report: str) -> WorkGroup:
    """The lead proposes completion with ``final_report`` (409 ``final_report_missing`` when blank)."""
    run_transition(group, "propose_completion", user, changes={"final_report": final_report.strip()})
    return group


def return_completion(group: WorkGroup, user: Any, *, comment: str) -> WorkGroup:
    """The office sends the proposal back to the lead with ``comment`` (409 ``comment_missing`` when blank)."""
    if not comment.strip():
        raise TransitionRefused(_("Say what is missing before you return the proposal."), code="comment_missing")
    run_transition(group, "return_completion", user, comment=comment.strip())
    return group


def close_service(
    group: WorkGroup,
    user: Any,
    *,
    outcome: str,
    reason: str = "",
    mass_production: bool = False,
    mass_production_on: dt.date | None = None,
    comment: str = "",
) -> WorkGroup:
    """Close the work group with ``outcome`` (:class:`Outcome`) and the case with it, in one transaction.

    Completed: only after the lead's proposal; ``mass_production`` needs ``mass_production_on`` (409
    ``date_missing``). Terminated: from any open state, ``reason`` required (409 ``reason_missing``), never mass
    production. Raises PermissionDenied (not office staff) and TransitionRefused (409) from either transition —
    e.g. the case is no longer in service — in which case nothing is saved.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        if outcome == Outcome.COMPLETED:
            if mass_production and mass_production_on is None:
                raise TransitionRefused(_("Give the date mass production / sales starts."), code="date_missing")
            run_transition(
                group,
                "close_completed",
                user,
                comment=comment,
                mass_production=bool(mass_production),
                mass_production_on=mass_production_on,
            )
        elif outcome == Outcome.TERMINATED:
            if not reason:
                raise TransitionRefused(_("Give the reason for terminating the service."), code="reason_missing")
            run_transition(group, "terminate", user, comment=reason, reason=reason)
        else:
            raise TransitionRefused(_("Choose an outcome."), code="invalid")
        case_transition = "close_completed" if outcome == Outcome.COMPLETED else "close_terminated"
        case_services.transition_case(group.case, case_transition, user, comment=comment or reason)
    return group
