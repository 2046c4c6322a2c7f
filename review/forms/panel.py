"""Forms of the expert pool, the panel picker and the conflict-of-interest declaration (translated errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from platform_site.forms import BootstrapFormMixin
from platform_site.validators import validate_ubn
from review.conflicts import DECLARATION_VERSION, DETAILS_REQUIRED
from review.enums import ConflictCategory, ExpertKind

#: Most fields of expertise per expert, and the longest one (characters).
MAX_EXPERTISE, MAX_EXPERTISE_LENGTH = 20, 60


def parse_expertise(raw: str) -> list[str]:
    """Fields of expertise from one line separated by commas, 、 or new lines (stripped, unique, in order)."""
    text = (raw or "").replace("、", ",").replace("，", ",").replace("\n", ",")
    return list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


class ExpertiseField(forms.CharField):
    """A list of fields of expertise typed as one line (``AI 晶片, 機器視覺``)."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        items = parse_expertise(super().to_python(value))
        if len(items) > MAX_EXPERTISE or any(len(item) > MAX_EXPERTISE_LENGTH for item in items):
            raise forms.ValidationError(
                _("At most %(count)d fields of %(length)d characters each."),
                params={"count": MAX_EXPERTISE, "length": MAX_EXPERTISE_LENGTH},
            )
        return items


class ExpertProfileForm(BootstrapFormMixin, forms.Form):
    """The profile an expert edits themselves (and the office too)."""

    kind = forms.ChoiceField(label=_("Sector"), choices=ExpertKind.choices)
    title = forms.CharField(label=_("Position and title"), max_length=200, required=False)
    expertise = ExpertiseField(
        label=_("Fields of expertise"),
        required=False,
        help_text=_("Separate fields with commas, e.g. AI chips, machine vision"),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    bio = forms.CharField(label=_("Short biography"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ExpertEditForm(ExpertProfileForm):
    """The office's edit form: the profile plus whether the expert is active in the pool."""

    is_active = forms.BooleanField(label=_("Active in the pool"), required=False)
    is_core = forms.BooleanField(
        label=_("Core platform member"),
        required=False,
        help_text=_("May sit on a supplier final review panel (複審, chaired by the CTO)."),
    )


class ExpertCreateForm(ExpertProfileForm):
    """The office adds a person to the pool (their account is created if needed)."""

    field_order = ["email", "full_name"]
    email = forms.EmailField(label=_("Email (login)"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)


class AffiliationForm(BootstrapFormMixin, forms.Form):
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    ubn = forms.CharField(
        label=_("Unified business number (統一編號)"),
        max_length=8,
        required=False,
        validators=[validate_ubn],
        help_text=_("8 digits, where the organisation has one; used for the automatic conflict check."),
    )
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a current affiliation."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date is before the start date."))
        return data


class InviteForm(BootstrapFormMixin, forms.Form):
    """One expert invited from the picker (the expert's id comes from the row's button)."""

    expert = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    is_lead = forms.BooleanField(label=_("Lead reviewer"), required=False)
    override_reason = forms.CharField(
        label=_("Reason for inviting despite the conflict flag"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommentForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclarationForm(BootstrapFormMixin, forms.Form):
    """The conflict-of-interest declaration (利益迴避, 行政程序法 §32); ``text_version`` is the text shown."""

    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with the applicant or its people?"),
        choices=[("no", _("No, I have no conflict of interest")), ("yes", _("Yes, I have a conflict of interest"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    categories = forms.MultipleChoiceField(
        label=_("Grounds (if yes)"),
        choices=ConflictCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    details = forms.CharField(
        label=_("Details"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    text_version = forms.CharField(widget=forms.HiddenInput, initial=DECLARATION_VERSION, max_length=20)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        conflict, categories = data.get("has_conflict"), data.get("categories") or []
        if conflict is True and not categories:
            self.add_error("categories", _("Choose at least one ground for the conflict of interest."))
        if conflict is False and categories:
            self.add_error("categories", _("Grounds are given only when you declare a conflict."))
        if set(categories) & DETAILS_REQUIRED and not (data.get("details") or "").strip():
            self.add_error("details", _("Describe the other relationship."))
        return data
