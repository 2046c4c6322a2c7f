"""Forms of the meeting pages: scheduling, open / cancel, attendance, an expert's scores (messages translated)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from platform_site.forms import BootstrapFormMixin
from review import scoring
from review.enums import ApplicantAttendance, CriterionKind, MeetingMode


def label(obj: Any, field: str = "label") -> str:
    """``obj.<field>_zh`` in Chinese, else ``obj.<field>_en`` (rubric texts are data in both languages)."""
    zh = (get_language() or "").lower().startswith("zh")
    return getattr(obj, f"{field}_zh" if zh else f"{field}_en") or getattr(obj, f"{field}_zh")


class ScheduleMeetingForm(BootstrapFormMixin, forms.Form):
    """Date and time (Asia/Taipei), mode, room and/or video link, agenda. The stage follows the case's state."""

    scheduled_at = forms.DateTimeField(
        label=_("Date and time"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=MeetingMode.choices, initial=MeetingMode.IN_PERSON)
    room = forms.CharField(label=_("Room"), max_length=200, required=False)
    video_link = forms.URLField(label=_("Video link"), max_length=200, required=False, assume_scheme="https")
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_scheduled_at(self) -> Any:
        when = self.cleaned_data["scheduled_at"]
        if when <= timezone.now():
            raise forms.ValidationError(_("Choose a date and time in the future."))
        return when


class MeetingActionForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


ATTENDED_CHOICES = [("", _("Not recorded")), ("yes", _("Attended")), ("no", _("Absent"))]
ATTENDED_VALUES = {"": None, "yes": True, "no": False}


class AttendanceForm(BootstrapFormMixin, forms.Form):
    """One choice per accepted expert (``expert_<invitation id>``) and the applicant's attendance."""

    applicant_attendance = forms.ChoiceField(
        label=_("Applicant attendance"), choices=ApplicantAttendance.choices, required=False
    )
    applicant_attendees = forms.CharField(label=_("Applicant's attendees"), max_length=300, required=False)

    def __init__(self, *args: Any, seats: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seats = seats
        for seat in seats:
            name = f"expert_{seat.pk}"
            self.fields[name] = forms.ChoiceField(
                label=str(seat.expert), choices=ATTENDED_CHOICES, required=False, widget=forms.Select
            )
            self.fields[name].widget.attrs["class"] = "form-select"
            self.initial.setdefault(name, {True: "yes", False: "no"}.get(seat.attended, ""))
        self.order_fields([f"expert_{s.pk}" for s in seats] + ["applicant_attendance", "applicant_attendees"])

    def experts(self) -> dict[int, bool | None]:
        return {seat.pk: ATTENDED_VALUES[self.cleaned_data.get(f"expert_{seat.pk}") or ""] for seat in self.seats}


def _value_field(criterion: Any) -> forms.Field:
    low, high = scoring.bounds(criterion)
    text, help_text = label(criterion), label(criterion, "help")
    if criterion.kind == CriterionKind.SCALE:
        return forms.IntegerField(label=text, help_text=help_text, min_value=low, max_value=high, required=False)
    if criterion.kind == CriterionKind.TIER:
        choices = [("", "—")] + [(str(v), _("Tier %(n)s") % {"n": v}) for v in range(low, high + 1)]
    else:
        choices = [("", "—"), ("1", _("Yes")), ("0", _("No"))]
    return forms.TypedChoiceField(
        label=text, help_text=help_text, choices=choices, coerce=int, empty_value=None, required=False
    )


class ScoreForm(BootstrapFormMixin, forms.Form):
    """One expert's scores: per criterion ``<key>`` (value, or the comment of a text item) and
    ``<key>__why`` (justification, where the rubric asks for one). Required-ness is checked on submission by
    :func:`review.services.meetings.save_scores` (a draft may be incomplete)."""

    def __init__(self, *args: Any, criteria: list[Any], scores: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            saved = scores.get(criterion.pk)
            if criterion.kind == CriterionKind.TEXT:
                self.fields[criterion.key] = forms.CharField(
                    label=label(criterion), required=False, widget=forms.Textarea(attrs={"rows": 3})
                )
                self.initial[criterion.key] = saved.text if saved else ""
            else:
                self.fields[criterion.key] = _value_field(criterion)
                self.initial[criterion.key] = saved.value if saved else None
            if criterion.justification_required:
                self.fields[f"{criterion.key}__why"] = forms.CharField(
                    label=_("Justification: %(item)s") % {"item": label(criterion)},
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                self.initial[f"{criterion.key}__why"] = saved.justification if saved else ""
        for field in self.fields.values():
            widget = field.widget
            widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"

    def entries(self) -> dict[str, dict[str, Any]]:
        """``{key: {"value", "text", "justification"}}`` for :func:`review.services.meetings.save_scores`."""
        data = self.cleaned_data
        out = {}
        for criterion in self.criteria:
            entry: dict[str, Any] = {"justification": data.get(f"{criterion.key}__why", "") or ""}
            if criterion.kind == CriterionKind.TEXT:
                entry.update(value=None, text=data.get(criterion.key) or "")
            else:
                entry.update(value=data.get(criterion.key))
            out[criterion.key] = entry
        return out
