"""Celery tasks of service delivery: thin — ids + tenant_id, re-fetch in the tenant scope, idempotent."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from platform_site.enums import TenantKind
from platform_site.models import Tenant
from platform_site.tenancy import tenant_scope


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def derive_after_final_review(*, tenant_id: int, case_id: int) -> bool:
    """Derive the service projects and open the work group of a case that passed the final review (queued on
    commit by the ``pass_final`` transition, cases.delivery.signals). Idempotent. Returns whether it ran."""
    from cases.delivery.services import derive_service_projects
    from cases.enums import CaseState
    from cases.models import DemandCase
    from platform_site.actors import SYSTEM

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return False
    with tenant_scope(tenant):
        case = DemandCase.objects.filter(pk=case_id, state=CaseState.IN_SERVICE).first()
        if case is None:
            return False
        derive_service_projects(case, SYSTEM)
        return True


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=180)
def run_delivery_schedule() -> dict[str, int]:
    """Beat task (``CELERY_BEAT_SCHEDULE["delivery-schedule"]``): in every active programme office, create the
    report rows of periods that have begun (cases.delivery.schedule.ensure_reports) and send the reminders not
    sent yet (cases.delivery.reminders). Idempotent. Returns ``{"reports_created": n, <reminder kind>: sent}``."""
    from cases.delivery import reminders
    from cases.delivery.enums import WorkGroupState
    from cases.delivery.models import WorkGroup
    from cases.delivery.schedule import ensure_reports

    today = timezone.localdate()
    total: dict[str, int] = {"reports_created": 0}
    for tenant in Tenant.objects.filter(is_active=True, kind=TenantKind.PLATFORM_OFFICE).order_by("pk"):
        with tenant_scope(tenant):
            groups = WorkGroup.objects.filter(
                state__in=[WorkGroupState.ACTIVE, WorkGroupState.COMPLETION_PROPOSED], kickoff_on__isnull=False
            )
            for group in groups:
                total["reports_created"] += len(ensure_reports(group, today))
            for kind, count in reminders.send_reminders(tenant, today).items():
                total[kind] = total.get(kind, 0) + count
    return total
