"""The office dashboard's contributions of cases, review and suppliers (registered with :mod:`cases.hooks`):
the funnel stages from case states, the funnel table, SLA breaches and the programme KPIs per year.

**Funnel** (seed 000_9617a3b789ca4d20.txt, 收案與審查流程): a case *reached* a stage if it is in it now or its
activity log shows a transition into it; a case that reached a later stage on the path submitted →
qualification (資格審, incl. more documents / referral / reference design) → preliminary review (初審) → final
review (複審) → in service → closed after service also counts for every earlier stage (its rank is the highest
it reached). "Closed" counts cases closed *from service* (a closing transition out of ``in_service``), not
referrals or rejections. Drafts count nowhere. Stage orders: 10, 20, 30, 40, 50, 70 (delivery adds its own,
e.g. work group formed between 50 and 70, mass production after 70). Two queries.

**SLA breaches** (seed 000): qualification (資格審) past its due date by at least one Taiwan working day
(``qualification_due`` = submitted + ``tenant.config.qualification_working_days`` working days, 5); the final
review (複審) past ``review.models.CaseReview.final_review_due`` (one month after the preliminary review,
``review.deadlines``), in calendar days; a supplier's final review past ``SupplierProfile.final_review_due``
(two weeks, ``tenant.config.supplier_final_review_days``), in calendar days. The due date is the last
allowed day: a breach starts the day after (the next working day for qualification). Three queries.

**Programme KPIs per year** (seed 003_fa9863a310fbdc37.txt 主要績效指標: 服務案, 促成投資, 完成 N 案驗證):
cases served = cases that entered service (複審 passed) in the year (Asia/Taipei, first transition into
``in_service``); investment induced = the sum of non-baseline ``investment`` measurements whose period ends in
the year (NTD); verification cases completed = the tenant's hwsim requests whose first job succeeded in the
year (:func:`hwsim.queries.completed_verifications_by_year`). Three queries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, IntegerField, Max, Min, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext

from cases.benefits.enums import KpiKind
from cases.benefits.models import KpiMeasurement
from cases.enums import QUALIFICATION_CLOCK_STATES, CaseState
from cases.hooks import DashboardTable, FunnelStage, collect_funnel, dashboard_table, funnel_stages
from cases.models import DemandCase
from hwsim.queries import completed_verifications_by_year
from platform_site.models import ActivityLog
from platform_site.workdays import working_days_between
from review.models import CaseReview
from suppliers.enums import OnboardingState
from suppliers.models import SupplierProfile

S = CaseState
#: Rank of each state on the funnel path (side branches of 資格審 rank as qualification).
STATE_RANK = {
    S.SUBMITTED: 1,
    S.QUALIFICATION: 2,
    S.DOCUMENTS_REQUESTED: 2,
    S.REFERRED: 2,
    S.REFERENCE_DESIGN: 2,
    S.PRELIMINARY_REVIEW: 3,
    S.FINAL_REVIEW: 4,
    S.IN_SERVICE: 5,
}
CLOSED_AFTER_SERVICE = 6


def _stages() -> list[tuple[int, str, str]]:
    """(rank, key, label) of the funnel stages, intake first (labels in the active language)."""
    return [
        (1, "submitted", gettext("Intake (submitted)")),
        (2, "qualification", gettext("Qualification review")),
        (3, "preliminary_review", gettext("Preliminary review")),
        (4, "final_review", gettext("Final review")),
        (5, "in_service", gettext("In service")),
        (6, "closed", gettext("Closed after service")),
    ]


def reached_ranks() -> list[int]:
    """The highest funnel rank each case of the current tenant reached (0 for drafts). One query."""
    rank_of_log = Case(
        When(Q(target_state=S.CLOSED, source_state=S.IN_SERVICE), then=Value(CLOSED_AFTER_SERVICE)),
        *(When(target_state=state, then=Value(rank)) for state, rank in STATE_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )
    logged = (
        ActivityLog.objects.filter(
            content_type=ContentType.objects.get_for_model(DemandCase), object_id=OuterRef("pk"), field_name="state"
        )
        .values("object_id")
        .annotate(rank=Max(rank_of_log))
        .values("rank")[:1]
    )
    rows = DemandCase.objects.annotate(log_rank=Subquery(logged, output_field=IntegerField())).values_list(
        "state", "log_rank"
    )
    return [max(STATE_RANK.get(state, 0), log_rank or 0) for state, log_rank in rows]


@funnel_stages
def case_funnel(tenant: Any) -> list[FunnelStage]:
    """The case stages of the funnel, each counting the cases that reached it or went further."""
    ranks = reached_ranks()
    return [
        FunnelStage(
            order=rank * 10 if rank < CLOSED_AFTER_SERVICE else 70,
            key=key,
            label=label,
            count=sum(1 for r in ranks if r >= rank),
        )
        for rank, key, label in _stages()
    ]


@dashboard_table(order=10)
def funnel_table(tenant: Any) -> DashboardTable:
    """Every registered funnel stage (cases' and delivery's), intake first: stage, cases."""
    stages = collect_funnel(tenant)
    return DashboardTable(
        key="funnel",
        title=gettext("Cases by stage"),
        columns=[gettext("Stage"), gettext("Cases")],
        rows=[[stage.label, stage.count] for stage in stages],
    )


def sla_breaches(tenant: Any, today: dt.date | None = None) -> list[list[Any]]:
    """Rows ``[breach, case or supplier, due date, days over, counted in]``, most days over first within each
    kind (qualification, final review, supplier final review). Three queries."""
    today = today or timezone.localdate()
    working, calendar = gettext("working days"), gettext("calendar days")
    rows: list[list[Any]] = []
    qualification = gettext("Qualification review over %(days)s working days") % {
        "days": tenant.config.qualification_working_days
    }
    late = DemandCase.objects.filter(
        state__in=sorted(QUALIFICATION_CLOCK_STATES), qualification_due__lt=today
    ).values_list("reference", "title", "qualification_due")
    found = [(working_days_between(due, today), ref, title, due) for ref, title, due in late]
    rows += [
        [qualification, f"{ref} {title}", due, over, working]
        for over, ref, title, due in sorted(found, key=lambda r: (-r[0], r[3], r[1]))
        if over >= 1
    ]
    final = gettext("Final review over %(months)s month(s)") % {"months": tenant.config.review_final_within_months}
    files = CaseReview.objects.filter(case__state=S.FINAL_REVIEW, final_review_due__lt=today).values_list(
        "case__reference", "case__title", "final_review_due"
    )
    rows += [
        [final, f"{ref} {title}", due, (today - due).days, calendar]
        for ref, title, due in sorted(files, key=lambda r: (r[2], r[0]))
    ]
    supplier = gettext("Supplier final review over %(days)s days") % {"days": tenant.config.supplier_final_review_days}
    profiles = SupplierProfile.objects.filter(
        state=OnboardingState.FINAL_REVIEW, final_review_due__lt=today
    ).values_list("organization__name", "final_review_due")
    rows += [
        [supplier, name, due, (today - due).days, calendar]
        for name, due in sorted(profiles, key=lambda r: (r[1], r[0]))
    ]
    return rows


@dashboard_table(order=20)
def sla_table(tenant: Any) -> DashboardTable:
    """SLA breaches (every row red)."""
    rows = sla_breaches(tenant)
    return DashboardTable(
        key="sla_breaches",
        title=gettext("SLA breaches"),
        columns=[
            gettext("Breach"),
            gettext("Case / supplier"),
            gettext("Due date"),
            gettext("Days over"),
            gettext("Counted in"),
        ],
        rows=rows,
        danger_rows=frozenset(range(len(rows))),
    )


def programme_kpis(today: dt.date | None = None) -> list[list[Any]]:
    """Rows ``[year, cases served, investment induced (NTD int), verification cases completed]`` for every
    year with a figure and the current year, oldest first. Three queries."""
    year_now = (today or timezone.localdate()).year
    served: dict[int, int] = {}
    entered = (
        ActivityLog.objects.filter(
            content_type=ContentType.objects.get_for_model(DemandCase), field_name="state", target_state=S.IN_SERVICE
        )
        .values("object_id")
        .annotate(first=Min("at"))
        .values_list("first", flat=True)
    )
    for at in entered:
        year = timezone.localtime(at).year
        served[year] = served.get(year, 0) + 1
    invested = {
        year: int(total)
        for year, total in KpiMeasurement.objects.filter(kind=KpiKind.INVESTMENT, is_baseline=False)
        .annotate(year=ExtractYear("period_end"))
        .values("year")
        .annotate(total=Sum("value"))
        .values_list("year", "total")
    }
    verified = completed_verifications_by_year()
    years = sorted({year_now, *served, *invested, *verified})
    return [[year, served.get(year, 0), invested.get(year, 0), verified.get(year, 0)] for year in years]


@dashboard_table(order=30)
def programme_table(tenant: Any) -> DashboardTable:
    """The programme KPIs per year (seed 003)."""
    return DashboardTable(
        key="programme_kpis",
        title=gettext("Programme KPIs per year"),
        columns=[
            gettext("Year"),
            gettext("Cases served"),
            gettext("Investment induced (NTD)"),
            gettext("Verification cases completed"),
        ],
        rows=programme_kpis(),
    )
