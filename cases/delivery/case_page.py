"""What service delivery adds to the case page (registered with cases.hooks; cases imports no delivery).

Once the case is in service or closed after it: office staff get "Derive service projects" (when there is no
work group yet), the group's state, projects, roles and customer-service tickets; the case manager a link to
the group; the applicant the work group's state, the accepted partners per role and the submitted /
acknowledged progress reports — never the hours. At most four queries.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from cases.delivery import queries
from cases.delivery.enums import APPLICANT_VISIBLE_STATES, AssignmentState
from cases.delivery.models import Assignment, CustomerServiceTicket, ProgressReport, ServiceProject
from cases.enums import CaseState
from cases.hooks import case_section
from platform_site.rules import can


@case_section(order=30)
def delivery_section(request: Any, case: Any) -> str:
    if case.state not in (CaseState.IN_SERVICE, CaseState.CLOSED):
        return ""
    user, tenant = request.user, request.tenant
    group = queries.case_group(case)
    office = can(user, "delivery.manage", tenant)
    if group is None and not (office and case.state == CaseState.IN_SERVICE):
        return ""
    context: dict[str, Any] = {"case": case, "group": group, "office": office, "tenant": tenant}
    if group is not None:
        group.case = case
        context["internal"] = can(user, "delivery.view_hours", group)
        context["projects"] = list(ServiceProject.objects.filter(case=case).order_by("pk"))
        context["partners"] = list(
            Assignment.objects.filter(work_group=group, state=AssignmentState.ACCEPTED).select_related(
                "partner__organization"
            )
        )
        context["reports"] = list(
            ProgressReport.objects.filter(work_group=group, state__in=APPLICANT_VISIBLE_STATES).order_by("number")
        )
    if office:
        context["tickets"] = list(CustomerServiceTicket.objects.filter(case=case))
    return render_to_string("delivery/case_section.html", context, request=request)
