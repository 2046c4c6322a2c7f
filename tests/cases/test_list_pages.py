"""List pages at scale (issue 6, B8): constant queries, capped page numbers, cursor-paginated API lists.

Timings are in benchmarks/portal_pages.py, never here; these tests pin the behaviour and the query counts.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from cases.enums import CaseState
from platform_site import pagination
from tests.factories import DemandCaseFactory, set_fields

pytestmark = pytest.mark.django_db

BASE = "/api/v1/t/tsmp/cases/"


def url(name, **kwargs):
    return reverse(f"cases:{name}", kwargs={"tenant_slug": "tsmp", **kwargs})


def _extra():
    """PostgreSQL sets and clears app.tenant_id (row-level security) once each per request."""
    return 2 if connection.vendor == "postgresql" else 0


def _cases(world, n, org=None, **fields):
    made = [
        DemandCaseFactory(tenant=world.a, applicant_org=org or world.org_a, created_by=world.applicant, title=f"c{i}")
        for i in range(n)
    ]
    for case in made:
        if fields:
            set_fields(case, **fields)
    return made


@pytest.mark.parametrize("rows", [1, 30])
def test_list_and_queue_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries, rows):
    _cases(world, rows, state=CaseState.SUBMITTED, qualification_due=dt.date(2026, 12, 1))
    # tenant, session, user, memberships, rows with the capped count (one query), organisation names.
    client.force_login(world.reviewer)
    for name in ("list", "queue"):
        with django_assert_max_num_queries(6 + _extra()):
            assert client.get(url(name)).status_code == 200
        with django_assert_max_num_queries(6 + _extra()):
            assert client.get(url(name) + "?page=2").status_code == 200
    client.force_login(world.applicant)
    with django_assert_max_num_queries(6 + _extra()):
        assert client.get(url("list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_api_list_queries_do_not_grow_with_rows(world, django_assert_max_num_queries, rows):
    _cases(world, rows)
    api = APIClient()
    api.force_authenticate(world.reviewer)
    # tenant, memberships, one page of rows (no count: a cursor), organisation names.
    with django_assert_max_num_queries(4 + _extra()):
        response = api.get(BASE)
    assert response.status_code == 200
    assert len(response.data["results"]) == min(rows, 25)


@pytest.fixture
def small_pages(monkeypatch):
    """Two rows a page, two browsable pages: the cap is reached with five cases."""
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    monkeypatch.setattr(pagination, "MAX_PAGES", 2)


def test_pages_past_the_cap_show_the_last_browsable_page_and_say_why(client, world, small_pages):
    _cases(world, 5)
    client.force_login(world.reviewer)
    body = client.get(url("list") + "?page=2").content.decode()
    assert 'id="page-cap"' not in body
    assert body.count('data-state="draft"') == 2
    for deep in ("3", "999999", "99999999999999999999999"):
        response = client.get(url("list") + f"?page={deep}")
        assert response.status_code == 200
        body = response.content.decode()
        assert 'id="page-cap"' in body
        assert body.count('data-state="draft"') == 2  # page 2, the last browsable one
        # Newest first: c4 c3 | c2 c1 | c0 (beyond the cap).
        assert (">c2</a>" in body, ">c1</a>" in body, ">c0</a>" in body) == (True, True, False)


def test_the_count_stops_at_the_cap(client, world, small_pages):
    _cases(world, 5)
    client.force_login(world.reviewer)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url("list")).status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "LIMIT 5" in counts[0]  # 2 pages × 2 rows + 1: "more than 2 pages"


def test_a_list_within_the_cap_shows_no_message(client, world, small_pages):
    _cases(world, 3)
    client.force_login(world.reviewer)
    body = client.get(url("list") + "?page=7").content.decode()
    assert 'id="page-cap"' not in body
    assert body.count('data-state="draft"') == 1  # the last real page


def test_bad_page_input_is_never_an_error(client, world):
    _cases(world, 3)
    client.force_login(world.reviewer)
    for page in ("abc", "-1", "0", "1e9", "", "%00", "2.5"):
        assert client.get(url("list") + f"?page={page}").status_code == 200
        assert client.get(url("queue") + f"?page={page}").status_code == 200


def test_the_api_cursor_walks_every_row_once_newest_first(world):
    made = _cases(world, 30)
    api = APIClient()
    api.force_authenticate(world.reviewer)
    seen, link = [], BASE
    while link:
        response = api.get(link)
        assert response.status_code == 200
        seen += [row["id"] for row in response.data["results"]]
        link = response.data["next"]
    assert seen == [case.pk for case in reversed(made)]


def test_bad_api_paging_input_is_a_clear_4xx(world):
    _cases(world, 2)
    api = APIClient()
    api.force_authenticate(world.reviewer)
    response = api.get(BASE + "?cursor=not-a-cursor")
    assert response.status_code == 404 and response.data["detail"]
    response = api.get(BASE + "?page=2", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "paginated by cursor" in str(response.data["page"][0])
    response = api.get(BASE + "?page=2")  # zh-Hant by default
    assert response.status_code == 400 and "游標分頁" in str(response.data["page"][0])


def test_a_cursor_grants_nothing_across_organisations_or_tenants(world):
    _cases(world, 30)
    _cases(world, 3, org=world.org_a2)
    DemandCaseFactory(tenant=world.b, applicant_org=world.org_b, created_by=world.b_applicant, title="b-secret")
    office = APIClient()
    office.force_authenticate(world.reviewer)
    next_link = office.get(BASE).data["next"]
    cursor = next_link.split("cursor=")[1]
    # The office reviewer's cursor, replayed by the other applicant: only their organisation's rows.
    other = APIClient()
    other.force_authenticate(world.other_applicant)
    rows = other.get(f"{BASE}?cursor={cursor}").data["results"]
    assert {row["applicant_org"] for row in rows} <= {world.org_a2.name}
    # … and on another tenant's URL by its reviewer: tenant B's rows only.
    b = APIClient()
    b.force_authenticate(world.b_reviewer)
    response = b.get(f"/api/v1/t/{world.b.slug}/cases/?cursor={cursor}")
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert all(row["applicant_org"] == world.org_b.name for row in response.data["results"])
    # A member of A only gets 404 on B's list, cursor or not.
    assert office.get(f"/api/v1/t/{world.b.slug}/cases/?cursor={cursor}").status_code == 404
