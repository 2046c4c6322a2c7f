"""Celery tasks of the review app: thin — take ids and ``tenant_id``, re-fetch in the tenant scope, idempotent."""

from __future__ import annotations

from celery import shared_task

from platform_site.models import Tenant
from platform_site.tenancy import tenant_scope


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=120, time_limit=180)
def render_minutes(*, tenant_id: int, decision_id: int) -> bool:
    """Render and store the minutes PDF of a recorded decision once (:func:`review.minutes.issue_minutes`;
    re-runs store nothing). Queued on commit by :func:`review.services.close_with_decision`. Returns whether a
    file was stored."""
    from review.minutes import issue_minutes

    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return False
    with tenant_scope(tenant):
        return issue_minutes(decision_id)
