"""What a review meeting is about: a demand case (初審 / 複審 of issue 8) or a subject another app registers.

One meeting mechanism, several subjects (issue 9: "reuse the review app's meeting machinery for the supplier
final review: one mechanism, not two"). A case meeting stores its case in ``ReviewMeeting.case``; any other
meeting stores ``(stage, subject_id)`` — the stage names the registered :class:`MeetingSubject` kind, the id
is the row of that app's model — and ``subject_title`` (the subject's display name, copied when scheduled so
lists and emails need no query). review imports no app that registers here (dependency direction: suppliers →
review → cases): the app registers its kind from its ``AppConfig.ready``.

A kind supplies:

- ``stage`` (a :class:`review.enums.ReviewStage` value) and ``outcome_labels`` (``{outcome: label}`` to
  show instead of :class:`review.enums.DecisionOutcome`'s; the allowed outcomes are ``STAGE_OUTCOMES[stage]``);
- ``panel_limits(tenant) -> (min, max)`` and ``core_members_only`` (only pool entries flagged
  :attr:`review.models.Expert.is_core` may be invited);
- ``ubn(meeting) -> str``: the organisation's 統一編號 for the automatic conflict check ("" = none);
- ``due(meeting) -> date | None``: the date by which the meeting must be held (shown; later dates flagged);
- ``url(tenant_slug, subject_id) -> str``: the subject's page;
- ``visible(user, meeting) -> bool``: whether ``user`` (an invited expert) may open that page;
- ``decide(meeting, decision, user)``: called inside :func:`review.services.close_with_decision`'s
  transaction after the decision is recorded (raise TransitionRefused to refuse: nothing is saved).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class MeetingSubject:
    """One registered kind of meeting subject (see the module docstring for each member)."""

    stage: str
    panel_limits: Callable[[Any], tuple[int, int]]
    ubn: Callable[[Any], str]
    due: Callable[[Any], dt.date | None]
    url: Callable[[str, int], str]
    visible: Callable[[Any, Any], bool]
    decide: Callable[[Any, Any, Any], None]
    outcome_labels: dict[str, Any] = field(default_factory=dict)
    core_members_only: bool = False


_KINDS: dict[str, MeetingSubject] = {}


def register(kind: MeetingSubject) -> MeetingSubject:
    """Register ``kind`` for its stage (ImproperlyConfigured for a stage registered twice)."""
    existing = _KINDS.get(kind.stage)
    if existing is not None and existing != kind:
        raise ImproperlyConfigured(f"review meeting subject {kind.stage!r} registered twice")
    _KINDS[kind.stage] = kind
    return kind


def kind_of(meeting_or_stage: Any) -> MeetingSubject | None:
    """The registered kind of a meeting (or a stage code); None for a case meeting."""
    stage = getattr(meeting_or_stage, "stage", meeting_or_stage)
    return _KINDS.get(stage)


def ubn_of(meeting: Any) -> str:
    """The 統一編號 the conflict check compares: the case applicant's, or the registered subject's."""
    kind = kind_of(meeting)
    if kind is not None:
        return kind.ubn(meeting) or ""
    case = meeting.case
    return case.applicant_org.ubn if case is not None and case.applicant_org_id else ""


def subject_url(meeting: Any, tenant_slug: str) -> str:
    """The page of the meeting's subject (the case page for a case meeting)."""
    from django.urls import reverse

    kind = kind_of(meeting)
    if kind is not None:
        return kind.url(tenant_slug, meeting.subject_id)
    return reverse("cases:detail", kwargs={"tenant_slug": tenant_slug, "pk": meeting.case_id})


def subject_visible(user: Any, meeting: Any) -> bool:
    """Whether ``user`` may open the subject's page (for a case: ``cases.view_case``)."""
    kind = kind_of(meeting)
    if kind is not None:
        return bool(kind.visible(user, meeting))
    from platform_site.rules import can

    return can(user, "cases.view_case", meeting.case)


def due_of(meeting: Any) -> dt.date | None:
    """The registered subject's due date for the meeting (None for a case meeting: see review.queries)."""
    kind = kind_of(meeting)
    return kind.due(meeting) if kind is not None else None


def outcome_label(stage: str, outcome: str) -> str:
    """The label of ``outcome`` in ``stage`` (the kind's own wording, else DecisionOutcome's)."""
    from review.enums import DecisionOutcome

    kind = kind_of(stage)
    if kind is not None and outcome in kind.outcome_labels:
        return str(kind.outcome_labels[outcome])
    return str(dict(DecisionOutcome.choices).get(outcome, outcome))
