"""The delivery app's panels on the members' homes (declared in cases.delivery.apps.DeliveryConfig)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cases.delivery import queries
from cases.delivery.enums import ACTIVE_GROUP_STATES, UNSUBMITTED_STATES, AssignmentState, WorkGroupState


def manager_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """The case manager's daily home: ``groups`` they lead that are not closed (≤ 20, overdue counts annotated)
    and ``reports`` not handed in that are due within 14 days or overdue (≤ 20, overdue first, shown in red).
    Two queries."""
    today = timezone.localdate()
    groups = queries.group_list(user, tenant).exclude(state=WorkGroupState.CLOSED)
    reports = (
        queries.report_list(user, tenant)
        .filter(state__in=UNSUBMITTED_STATES, work_group__lead_id=user.pk, due_on__lte=today + dt.timedelta(days=14))
        .order_by("due_on", "pk")
    )
    return {"groups": list(groups[:20]), "reports": list(reports[:20]), "today": today}


def partner_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """``assignments`` of the partner's organisations waiting for an answer or accepted in open groups (≤ 10)."""
    qs = queries.assignment_list(user, tenant).filter(
        state__in=[AssignmentState.PROPOSED, AssignmentState.ACCEPTED],
        work_group__state__in=[WorkGroupState.FORMING, *ACTIVE_GROUP_STATES],
    )
    return {"assignments": list(qs[:10])}


def office_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """``reports``: the tenant's overdue progress reports (≤ 10, oldest due first); ``count``: how many in all."""
    qs = queries.overdue_reports(tenant)
    return {"reports": list(qs[:10]), "count": qs.count(), "today": timezone.localdate()}
