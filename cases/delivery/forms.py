"""HTML input of service delivery, with translated errors (negative hours, end before start, …)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.delivery.enums import Outcome
from cases.delivery.services.reports import MAX_HOURS
from suppliers.enums import WorkRole

DATE = forms.DateInput(attrs={"type": "date"})
NEGATIVE_HOURS = _("Hours cannot be negative.")


class AssignmentForm(forms.Form):
    """Assign a partner to a role: ``candidates`` is ``[(role, label, [Candidate])]`` from the matchmaking ranking
    (suppliers.matching.ranking); the partner choice is ``"<role>:<profile id>"`` of one of them."""

    choice = forms.ChoiceField(label=_("Role and partner"))
    scope = forms.CharField(label=_("Scope"), widget=forms.Textarea(attrs={"rows": 2}))
    planned_start = forms.DateField(label=_("Planned start"), widget=DATE)
    planned_end = forms.DateField(label=_("Planned end"), widget=DATE)
    deliverables = forms.CharField(label=_("Deliverables"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, candidates: list[tuple[str, str, list[Any]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profiles = {}
        choices: list[tuple[str, Any]] = []
        for role, label, ranked in candidates:
            options = []
            for rank, candidate in enumerate(ranked, start=1):
                key = f"{role}:{candidate.profile.pk}"
                self.profiles[key] = (role, candidate.profile)
                options.append((key, f"{rank}. {candidate.profile.organization.name} ({candidate.points})"))
            if options:
                choices.append((label, options))
        self.fields["choice"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The planned end cannot be before the planned start."))
        if data.get("choice") in self.profiles:
            data["role"], data["partner"] = self.profiles[data["choice"]]
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comments"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class KickoffForm(forms.Form):
    on = forms.DateField(label=_("Kickoff date"), widget=DATE)


class CompletionForm(forms.Form):
    final_report = forms.CharField(label=_("Final report"), widget=forms.Textarea(attrs={"rows": 5}))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    reason = forms.CharField(
        label=_("Reason for termination"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    mass_production = forms.BooleanField(label=_("Enters mass production / sales (量產/銷售)"), required=False)
    mass_production_on = forms.DateField(label=_("From"), widget=DATE, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == Outcome.TERMINATED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for terminating the service."))
        if data.get("mass_production") and not data.get("mass_production_on"):
            self.add_error("mass_production_on", _("Give the date mass production / sales starts."))
        if data.get("outcome") == Outcome.TERMINATED and data.get("mass_production"):
            self.add_error("mass_production", _("A terminated service does not enter mass production."))
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    planned_on = forms.DateField(label=_("Planned date"), widget=DATE)


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=WorkRole.choices, widget=forms.CheckboxSelectMultiple)


class ReportForm(forms.Form):
    """The biweekly report: texts, one hours field per required role (Decimal ≥ 0, two places) and one
    progress field (0–100 %) per milestone of the case."""

    work_done = forms.CharField(label=_("Work done"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    issues_risks = forms.CharField(
        label=_("Issues and risks"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_steps = forms.CharField(label=_("Next steps"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, roles: list[str], milestones: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(WorkRole.choices)
        self.role_fields = []
        for role in roles:
            name = f"hours_{role}"
            self.fields[name] = forms.DecimalField(
                label=labels[role],
                required=False,
                min_value=Decimal("0"),
                max_value=MAX_HOURS,
                decimal_places=2,
                max_digits=7,
                error_messages={
                    "min_value": NEGATIVE_HOURS,
                    "max_value": _("Hours cannot exceed 99,999.99."),
                    "invalid": _("Hours must be a number."),
                    "max_decimal_places": _("Hours have at most two decimal places."),
                },
            )
            self.role_fields.append(name)
        self.milestone_fields = []
        for milestone in milestones:
            name = f"progress_{milestone.pk}"
            self.fields[name] = forms.IntegerField(
                label=milestone.title,
                required=False,
                min_value=0,
                max_value=100,
                error_messages={
                    "min_value": _("Progress must be between 0 and 100 %."),
                    "max_value": _("Progress must be between 0 and 100 %."),
                },
            )
            self.milestone_fields.append(name)

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "work_done": data["work_done"],
            "issues_risks": data["issues_risks"],
            "next_steps": data["next_steps"],
            "hours": {n.removeprefix("hours_"): data[n] for n in self.role_fields if data.get(n) is not None},
            "progress": {
                int(n.removeprefix("progress_")): data[n] for n in self.milestone_fields if data.get(n) is not None
            },
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attachment"))
