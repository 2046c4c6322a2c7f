"""Billing writes. Invoices (:mod:`billing.services.invoices`, :mod:`billing.services.numbering`):

``draft_invoice(tenant, *, lines: list[LineSpec], by, buyer_organization=None, buyer_name="", buyer_ubn=None,
invoice_address=None, case=None, replaces=None) -> Invoice`` — what a statement calls with its
``invoice_lines()``: drafts an invoice for ``buyer_organization`` (default ``case.applicant_org``; name,
統一編號 and address default to the organisation's), copies each :class:`billing.lines.LineSpec` into an
``InvoiceLine``, computes the totals (5% business tax once on the taxable sum, half up) and logs ``created``
and ``money_changed``. Raises ``PermissionDenied`` unless ``by`` holds the finance role, ``ValidationError``
for a free-service or malformed line, a missing buyer name or an invalid 統一編號.

Then ``issue_invoice(invoice, by, *, on=None)``, ``record_payment(invoice, by, *, amount, paid_on,
reference="")``, ``void_invoice(invoice, by, *, reason, reissue=True)``, ``update_draft``, ``add_line``,
``remove_line``; number ranges ``numbering.add_range(tenant, *, year, period, first, last, by)``.
"""

from billing.services.invoices import (
    add_line,
    draft_invoice,
    issue_invoice,
    record_payment,
    remove_line,
    update_draft,
    void_invoice,
)

__all__ = [
    "add_line",
    "draft_invoice",
    "issue_invoice",
    "record_payment",
    "remove_line",
    "update_draft",
    "void_invoice",
]
