"""Pagination whose cost does not grow with the tenant: capped page numbers (pages), a cursor (API).

Django's Paginator counts every matching row and skips ``OFFSET`` rows; on a tenant with 100,000 cases
page 4,000 walks the whole index and the count reads every row. Pages therefore browse at most
:data:`MAX_PAGES` pages — the count stops at that many rows plus one, and a deeper ``?page=`` shows the
last browsable page with a message asking to narrow the list — and the API lists use a cursor
(``?cursor=``, DRF's CursorPagination: a keyset ``WHERE created_at < …``, no count, no offset).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

#: Rows per page of the HTML lists.
PAGE_SIZE = 20
#: Pages an HTML list can browse (1,000 rows at 20 a page); narrower filters reach the rest.
MAX_PAGES = 50


class CappedPaginator(Paginator):
    """A Paginator that counts at most ``max_pages × per_page + 1`` rows (``SELECT COUNT(*) FROM (… LIMIT n)``).

    ``count`` and ``num_pages`` cover the browsable rows only; ``truncated`` is True when more rows match.
    """

    def __init__(self, object_list: Any, per_page: int, max_pages: int = MAX_PAGES, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.max_pages = max_pages

    @cached_property
    def _limit(self) -> int:
        return self.max_pages * int(self.per_page)

    @cached_property
    def _counted(self) -> int:
        if isinstance(self.object_list, QuerySet):  # ids only: an index-only scan where an index covers the order
            return self.object_list.values("pk")[: self._limit + 1].count()
        return len(self.object_list[: self._limit + 1])

    def page(self, number: Any) -> Page:
        """The page; past page 1 a queryset's rows are fetched by id (``pk IN (SELECT pk … OFFSET n LIMIT
        per_page)``): the offset is skipped over the ids in the index alone, and only the page's rows are
        read from the table — PostgreSQL otherwise sorts the whole tenant for an OFFSET of 980."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if isinstance(rows, QuerySet) and bottom > 0:
            return self._get_page(rows.filter(pk__in=rows.values("pk")[bottom:top]), number, self)
        return self._get_page(rows[bottom:top], number, self)

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self._counted, self._limit)

    @cached_property
    def truncated(self) -> bool:
        """More rows match than the browsable pages hold."""
        return self._counted > self._limit


def paginate(
    request: HttpRequest, queryset: QuerySet, per_page: int | None = None, max_pages: int | None = None
) -> Page:
    """The page named by ``?page=`` (``per_page`` default :data:`PAGE_SIZE`, ``max_pages`` :data:`MAX_PAGES`):
    a malformed value gives page 1, one past the end the last page, never an error. ``page.beyond_cap`` is
    True when the user asked for a page past the browsable ones (the template says so and suggests
    narrowing the list)."""
    paginator = CappedPaginator(queryset, per_page or PAGE_SIZE, max_pages=max_pages or MAX_PAGES)
    raw = request.GET.get("page")
    page = paginator.get_page(raw)
    try:
        asked = int(raw) if raw is not None else 1
    except ValueError:
        asked = 1
    page.beyond_cap = paginator.truncated and asked > paginator.num_pages  # type: ignore[attr-defined]
    return page


class NewestFirstCursorPagination(CursorPagination):
    """API lists, newest first, by cursor: ``next`` / ``previous`` links carry an opaque ``?cursor=``.

    A malformed cursor is 404 "Invalid cursor" (DRF); a ``?page=`` parameter is 400 with a message saying to
    follow the links, so a client written for page numbers is not silently given page 1 again and again.
    """

    ordering = ("-created_at", "-pk")
    page_size_query_param = None

    def paginate_queryset(self, queryset: QuerySet, request: Request, view: Any = None) -> list[Any] | None:
        if "page" in request.query_params:
            raise ValidationError(
                {"page": [_("This list is paginated by cursor: follow the “next” and “previous” links.")]}
            )
        return super().paginate_queryset(queryset, request, view)
