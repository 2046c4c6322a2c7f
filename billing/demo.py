"""Demo data of billing (``manage.py seed_demo``): the statements half (:mod:`billing.demo_statements`); the
invoices half adds its own seeding here (merged alongside), after the statements so it can invoice them."""

from __future__ import annotations

from billing import demo_statements
from platform_site.extensions import DemoSite


def seed(site: DemoSite) -> None:
    """Statements, then (invoices half) invoices."""
    demo_statements.seed(site)
