"""Who may see and do what in billing (django-rules predicates).

Issue 11: the finance admin (財務) runs billing; finance and office staff see all of the tenant's billing; an
applicant sees only its own organisation's statements and invoices; suppliers see only the royalty lines paid to
them (statements). Seed 000_9617a3b789ca4d20.txt (收費規範) for what is charged.
"""

from __future__ import annotations

from typing import Any

import rules

from platform_site.enums import Role
from platform_site.rules import has_role, is_office_staff, organizations_in

is_finance = has_role(Role.FINANCE)
#: Finance and office staff: every billing document of the tenant.
is_billing_staff = is_finance | is_office_staff
is_applicant = has_role(Role.APPLICANT)


@rules.predicate
def is_buyer(user: Any, obj: Any) -> bool:
    """The user is an applicant of the organisation an invoice is addressed to (``obj.buyer_organization_id``)."""
    org_id = getattr(obj, "buyer_organization_id", None)
    if org_id is None:
        return False
    return org_id in organizations_in(user, obj.tenant, Role.APPLICANT)


rules.add_perm("billing.view_billing", is_billing_staff | is_applicant)
rules.add_perm("billing.home_finance", is_finance)
rules.add_perm("billing.view_invoice_list", is_billing_staff | is_applicant)
rules.add_perm("billing.view_invoice", is_billing_staff | is_buyer)
#: Drafting, issuing, voiding, recording payments, number ranges, exports: finance only.
rules.add_perm("billing.manage_invoices", is_finance)
rules.add_perm("billing.invoice_transition", is_finance)

from billing import rules_statements  # noqa: E402,F401  (statements: rate cards, NRE, royalty, maintenance)
