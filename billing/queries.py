"""Every read of billing, role-aware (filled in by the invoices part of issue 11)."""

from __future__ import annotations

from typing import Any


def receivables(user: Any, tenant: Any) -> list[Any]:
    """Unpaid and overdue invoices per buyer (none until invoices exist)."""
    return []
