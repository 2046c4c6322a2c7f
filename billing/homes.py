"""The billing app's panel on the finance admin's home (declared in billing.apps.BillingConfig)."""

from __future__ import annotations

from typing import Any


def finance_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """``{"receivables": [Receivable…], "overdue": [Invoice ≤ 10]}``: unpaid and overdue invoices per applicant
    (two queries whatever the number of invoices)."""
    from billing import queries

    return {"receivables": queries.receivables(user, tenant), "overdue": queries.overdue_invoices(user, tenant)}
