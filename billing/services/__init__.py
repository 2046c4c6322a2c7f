"""Every write of billing: statements (``billing.services.statements``) and invoices (``billing.services.invoices``)."""
