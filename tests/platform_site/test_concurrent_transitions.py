"""Concurrent refused transitions in a threaded server answer 409, never a 500 (issue: django-fsm-2's
``refresh_from_db`` flips the state field's ``protected`` flag for the whole class, so another thread's reload
raised ``AttributeError: Direct state modification is not allowed``).

Real threads, each with its own database connection, drive the real views through ``django.test.Client``
(the HTML 409 page re-reads the case too) and the API. The rows must be committed for the other connections
to see them, hence transactional tests.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from cases.enums import CaseState
from cases.models import DemandCase
from platform_site.tenancy import tenant_scope
from tests.factories import complete_case, set_fields

THREADS = 8
PER_THREAD = 50
POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))


def _hammer(make_call: Callable[[], Callable[[], Any]]) -> Counter:
    """Run ``PER_THREAD`` calls in each of ``THREADS`` threads at once; count results and exception names."""
    outcomes: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker() -> None:
        call = make_call()
        start.wait()
        try:
            for _ in range(PER_THREAD):
                try:
                    outcome = call()
                except Exception as exc:  # recorded, so the test shows what went wrong instead of hanging
                    outcome = type(exc).__name__
                with lock:
                    outcomes[outcome] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not POSTGRES, reason="concurrent writers need PostgreSQL (SQLite's test database is one shared in-memory file)"
)
def test_concurrent_refused_transitions_over_html_and_api_are_all_409(world):
    closed = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(closed, state=CaseState.WITHDRAWN)
    submitted = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(submitted, state=CaseState.SUBMITTED)
    urls = [
        (world.applicant, f"/t/tsmp/cases/{closed.pk}/actions/withdraw/"),  # HTML: state refusal, 409 page
        (world.reviewer, f"/api/v1/t/tsmp/cases/{submitted.pk}/transitions/proceed_to_preliminary/"),  # API
    ]
    counter = iter(range(THREADS))

    def make_call() -> Callable[[], int]:
        user, url = urls[next(counter) % 2]
        client = Client()
        client.force_login(user)
        return lambda: client.post(url, {}).status_code

    outcomes = _hammer(make_call)
    assert outcomes == Counter({409: THREADS * PER_THREAD})
    with tenant_scope(world.a):
        assert DemandCase.objects.get(pk=closed.pk).state == CaseState.WITHDRAWN
        assert DemandCase.objects.get(pk=submitted.pk).state == CaseState.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_concurrent_reloads_never_trip_the_protected_state_field(world):
    """Every database: many threads re-reading state-machine rows at once (what each refused request does)."""
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=CaseState.SUBMITTED)

    def make_call() -> Callable[[], str]:
        def call() -> str:
            with tenant_scope(world.a):
                mine = DemandCase.objects.get(pk=case.pk)
                mine.refresh_from_db()
                mine.refresh_from_db(fields=["state", "title"])
                return mine.state

        return call

    assert _hammer(make_call) == Counter({CaseState.SUBMITTED: THREADS * PER_THREAD})
    assert DemandCase._meta.get_field("state").protected is True


def test_the_state_field_stays_protected_against_direct_assignment(world, db):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    with tenant_scope(world.a):
        case.refresh_from_db()
        with pytest.raises(AttributeError):
            case.state = CaseState.CLOSED
    assert connection.vendor in ("sqlite", "postgresql")
