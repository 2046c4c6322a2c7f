"""Who may do what in the review committee (django-rules predicates; the portal's one permission layer).

Seed 000_9617a3b789ca4d20.txt: the CTO (技術長) schedules the meetings, chairs them, invites the experts and
records the consensus; experts (產學研專家) answer invitations, declare conflicts of interest and score.
"""

from __future__ import annotations

from typing import Any

import rules

from cases.rules import can_view_case
from platform_site.enums import Role
from platform_site.rules import has_role, is_cto, is_member, is_office_staff


@rules.predicate
def is_invited_expert(user: Any, invitation: Any) -> bool:
    """The user is the expert the invitation is for."""
    if invitation is None or not getattr(user, "is_authenticated", False):
        return False
    return invitation.expert.user_id == user.pk


rules.add_perm("review.chair_meeting", is_cto)
rules.add_perm("review.manage_panel", is_cto)
rules.add_perm("review.decide", is_cto)
rules.add_perm("review.respond_invitation", is_invited_expert)
rules.add_perm("review.view_reviews", is_member)  # pages narrow what each role sees (review.queries)
rules.add_perm("review.view_overview", is_office_staff)  # the reviews overview
rules.add_perm("review.home_final_due", is_cto)  # the CTO's final-review due dates on their home


# ---- expert pool, panels, declarations ---------------------------------------------------------------------------
@rules.predicate
def is_cleared_expert(user: Any, case: Any) -> bool:
    """The user is an expert invited to one of ``case``'s meetings (invitation invited or accepted) who declared
    no conflict of interest (利益迴避) for it — in the case's tenant (ISSUE 8: experts see only those cases)."""
    if case is None or not getattr(user, "is_authenticated", False):
        return False
    from review.queries import cleared_invitations

    return cleared_invitations(user).filter(meeting__case_id=case.pk).exists()


rules.add_perm("review.view_expert_pool", is_office_staff)
rules.add_perm("review.manage_experts", is_office_staff)
rules.add_perm("review.edit_own_profile", has_role(Role.EXPERT))
rules.add_perm("review.view_invitation", is_invited_expert | is_office_staff)
# Home panels (review.apps.ReviewConfig.home_panels), checked with the tenant.
rules.add_perm("review.home_expert", has_role(Role.EXPERT))
rules.add_perm("review.home_replacements", is_cto)
# The object-level grant behind the expert's case visibility (review.queries registers the list rule): the
# case page, the cases API and document downloads all check ``cases.view_case``. cases must not import
# review, so review widens the permission here (cases.rules is imported first, above).
rules.set_perm("cases.view_case", can_view_case | (has_role(Role.EXPERT) & is_cleared_expert))


# ---- meetings and scores -----------------------------------------------------------------------------------------
@rules.predicate
def is_accepted_panelist(user: Any, invitation: Any) -> bool:
    """The user is the invitation's expert and holds the seat (accepted: declared no conflict)."""
    return is_invited_expert(user, invitation) and invitation.state == "accepted"


rules.add_perm("review.view_meeting", is_office_staff)  # the meeting page and its board (CTO acts, staff read)
rules.add_perm("review.schedule_meeting", is_cto)
rules.add_perm("review.score", is_accepted_panelist)

# decisions, minutes and the tier-discount table (the office reads; the CTO decides; CTO or tenant admin edit
# the table, which is money: billing multiplies by it)
rules.add_perm("review.view_decisions", is_office_staff)
rules.add_perm("review.view_tier_discounts", is_office_staff)
rules.add_perm("review.edit_tier_discounts", has_role(Role.CTO, Role.TENANT_ADMIN))
