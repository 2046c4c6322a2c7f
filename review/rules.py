"""Who may do what in the review committee (django-rules predicates; the portal's one permission layer).

Seed 000_9617a3b789ca4d20.txt: the CTO (技術長) schedules the meetings, chairs them, invites the experts and
records the consensus; experts (產學研專家) answer invitations, declare conflicts of interest and score.
"""

from __future__ import annotations

from typing import Any

import rules

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

# decisions, minutes and the tier-discount table (the office reads; the CTO decides; CTO or tenant admin edit
# the table, which is money: billing multiplies by it)
rules.add_perm("review.view_decisions", is_office_staff)
rules.add_perm("review.view_tier_discounts", is_office_staff)
rules.add_perm("review.edit_tier_discounts", has_role(Role.CTO, Role.TENANT_ADMIN))
