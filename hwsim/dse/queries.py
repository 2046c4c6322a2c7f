"""Reads of design-space exploration: the sweeps a user may see (lab staff: all of the lab's; nobody else)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hwsim.models import DseRequest
from platform_site.enums import OFFICE_ROLES, Role
from platform_site.visibility import FUTURE_ROLES, Visibility, every_row, get_visible_or_404, no_row

dse_visibility = Visibility(
    "hwsim.DseRequest",
    rules={**{role: every_row for role in OFFICE_ROLES}, Role.APPLICANT: no_row},
    pending=FUTURE_ROLES,
)

#: Newest first; ``hwsim_dse_list_idx`` (tenant, -created_at, -id) serves it.
LIST_ORDER = ("-created_at", "-pk")
#: Columns the list shows (the spec and results JSON stay in the database).
LIST_FIELDS = ("pk", "title", "state", "size", "n_chunks", "chunks_done", "created_at", "requester__username")


def visible_sweeps(user: Any, tenant: Any) -> QuerySet[DseRequest]:
    """Sweeps of ``tenant`` that ``user`` may see, newest first."""
    return dse_visibility.apply(DseRequest.objects.all(), user, tenant).order_by(*LIST_ORDER)


def sweep_list(user: Any, tenant: Any) -> QuerySet[DseRequest]:
    """The list page's rows: only the columns it shows."""
    return (
        visible_sweeps(user, tenant)
        .select_related("requester")
        .only(
            "title",
            "state",
            "size",
            "n_chunks",
            "chunks_done",
            "created_at",
            "requester__username",
            "requester__first_name",
            "requester__last_name",
            "tenant_id",
        )
    )


def get_sweep_for_user(user: Any, tenant: Any, pk: Any, perm: str = "hwsim.view_dse") -> DseRequest:
    """Sweep ``pk`` of ``tenant``: Http404 unless visible (or malformed pk), PermissionDenied unless ``perm``."""
    return get_visible_or_404(
        visible_sweeps(user, tenant).select_related("requester"),
        user,
        tenant,
        pk,
        view_perm="hwsim.view_dse",
        perm=perm,
    )
