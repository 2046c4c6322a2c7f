"""Who may do what with supplier profiles, reference designs and referrals (django-rules predicates).

Seed 000_9617a3b789ca4d20.txt (供應端): the supplier fills in and submits; office staff run the 資格審; the CTO
chairs the 複審 and so takes its decisions; partners see only their own profile and referrals. Prices and
background IP are for office staff and the CTO only (issue 9, confidentiality).
"""

from __future__ import annotations

from typing import Any

import rules

from platform_site.enums import Role
from platform_site.rules import has_role, is_cto, is_member, is_office_reviewer, is_office_staff, organizations_in
from suppliers.enums import SUPPLIER_EDITABLE_STATES


def _profile_of(obj: Any) -> Any:
    """The supplier profile an object belongs to (itself, a design's or referral's profile)."""
    if obj is None:
        return None
    return obj if obj._meta.model_name == "supplierprofile" else getattr(obj, "profile", None)


@rules.predicate
def is_profile_supplier(user: Any, obj: Any) -> bool:
    """The user holds the supplier role for the organisation of the (design's / referral's) profile."""
    profile = _profile_of(obj)
    if profile is None:
        return False
    return profile.organization_id in organizations_in(user, profile.tenant, Role.SUPPLIER)


@rules.predicate
def is_supplier_editable(user: Any, profile: Any) -> bool:
    return profile is not None and profile.state in SUPPLIER_EDITABLE_STATES


is_supplier = has_role(Role.SUPPLIER)

rules.add_perm("suppliers.register_profile", is_supplier)
rules.add_perm("suppliers.view_profile_list", is_office_staff)


@rules.predicate
def is_cleared_panelist(user: Any, profile: Any) -> bool:
    """The user sits on the profile's final review (複審) panel and declared no conflict of interest."""
    if profile is None or not getattr(user, "is_authenticated", False):
        return False
    from suppliers.final_review import cleared_on_profile

    return type(profile).objects.filter(pk=profile.pk).filter(cleared_on_profile(user)).exists()


rules.add_perm(
    "suppliers.view_profile", is_office_staff | is_profile_supplier | (has_role(Role.EXPERT) & is_cleared_panelist)
)
rules.add_perm("suppliers.schedule_final_review", is_cto)  # the CTO chairs the 複審 (seed 000)
rules.add_perm("suppliers.edit_profile", is_profile_supplier & is_supplier_editable)
#: Prices and background IP: office staff (incl. the CTO) — and the partner for its own profile, which it fills in.
rules.add_perm("suppliers.view_confidential", is_office_staff | is_profile_supplier)
rules.add_perm("suppliers.view_directory", is_office_staff)
# The catalogue: office staff, suppliers and applicants (the list itself is filtered by visibility).
rules.add_perm("suppliers.view_design_catalogue", is_office_staff | is_supplier | has_role(Role.APPLICANT))
rules.add_perm("suppliers.view_design", is_office_staff | is_profile_supplier)
rules.add_perm("suppliers.edit_design", is_profile_supplier)
rules.add_perm("suppliers.matchmake", is_office_staff)
rules.add_perm("suppliers.give_reference_design", is_office_reviewer)
rules.add_perm("suppliers.view_referral", is_office_staff | is_profile_supplier)
rules.add_perm("suppliers.view_case_services", is_member)  # the page checks cases.view_case
rules.add_perm("suppliers.home_supplier", is_supplier)


@rules.predicate
def has_case_services(user: Any, tenant: Any) -> bool:
    """The user applies for a case that was given a reference design or referred (one EXISTS query)."""
    from suppliers.queries import applicant_has_case_services

    return applicant_has_case_services(user, tenant)


@rules.predicate
def has_profiles_in_review(user: Any, tenant: Any) -> bool:
    """Some supplier profile waits for the 資格審 or the 複審 (one EXISTS query)."""
    from suppliers.queries import has_profiles_in_review as waiting

    return waiting(tenant)


rules.add_perm("suppliers.home_office", is_office_staff & has_profiles_in_review)
rules.add_perm("suppliers.home_applicant", has_role(Role.APPLICANT) & has_case_services)
rules.add_perm("suppliers.view_referral_list", is_office_staff | is_supplier)
# Transition permissions (named in the @transition decorators of suppliers.models).
rules.add_perm("suppliers.supplier_transition", is_profile_supplier)
rules.add_perm("suppliers.qualification_transition", is_office_reviewer)
rules.add_perm("suppliers.final_review_transition", is_cto)  # 複審: the CTO chairs (seed 000)
rules.add_perm("suppliers.office_transition", is_office_staff)
rules.add_perm("suppliers.partner_transition", is_profile_supplier)
