"""Stable codes for tenant kinds, roles and organisation kinds (labels are for display only)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TenantKind(models.TextChoices):
    PLATFORM_OFFICE = "platform_office", _("Programme office")
    VERIFICATION_LAB = "verification_lab", _("Verification lab")
    GRANT_CALL = "grant_call", _("Grant call office")


class Role(models.TextChoices):
    """Roles are per tenant (DOMAIN.md "Actors"; seed 000_9617a3b789ca4d20.txt)."""

    APPLICANT = "applicant", _("Applicant (demand side)")
    SUPPLIER = "supplier", _("Supplier (supply side)")
    OFFICE_REVIEWER = "office_reviewer", _("Office reviewer")
    CTO = "cto", _("CTO")
    EXPERT = "expert", _("Expert reviewer")
    CASE_MANAGER = "case_manager", _("Case manager")
    FINANCE = "finance", _("Finance admin")
    TENANT_ADMIN = "tenant_admin", _("Tenant admin")


#: Roles that act for the programme office and see every case of the tenant.
OFFICE_ROLES = frozenset({Role.OFFICE_REVIEWER, Role.CTO, Role.TENANT_ADMIN})


class OrganizationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Legal-person research institute")


class CompanySize(models.TextChoices):
    """Demand side: domestic SMEs, start-ups and cross-domain system companies (seed 000)."""

    SME = "sme", _("SME")
    STARTUP = "startup", _("Start-up")
    CROSS_DOMAIN = "cross_domain", _("Cross-domain system company")
    LARGE = "large", _("Large enterprise")
    NOT_APPLICABLE = "na", _("Not applicable")


class ActivityAction(models.TextChoices):
    """Kinds of activity-log entries other than transitions (a transition's action is its method name).

    The events a programme office is audited on; every app logs them with ``platform_site.activity.log_event``.
    """

    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    DOCUMENT_UPLOADED = "document_uploaded", _("Document uploaded")
    DOCUMENT_DELETED = "document_deleted", _("Document removed")
    CHECKLIST_SAVED = "checklist_saved", _("Checklist saved")
    MEMBER_INVITED = "member_invited", _("Member invited")
    MEMBER_JOINED = "member_joined", _("Member joined")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
    MONEY_CHANGED = "money_changed", _("Amount changed")
    OBLIGATIONS_ACCEPTED = "obligations_accepted", _("Obligations accepted")
    REFERENCE_DESIGN_GIVEN = "reference_design_given", _("Reference design given")
    REFERRAL_MADE = "referral_made", _("Matchmaking referral made")
    REFERRAL_ANSWERED = "referral_answered", _("Matchmaking referral answered")
    # review committee panels (review.services, "expert pool and panels")
    EXPERT_INVITED = "expert_invited", _("Expert invited")
    CONFLICT_OVERRIDDEN = "conflict_overridden", _("Invited despite a conflict flag")
    CONFLICT_DECLARED = "conflict_declared", _("Conflict of interest declared")
    LEAD_DESIGNATED = "lead_designated", _("Lead reviewer designated")
    # review committee meetings (review.services.meetings)
    MEETING_SCHEDULED = "meeting_scheduled", _("Review meeting scheduled")
    ATTENDANCE_RECORDED = "attendance_recorded", _("Attendance recorded")
    SCORES_SAVED = "scores_saved", _("Scores saved")
    SCORES_SUBMITTED = "scores_submitted", _("Scores submitted")
    MINUTES_ISSUED = "minutes_issued", _("Minutes issued")
    # benefit tracking (cases.benefits.services)
    KPI_RECORDED = "kpi_recorded", _("KPI measurement recorded")
