"""The billing app's panel on the finance admin's home (declared in billing.apps.BillingConfig)."""

from __future__ import annotations

from typing import Any


def finance_panel(user: Any, tenant: Any) -> dict[str, Any]:
    """``{"receivables": [Receivable, …]}``: unpaid and overdue invoices per applicant (bounded queries)."""
    from billing import queries

    return {"receivables": queries.receivables(user, tenant)}
