"""Billing models: invoices (``billing.models.invoices``) and statements (``billing.models.statements``)."""

from billing.models.invoices import *  # noqa: F403
from billing.models.royalties import *  # noqa: F403
from billing.models.statements import *  # noqa: F403
