"""Template helpers of the meeting pages: rubric labels in the page's language, a score's display value."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from review.enums import CriterionKind
from review.forms.meetings import label

register = template.Library()


@register.filter
def rubric_label(obj: Any) -> str:
    """``{{ criterion|rubric_label }}``: the zh-Hant or English label of a rubric row."""
    return label(obj)


@register.simple_tag
def score_value(criterion: Any, score: Any) -> str:
    """A score as shown: ``Tier 2``, ``Yes`` / ``No``, the number, or the comment of a text item."""
    if criterion.kind == CriterionKind.TEXT:
        return score.text or "—"
    if score.value is None:
        return "—"
    if criterion.kind == CriterionKind.TIER:
        return _("Tier %(n)s") % {"n": score.value}
    if criterion.kind == CriterionKind.YES_NO:
        return _("Yes") if score.value else _("No")
    return str(score.value)
