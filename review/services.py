"""The one place that changes the review committee's rows: every write checks its ``rules`` permission (or is a
setup step run by the platform) and appends to the activity log (:mod:`platform_site.activity`).

Sections: rubrics and the tier-discount table (setup); expert pool; meetings and panels; declarations and
invitations; scores; decisions and minutes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from platform_site.activity import log_event
from platform_site.enums import ActivityAction
from review.models import Rubric, RubricCriterion, RubricGroup, TierDiscount
from review.rubric_presets import PRESETS, TSMP_TIER_DISCOUNTS


# ---- rubrics and the tier-discount table ----------------------------------------------------------------------
@transaction.atomic
def install_rubric(code: str, actor: Any, definition: dict[str, Any] | None = None) -> Rubric:
    """Install rubric ``code`` in the current tenant as its new current version and return it.

    ``definition`` has the shape of :data:`review.rubric_presets.PRESETS` entries (default: the preset of that
    code). The previous current version (if any) stays for the meetings that scored on it (``is_current`` off);
    the new one gets ``version`` + 1. Logs ``created`` on the rubric. Raises KeyError for an unknown preset.
    """
    spec = definition or PRESETS[code]
    previous = Rubric.objects.select_for_update().filter(code=code, is_current=True).first()
    version = 1
    if previous is not None:
        version = previous.version + 1
        Rubric.objects.filter(pk=previous.pk).update(is_current=False)
    rubric = Rubric.objects.create(
        code=code,
        version=version,
        name_zh=spec["name_zh"],
        name_en=spec["name_en"],
        source=spec.get("source", ""),
    )
    for g_pos, group_spec in enumerate(spec["groups"]):
        group = RubricGroup.objects.create(
            rubric=rubric,
            position=g_pos,
            label_zh=group_spec["label_zh"],
            label_en=group_spec["label_en"],
            weight_percent=Decimal(str(group_spec.get("weight", 0))),
        )
        for c_pos, item in enumerate(group_spec["criteria"]):
            RubricCriterion.objects.create(
                rubric=rubric,
                group=group,
                key=item["key"],
                position=c_pos,
                kind=item["kind"],
                label_zh=item["label_zh"],
                label_en=item["label_en"],
                help_zh=item.get("help_zh", ""),
                help_en=item.get("help_en", ""),
                min_value=item.get("min"),
                max_value=item.get("max"),
                justification_required=bool(item.get("justify")),
            )
    log_event(rubric, ActivityAction.CREATED, actor, data={"code": code, "version": version})
    return rubric


@transaction.atomic
def install_tier_discounts(actor: Any, table: dict[tuple[int, int], int] | None = None) -> list[TierDiscount]:
    """Set the current tenant's tier-discount table (default :data:`TSMP_TIER_DISCOUNTS`): one row per
    ``(value-creation tier, local-linkage rating) -> applicant's labour share %``; existing entries are updated.

    Every entry is validated (``full_clean``): a share above 50% raises ``ValidationError`` and nothing is saved.
    Each changed share is a money change: logged ``money_changed`` with before/after.
    """
    rows = []
    for (tier, rating), share in sorted((table or TSMP_TIER_DISCOUNTS).items()):
        row = TierDiscount.objects.filter(value_creation_tier=tier, local_linkage_rating=rating).first()
        before = row.labour_share_percent if row else None
        row = row or TierDiscount(value_creation_tier=tier, local_linkage_rating=rating)
        row.labour_share_percent = share
        row.full_clean(exclude=["tenant"])
        row.save()
        if before != share:
            data = {"field": "labour_share_percent", "before": before, "after": share}
            log_event(row, ActivityAction.MONEY_CHANGED, actor, data=data)
        rows.append(row)
    return rows


# ---- meetings and scores: scheduling, open / cancel, attendance, scoring are in review.meetings (the
# ---- writes of one topic, kept apart so no module grows past ~500 lines).
