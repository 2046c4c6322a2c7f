"""Review-committee test data: an expert pool, a tenant's rubric, meetings with panels. Rows are created in
their tenant's scope (row-level security on PostgreSQL). Transitions go through the services, never here:
these helpers only *arrange* a starting state (``state=`` written with ``update()``, as a fixture would load it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cases.enums import CaseState
from platform_site.actors import SYSTEM
from platform_site.enums import Role
from platform_site.models import Tenant
from platform_site.tenancy import tenant_scope
from review import services
from review.enums import InvitationState, ReviewStage
from review.models import ConflictDeclaration, Expert, ExpertAffiliation, PanelInvitation, ReviewMeeting, Rubric
from tests.factories import MembershipFactory, UserFactory, complete_case, persona, reload, set_fields


def rubric(tenant: Tenant, code: str = "tsmp") -> Rubric:
    """The tenant's current rubric ``code`` (installed from the preset if missing)."""
    with tenant_scope(tenant):
        return Rubric.objects.filter(code=code, is_current=True).first() or services.install_rubric(code, SYSTEM)


def expert(tenant: Tenant, **user_kwargs: Any) -> Expert:
    """A user with the expert role in ``tenant`` and their pool entry."""
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, tenant=tenant, role=Role.EXPERT, organization=None)
    with tenant_scope(tenant):
        return Expert.objects.create(tenant=tenant, user=user, title="教授", expertise=["AI 晶片"])


def affiliation(exp: Expert, ubn: str, start: dt.date, end: dt.date | None = None, name: str = "某公司") -> Any:
    with tenant_scope(exp.tenant):
        return ExpertAffiliation.objects.create(
            tenant=exp.tenant, expert=exp, organisation_name=name, ubn=ubn, start=start, end=end
        )


def case_in(tenant: Tenant, state: str = CaseState.PRELIMINARY_REVIEW, **kwargs: Any) -> Any:
    """A complete case of ``tenant`` arranged in ``state`` (default: waiting for 初審)."""
    case = complete_case(tenant=tenant, **kwargs)
    set_fields(case, state=state, reference=f"T-{case.pk:04d}")
    return reload(case)


def meeting(
    tenant: Tenant, case: Any = None, *, stage: str = ReviewStage.PRELIMINARY, round: int = 1, chair: Any = None
) -> ReviewMeeting:
    """A scheduled meeting of ``case`` (a new case in the matching state if None), chaired by a CTO."""
    if case is None:
        state = CaseState.FINAL_REVIEW if stage == ReviewStage.FINAL else CaseState.PRELIMINARY_REVIEW
        case = case_in(tenant, state)
    chair = chair or persona(tenant, Role.CTO)
    with tenant_scope(tenant):
        return ReviewMeeting.objects.create(
            tenant=tenant,
            case=case,
            stage=stage,
            round=round,
            rubric=rubric(tenant),
            chair=chair,
            scheduled_at=timezone.now() + dt.timedelta(days=7),
        )


def seat(mtg: ReviewMeeting, exp: Expert | None = None, *, state: str = InvitationState.ACCEPTED, **kw: Any) -> Any:
    """An invitation of ``exp`` (a new expert if None) on ``mtg``, arranged in ``state``; an accepted or
    recused seat gets the matching declaration."""
    exp = exp or expert(mtg.tenant)
    with tenant_scope(mtg.tenant):
        inv = PanelInvitation.objects.create(tenant=mtg.tenant, meeting=mtg, expert=exp, invited_by=mtg.chair, **kw)
        if state in (InvitationState.ACCEPTED, InvitationState.RECUSED):
            ConflictDeclaration.objects.create(
                tenant=mtg.tenant, invitation=inv, has_conflict=state == InvitationState.RECUSED, text_version="test"
            )
        PanelInvitation.objects.filter(pk=inv.pk).update(state=state)
        inv.refresh_from_db()
    return inv
