"""The suppliers app's panel on a supplier's home (declared in suppliers.apps.SuppliersConfig)."""

from __future__ import annotations

from typing import Any

from suppliers import queries
from suppliers.enums import ReferralState


def supplier_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """``{"profile": profile | None, "referrals": [referral waiting for an answer, ≤ 10]}`` (two queries)."""
    waiting = queries.referral_list(user, tenant).filter(state=ReferralState.PROPOSED)
    return {"profile": queries.own_profile(user, tenant), "referrals": list(waiting[:10])}


def applicant_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """``{"rows": [...]}``: the applicant's cases with a reference design or accepted referrals (three queries)."""
    return {"rows": queries.applicant_case_services(user, tenant)}


def office_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """``{"rows": [profile in review, ≤ 10]}`` with the due dates (one query)."""
    return {"rows": queries.profiles_in_review(user, tenant)}
