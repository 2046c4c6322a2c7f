"""Who may do what with a demand case (django-rules predicates; the portal's one permission layer).

Seed 000_9617a3b789ca4d20.txt: applicants (需求端) submit; office staff (推動辦公室人員) run the
qualification review (資格審); the CTO (技術長) chairs the preliminary and final reviews.
"""

from __future__ import annotations

from typing import Any

import rules

from cases.enums import APPLICANT_EDITABLE_STATES, NEEDS_ANALYSIS_STATES
from platform_site.enums import Role
from platform_site.rules import is_applicant, is_cto, is_member, is_office_reviewer, is_office_staff, organizations_in


@rules.predicate
def is_case_applicant(user: Any, case: Any) -> bool:
    """The user is an applicant of the organisation that owns the case."""
    if case is None:
        return False
    return case.applicant_org_id in organizations_in(user, case.tenant, Role.APPLICANT)


@rules.predicate
def is_applicant_editable(user: Any, case: Any) -> bool:
    return case is not None and case.state in APPLICANT_EDITABLE_STATES


@rules.predicate
def is_in_needs_analysis_state(user: Any, case: Any) -> bool:
    return case is not None and case.state in NEEDS_ANALYSIS_STATES


can_view_case = is_office_staff | is_case_applicant
can_edit_case = is_case_applicant & is_applicant_editable
can_record_needs_analysis = is_office_staff & is_in_needs_analysis_state

rules.add_perm("cases.create_case", is_applicant)
rules.add_perm("cases.view_case_list", is_member)  # the list itself is filtered by visibility
rules.add_perm("cases.view_case", can_view_case)
rules.add_perm("cases.edit_case", can_edit_case)
rules.add_perm("cases.view_queue", is_office_staff)
rules.add_perm("cases.view_needs_analysis", is_office_staff)
rules.add_perm("cases.record_needs_analysis", can_record_needs_analysis)
rules.add_perm("cases.decide_qualification", is_office_reviewer)
# Home panels (cases.apps.CasesConfig.home_panels), checked with the tenant.
rules.add_perm("cases.home_applicant", is_applicant)
rules.add_perm("cases.home_committee", is_cto)

# Transition permissions (named in DemandCase's @transition decorators).
rules.add_perm("cases.applicant_transition", is_case_applicant)
rules.add_perm("cases.qualification_transition", is_office_reviewer)
rules.add_perm("cases.office_transition", is_office_staff)
rules.add_perm("cases.committee_transition", is_cto)
