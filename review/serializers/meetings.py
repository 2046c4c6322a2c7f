"""API shapes of meetings and scores (review.api.meetings). Exact numbers (means, totals, leniency) are decimal
strings rounded half up (review.scoring.shown); spreads are whole percents of the criterion's scale."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from review.enums import ApplicantAttendance, MeetingMode
from review.models import PanelInvitation, ReviewMeeting, Score


class SeatSerializer(serializers.ModelSerializer):
    """One invitation on the panel: ``expert`` is the expert's name."""

    expert = serializers.CharField(source="expert.__str__", read_only=True)
    scores_submitted = serializers.SerializerMethodField()

    class Meta:
        model = PanelInvitation
        fields = ["id", "expert", "is_lead", "state", "attended", "scores_submitted"]
        read_only_fields = fields

    def get_scores_submitted(self, obj: PanelInvitation) -> bool:
        return obj.scores_submitted_at is not None


class MeetingSerializer(serializers.ModelSerializer):
    """A meeting: ``case`` id and ``case_reference`` (null for a meeting about another subject, e.g. the
    supplier final review: then ``subject_id`` and ``subject_title`` name it); ``rubric`` ``"<code>
    v<version>"``; times in ISO 8601."""

    case_reference = serializers.CharField(source="case.reference", read_only=True, allow_null=True, default=None)
    rubric = serializers.SerializerMethodField()

    class Meta:
        model = ReviewMeeting
        fields = [
            "id",
            "case",
            "case_reference",
            "subject_id",
            "subject_title",
            "stage",
            "round",
            "rubric",
            "scheduled_at",
            "mode",
            "room",
            "video_link",
            "agenda",
            "state",
            "applicant_attendance",
            "applicant_attendees",
            "closed_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_rubric(self, obj: ReviewMeeting) -> str:
        return f"{obj.rubric.code} v{obj.rubric.version}"


class MeetingDetailSerializer(MeetingSerializer):
    panel = SeatSerializer(source="invitations", many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "panel"]
        read_only_fields = fields


class ScheduleMeetingSerializer(serializers.Serializer):
    """Schedule the next round of a case in preliminary or final review (the stage follows its state)."""

    case = serializers.IntegerField()
    scheduled_at = serializers.DateTimeField()
    mode = serializers.ChoiceField(choices=MeetingMode.choices)
    room = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    video_link = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")
    agenda = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_scheduled_at(self, value: Any) -> Any:
        if value <= timezone.now():
            raise serializers.ValidationError(_("Choose a date and time in the future."))
        return value


class MeetingCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ExpertAttendanceSerializer(serializers.Serializer):
    invitation = serializers.IntegerField()
    attended = serializers.BooleanField(allow_null=True)


class AttendanceSerializer(serializers.Serializer):
    """``experts``: ``[{"invitation": id, "attended": true | false | null}]`` (accepted seats);
    ``applicant_attendance``: ``in_person`` / ``video`` / ``absent`` / ``""``."""

    experts = ExpertAttendanceSerializer(many=True, required=False, default=list)
    applicant_attendance = serializers.ChoiceField(choices=ApplicantAttendance.choices, allow_blank=True)
    applicant_attendees = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ScoreEntrySerializer(serializers.Serializer):
    criterion = serializers.SlugField(help_text=_("The rubric item's key, e.g. value_creation."))
    value = serializers.IntegerField(allow_null=True, required=False, default=None)
    text = serializers.CharField(required=False, allow_blank=True, default="")
    justification = serializers.CharField(required=False, allow_blank=True, default="")


class ScoresInputSerializer(serializers.Serializer):
    """Save (``submit`` false) or submit the caller's scores; items left out keep their saved score."""

    scores = ScoreEntrySerializer(many=True)
    submit = serializers.BooleanField(required=False, default=False)


class ScoreSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion.key", read_only=True)

    class Meta:
        model = Score
        fields = ["criterion", "value", "text", "justification", "updated_at"]
        read_only_fields = fields


def board_data(board: Any) -> dict[str, Any]:
    """The board as JSON: ``experts`` ``[{"invitation", "name", "is_lead", "total", "leniency"}]``, ``criteria``
    ``[{"key", "kind", "label_zh", "label_en", "mean", "spread_percent", "dispersed", "scores": [{"invitation",
    "value", "text", "justification"}]}]``, ``groups`` (weighted rubrics: ``[{"label_zh", "label_en",
    "weight_percent", "scores": [{"invitation", "score"}]}]``), ``panel_total``, ``weighted``,
    ``dispersion_threshold_percent``."""

    def dec(value: Any) -> str | None:
        return None if value is None else str(value)

    return {
        "experts": [
            {
                "invitation": seat.pk,
                "name": str(seat.expert),
                "is_lead": seat.is_lead,
                "total": dec(total),
                "leniency": dec(lean),
            }
            for seat, total, lean in board.columns
        ],
        "criteria": [
            {
                "key": row.criterion.key,
                "kind": row.criterion.kind,
                "label_zh": row.criterion.label_zh,
                "label_en": row.criterion.label_en,
                "mean": dec(row.mean),
                "spread_percent": dec(row.spread),
                "dispersed": row.dispersed,
                "scores": [
                    {"invitation": seat.pk, "value": cell.value, "text": cell.text, "justification": cell.justification}
                    for seat, cell in zip(board.seats, row.cells, strict=True)
                    if cell is not None
                ],
            }
            for row in board.rows
        ],
        "groups": [
            {
                "label_zh": group.label_zh,
                "label_en": group.label_en,
                "weight_percent": dec(group.weight_percent),
                "scores": [
                    {"invitation": seat.pk, "score": dec(v)} for seat, v in zip(board.seats, per_seat, strict=True)
                ],
            }
            for group, per_seat in board.group_rows
        ],
        "panel_total": dec(board.panel_total),
        "weighted": board.weighted,
        "dispersion_threshold_percent": board.threshold,
    }
