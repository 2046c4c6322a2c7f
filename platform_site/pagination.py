"""Pagination whose cost does not grow with the tenant: capped page numbers (pages), a cursor (API).

Django's Paginator counts every matching row and skips ``OFFSET`` rows; on a tenant with 100,000 cases
page 4,000 walks the whole index and the count reads every row. Pages therefore browse at most
:data:`MAX_PAGES` pages — the count stops at that many rows plus one, and a deeper ``?page=`` shows the
last browsable page with a message asking to narrow the list — and the API lists use a cursor
(``?cursor=``, DRF's CursorPagination: a keyset ``WHERE created_at < …``, no count, no offset).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
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

    def _rows(self, bottom: int, top: int) -> Any:
        """Rows ``bottom:top``; past page 1 a queryset's rows are fetched by id (``pk IN (SELECT pk … OFFSET n
        LIMIT per_page)``): the offset is skipped over the ids in the index alone, and only the page's rows
        are read from the table — PostgreSQL otherwise sorts the whole tenant for an OFFSET of 980."""
        rows = self.object_list
        if isinstance(rows, QuerySet) and bottom > 0:
            return rows.filter(pk__in=rows.values("pk")[bottom:top])
        return rows[bottom:top]

    def _page_with_count(self, number: Any) -> Page | None:
        """A queryset's page and the capped count in ONE query, or None when ``number`` is not an integer or
        ``orphans`` are used (then Paginator's way: count first).

        The count is a scalar subquery column (``SELECT COUNT(*) FROM (ids LIMIT cap + 1)``, evaluated once:
        an InitPlan on PostgreSQL). Past page 1 the ids' OFFSET is computed in SQL too, clamped to the last
        browsable page, so a page past the end shows the last page (Paginator.get_page's answer) without a
        second query; ``page.number`` is the page shown. No row at all means an empty list: page 1 of 0.
        """
        try:
            number = int(number)
        except (TypeError, ValueError):
            return None
        if self.orphans or self.object_list._result_cache is not None:  # orphans; rows already fetched
            return None
        if number < 1:  # Paginator: EmptyPage, so get_page shows the last page
            number = self.max_pages + 1
        per_page, rows = int(self.per_page), self.object_list
        try:
            ids_sql, ids_params = rows.values("pk")[: self._limit + 1].query.sql_with_params()
        except EmptyResultSet:  # a condition that matches nothing (e.g. ``pk__in=[]``): no query at all
            self.__dict__["_counted"] = 0
            return self._get_page([], 1, self)
        counted = f"SELECT COUNT(*) FROM ({ids_sql}) AS capped_ids"
        if number == 1:
            page_rows = rows[:per_page]
        else:  # OFFSET min(requested, last page's first row), the row count capped at the browsable rows
            browsable = f"(CASE WHEN n > {self._limit} THEN {self._limit} ELSE n END)"
            last = f"(({browsable} - 1) / {per_page} * {per_page})"
            bottom = (number - 1) * per_page
            offset = (
                f"SELECT CASE WHEN n = 0 THEN 0 WHEN {bottom} <= {last} THEN {bottom} ELSE {last} END "
                f"FROM ({counted.replace('COUNT(*)', 'COUNT(*) AS n', 1)}) AS capped"
            )
            page_sql, page_params = rows.values("pk").query.sql_with_params()
            page_ids = RawSQL(f"{page_sql} LIMIT {per_page} OFFSET ({offset})", (*page_params, *ids_params))
            page_rows = rows.filter(pk__in=page_ids)
        fetched = list(page_rows.annotate(capped_count_=RawSQL(counted, ids_params)))  # noqa: S611 (ORM SQL)
        self.__dict__["_counted"] = fetched[0].capped_count_ if fetched else 0  # no row: the OFFSET was 0
        return self._get_page(fetched, min(number, self.num_pages), self)

    def get_page(self, number: Any) -> Page:
        """As Paginator.get_page (a malformed number gives page 1, one past the end the last page), in one
        query for a queryset."""
        if isinstance(self.object_list, QuerySet) and "_counted" not in self.__dict__:
            if isinstance(number, float) and not number.is_integer():
                number = 1
            try:
                number = int(number)
            except (TypeError, ValueError):
                number = 1
            page = self._page_with_count(number)
            if page is not None:
                return page
        return super().get_page(number)

    def page(self, number: Any) -> Page:
        """The page ``number`` (validated as Paginator does); for a queryset whose count is not known yet,
        rows and count come in one query (:meth:`_page_with_count`)."""
        if isinstance(self.object_list, QuerySet) and "_counted" not in self.__dict__:
            page = self._page_with_count(number)
            if page is not None:
                return page
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._rows(bottom, top), number, self)

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
