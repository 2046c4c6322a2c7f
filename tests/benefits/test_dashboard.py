"""The office dashboard: funnel counts for a fixed dataset, SLA breaches on both sides of each threshold (incl.
working days around Lunar New Year 2027), programme KPIs per year, access, bounded queries as cases grow, and
CSV / XLSX exports holding the same numbers as the page."""

import csv
import datetime as dt
import io
from html.parser import HTMLParser

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.benefits import dashboard
from cases.enums import CaseState as S
from cases.enums import ClosureReason
from platform_site.activity import log_event
from platform_site.tenancy import tenant_scope
from review.deadlines import final_review_due
from review.models import CaseReview
from tests.benefits.factories import case_in, record
from tests.factories import DemandCaseFactory, reload, set_fields
from tests.hwsim.factories import VerificationJobFactory
from tests.suppliers.factories import partner

pytestmark = pytest.mark.django_db

#: (current state, the states its log went through in order), closure reason
DATASET = [
    (S.DRAFT, []),
    (S.SUBMITTED, [S.SUBMITTED]),
    (S.QUALIFICATION, [S.SUBMITTED, S.QUALIFICATION]),
    (S.DOCUMENTS_REQUESTED, [S.SUBMITTED, S.QUALIFICATION, S.DOCUMENTS_REQUESTED]),
    (S.CLOSED, [S.SUBMITTED, S.QUALIFICATION, S.REFERRED, S.CLOSED]),  # referral completed: not "after service"
    (S.WITHDRAWN, [S.SUBMITTED, S.QUALIFICATION, S.WITHDRAWN]),
    (S.PRELIMINARY_REVIEW, [S.SUBMITTED, S.QUALIFICATION, S.PRELIMINARY_REVIEW]),
    (S.FINAL_REVIEW, [S.SUBMITTED, S.QUALIFICATION, S.PRELIMINARY_REVIEW, S.FINAL_REVIEW]),
    (S.FINAL_REVIEW, []),  # arranged without a log: its state alone says how far it got
    (S.CLOSED, [S.SUBMITTED, S.QUALIFICATION, S.PRELIMINARY_REVIEW, S.FINAL_REVIEW, S.CLOSED]),  # failed 複審
    (S.IN_SERVICE, [S.SUBMITTED, S.QUALIFICATION, S.PRELIMINARY_REVIEW, S.FINAL_REVIEW, S.IN_SERVICE]),
    (S.CLOSED, [S.SUBMITTED, S.QUALIFICATION, S.PRELIMINARY_REVIEW, S.FINAL_REVIEW, S.IN_SERVICE, S.CLOSED]),
]
#: Hand-counted from DATASET: cases that reached each stage or went further.
EXPECTED_FUNNEL = {
    "submitted": 11,
    "qualification": 10,
    "preliminary_review": 6,
    "final_review": 5,
    "in_service": 2,
    "closed": 1,
}


def arranged(world, state, path, **fields):
    """A case of tenant A in ``state`` whose activity log went through ``path`` (set-up only)."""
    case = DemandCaseFactory(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=state, reference=f"TSMP-F{case.pk:04d}", **fields)
    with tenant_scope(world.a):
        source = S.DRAFT
        for target in path:
            log_event(case, "t", world.reviewer, field_name="state", source_state=source, target_state=target)
            source = target
    return reload(case)


def test_funnel_counts_for_a_fixed_dataset(world):
    for state, path in DATASET:
        arranged(world, state, path)
    with tenant_scope(world.a):
        stages = dashboard.case_funnel(world.a)
    assert {s.key: s.count for s in stages} == EXPECTED_FUNNEL
    assert [s.key for s in sorted(stages, key=lambda s: s.order)] == list(EXPECTED_FUNNEL)


def test_qualification_breach_counts_working_days_around_lunar_new_year(world):
    due = dt.date(2027, 2, 3)  # Wednesday; 2027-02-04 … 02-10 are holidays, 02-11 the next working day
    case = arranged(world, S.QUALIFICATION, [], qualification_due=due)
    with tenant_scope(world.a):
        on = {
            day: dashboard.sla_breaches(world.a, today=day) for day in (due, dt.date(2027, 2, 5), dt.date(2027, 2, 10))
        }
        after = dashboard.sla_breaches(world.a, today=dt.date(2027, 2, 11))
        later = dashboard.sla_breaches(world.a, today=dt.date(2027, 2, 15))
    assert on == {day: [] for day in on}  # due day and the holidays after it: not yet over 5 working days
    assert after == [
        ["Qualification review over 5 working days", f"{case.reference} {case.title}", due, 1, "working days"]
    ]
    assert later[0][3] == 3  # 11, 12, 15 February (13 and 14 are a weekend)


def test_qualification_breach_only_while_the_clock_runs(world):
    arranged(world, S.DOCUMENTS_REQUESTED, [], qualification_due=dt.date(2026, 11, 2))  # paused clock
    arranged(world, S.SUBMITTED, [], qualification_due=dt.date(2026, 12, 1))  # Tuesday
    with tenant_scope(world.a):
        assert dashboard.sla_breaches(world.a, today=dt.date(2026, 12, 1)) == []
        rows = dashboard.sla_breaches(world.a, today=dt.date(2026, 12, 2))
    assert [row[3] for row in rows] == [1]


def test_final_review_breach_after_one_month(world):
    # 初審 ended Wednesday 2027-01-06 → due Saturday 2027-02-06, inside Lunar New Year → Thursday 2027-02-11
    due = final_review_due(dt.date(2027, 1, 6))
    assert due == dt.date(2027, 2, 11)
    case = arranged(world, S.FINAL_REVIEW, [])
    done = arranged(world, S.IN_SERVICE, [])
    with tenant_scope(world.a):
        CaseReview.objects.create(case=case, preliminary_ended_on=dt.date(2027, 1, 6), final_review_due=due)
        CaseReview.objects.create(case=done, preliminary_ended_on=dt.date(2027, 1, 6), final_review_due=due)
        assert dashboard.sla_breaches(world.a, today=due) == []
        rows = dashboard.sla_breaches(world.a, today=dt.date(2027, 2, 13))
    assert rows == [["Final review over 1 month(s)", f"{case.reference} {case.title}", due, 2, "calendar days"]]


def test_supplier_final_review_breach_after_two_weeks(world):
    due = dt.date(2026, 12, 14)
    profile = partner(world.a, "遲審科技", state="final_review", final_review_due=due)
    partner(world.a, "已核准科技", state="approved", final_review_due=due)
    with tenant_scope(world.a):
        assert dashboard.sla_breaches(world.a, today=due) == []
        rows = dashboard.sla_breaches(world.a, today=dt.date(2026, 12, 15))
    assert rows == [["Supplier final review over 14 days", profile.organization.name, due, 1, "calendar days"]]


def test_programme_kpis_per_year(world):
    served = arranged(world, S.IN_SERVICE, [S.SUBMITTED, S.IN_SERVICE])
    closed = case_in(world.a, world.org_a, world.applicant)
    record(
        world.reviewer,
        closed,
        kind="investment",
        amount=5_000_000,
        period_start=dt.date(2025, 10, 1),
        period_end=dt.date(2025, 12, 31),
    )
    record(world.reviewer, closed, kind="investment", amount=7_000_000)  # January 2026
    record(
        world.reviewer,
        closed,
        kind="investment",
        amount=8_000_000,
        period_start=dt.date(2026, 2, 1),
        period_end=dt.date(2026, 3, 31),
    )
    record(world.reviewer, closed, kind="investment", amount=1, is_baseline=True)  # a baseline is not induced
    VerificationJobFactory(
        tenant=world.a, request__requester=world.applicant, state="succeeded", finished_at=timezone.now()
    )
    VerificationJobFactory(
        tenant=world.a, request__requester=world.applicant, state="failed", finished_at=timezone.now()
    )
    year = timezone.localdate().year
    with tenant_scope(world.a):
        rows = dashboard.programme_kpis()
    expected = {2025: [2025, 0, 5_000_000, 0], 2026: [2026, 0, 15_000_000, 0]}
    expected.setdefault(year, [year, 0, 0, 0])
    expected[year][1], expected[year][3] = 1, 1
    assert rows == [expected[y] for y in sorted(expected)]
    assert served.pk


# ---- the page, access, exports -----------------------------------------------------------------------------
class Tables(HTMLParser):
    """The dashboard page's tables: {key: [[cell text, …], …]} (header row first; empty-state rows left out)."""

    def __init__(self):
        super().__init__()
        self.tables, self.key, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "data-table" in attrs:
            self.key = attrs["data-table"]
            self.tables[self.key] = []
        elif tag == "tr" and self.key and "empty" not in (attrs.get("class") or ""):
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.key].append(self.row)
            self.row = None
        elif tag == "section":
            self.key = None


def page_tables(client):
    response = client.get(reverse("benefits:dashboard", args=["tsmp"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    parser = Tables()
    parser.feed(response.content.decode())
    return parser.tables, response


def xlsx_text(value):
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return "" if value is None else str(value)


def grow(world, n):
    """``n`` cases across the funnel with SLA breaches, KPI measurements and a supplier in final review."""
    long_ago = dt.date(2026, 1, 5)
    for i in range(n):
        state, path = DATASET[1 + i % (len(DATASET) - 1)]
        case = arranged(world, state, path, qualification_due=long_ago, title=f"案{i}")
        if state == S.FINAL_REVIEW:
            with tenant_scope(world.a):
                CaseReview.objects.create(case=case, preliminary_ended_on=long_ago, final_review_due=long_ago)
        if state == S.CLOSED:
            set_fields(case, closure_reason=ClosureReason.COMPLETED)
            record(world.reviewer, case, kind="investment", amount=1000 * (i + 1))
    partner(world.a, f"供應商{n}", state="final_review", final_review_due=long_ago)


def _counts(client):
    url = reverse("benefits:dashboard", args=["tsmp"])
    counts = {}
    for name, target in [("page", url)] + [
        (f"{key}.{fmt}", reverse("benefits:export", args=["tsmp", key, fmt]))
        for key in ("funnel", "sla_breaches", "programme_kpis")
        for fmt in ("csv", "xlsx")
    ]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(target).status_code == 200
        counts[name] = len(ctx.captured_queries)
    return counts


def test_dashboard_and_exports_query_counts_do_not_grow_with_cases(client, world):
    client.force_login(world.reviewer)
    grow(world, 1)
    client.get(reverse("benefits:dashboard", args=["tsmp"]))  # session written
    small = _counts(client)
    grow(world, 49)
    assert _counts(client) == small
    # a fixed bound: 16 on SQLite, 17 on PostgreSQL (the tenant scope's set_config for row-level security)
    assert max(small.values()) <= 17, small


def test_the_exports_hold_the_numbers_of_the_page(client, world):
    grow(world, 12)
    client.force_login(world.cto)
    tables, response = page_tables(client)
    assert {"funnel", "sla_breaches", "programme_kpis"} <= set(tables)
    html = response.content.decode()
    assert html.count('data-danger="1"') == len(tables["sla_breaches"]) - 1 > 0  # every breach red
    funnel = {row[0]: row[1] for row in tables["funnel"][1:]}
    assert funnel["Intake (submitted)"] == "12" and funnel["Closed after service"] == "1"
    for key, rows in tables.items():
        csv_response = client.get(reverse("benefits:export", args=["tsmp", key, "csv"]), HTTP_ACCEPT_LANGUAGE="en")
        assert csv_response["Content-Type"].startswith("text/csv")
        assert list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")))) == rows, key
        xlsx_response = client.get(reverse("benefits:export", args=["tsmp", key, "xlsx"]), HTTP_ACCEPT_LANGUAGE="en")
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.content)).active
        assert sheet.title == key
        cells = [[xlsx_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert cells == rows, key
        numbers = [v for row in sheet.iter_rows(min_row=2, values_only=True) for v in row if isinstance(v, int)]
        assert numbers or key == "sla_breaches" or not rows[1:]  # numbers are numbers in the workbook


def test_export_of_an_unknown_table_or_format_is_404(client, world):
    client.force_login(world.reviewer)
    assert client.get(reverse("benefits:export", args=["tsmp", "nothing", "csv"])).status_code == 404
    assert client.get(reverse("benefits:export", args=["tsmp", "funnel", "pdf"])).status_code == 404


def test_a_formula_in_a_name_is_exported_as_text(client, world):
    partner(world.a, '=HYPERLINK("http://x")', state="final_review", final_review_due=dt.date(2026, 1, 5))
    client.force_login(world.reviewer)
    body = client.get(reverse("benefits:export", args=["tsmp", "sla_breaches", "csv"])).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'  # prefixed: a spreadsheet shows it, never runs it
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("benefits:export", args=["tsmp", "sla_breaches", "xlsx"])).content)
    ).active
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'


@pytest.mark.parametrize("name", ["office_reviewer", "cto", "tenant_admin"])
def test_office_roles_see_the_dashboard(client, world, name):
    client.force_login(world.by_role()[name])
    assert client.get(reverse("benefits:dashboard", args=["tsmp"])).status_code == 200


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("applicant", 403),
        ("supplier", 403),
        ("expert", 403),
        ("case_manager", 403),
        ("finance", 403),
        ("b_reviewer", 404),
        ("outsider", 404),
    ],
)
def test_others_are_denied_the_dashboard_and_its_exports(client, world, name, status):
    client.force_login(world.by_role()[name])
    assert client.get(reverse("benefits:dashboard", args=["tsmp"])).status_code == status
    assert client.get(reverse("benefits:export", args=["tsmp", "funnel", "xlsx"])).status_code == status


def test_tenant_b_dashboard_shows_none_of_tenant_a(client, world):
    grow(world, 3)
    client.force_login(world.b_reviewer)
    response = client.get(reverse("benefits:dashboard", args=["ailab"]), HTTP_ACCEPT_LANGUAGE="en")
    parser = Tables()
    parser.feed(response.content.decode())
    assert parser.tables["sla_breaches"] == [parser.tables["sla_breaches"][0]]
    assert all(row[1] == "0" for row in parser.tables["funnel"][1:])
