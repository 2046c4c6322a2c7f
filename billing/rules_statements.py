"""Who may see and do what with rate cards, statements and agreements (imported by :mod:`billing.rules`).

Issue 11: finance (財務) runs billing and takes every statement transition; finance and office staff see all of
the tenant's statements; an applicant sees its own cases' statements and files its own sales reports; a supplier
sees only the royalty lines paid to its organisation (seed 000_9617a3b789ca4d20.txt, 分潤機制).
"""

from __future__ import annotations

from typing import Any

import rules

from billing.rules import is_billing_staff, is_finance
from platform_site.enums import Role
from platform_site.rules import has_role, organizations_in


def _case_of(obj: Any) -> Any:
    for attr in ("case", "agreement"):
        target = getattr(obj, attr, None)
        if target is not None:
            return target if attr == "case" else target.case
    return None


@rules.predicate
def is_statement_applicant(user: Any, obj: Any) -> bool:
    """The user is an applicant of the organisation whose case the statement/agreement/report is for."""
    case = _case_of(obj) if obj is not None else None
    return case is not None and case.applicant_org_id in organizations_in(user, obj.tenant, Role.APPLICANT)


is_supplier = has_role(Role.SUPPLIER)
is_applicant = has_role(Role.APPLICANT)

rules.add_perm("billing.view_statement_list", is_billing_staff | is_applicant)
rules.add_perm("billing.view_statement", is_billing_staff | is_statement_applicant)
rules.add_perm("billing.manage_statements", is_finance)
rules.add_perm("billing.statement_transition", is_finance)
rules.add_perm("billing.view_rate_cards", is_billing_staff)
rules.add_perm("billing.file_sales_report", is_statement_applicant)
rules.add_perm("billing.view_royalty_lines", is_supplier | is_billing_staff)
rules.add_perm("billing.nav_royalty_lines", is_supplier)
