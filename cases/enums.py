"""States and choices of demand cases (seed 000_9617a3b789ca4d20.txt, 需求端收案與審查流程)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    QUALIFICATION = "qualification", _("Qualification review")
    DOCUMENTS_REQUESTED = "documents_requested", _("More documents requested")
    REFERRED = "referred", _("Matchmaking referral")
    REFERENCE_DESIGN = "reference_design", _("Reference design")
    PRELIMINARY_REVIEW = "preliminary_review", _("Preliminary review")
    FINAL_REVIEW = "final_review", _("Final review")
    IN_SERVICE = "in_service", _("In service")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: States in which the qualification (資格審) due date is running.
QUALIFICATION_CLOCK_STATES = frozenset({CaseState.SUBMITTED, CaseState.QUALIFICATION})
#: States the office reviewer's queue shows.
QUEUE_STATES = (CaseState.SUBMITTED, CaseState.QUALIFICATION, CaseState.DOCUMENTS_REQUESTED)
#: States in which the applicant may edit the case and its documents.
APPLICANT_EDITABLE_STATES = frozenset({CaseState.DRAFT, CaseState.DOCUMENTS_REQUESTED})
#: States in which office staff may record the needs analysis (需求分析).
NEEDS_ANALYSIS_STATES = frozenset({CaseState.SUBMITTED, CaseState.QUALIFICATION, CaseState.DOCUMENTS_REQUESTED})


class ClosureReason(models.TextChoices):
    COMPLETED = "completed", _("Service completed")
    TERMINATED = "terminated", _("Service terminated")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    NOT_PASSED_PRELIMINARY = "not_passed_preliminary", _("Did not pass the preliminary review")
    NOT_PASSED_FINAL = "not_passed_final", _("Did not pass the final review")


class Industry(models.TextChoices):
    """產業屬性 (seed 000): traditional, service, manufacturing, health, other."""

    TRADITIONAL = "traditional", _("Traditional industry")
    SERVICE = "service", _("Service industry")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    HEALTH = "health", _("Health industry")
    OTHER = "other", _("Other")


class Customisation(models.TextChoices):
    """What the applicant thinks it needs (the platform service-flow questions of seed 000)."""

    CHIP = "chip", _("Custom chip")
    HARDWARE = "hardware", _("Custom hardware")
    SOFTWARE = "software", _("Custom software")
    TRIAL_PRODUCTION = "trial_production", _("Small-volume trial production")
    NONE = "none", _("No customisation")
    UNSURE = "unsure", _("Not sure")


EXCLUSIVE_CUSTOMISATIONS = frozenset({Customisation.NONE, Customisation.UNSURE})


class CaseSource(models.TextChoices):
    """案源 (seed 000): office outreach, inbound enquiry, team visits."""

    INBOUND = "inbound", _("Enquiry (website, referral, association)")
    OUTREACH = "outreach", _("Programme office outreach")
    VISIT = "visit", _("Project team visit")


class DocumentKind(models.TextChoices):
    COMPANY_REGISTRATION = "company_registration", _("Company registration certificate")
    NEEDS_DESCRIPTION = "needs_description", _("Needs description")
    FINANCIAL_STATEMENT = "financial_statement", _("Financial statement")
    OTHER = "other", _("Other")


#: Documents a case must carry before it can be submitted (書審 繳交指定資料, seed 000).
REQUIRED_DOCUMENT_KINDS = (DocumentKind.COMPANY_REGISTRATION, DocumentKind.NEEDS_DESCRIPTION)


class QualificationDecision(models.TextChoices):
    """The office reviewer's one decision at 資格審 (seed 000 flowchart); exactly one of refer, reference
    design, proceed and not eligible fits a checklist (``DemandCase.qualification_branch``)."""

    REQUEST_DOCUMENTS = "request_documents", _("Request more documents")
    REFER = "refer", _("Refer to an external supplier (matchmaking)")
    REFERENCE_DESIGN = "reference_design", _("Use a reference design (no customisation)")
    PROCEED = "proceed", _("Proceed to preliminary review")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


#: decision -> transition name on DemandCase
DECISION_TRANSITIONS = {
    QualificationDecision.REQUEST_DOCUMENTS: "request_documents",
    QualificationDecision.REFER: "refer",
    QualificationDecision.REFERENCE_DESIGN: "assign_reference_design",
    QualificationDecision.PROCEED: "proceed_to_preliminary",
    QualificationDecision.NOT_ELIGIBLE: "declare_not_eligible",
}


class ProjectType(models.TextChoices):
    """Platform project types (seed 000, 服務流程細部流程圖)."""

    CHIP_DESIGN = "chip_design", _("Chip design project")
    MODULE_DESIGN = "module_design", _("Module design project")
    SOFTWARE_DESIGN = "software_design", _("Software design project")
    TRIAL_PRODUCTION = "trial_production", _("Trial production project")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
