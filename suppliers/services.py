"""The one place that changes supplier profiles, reference designs and referrals — all logged.

Every write checks its ``rules`` permission and appends to the activity log; transitions go through
``platform_site.transitions.run_transition``; emails are queued on commit (``suppliers.tasks``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.enums import CaseState
from platform_site.activity import field_changes, log_event, snapshot
from platform_site.consent import record_consent
from platform_site.enums import ActivityAction, Role
from platform_site.models import ActivityLog, Membership, Organization
from platform_site.profiles import ensure_profile
from platform_site.queueing import enqueue_on_commit
from platform_site.rules import can, primary_organisation
from platform_site.services import registration_conflicts
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused, run_transition
from platform_site.workflow import load_row
from suppliers import tasks
from suppliers.enums import DesignState, ReferralState
from suppliers.models import (
    OBLIGATIONS_VERSION,
    PROFILE_FIELDS,
    BackgroundIP,
    CaseReferenceDesign,
    ObligationAcceptance,
    ReferenceDesign,
    Referral,
    SupplierProfile,
)

#: Profile transitions a plain button runs (no reason needed).
SIMPLE_TRANSITIONS = frozenset({"submit", "start_qualification", "qualify"})
#: Profile transitions that need a reason (stored in ``status_reason`` and logged as the comment).
REASON_TRANSITIONS = frozenset({"return_for_information", "reject", "suspend", "reinstate"})
#: The 複審 decisions: only the review meeting records them (record_final_review_decision, called when the
#: CTO closes the supplier final review meeting); the page / API actions of these names refuse (409).
FINAL_REVIEW_OUTCOMES = frozenset({"approve", "reject_final", "return_final"})
#: Actions the profile page offers as buttons.
BUTTON_TRANSITIONS = SIMPLE_TRANSITIONS | REASON_TRANSITIONS
#: Action names the page and the API accept (the final-review ones are refused with ``decided_in_meeting``).
PROFILE_TRANSITIONS = BUTTON_TRANSITIONS | FINAL_REVIEW_OUTCOMES
DECIDED_IN_MEETING = gettext_lazy(
    "The final review (複審) is decided in its review meeting: the CTO schedules it from the profile page and "
    "records the panel's consensus when closing the meeting."
)
DESIGN_FIELDS = ("title", "description", "industries", "roles", "documents", "indicative_price_ntd")
DESIGN_TRANSITIONS = frozenset({"publish", "approve", "return_design", "withdraw"})
#: Case states in which a case can be referred or given a reference design (after intake, before closure).
MATCHABLE_CASE_STATES = frozenset(
    {
        CaseState.QUALIFICATION,
        CaseState.REFERRED,
        CaseState.REFERENCE_DESIGN,
        CaseState.FINAL_REVIEW,
        CaseState.IN_SERVICE,
    }
)


NOT_EDITABLE = gettext_lazy(
    "The profile is under review and can only be edited when it is returned for more information."
)


def _notify(log: ActivityLog) -> None:
    enqueue_on_commit(tasks.notify_supplier, tenant_id=log.tenant_id, log_id=log.pk)


# ---- registration and profile --------------------------------------------------------------------------
def register_supplier(tenant: Any, *, language: str = "", **arguments: Any) -> Any:
    """A supplier (company, university or legal-person research institute) registers: organisation, user
    (login = lower-cased email), supplier membership (organisation admin), 個資 consent and a draft profile,
    in one transaction; returns the user. ``arguments``: ``ApplicantRegistrationForm.service_arguments()``.
    Raises ValidationError (``consent``; a 統一編號 or email taken meanwhile, as the form's messages)."""
    if not arguments.get("consent"):
        raise ValidationError({"consent": _("Accept the personal data notice to register.")})
    email = arguments["email"].strip().lower()
    try:
        with tenant_scope(tenant), transaction.atomic():
            org = Organization.objects.create(
                tenant=tenant,
                name=arguments["org_name"],
                kind=arguments["org_kind"],
                ubn=arguments["ubn"],
                size=arguments["size"],
                is_domestic=arguments["is_domestic"],
                address=arguments["address"],
                phone=arguments["phone"],
            )
            user = get_user_model().objects.create_user(
                username=email, email=email, password=arguments["password"], first_name=arguments["full_name"]
            )
            Membership.objects.create(user=user, tenant=tenant, role=Role.SUPPLIER, organization=org, is_org_admin=True)
            record_consent(user, tenant)
            ensure_profile(user, language=language)
            profile = SupplierProfile.objects.create(
                tenant=tenant,
                organization=org,
                created_by=user,
                contact_name=arguments["full_name"],
                contact_email=email,
            )
            log_event(profile, ActivityAction.CREATED, user, data={"organisation": org.name})
    except IntegrityError:
        errors = registration_conflicts(tenant, ubn=arguments["ubn"], email=email)
        if not errors:
            raise
        raise ValidationError(errors) from None
    return user


def create_profile(user: Any, tenant: Any) -> SupplierProfile:
    """The draft profile of the supplier's organisation (an existing supplier member); returns the existing
    one if there is one. Raises PermissionDenied for a user without the supplier role."""
    org_id = primary_organisation(user, tenant, Role.SUPPLIER)
    if org_id is None or not can(user, "suppliers.register_profile", tenant):
        raise PermissionDenied
    with transaction.atomic():
        profile, created = SupplierProfile.objects.get_or_create(
            organization_id=org_id, defaults={"tenant": tenant, "created_by": user}
        )
        if created:
            log_event(profile, ActivityAction.CREATED, user)
    return profile


def update_profile(profile: SupplierProfile, user: Any, data: Mapping[str, Any]) -> SupplierProfile:
    """Change the capability fields (:data:`PROFILE_FIELDS`) of a draft / returned profile; log ``edited``.
    Raises PermissionDenied (not the profile's supplier), TransitionRefused (409 ``not_editable``)."""
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    with transaction.atomic():
        fresh = SupplierProfile.objects.select_for_update().select_related("organization").get(pk=profile.pk)
        if not can(user, "suppliers.edit_profile", fresh):
            if can(user, "suppliers.supplier_transition", fresh):
                raise TransitionRefused(
                    str(NOT_EDITABLE),
                    code="not_editable",
                    state=fresh.state,
                )
            raise PermissionDenied
        before = snapshot(fresh, data)
        for name, value in data.items():
            setattr(fresh, name, value)
        fresh.save()
        changes = field_changes(before, dict(data))
        if changes:
            log_event(fresh, ActivityAction.EDITED, user, data={"changes": changes})
    load_row(profile, fresh)
    return profile


def accept_obligations(profile: SupplierProfile, user: Any) -> ObligationAcceptance:
    """Record that ``user`` accepted the current obligations text (:data:`OBLIGATIONS_VERSION`) for the
    profile (who, when, version) and log ``obligations_accepted``. Raises PermissionDenied."""
    if not can(user, "suppliers.supplier_transition", profile):
        raise PermissionDenied
    with transaction.atomic():
        acceptance = ObligationAcceptance.objects.create(
            tenant=profile.tenant, profile=profile, accepted_by=user, version=OBLIGATIONS_VERSION
        )
        log_event(profile, ActivityAction.OBLIGATIONS_ACCEPTED, user, data={"version": OBLIGATIONS_VERSION})
    return acceptance


def add_background_ip(
    profile: SupplierProfile, user: Any, *, title: str, kind: str, owner: str, verified: bool
) -> BackgroundIP:
    """Add one background IP item (supplier, while editable); logged on the profile."""
    if not can(user, "suppliers.edit_profile", profile):
        raise PermissionDenied
    with transaction.atomic():
        item = BackgroundIP.objects.create(
            tenant=profile.tenant, profile=profile, title=title, kind=kind, owner=owner, verified=verified
        )
        log_event(profile, ActivityAction.EDITED, user, data={"background_ip_added": title})
    return item


def remove_background_ip(item: BackgroundIP, user: Any) -> None:
    """Remove one background IP item (supplier, while editable); logged on the profile."""
    if not can(user, "suppliers.edit_profile", item.profile):
        raise PermissionDenied
    with transaction.atomic():
        log_event(item.profile, ActivityAction.EDITED, user, data={"background_ip_removed": item.title})
        item.delete()


# ---- onboarding -------------------------------------------------------------------------------------------
def transition_profile(profile: SupplierProfile, name: str, user: Any, *, reason: str = "") -> ActivityLog:
    """Run onboarding transition ``name`` (:data:`PROFILE_TRANSITIONS`) for ``user``; the reason of a
    return / rejection / suspension / reinstatement is stored and logged (refused with ``reason_required``
    when blank). Raises ValueError (unknown), PermissionDenied (403), TransitionRefused (409)."""
    if name not in PROFILE_TRANSITIONS:
        raise ValueError(f"unknown profile action {name!r}")
    if name in FINAL_REVIEW_OUTCOMES:
        raise TransitionRefused(str(DECIDED_IN_MEETING), code="decided_in_meeting")
    changes = {"status_reason": reason.strip()} if name in REASON_TRANSITIONS else None
    with transaction.atomic():
        log = run_transition(profile, name, user, comment=reason.strip(), changes=changes)
        _notify(log)
    return log


def record_final_review_decision(
    profile: SupplierProfile, user: Any, outcome: str, *, reason: str, meeting: Any
) -> Any:
    """THE HOOK of the 複審 meeting: record the supplier final review meeting's consensus on ``profile``.

    Called by :func:`suppliers.final_review.decide` inside :func:`review.services.close_with_decision`'s
    transaction (nothing is saved if either fails). ``outcome``: ``"approve"`` | ``"reject_final"`` |
    ``"return_final"`` (:data:`FINAL_REVIEW_OUTCOMES`); ``user``: the CTO who chairs
    (``suppliers.final_review_transition``); ``reason``: the decision's reasons (required for a rejection or a
    return, stored in ``status_reason``); ``meeting``: the review meeting about this profile (logged after the
    transition as ``edited`` with ``{"final_review_meeting": id, "round": n, "outcome": outcome}``). Raises
    ValueError (unknown outcome, or a meeting about another subject), PermissionDenied, TransitionRefused (the
    profile is not in ``final_review`` any more, or no reason).
    """
    from review.enums import ReviewStage

    if outcome not in FINAL_REVIEW_OUTCOMES:
        raise ValueError(f"unknown final-review outcome {outcome!r}")
    if meeting.stage != ReviewStage.SUPPLIER_FINAL or meeting.subject_id != profile.pk:
        raise ValueError(f"meeting {meeting.pk} is not this profile's final review")
    changes = {"status_reason": reason.strip()} if outcome != "approve" else None
    with transaction.atomic():
        log = run_transition(profile, outcome, user, comment=reason.strip(), changes=changes)
        data = {"final_review_meeting": meeting.pk, "round": meeting.round, "outcome": outcome}
        log_event(profile, ActivityAction.EDITED, user, data=data)
        _notify(log)
    return log


# ---- reference designs ----------------------------------------------------------------------------------------
def create_design(profile: SupplierProfile, user: Any, data: Mapping[str, Any]) -> ReferenceDesign:
    """A draft reference design of the partner (``data``: :data:`DESIGN_FIELDS`); logged ``created``."""
    if not can(user, "suppliers.edit_design", profile):
        raise PermissionDenied
    with transaction.atomic():
        design = ReferenceDesign.objects.create(tenant=profile.tenant, profile=profile, **dict(data))
        log_event(design, ActivityAction.CREATED, user, data={"title": design.title})
    return design


def transition_design(design: ReferenceDesign, name: str, user: Any, *, comment: str = "") -> ActivityLog:
    """publish (partner) / approve / return_design (office reviewer) / withdraw (partner)."""
    if name not in DESIGN_TRANSITIONS:
        raise ValueError(f"unknown design action {name!r}")
    with transaction.atomic():
        return run_transition(design, name, user, comment=comment)


def give_reference_design(case: Any, user: Any, design: ReferenceDesign, *, note: str = "") -> CaseReferenceDesign:
    """Record which approved design ``case`` was given (資格審 "use a reference design"); replaces an earlier
    choice; logged on the case (``reference_design_given``). Raises PermissionDenied, TransitionRefused
    (409: design not approved, or the case not in a state after intake)."""
    if not can(user, "suppliers.give_reference_design", case):
        raise PermissionDenied
    if design.state != DesignState.APPROVED:
        raise TransitionRefused(_("Only an approved reference design can be given to a case."), code="not_approved")
    if case.state not in MATCHABLE_CASE_STATES:
        raise TransitionRefused(
            _("This case is not at a stage where a reference design can be given."), code="case_state"
        )
    with transaction.atomic():
        link, _created = CaseReferenceDesign.objects.update_or_create(
            case=case, defaults={"tenant": case.tenant, "design": design, "assigned_by": user, "note": note}
        )
        log_event(case, ActivityAction.REFERENCE_DESIGN_GIVEN, user, data={"design": design.pk, "title": design.title})
    return link


# ---- referrals ---------------------------------------------------------------------------------------------
def refer(
    case: Any,
    user: Any,
    profile: SupplierProfile,
    role: str,
    *,
    note: str = "",
    rank: int | None = None,
    reasons: list[str] | None = None,
) -> Referral:
    """媒合轉介: refer ``case`` to the approved partner ``profile`` for ``role``; logged on the referral
    (``created``) and on the case (``referral_made``); the partner is emailed. Raises PermissionDenied,
    TransitionRefused (409: not an approved partner of that role, case state, already referred)."""
    if not can(user, "suppliers.matchmake", case):
        raise PermissionDenied
    if profile.state != "approved" or role not in profile.roles:
        raise TransitionRefused(_("Only an approved partner that takes this role can be referred."), code="not_partner")
    if case.state not in MATCHABLE_CASE_STATES:
        raise TransitionRefused(_("This case is not at a stage where it can be referred."), code="case_state")
    open_states = (ReferralState.PROPOSED, ReferralState.ACCEPTED)
    try:
        with transaction.atomic():
            if Referral.objects.filter(case=case, profile=profile, role=role, state__in=open_states).exists():
                raise IntegrityError
            referral = Referral.objects.create(
                tenant=case.tenant,
                case=case,
                profile=profile,
                role=role,
                note=note,
                rank=rank,
                reasons=list(reasons or []),
                referred_by=user,
            )
            entry = log_event(referral, ActivityAction.CREATED, user, data={"case": case.pk, "role": role})
            log_event(
                case,
                ActivityAction.REFERRAL_MADE,
                user,
                data={"referral": referral.pk, "partner": profile.organization.name, "role": role},
                comment=note,
            )
            _notify(entry)
    except IntegrityError:
        raise TransitionRefused(
            _("This case is already referred to this partner for this role."), code="duplicate"
        ) from None
    return referral


def answer_referral(referral: Referral, user: Any, accept: bool, *, reason: str = "") -> ActivityLog:
    """The partner accepts or declines (reason required to decline); logged on the referral and on the case
    (``referral_answered`` with the outcome and reason). Raises PermissionDenied, TransitionRefused (409)."""
    name = "accept" if accept else "decline"
    with transaction.atomic():
        log = run_transition(referral, name, user, comment=reason.strip(), changes={"response_reason": reason.strip()})
        log_event(
            referral.case,
            ActivityAction.REFERRAL_ANSWERED,
            user,
            data={"referral": referral.pk, "partner": referral.profile.organization.name, "outcome": referral.state},
            comment=reason.strip(),
        )
    return log


def withdraw_referral(referral: Referral, user: Any, *, reason: str = "") -> ActivityLog:
    """Office staff withdraw an unanswered referral; logged on the referral and the case."""
    with transaction.atomic():
        log = run_transition(referral, "withdraw", user, comment=reason)
        log_event(
            referral.case,
            ActivityAction.REFERRAL_ANSWERED,
            user,
            data={"referral": referral.pk, "partner": referral.profile.organization.name, "outcome": referral.state},
            comment=reason,
        )
    return log
