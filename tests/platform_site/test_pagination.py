"""platform_site.pagination.CappedPaginator: the page and the capped count in one query, Paginator's answers.

Django's Paginator is the reference: the same rows, number, count and page range for page numbers inside,
past the end, past the cap, malformed, and for an empty list — in one query instead of two.
"""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from platform_site.models import Organization
from platform_site.pagination import CappedPaginator, paginate
from platform_site.tenancy import tenant_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(world):
    with tenant_scope(world.a):
        Organization.objects.bulk_create(Organization(tenant=world.a, name=f"org {n:03d}") for n in range(47))
        yield Organization.objects.order_by("-name", "-pk")


@pytest.mark.parametrize("asked", [1, 2, 3, 5, 99, "x", None, 0, -1, "2.0"])
def test_pages_match_django_paginator_in_one_query(orgs, django_assert_num_queries, asked, rf):
    cap = 3  # 3 pages of 10 browsable, 47 rows
    reference = Paginator(list(orgs[: cap * 10]), 10).get_page(asked)
    request = rf.get("/", {"page": asked} if asked is not None else {})
    with django_assert_num_queries(1):
        page = paginate(request, orgs, per_page=10, max_pages=cap)
        names = [org.name for org in page]
    assert names == [org.name for org in reference]
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (reference.number, 30, 3)
    assert page.paginator.truncated
    assert page.beyond_cap == (isinstance(asked, int) and asked > cap)


@pytest.mark.parametrize("asked", [1, 2, 7])
def test_short_and_empty_lists(world, django_assert_num_queries, asked):
    with tenant_scope(world.a):
        for rows in (0, 1, 10, 11):
            Organization.objects.filter(name__startswith="short ").delete()
            Organization.objects.bulk_create(Organization(tenant=world.a, name=f"short {n}") for n in range(rows))
            qs = Organization.objects.filter(name__startswith="short ").order_by("name", "pk")
            reference = Paginator(list(qs), 10).get_page(asked)
            with django_assert_num_queries(1):
                page = CappedPaginator(qs.all(), 10).get_page(asked)
                assert [o.pk for o in page] == [o.pk for o in reference]
            assert (page.number, page.paginator.count, page.paginator.truncated) == (reference.number, rows, False)


def test_a_list_that_matches_nothing_needs_no_query(world, django_assert_num_queries):
    with tenant_scope(world.a), django_assert_num_queries(0):
        page = CappedPaginator(Organization.objects.filter(pk__in=[]).order_by("pk"), 10).get_page("3")
        assert (list(page), page.number, page.paginator.count) == ([], 1, 0)
