"""When a case passes the final review (its ``pass_final`` transition, run by the review app), queue the
derivation of its service projects (cases.delivery.tasks.derive_after_final_review) in the same transaction."""

from __future__ import annotations

from typing import Any

from django_fsm.signals import post_transition

from platform_site.queueing import enqueue_on_commit


def _on_case_transition(sender: Any, instance: Any, name: str, **kwargs: Any) -> None:
    if name != "pass_final":
        return
    from cases.delivery import tasks

    enqueue_on_commit(tasks.derive_after_final_review, tenant_id=instance.tenant_id, case_id=instance.pk)


def connect() -> None:
    from cases.models import DemandCase

    post_transition.connect(_on_case_transition, sender=DemandCase, dispatch_uid="delivery_pass_final", weak=False)
