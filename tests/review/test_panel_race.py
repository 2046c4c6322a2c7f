"""Concurrent invitations cannot overfill a panel: the meeting row is locked while the seats are counted
(review.services.invite_expert). Real threads with their own connections drive the API; PostgreSQL only."""

from __future__ import annotations

import os
import threading
from collections import Counter

import pytest
from django.db import connections
from rest_framework.test import APIClient

from platform_site.tenancy import tenant_scope
from review.enums import OPEN_INVITATION_STATES
from review.models import PanelInvitation
from tests.review import factories as rf

POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
THREADS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRES, reason="concurrent writers need PostgreSQL")
def test_six_simultaneous_invitations_fill_a_five_seat_panel_and_no_more(world):
    mtg = rf.meeting(world.a, rf.case_in(world.a, applicant_org=world.org_a), chair=world.cto)
    for _ in range(3):
        rf.seat(mtg)
    experts = [rf.expert(world.a) for _ in range(THREADS)]  # 3 seated + 6 asked, seed 000 初審 max 5
    outcomes: Counter = Counter()
    lock, start = threading.Lock(), threading.Barrier(THREADS)

    def worker(expert_id: int) -> None:
        api = APIClient()
        api.force_authenticate(world.cto)
        start.wait()
        try:
            response = api.post("/api/v1/t/tsmp/review/invitations/", {"meeting": mtg.pk, "expert": expert_id})
            with lock:
                outcomes[(response.status_code, response.json().get("code", ""))] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(e.pk,)) for e in experts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes == Counter({(201, ""): 2, (409, "panel_full"): 4})
    with tenant_scope(world.a):
        assert PanelInvitation.objects.filter(meeting=mtg, state__in=sorted(OPEN_INVITATION_STATES)).count() == 5
