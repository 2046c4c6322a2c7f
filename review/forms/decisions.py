"""Forms of the decision page (the committee's consensus) and the tier-discount table."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from platform_site.forms import BootstrapFormMixin
from review.enums import STAGE_OUTCOMES, DecisionOutcome, ReviewStage
from review.models import MAX_LABOUR_SHARE_PERCENT, ReviewMeeting, TierDiscount
from review.subjects import outcome_label

#: Value-creation tiers (seed 000 審查評分項目 價值創造性).
TIER_CHOICES = (
    (1, _("Tier 1: a new application opening a new market")),
    (2, _("Tier 2: value added to an existing product")),
    (3, _("Tier 3: cost reduction")),
)
#: Formatted by Django with ``limit_value`` (50): the fee rule of seed 000 (需求端分攤之成本不高於50%).
SHARE_ERROR = _(
    "The applicant's share of platform labour may not exceed %(limit_value)s%%: the programme's fee rule caps it."
)


class DecisionForm(BootstrapFormMixin, forms.Form):
    """The consensus decision of one meeting: the outcomes its stage allows; for a final pass the tier, the
    local-linkage rating (the ratings of the tenant's table) and the case manager. The labour share is read
    from the table by the service, never typed."""

    outcome = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    applicant_comments = forms.CharField(
        label=_("Comments for the applicant"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Shown to the applicant once you release the decision."),
    )
    value_creation_tier = forms.TypedChoiceField(
        label=_("Value-creation tier"), coerce=int, empty_value=None, required=False
    )
    local_linkage_rating = forms.TypedChoiceField(
        label=_("Local-linkage rating"), coerce=int, empty_value=None, required=False
    )
    case_manager = forms.ModelChoiceField(label=_("Case manager"), queryset=None, required=False)

    def __init__(self, *args: Any, meeting: ReviewMeeting, managers: Any, ratings: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.fields["outcome"].choices = [
            (o.value, outcome_label(meeting.stage, o)) for o in STAGE_OUTCOMES[meeting.stage]
        ]
        self.fields["case_manager"].queryset = managers
        self.fields["case_manager"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        if self.is_final:
            self.fields["value_creation_tier"].choices = [("", "—"), *TIER_CHOICES]
            self.fields["local_linkage_rating"].choices = [("", "—"), *((r, str(r)) for r in ratings)]
        else:
            for name in ("value_creation_tier", "local_linkage_rating", "case_manager"):
                del self.fields[name]

    @property
    def is_final(self) -> bool:
        return self.meeting.stage == ReviewStage.FINAL

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.is_final and data.get("outcome") == DecisionOutcome.PASS:
            missing = _("Required for a pass.")
            for name in ("value_creation_tier", "local_linkage_rating", "case_manager"):
                if data.get(name) in (None, ""):
                    self.add_error(name, missing)
        return data


class TierDiscountForm(BootstrapFormMixin, forms.Form):
    """The tier-discount table: one share (%) per existing entry, plus one new entry. Every share 0-50%."""

    new_tier = forms.TypedChoiceField(
        label=_("New entry: value-creation tier"),
        choices=[("", "—"), *TIER_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    new_rating = forms.IntegerField(
        label=_("New entry: local-linkage rating"), min_value=1, max_value=10, required=False
    )
    new_share = forms.IntegerField(
        label=_("New entry: applicant's share (%)"),
        min_value=0,
        max_value=MAX_LABOUR_SHARE_PERCENT,
        required=False,
        error_messages={"max_value": SHARE_ERROR},
    )

    def __init__(self, *args: Any, rows: list[TierDiscount], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[self.key(row.value_creation_tier, row.local_linkage_rating)] = forms.IntegerField(
                label=_("Tier %(tier)s, rating %(rating)s")
                % {"tier": row.value_creation_tier, "rating": row.local_linkage_rating},
                min_value=0,
                max_value=MAX_LABOUR_SHARE_PERCENT,
                initial=row.labour_share_percent,
                error_messages={"max_value": SHARE_ERROR},
            )

    @staticmethod
    def key(tier: int, rating: int) -> str:
        return f"share_{tier}_{rating}"

    def share_field(self, row: TierDiscount) -> Any:
        return self[self.key(row.value_creation_tier, row.local_linkage_rating)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        new = [data.get("new_tier"), data.get("new_rating"), data.get("new_share")]
        if any(v is not None for v in new) and any(v is None for v in new):
            self.add_error("new_share", _("A new entry needs a tier, a rating and a share."))
        return data

    def table(self) -> dict[tuple[int, int], int]:
        """``{(tier, rating): share}`` of the valid form (existing entries and the new one if given)."""
        data = self.cleaned_data
        table = {
            (r.value_creation_tier, r.local_linkage_rating): data[
                self.key(r.value_creation_tier, r.local_linkage_rating)
            ]
            for r in self.rows
        }
        if data.get("new_share") is not None:
            table[(data["new_tier"], data["new_rating"])] = data["new_share"]
        return table
