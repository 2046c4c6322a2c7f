"""Two CTO tabs (or a tab and a script) closing the same meeting at once: one decision, the others 409.

Real threads, each with its own PostgreSQL connection, drive the real view and API (the rows must be
committed for the other connections to see them, hence a transactional test). The meeting's row lock in
review.services.close_with_decision serialises the closes; the losers find it closed and get 409.
"""

from __future__ import annotations

import os
import threading
from collections import Counter

import pytest
from django.db import connections
from django.test import Client

from cases.enums import CaseState
from platform_site.actors import SYSTEM
from platform_site.tenancy import tenant_scope
from review import services
from review.enums import ReviewStage
from review.models import ReviewDecision
from tests.factories import reload
from tests.review import factories as rf

POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
THREADS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRES, reason="concurrent writers need PostgreSQL")
def test_concurrent_closes_make_one_decision_and_409s(world):
    with tenant_scope(world.a):
        services.install_tier_discounts(SYSTEM)
    case = rf.case_in(world.a, CaseState.PRELIMINARY_REVIEW, applicant_org=world.org_a, created_by=world.applicant)
    mtg = rf.meeting(world.a, case, stage=ReviewStage.PRELIMINARY, chair=world.cto)
    for _ in range(3):
        rf.seat(mtg)
    outcomes: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        client = Client()
        client.force_login(world.cto)
        start.wait()
        try:
            if index % 2:
                status = client.post(
                    "/api/v1/t/tsmp/review/decisions/",
                    {"meeting": mtg.pk, "outcome": "pass_to_final", "reasons": f"API {index}"},
                    content_type="application/json",
                ).status_code
            else:
                status = client.post(
                    f"/t/tsmp/review/meetings/{mtg.pk}/decision/", {"outcome": "reject", "reasons": f"HTML {index}"}
                ).status_code
        except Exception as exc:  # recorded, so the test shows what went wrong
            status = type(exc).__name__
        finally:
            connections.close_all()
        with lock:
            outcomes[status] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes[409] == THREADS - 1 and outcomes[201] + outcomes[302] == 1, outcomes
    with tenant_scope(world.a):
        decision = ReviewDecision.objects.get(meeting=mtg)
    expected = CaseState.FINAL_REVIEW if decision.outcome == "pass_to_final" else CaseState.CLOSED
    assert reload(case).state == expected
