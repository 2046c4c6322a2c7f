"""Matchmaking (媒合): per role a case needs, the approved partners ranked, each rank with its reasons.

The roles come from the case's customisation needs (:func:`suppliers.enums.required_roles`, seed 000
服務流程細部流程圖); a case without customisation (none / not sure, the 媒合轉介 branch) is matched for all
eight roles. Points (higher first; ties by organisation name, then id):

* the partner takes the role: +10 (only such partners are listed);
* each of the partner's keywords (split on , 、 ; and spaces) found in the case's text: +3;
* each of the partner's domains whose hint words (:data:`DOMAIN_HINTS`) appear in the case's text: +2;
* each approved reference design covering the role: +2, and +2 more when it lists the case's industry;
* past referral outcomes: +1 per accepted (at most +3), −1 per declined;
* current load: −1 per referral still waiting for the partner's answer.

Three queries whatever the number of partners (partners, designs, referral counts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from suppliers.enums import DesignState, Domain, OnboardingState, ReferralState, WorkRole, required_roles
from suppliers.models import ReferenceDesign, Referral, SupplierProfile

#: Words in a case's text that point at a domain (zh-Hant and English, lower-cased match).
DOMAIN_HINTS: dict[str, tuple[str, ...]] = {
    Domain.ELECTRONIC_DEVICES: ("電子", "裝置", "控制器", "device"),
    Domain.IC: ("晶片", "ic", "asic", "soc", "chip"),
    Domain.AI_MODELS: ("ai", "模型", "辨識", "機器學習", "深度學習", "預測"),
    Domain.ICT: ("物聯網", "網路", "通訊", "雲端", "iot", "5g"),
    Domain.APPLICATION_SOFTWARE: ("軟體", "系統", "平台", "app", "software"),
    Domain.PACKAGING: ("封裝", "package", "packaging"),
    Domain.SENSORS: ("感測", "sensor", "光學", "影像"),
}
KEYWORD_SPLIT = re.compile(r"[,，、;；/\s]+")


@dataclass
class Candidate:
    """One ranked partner for one role: ``points`` and the ``reasons`` (translated sentences) behind them."""

    profile: SupplierProfile
    points: int = 0
    reasons: list[str] = field(default_factory=list)


def case_text(case: Any) -> str:
    """The case's words matched against partners (lower-cased)."""
    parts = [case.title, case.application_field, case.problem_statement, case.smart_system_need]
    return " ".join(p or "" for p in parts).lower()


def ranking(case: Any, roles: Iterable[str] | None = None) -> list[tuple[str, str, list[Candidate]]]:
    """``[(role code, role label, [Candidate, …] best first), …]`` for each role ``case`` needs (①–⑧ order).

    ``roles``: rank for these roles instead (WorkRole codes, listed in ①–⑧ order; unknown codes ignored) — e.g.
    a work group's required roles, which the office may have extended by hand beyond the customisation needs.
    Every approved partner registered for a role is listed under it."""
    if roles is not None:
        wanted = set(roles)
        roles = [role for role in WorkRole.values if role in wanted]
    else:
        roles = required_roles(list(case.customisations or [])) or list(WorkRole.values)
    text = case_text(case)
    partners = list(
        SupplierProfile.objects.filter(state=OnboardingState.APPROVED)
        .select_related("organization")
        .only("id", "organization__name", "roles", "domains", "keywords", "tenant_id", "organization_id", "state")
    )
    designs = list(
        ReferenceDesign.objects.filter(state=DesignState.APPROVED, profile__in=[p.pk for p in partners]).only(
            "id", "profile_id", "title", "roles", "industries"
        )
    )
    counts: dict[int, dict[str, int]] = {}
    for row in (
        Referral.objects.filter(profile__in=[p.pk for p in partners])
        .values("profile_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts.setdefault(row["profile_id"], {})[row["state"]] = row["n"]
    labels = dict(WorkRole.choices)
    domain_labels = dict(Domain.choices)
    result = []
    for role in roles:
        found = []
        for partner in partners:
            if role not in partner.roles:
                continue
            c = Candidate(partner, 10, [_("Takes the role %(role)s.") % {"role": labels[role]}])
            words = [w for w in KEYWORD_SPLIT.split(partner.keywords or "") if w]
            hits = [w for w in dict.fromkeys(words) if w.lower() in text]
            if hits:
                c.points += 3 * len(hits)
                c.reasons.append(_("Keywords in the case: %(words)s.") % {"words": "、".join(hits)})
            domains = [d for d in partner.domains if any(h in text for h in DOMAIN_HINTS.get(d, ()))]
            if domains:
                c.points += 2 * len(domains)
                names = "、".join(str(domain_labels.get(d, d)) for d in domains)
                c.reasons.append(_("Domains matching the case: %(domains)s.") % {"domains": names})
            for design in designs:
                if design.profile_id == partner.pk and role in design.roles:
                    c.points += 2
                    fits = bool(case.industry) and case.industry in design.industries
                    c.points += 2 if fits else 0
                    if fits:
                        reason = _("Reference design “%(title)s” covers the role, for the case's industry.")
                    else:
                        reason = _("Reference design “%(title)s” covers the role.")
                    c.reasons.append(reason % {"title": design.title})
            history = counts.get(partner.pk, {})
            accepted, declined = history.get(ReferralState.ACCEPTED, 0), history.get(ReferralState.DECLINED, 0)
            if accepted or declined:
                c.points += min(accepted, 3) - declined
                c.reasons.append(
                    _("Past referrals: %(accepted)d accepted, %(declined)d declined.")
                    % {"accepted": accepted, "declined": declined}
                )
            load = history.get(ReferralState.PROPOSED, 0)
            if load:
                c.points -= load
                c.reasons.append(_("Current load: %(n)d referrals waiting for its answer.") % {"n": load})
            found.append(c)
        found.sort(key=lambda c: (-c.points, c.profile.organization.name, c.profile.pk))
        result.append((role, str(labels[role]), found))
    return result
