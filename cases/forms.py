"""Forms of the demand-case screens; messages in the user's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.enums import Customisation, DocumentKind, ProjectType, QualificationDecision
from cases.models import INTAKE_FIELDS, DemandCase, validate_customisations
from platform_site.forms import BootstrapFormMixin
from platform_site.uploads import check_upload


class DemandCaseForm(BootstrapFormMixin, forms.ModelForm):
    """The applicant's intake form. A draft may be saved incomplete; submission checks completeness."""

    customisations = forms.MultipleChoiceField(
        label=_("Which customisation do you think you need?"),
        choices=Customisation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = DemandCase
        fields = list(INTAKE_FIELDS)
        widgets = {
            "company_profile": forms.Textarea(attrs={"rows": 3}),
            "problem_statement": forms.Textarea(attrs={"rows": 4}),
            "smart_system_need": forms.Textarea(attrs={"rows": 4}),
            "supply_chain_outcome": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "application_field": _("e.g. defect inspection in metal processing, smart retail, elderly care"),
            "supply_chain_outcome": _("Who did you ask, and why could they not serve the need?"),
        }

    def clean_customisations(self) -> list[str]:
        chosen = self.cleaned_data["customisations"]
        validate_customisations(chosen)
        return chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("supply_chain_consulted") and not (data.get("supply_chain_outcome") or "").strip():
            self.add_error("supply_chain_outcome", _("Tell us what the existing supply chain answered."))
        return data


class DocumentUploadForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Document type"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Office document or PNG/JPEG image"))

    def __init__(self, *args: Any, max_bytes: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_upload(upload, self.max_bytes)
        return upload


class TransitionForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class WithdrawForm(TransitionForm):
    """撤案 needs a confirmation: a required checkbox in the same form (works without JavaScript)."""

    confirm = forms.BooleanField(
        label=_("Yes, withdraw this case. It cannot be reopened; a new case would have to be started."),
        error_messages={"required": _("Tick the box to confirm that you want to withdraw the case.")},
    )


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def yes_no_initial(value: bool | None) -> str:
    """The radio value of a stored answer ("" when not assessed)."""
    return {True: "yes", False: "no"}.get(value, "")


class QualificationDecisionForm(BootstrapFormMixin, forms.Form):
    """資格審 checklist and decision (seed 000_9617a3b789ca4d20.txt, 收案與審查流程).

    The first two items decide eligibility (ticked = met). "Can the existing external supply chain serve
    the need?" is where the flowchart branches (yes → referral); left unanswered it stays "not assessed".
    "Is customisation needed?" is asked only when the applicant answered "Not sure" at intake (``case``);
    otherwise the intake's answer decides between a reference design and 初審.
    """

    eligible_applicant_type = forms.BooleanField(
        label=_("Domestic SME, start-up or cross-domain system company"), required=False
    )
    eligible_need = forms.BooleanField(
        label=_("Has a smart-system application need or intends to develop a chip"), required=False
    )
    existing_supply_chain_can_serve = forms.TypedChoiceField(
        label=_("Can the existing external supply chain serve the need?"),
        help_text=_(
            "Yes: matchmaking referral. No: a reference design, or the preliminary review if customisation is needed."
        ),
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    customisation_needed = forms.TypedChoiceField(
        label=_("Is customisation needed?"),
        help_text=_("The applicant was not sure. No: a reference design. Yes: the preliminary review."),
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=QualificationDecision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment to the applicant"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args: Any, case: DemandCase, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "eligible_applicant_type": case.eligible_applicant_type,
                "eligible_need": case.eligible_need,
                "existing_supply_chain_can_serve": yes_no_initial(case.existing_supply_chain_can_serve),
                "customisation_needed": yes_no_initial(case.customisation_needed),
            },
        )
        super().__init__(*args, **kwargs)
        if not case.customisation_is_asked():
            del self.fields["customisation_needed"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data.setdefault("customisation_needed", None)
        return data


class NeedsAnalysisForm(BootstrapFormMixin, forms.Form):
    summary = forms.CharField(label=_("Summary of the need"), widget=forms.Textarea(attrs={"rows": 5}), max_length=8000)
    project_types = forms.MultipleChoiceField(
        label=_("Likely project types"),
        choices=ProjectType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
