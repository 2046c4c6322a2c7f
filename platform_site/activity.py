"""The one activity log of the portal: write an entry, read a subject's history, claim a notification.

Every app records its audited events here (``log_event``); :func:`platform_site.transitions.run_transition`
records state changes through it. See :class:`platform_site.models.ActivityLog` for the row's shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString

from platform_site.actors import SYSTEM
from platform_site.models import ActivityLog, SentNotification, Tenant
from platform_site.templatetags.cells import local_minute
from platform_site.tenancy import require_tenant


def _tenant_of(subject: models.Model) -> Tenant:
    if isinstance(subject, Tenant):
        return subject
    if getattr(subject, "tenant_id", None) is not None:
        return subject.tenant
    return require_tenant()


def log_event(
    subject: models.Model,
    action: str,
    actor: Any,
    *,
    data: Mapping[str, Any] | None = None,
    comment: str = "",
    field_name: str = "",
    source_state: str = "",
    target_state: str = "",
) -> ActivityLog:
    """Append one entry for ``subject`` (any saved model row; its ``tenant``, else the current tenant).

    ``action``: an :class:`~platform_site.enums.ActivityAction` code (``"created"``, ``"edited"``,
    ``"document_uploaded"``, ``"document_deleted"``, ``"checklist_saved"``, ``"member_invited"``,
    ``"money_changed"``) or, for a transition, its method name together with ``field_name``,
    ``source_state`` and ``target_state`` (``run_transition`` does that). ``actor``: a user, or
    :data:`~platform_site.actors.SYSTEM` (stored as ``actor=None, by_system=True``); anonymous / ``None``
    is stored as no actor. ``data``: JSON-serialisable details (dates and Decimals allowed), e.g.
    ``{"changes": field_changes(before, after)}`` for edits, ``{"field": "grant_ntd", "before": 0,
    "after": 500000}`` for money (NTD integers). Must run inside the subject's tenant scope on PostgreSQL
    (row-level security checks the insert).
    """
    return ActivityLog.objects.create(
        tenant=_tenant_of(subject),
        content_type=ContentType.objects.get_for_model(type(subject)),
        object_id=subject.pk,
        action=action,
        field_name=field_name,
        source_state=source_state,
        target_state=target_state,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        by_system=actor is SYSTEM,
        comment=comment,
        data=dict(data or {}),
    )


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """``{field: value}`` of ``obj`` for ``fields`` (attribute names), for :func:`field_changes`."""
    return {name: getattr(obj, name) for name in fields}


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{field: {"before": old, "after": new}}`` for the fields whose value differs (the ``edited`` data)."""
    return {
        name: {"before": before.get(name), "after": value} for name, value in after.items() if before.get(name) != value
    }


def history(*subjects: models.Model | models.QuerySet) -> models.QuerySet[ActivityLog]:
    """Every entry of ``subjects`` — model instances and/or querysets of them (e.g. a request and
    ``VerificationJob.objects.filter(request=…)``) — oldest first, actors joined; lazy, one query.

    Runs in the current tenant scope.
    """
    condition = Q(pk__in=[])
    by_type: dict[type, list[Any]] = {}
    for subject in subjects:
        if isinstance(subject, models.QuerySet):
            ct = ContentType.objects.get_for_model(subject.model)
            condition |= Q(content_type=ct, object_id__in=subject.values("pk"))
        else:
            by_type.setdefault(type(subject), []).append(subject.pk)
    for model, ids in by_type.items():
        condition |= Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)
    return ActivityLog.objects.filter(condition).select_related("actor").order_by("at", "pk")


def render_entry(log: ActivityLog) -> SafeString:
    """One entry of a history list as HTML (``templates/includes/activity_entry.html``, for any app's page):

    ``<li data-action=… [data-transition=…]>`` with the time (minute, current time zone) · actor, the action's
    label (and a created subject's kind), then the transition's states, the edited fields' labels or the
    data's ``name``, and the comment. Built in Python: as a template it cost ~90 µs an entry
    (benchmarks/README.md).
    """
    action = escape(log.action)
    data = log.data if isinstance(log.data, dict) else {}
    parts = [
        f'\n<li class="mb-2" data-action="{action}"',
        f' data-transition="{action}">' if log.is_transition else ">",
        f'\n  <div class="small text-muted">{local_minute(log.at)} · {conditional_escape(log.actor_name)}</div>',
        f'\n  <div class="fw-semibold">{conditional_escape(log.action_label)}',
        f' <span class="fw-normal">({conditional_escape(log.subject_label)})</span>' if log.action == "created" else "",
        "</div>\n  ",
    ]
    if log.is_transition:
        source, target = conditional_escape(log.source_label), conditional_escape(log.target_label)
        parts.append(f'<div class="small">{source} → <strong>{target}</strong></div>\n  ')
    elif data.get("changes"):
        labels = "、".join(
            f'<span class="changed-field">{conditional_escape(change["label"])}</span>' for change in log.changed_fields
        )
        parts.append(f'<div class="small">{labels}</div>\n  ')
    elif data.get("name"):
        parts.append(f'<div class="small">{conditional_escape(data["name"])}</div>')
    parts.append("\n  ")
    if log.comment:
        parts.append(f'<div class="small">{linebreaksbr(log.comment, autoescape=True)}</div>')
    parts.append("\n</li>\n")
    return SafeString("".join(parts))


def last_transition(subject: models.Model, field_name: str = "state") -> ActivityLog | None:
    """The latest state change of ``subject``'s ``field_name`` (who changed it to what, and when), or None."""
    return (
        ActivityLog.objects.filter(
            content_type=ContentType.objects.get_for_model(type(subject)), object_id=subject.pk, field_name=field_name
        )
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )


def claim_notification(entry: ActivityLog, kind: str) -> SentNotification | None:
    """Claim the one ``kind`` notification of ``entry``: the new claim row, or ``None`` if already claimed.

    Claim inside the ``transaction.atomic()`` block that sends: the claim then commits only with a sent mail
    (a failed send rolls it back for the retry; a worker killed between send and commit leaves no claim, so
    the retry sends again — at least once, never lost), and a concurrent second delivery waits on the unique
    index and then gets ``None``.
    """
    try:
        with transaction.atomic():
            return SentNotification.objects.create(tenant_id=entry.tenant_id, entry=entry, kind=kind)
    except IntegrityError:
        return None
