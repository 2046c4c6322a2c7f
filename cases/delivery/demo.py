"""Demo data of service delivery (``manage.py seed_demo``), in a programme office, after the cases, review and
suppliers demos (INSTALLED_APPS order), all through cases.delivery.services with the demo logins:

1. the case the review demo passed (金屬加工件表面瑕疵 AI 檢測, chip + hardware → ①③④⑤⑥⑦⑧): service projects
   derived, the top-ranked approved partner assigned and accepted per role, kicked off 14 weeks ago, and a run of
   biweekly reports — 1–3 acknowledged with hours, 4 returned with comments, 5 submitted, 6 **overdue** (never
   filed), 7 in draft, 8 due (the current period);
2. a second in-service case (:data:`SECOND_TITLE`, custom software ②③⑦) with a formed work group kicked off
   four weeks ago, its first report acknowledged;
3. a **closed case in mass production** (:data:`MASS_PRODUCTION_TITLE`, small-volume trial production
   ③⑤⑥⑧): serviced from about 14 months ago, four acknowledged reports, completed with 量產/銷售 from
   :func:`mass_production_date` (365 days before the seed day). The benefits demo finds it with
   :func:`mass_production_case` (its reference is the tenant's ``TSMP-<seed year>-0011`` on a fresh seed, see
   docs/delivery.md) and adds a year of KPI measurements.

Cases 2 and 3 pass 初審 / 複審 through cases.services.committee_transition by the demo CTO without meetings (the
review demo holds meetings for its own cases only); their case manager is appointed by the office.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases import services as case_services
from cases.delivery import services
from cases.delivery.models import ProgressReport, WorkGroup
from cases.delivery.schedule import ensure_reports
from cases.demo import demo_pdf
from cases.enums import CaseState, Customisation, DocumentKind, Industry, QualificationDecision
from cases.models import DemandCase
from platform_site.enums import Role, TenantKind
from platform_site.extensions import DemoSite
from suppliers import matching
from suppliers.models import SupplierProfile

SECOND_TITLE = "染整機台邊緣 AI 配方最佳化"
MASS_PRODUCTION_TITLE = "智慧鞋材裁切排版試量產"
WORK = {
    1: "完成需求訪談與系統架構初稿，確認產線取像位置。",
    2: "完成取像模組打樣與 2,000 張瑕疵影像標註。",
    3: "模型 v1 於測試線驗證，漏檢率 1.2%。",
    4: "推論晶片規格評估與模組整合。",
    5: "場域驗證準備：夜班產線安裝兩套模組。",
}


def mass_production_date(today: dt.date | None = None) -> dt.date:
    """The demo's mass-production start: 365 days before ``today`` (Asia/Taipei)."""
    return (today or timezone.localdate()) - dt.timedelta(days=365)


def mass_production_case() -> DemandCase | None:
    """The demo's closed case in mass production (call inside the tenant scope), or None."""
    return DemandCase.objects.filter(title=MASS_PRODUCTION_TITLE, state=CaseState.CLOSED).first()


def _staff(site: DemoSite) -> tuple[Any, Any, Any]:
    return site.people[Role.OFFICE_REVIEWER], site.people[Role.CASE_MANAGER], site.people[Role.CTO]


def _members() -> dict[int, Any]:
    from platform_site.models import Membership

    rows = Membership.objects.filter(role=Role.SUPPLIER).select_related("user").order_by("pk")
    found: dict[int, Any] = {}
    for m in rows:
        found.setdefault(m.organization_id, m.user)
    return found


def _form(site: DemoSite, group: WorkGroup, start: dt.date) -> WorkGroup:
    """Assign the top-ranked approved partner per required role and let it accept."""
    office, manager, _cto = _staff(site)
    if group.lead_id is None:
        services.set_lead(group, office, manager)
    members = _members()
    for role, label, ranked in matching.ranking(group.case, roles=group.required_roles()):
        if not ranked:
            continue
        profile = SupplierProfile.objects.get(pk=ranked[0].profile.pk)
        assignment = services.propose_assignment(
            group,
            office,
            role=role,
            partner=profile,
            scope=f"{label}：依需求規格執行並參與雙週會議。",
            planned_start=start,
            planned_end=start + dt.timedelta(days=180),
            deliverables=f"{label}成果報告與交付物。",
        )
        services.respond_to_assignment(assignment, members[profile.organization_id], accept=True)
    group.refresh_from_db()
    if group.state == "forming":
        services.form_group(group, office)
    return group


def _file(report: ProgressReport, site: DemoSite, hours: dict[str, str], *, submit: bool = True) -> None:
    _office, manager, _cto = _staff(site)
    services.save_report(
        report,
        manager,
        work_done=WORK.get(report.number, "持續開發與整合測試。"),
        issues_risks="晶片交期可能延後兩週。" if report.number % 2 else "",
        next_steps="下期完成模組整合測試。",
        hours={role: Decimal(value) for role, value in hours.items()},
    )
    if submit:
        services.submit_report(report, manager)


def _new_case(site: DemoSite, org_key: str, title: str, customisations: list[str], need: str) -> DemandCase:
    office, _manager, cto = _staff(site)
    applicant = site.applicants[org_key]
    case = case_services.create_case(
        applicant,
        site.tenant,
        {
            "title": title,
            "industry": Industry.MANUFACTURING,
            "application_field": need,
            "problem_statement": f"{need}仰賴老師傅經驗，良率不穩。",
            "smart_system_need": f"{need}：邊緣 AI 與感測整合。",
            "customisations": customisations,
            "company_profile": "員工約 80 人。",
            "employee_count": 80,
            "supply_chain_consulted": True,
            "supply_chain_outcome": "既有設備商無法提供整合方案。",
            "contact_name": applicant.first_name,
            "contact_email": applicant.email,
            "contact_phone": "07-5550100",
        },
    )
    for kind in (DocumentKind.COMPANY_REGISTRATION, DocumentKind.NEEDS_DESCRIPTION):
        upload = SimpleUploadedFile(f"{kind}.pdf", demo_pdf(f"{title} {kind}"), content_type="application/pdf")
        case_services.add_document(case, applicant, kind, upload)
    case_services.transition_case(case, "submit", applicant)
    case_services.transition_case(case, "start_qualification", office)
    case_services.decide_qualification(
        case,
        office,
        decision=QualificationDecision.PROCEED,
        comment="符合資格，進入初審。",
        eligible_applicant_type=True,
        eligible_need=True,
        existing_supply_chain_can_serve=False,
        customisation_needed=True,
    )
    for name in ("pass_preliminary", "pass_final"):
        case.refresh_from_db()
        case_services.committee_transition(case, name, cto, notify=False)
    case.refresh_from_db()
    return case


def seed(site: DemoSite) -> None:
    """The delivery demo of ``site.tenant`` (module docstring). Idempotent: skips a tenant with work groups."""
    if site.tenant.kind != TenantKind.PLATFORM_OFFICE or WorkGroup.objects.exists():
        return
    office, manager, _cto = _staff(site)
    today = timezone.localdate()
    _first_case(site, today)
    second = _new_case(site, "textile", SECOND_TITLE, [Customisation.SOFTWARE], "染整配方")
    group = _form(site, services.derive_service_projects(second, office), today - dt.timedelta(days=28))
    services.kickoff(group, manager, today - dt.timedelta(days=28), today=today)
    first = group.reports.order_by("number").first()
    _file(first, site, {"model_training": "16", "software": "24.5"})
    services.acknowledge_report(first, office)
    _mass_production_case(site, today)


def _first_case(site: DemoSite, today: dt.date) -> None:
    office, manager, _cto = _staff(site)
    case = DemandCase.objects.filter(state=CaseState.IN_SERVICE).order_by("pk").first()
    if case is None:
        return
    kickoff = today - dt.timedelta(days=98)
    group = _form(site, services.derive_service_projects(case, office), kickoff)
    services.kickoff(group, manager, kickoff, today=today)
    project = case.service_projects.order_by("pk").first()
    for weeks, title in ((6, "系統架構與取像設計定案"), (12, "模型 v1 產線驗證"), (20, "場域驗證與驗收")):
        milestone = services.add_milestone(
            project, manager, title=title, planned_on=kickoff + dt.timedelta(weeks=weeks)
        )
        if weeks == 6:
            services.milestone_transition(milestone, "complete", manager, on=kickoff + dt.timedelta(weeks=6, days=2))
        elif weeks == 12:
            services.milestone_transition(milestone, "start", manager)
    reports = {r.number: r for r in group.reports.all()}
    for number in (1, 2, 3):
        _file(reports[number], site, {"architecture": "12", "software": "20.5", "chip": "8", "module": "6.25"})
        services.acknowledge_report(reports[number], office)
    _file(reports[4], site, {"software": "18", "module": "10"})
    services.return_report(reports[4], office, "請補充晶片交期風險的因應方案與各角色工時明細。")
    _file(reports[5], site, {"software": "22", "system_integration": "9.5"})
    # report 6: never filed — overdue; report 7: a draft; report 8: the current period, due.
    _file(reports[7], site, {"software": "6"}, submit=False)


def _mass_production_case(site: DemoSite, today: dt.date) -> None:
    office, manager, _cto = _staff(site)
    case = _new_case(site, "footwear", MASS_PRODUCTION_TITLE, [Customisation.TRIAL_PRODUCTION], "鞋材裁切排版")
    kickoff = mass_production_date(today) - dt.timedelta(days=56 + 14)
    group = _form(site, services.derive_service_projects(case, office), kickoff)
    services.kickoff(group, manager, kickoff, today=kickoff)
    ensure_reports(group, kickoff + dt.timedelta(days=55))  # four periods
    for report in group.reports.order_by("number"):
        _file(report, site, {"software": "14", "module": "10", "trial_production": "30", "field_validation": "8"})
        services.acknowledge_report(report, office)
    services.propose_completion(
        group, manager, final_report="試量產 3,000 雙完成，裁切材料利用率提升 6%，客戶決定量產。"
    )
    services.close_service(
        group,
        office,
        outcome="completed",
        mass_production=True,
        mass_production_on=mass_production_date(today),
        comment="服務完成，進入量產/銷售。",
    )
