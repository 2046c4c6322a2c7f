"""Supplier partners (供應端夥伴): capability profile with onboarding, background IP, the obligations accepted,
reference designs (參考設計方案), the design a case was given, and matchmaking referrals (媒合轉介).

Seed 000_9617a3b789ca4d20.txt, 臺灣智慧系統整合製造平台機制(供應端): 資格審 (document review by office
staff, ≤ 5 working days) → 複審 (a meeting within two weeks of the qualification; the CTO chairs with 3–5
core platform members, consensus) → 成為平台供應鏈夥伴. Transitions only change fields;
:mod:`suppliers.services` runs them (``platform_site.transitions.run_transition``), logs and notifies.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from platform_site.tenancy import TenantOwnedModel
from platform_site.workdays import add_working_days, working_days_between
from platform_site.workflow import StateMachineMixin, condition, rule_permission
from suppliers.enums import Certification, DesignState, Domain, IPKind, ReferralState, WorkRole
from suppliers.enums import OnboardingState as S
from suppliers.search import index_tokens

SUPPLIER = rule_permission("suppliers.supplier_transition")
QUALIFIER = rule_permission("suppliers.qualification_transition")
FINAL = rule_permission("suppliers.final_review_transition")
OFFICE = rule_permission("suppliers.office_transition")
PARTNER = rule_permission("suppliers.partner_transition")

#: Fields of the capability profile the supplier fills in (form, API, services.update_profile).
PROFILE_FIELDS = (
    "summary",
    "roles",
    "domains",
    "technologies",
    "keywords",
    "certifications",
    "contact_name",
    "contact_email",
    "contact_phone",
    "specifications",
    "lead_time_weeks",
    "reference_prices",
    "partner_firms",
)
#: Fields only office staff and the CTO may see (prices; background IP is a separate model).
CONFIDENTIAL_FIELDS = ("reference_prices",)


def taipei_today() -> dt.date:
    """Today's date in Asia/Taipei (settings.TIME_ZONE)."""
    return timezone.localdate()


def facet_string(roles: list[str], domains: list[str], certifications: list[str]) -> str:
    """``|role:chip|domain:ic|cert:iso_9001|``: the filter column (``facets__contains="|role:chip|"`` works the
    same on SQLite and PostgreSQL, unlike JSON ``contains``)."""
    parts = [f"role:{r}" for r in roles] + [f"domain:{d}" for d in domains] + [f"cert:{c}" for c in certifications]
    return "|" + "|".join(parts) + "|" if parts else ""


class SupplierProfile(StateMachineMixin, TenantOwnedModel):
    """One supplier organisation's capability profile and its onboarding (one per organisation per tenant)."""

    organization = models.ForeignKey(
        "platform_site.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("capability summary"), blank=True)
    roles = models.JSONField(_("work-group roles"), default=list, blank=True)
    domains = models.JSONField(_("domains"), default=list, blank=True)
    technologies = models.TextField(_("technologies"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    certifications = models.JSONField(_("certifications"), default=list, blank=True)
    contact_name = models.CharField(_("contact window"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    specifications = models.TextField(_("product and service specifications"), blank=True)
    lead_time_weeks = models.PositiveSmallIntegerField(_("typical delivery lead time (weeks)"), null=True, blank=True)
    reference_prices = models.TextField(_("reference prices"), blank=True)
    partner_firms = models.TextField(_("partner firms"), blank=True)

    state = FSMField(_("status"), default=S.DRAFT, choices=S.choices, protected=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    qualification_due = models.DateField(_("qualification due"), null=True, blank=True)
    qualified_on = models.DateField(_("qualified on"), null=True, blank=True)
    final_review_due = models.DateField(_("final review due"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    facets = models.CharField(max_length=600, blank=True, editable=False)
    search_tokens = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("supplier profile")
        constraints = [models.UniqueConstraint(fields=["tenant", "organization"], name="supplier_unique_org")]
        indexes = [
            models.Index(fields=["tenant", "-created_at", "-id"], name="supplier_list_idx"),
            models.Index(fields=["tenant", "state", "-created_at", "-id"], name="supplier_state_idx"),
        ]

    def __str__(self) -> str:
        return self.organization.name if self.organization_id else gettext("(supplier)")

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keeps the filter column and the search token column in step with the profile."""
        self.facets = facet_string(self.roles, self.domains, self.certifications)
        name = self.organization.name if self.organization_id else ""
        self.search_tokens = index_tokens([name, self.keywords, self.technologies, self.summary, self.specifications])
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "facets", "search_tokens"}
        super().save(*args, **kwargs)

    # ---- display ---------------------------------------------------------------------------------------
    def role_labels(self) -> list[str]:
        labels = dict(WorkRole.choices)
        return [str(labels.get(code, code)) for code in self.roles]

    def domain_labels(self) -> list[str]:
        labels = dict(Domain.choices)
        return [str(labels.get(code, code)) for code in self.domains]

    def certification_labels(self) -> list[str]:
        labels = dict(Certification.choices)
        return [str(labels.get(code, code)) for code in self.certifications]

    # ---- conditions ------------------------------------------------------------------------------------
    def missing_for_submission(self) -> list[str]:
        """What must be filled in (field labels) and accepted before the profile can be submitted."""
        missing = [
            str(self._meta.get_field(name).verbose_name)
            for name in ("summary", "roles", "domains", "contact_name", "contact_email")
            if not getattr(self, name)
        ]
        if self.pk and not self.acceptances.filter(version=OBLIGATIONS_VERSION).exists():
            missing.append(gettext("acceptance of the partner obligations"))
        return missing

    @condition(
        message=lambda p: (
            gettext("The profile cannot be submitted yet. Missing: %(items)s.")
            % {"items": "、".join(p.missing_for_submission())}
        ),
        code="incomplete",
    )
    def is_complete(self) -> bool:
        """Everything :meth:`missing_for_submission` lists is there."""
        return not self.missing_for_submission()

    @condition(message=_("Give a reason."), code="reason_required")
    def has_reason(self) -> bool:
        """A return, rejection, suspension or reinstatement states its reason (``status_reason``)."""
        return bool(self.status_reason.strip())

    # ---- due dates ---------------------------------------------------------------------------------------
    def qualification_days_left(self, today: dt.date | None = None) -> int | None:
        """Working days to the 資格審 due date (negative = overdue); None when that clock is not running."""
        if self.qualification_due is None or self.state not in (S.SUBMITTED, S.QUALIFICATION):
            return None
        return working_days_between(today or taipei_today(), self.qualification_due)

    def final_review_days_left(self, today: dt.date | None = None) -> int | None:
        """Calendar days to the 複審 due date (negative = overdue); None outside the final review."""
        if self.final_review_due is None or self.state != S.FINAL_REVIEW:
            return None
        return (self.final_review_due - (today or taipei_today())).days

    # ---- transitions -----------------------------------------------------------------------------------------
    @transition(
        field=state,
        source=[S.DRAFT, S.RETURNED],
        target=S.SUBMITTED,
        conditions=[is_complete],
        permission=SUPPLIER,
        custom={"label": _("Submit for review")},
    )
    def submit(self, *, by: Any, comment: str = "", today: dt.date | None = None) -> None:
        """The supplier submits; the 資格審 clock starts: ``tenant.config.supplier_qualification_working_days``
        (5) Taiwan working days from today (seed 000: 資格審 5 個工作天)."""
        self.submitted_at = timezone.now()
        start = today or taipei_today()
        self.qualification_due = add_working_days(start, self.tenant.config.supplier_qualification_working_days)
        self.final_review_due = None
        self.status_reason = ""

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.QUALIFICATION,
        permission=QUALIFIER,
        custom={"label": _("Start qualification review")},
    )
    def start_qualification(self, *, by: Any, comment: str = "") -> None:
        """An office reviewer takes the profile for the document review (書審)."""

    @transition(
        field=state,
        source=S.QUALIFICATION,
        target=S.FINAL_REVIEW,
        permission=QUALIFIER,
        custom={"label": _("Qualified: on to the final review")},
    )
    def qualify(self, *, by: Any, comment: str = "", today: dt.date | None = None) -> None:
        """資格審 passed: the 複審 meeting is due ``tenant.config.supplier_final_review_days`` (14) calendar days
        after today (seed 000: 資格審結束後兩周內完成)."""
        self.qualified_on = today or taipei_today()
        self.final_review_due = self.qualified_on + dt.timedelta(days=self.tenant.config.supplier_final_review_days)
        self.qualification_due = None

    @transition(
        field=state,
        source=[S.SUBMITTED, S.QUALIFICATION],
        target=S.RETURNED,
        conditions=[has_reason],
        permission=QUALIFIER,
        custom={"label": _("Return for more information")},
    )
    def return_for_information(self, *, by: Any, comment: str = "") -> None:
        """Back to the supplier for more information (the reason says what); the clock stops."""
        self.qualification_due = None

    @transition(
        field=state,
        source=[S.SUBMITTED, S.QUALIFICATION],
        target=S.REJECTED,
        conditions=[has_reason],
        permission=QUALIFIER,
        custom={"label": _("Reject at qualification")},
    )
    def reject(self, *, by: Any, comment: str = "") -> None:
        """資格審 not passed."""
        self.qualification_due = None
        self.decided_at = timezone.now()

    # 複審: decided in the review meeting chaired by the CTO (services.record_final_review_decision).
    @transition(
        field=state,
        source=S.FINAL_REVIEW,
        target=S.APPROVED,
        permission=FINAL,
        custom={"label": _("Approve as partner")},
    )
    def approve(self, *, by: Any, comment: str = "") -> None:
        """複審 consensus: the supplier becomes a platform supply-chain partner (成為平台供應鏈夥伴)."""
        self.decided_at = timezone.now()
        self.final_review_due = None

    @transition(
        field=state,
        source=S.FINAL_REVIEW,
        target=S.REJECTED,
        conditions=[has_reason],
        permission=FINAL,
        custom={"label": _("Reject at final review")},
    )
    def reject_final(self, *, by: Any, comment: str = "") -> None:
        """複審 not passed."""
        self.decided_at = timezone.now()
        self.final_review_due = None

    @transition(
        field=state,
        source=S.FINAL_REVIEW,
        target=S.RETURNED,
        conditions=[has_reason],
        permission=FINAL,
        custom={"label": _("Return for more information (final review)")},
    )
    def return_final(self, *, by: Any, comment: str = "") -> None:
        """The final review asks for more information; resubmission starts at 資格審 again."""
        self.final_review_due = None

    @transition(
        field=state,
        source=S.APPROVED,
        target=S.SUSPENDED,
        conditions=[has_reason],
        permission=OFFICE,
        custom={"label": _("Suspend")},
    )
    def suspend(self, *, by: Any, comment: str = "") -> None:
        """The partner is taken out of the directory and matchmaking (reason required)."""

    @transition(
        field=state,
        source=S.SUSPENDED,
        target=S.APPROVED,
        conditions=[has_reason],
        permission=OFFICE,
        custom={"label": _("Reinstate")},
    )
    def reinstate(self, *, by: Any, comment: str = "") -> None:
        """Back in the directory (reason required)."""


#: The obligations a partner accepts (seed 000, 義務), versioned: a new text gets a new version.
OBLIGATIONS_VERSION = "2026-12-01"
OBLIGATIONS_TEXT = (
    _(
        "Confidentiality: information obtained through the platform, including customer information and project "
        "information, is kept confidential."
    ),
    _(
        "Assisting project onboarding: the partner provides a contact window, the specifications of its products "
        "and services, delivery schedules and reference prices, and its supply-chain partner firms."
    ),
)


class ObligationAcceptance(TenantOwnedModel):
    """Who accepted which version of the obligations for a profile, and when (append-only by use)."""

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="acceptances")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)
    version = models.CharField(_("text version"), max_length=20)

    class Meta:
        ordering = ["-accepted_at", "-pk"]
        verbose_name = _("acceptance of the obligations")


class BackgroundIP(TenantOwnedModel):
    """Background IP (原屬供應端且具完整驗證之 IP, seed 000): stays with its owner; office staff and the CTO only."""

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="background_ip")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=IPKind.choices)
    owner = models.CharField(_("owner"), max_length=200)
    verified = models.BooleanField(_("verified"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("background IP")


class ReferenceDesign(StateMachineMixin, TenantOwnedModel):
    """A partner's reference design (參考設計方案): published by the partner, approved by office staff."""

    profile = models.ForeignKey(SupplierProfile, on_delete=models.PROTECT, related_name="designs")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    industries = models.JSONField(_("applicable industries"), default=list, blank=True)
    roles = models.JSONField(_("roles covered"), default=list, blank=True)
    documents = models.TextField(_("documents (titles or links, one a line)"), blank=True)
    indicative_price_ntd = models.PositiveBigIntegerField(_("indicative price (NTD)"), null=True, blank=True)
    state = FSMField(_("status"), default=DesignState.DRAFT, choices=DesignState.choices, protected=True)
    review_comment = models.TextField(_("office comment"), blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reference design")
        indexes = [models.Index(fields=["tenant", "state", "-created_at", "-id"], name="design_state_idx")]

    def __str__(self) -> str:
        return self.title

    def role_labels(self) -> list[str]:
        labels = dict(WorkRole.choices)
        return [str(labels.get(code, code)) for code in self.roles]

    @condition(message=_("Only an approved partner can publish reference designs."), code="not_partner")
    def partner_is_approved(self) -> bool:
        return self.profile.state == S.APPROVED

    @transition(
        field=state,
        source=[DesignState.DRAFT, DesignState.RETURNED],
        target=DesignState.SUBMITTED,
        conditions=[partner_is_approved],
        permission=PARTNER,
        custom={"label": _("Publish")},
    )
    def publish(self, *, by: Any, comment: str = "") -> None:
        """The partner publishes the design for office approval."""

    @transition(
        field=state,
        source=DesignState.SUBMITTED,
        target=DesignState.APPROVED,
        permission=QUALIFIER,
        custom={"label": _("Approve")},
    )
    def approve(self, *, by: Any, comment: str = "") -> None:
        """Into the approved catalogue (what a 資格審 'use a reference design' decision links to)."""
        self.approved_at = timezone.now()
        self.review_comment = comment

    @transition(
        field=state,
        source=DesignState.SUBMITTED,
        target=DesignState.RETURNED,
        permission=QUALIFIER,
        custom={"label": _("Return")},
    )
    def return_design(self, *, by: Any, comment: str = "") -> None:
        self.review_comment = comment

    @transition(
        field=state,
        source=[DesignState.DRAFT, DesignState.SUBMITTED, DesignState.APPROVED, DesignState.RETURNED],
        target=DesignState.WITHDRAWN,
        permission=PARTNER,
        custom={"label": _("Withdraw")},
    )
    def withdraw(self, *, by: Any, comment: str = "") -> None:
        """The partner takes the design out of the catalogue."""


class CaseReferenceDesign(TenantOwnedModel):
    """The reference design a case was given (the case side never imports suppliers: the link lives here)."""

    case = models.OneToOneField("cases.DemandCase", on_delete=models.CASCADE, related_name="+")
    design = models.ForeignKey(ReferenceDesign, on_delete=models.PROTECT, related_name="case_links")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note for the applicant"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reference design given to a case")


class Referral(StateMachineMixin, TenantOwnedModel):
    """媒合轉介: office staff refer a case to one partner for one role; the partner accepts or declines."""

    case = models.ForeignKey("cases.DemandCase", on_delete=models.CASCADE, related_name="+")
    profile = models.ForeignKey(SupplierProfile, on_delete=models.PROTECT, related_name="referrals")
    role = models.CharField(_("role"), max_length=32, choices=WorkRole.choices)
    rank = models.PositiveSmallIntegerField(_("rank when referred"), null=True, blank=True)
    reasons = models.JSONField(_("reasons for the rank"), default=list, blank=True)
    note = models.TextField(_("note for the partner"), blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = FSMField(_("status"), default=ReferralState.PROPOSED, choices=ReferralState.choices, protected=True)
    response_reason = models.TextField(_("reason"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("matchmaking referral")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "case", "profile", "role"],
                condition=models.Q(state__in=["proposed", "accepted"]),
                name="referral_unique_open",
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "profile", "-created_at", "-id"], name="referral_partner_idx"),
            models.Index(fields=["tenant", "case", "-created_at", "-id"], name="referral_case_idx"),
        ]

    @condition(message=_("Give a reason for declining."), code="reason_required")
    def has_response_reason(self) -> bool:
        return bool(self.response_reason.strip())

    @transition(
        field=state,
        source=ReferralState.PROPOSED,
        target=ReferralState.ACCEPTED,
        permission=PARTNER,
        custom={"label": _("Accept")},
    )
    def accept(self, *, by: Any, comment: str = "") -> None:
        self.responded_at = timezone.now()

    @transition(
        field=state,
        source=ReferralState.PROPOSED,
        target=ReferralState.DECLINED,
        conditions=[has_response_reason],
        permission=PARTNER,
        custom={"label": _("Decline")},
    )
    def decline(self, *, by: Any, comment: str = "") -> None:
        self.responded_at = timezone.now()

    @transition(
        field=state,
        source=ReferralState.PROPOSED,
        target=ReferralState.WITHDRAWN,
        permission=QUALIFIER,
        custom={"label": _("Withdraw the referral")},
    )
    def withdraw(self, *, by: Any, comment: str = "") -> None:
        """Office staff withdraw a referral the partner has not answered."""
