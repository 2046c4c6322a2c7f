"""States and choices of the suppliers app (seed 000_9617a3b789ca4d20.txt, 供應端 and 服務流程細部流程圖)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OnboardingState(models.TextChoices):
    """供應端: 資格審 (document review, office staff, ≤ 5 working days) → 複審 (meeting, CTO, ≤ two weeks)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    QUALIFICATION = "qualification", _("Qualification review")
    FINAL_REVIEW = "final_review", _("Final review")
    APPROVED = "approved", _("Approved partner")
    RETURNED = "returned", _("Returned for more information")
    REJECTED = "rejected", _("Not approved")
    SUSPENDED = "suspended", _("Suspended")


#: States in which the supplier may edit its profile.
SUPPLIER_EDITABLE_STATES = frozenset({OnboardingState.DRAFT, OnboardingState.RETURNED})
#: States in which a partner appears in the directory and can be referred.
DIRECTORY_STATES = (OnboardingState.APPROVED,)


class WorkRole(models.TextChoices):
    """The eight work-group roles ①–⑧ in the seed's list order (seed 000: 組成工作小組)."""

    ARCHITECTURE = "architecture", _("① Architecture design")
    MODEL_TRAINING = "model_training", _("② Model training")
    SOFTWARE = "software", _("③ Software design")
    CHIP = "chip", _("④ Chip design")
    MODULE = "module", _("⑤ Module design")
    TRIAL_PRODUCTION = "trial_production", _("⑥ Small-volume trial production")
    SYSTEM_INTEGRATION = "system_integration", _("⑦ System integration")
    FIELD_VALIDATION = "field_validation", _("⑧ Field validation")


#: cases.enums.Customisation code -> the roles its project type needs (seed 000 服務流程細部流程圖, as
#: DOMAIN.md reads it and ISSUE 10 uses it): chip ①③④⑤⑥⑧, hardware ③⑤⑦, software ②③⑦, trial ③⑤⑥⑧.
R = WorkRole
CUSTOMISATION_ROLES: dict[str, tuple[str, ...]] = {
    "chip": (R.ARCHITECTURE, R.SOFTWARE, R.CHIP, R.MODULE, R.TRIAL_PRODUCTION, R.FIELD_VALIDATION),
    "hardware": (R.SOFTWARE, R.MODULE, R.SYSTEM_INTEGRATION),
    "software": (R.MODEL_TRAINING, R.SOFTWARE, R.SYSTEM_INTEGRATION),
    "trial_production": (R.SOFTWARE, R.MODULE, R.TRIAL_PRODUCTION, R.FIELD_VALIDATION),
}


def required_roles(customisations: list[str]) -> list[str]:
    """The union of the roles of ``customisations`` (case codes), in ①–⑧ order; [] for none / unsure."""
    wanted = {role for code in customisations for role in CUSTOMISATION_ROLES.get(code, ())}
    return [role for role in WorkRole.values if role in wanted]


class Domain(models.TextChoices):
    """The supply side's fields (seed 000, 供應端: 電子裝置、IC、AI模型、資通訊、應用軟體、封裝、Sensors)."""

    ELECTRONIC_DEVICES = "electronic_devices", _("Electronic devices")
    IC = "ic", _("IC")
    AI_MODELS = "ai_models", _("AI models")
    ICT = "ict", _("ICT")
    APPLICATION_SOFTWARE = "application_software", _("Application software")
    PACKAGING = "packaging", _("Packaging")
    SENSORS = "sensors", _("Sensors")


class Certification(models.TextChoices):
    """Management-system and product certifications a partner may hold (the published standard names)."""

    ISO_9001 = "iso_9001", "ISO 9001"
    ISO_14001 = "iso_14001", "ISO 14001"
    IATF_16949 = "iatf_16949", "IATF 16949"
    ISO_13485 = "iso_13485", "ISO 13485"
    ISO_27001 = "iso_27001", "ISO/IEC 27001"
    IEC_62443 = "iec_62443", "IEC 62443"
    ISO_26262 = "iso_26262", "ISO 26262"
    TAF = "taf", _("TAF accredited laboratory (ISO/IEC 17025)")


class IPKind(models.TextChoices):
    PATENT = "patent", _("Patent")
    SOFTWARE = "software", _("Software / source code")
    DESIGN = "design", _("Circuit or IC design (IP core)")
    KNOW_HOW = "know_how", _("Know-how / trade secret")
    OTHER = "other", _("Other")


class DesignState(models.TextChoices):
    """A reference design (參考設計方案): the partner publishes it, office staff approve it."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for office approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReferralState(models.TextChoices):
    """A matchmaking referral (媒合轉介) of a case to one partner for one role."""

    PROPOSED = "proposed", _("Waiting for the partner")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
