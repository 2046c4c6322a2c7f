"""Demo data of the suppliers app (``manage.py seed_demo``): fourteen supply-side partners across the eight
work-group roles in every onboarding state, their reference designs, and a referral history on the demo cases.

The organisations are the kinds seed 000_9617a3b789ca4d20.txt names (供應端包括業者、學界或法人: an IC design
house, a fan-out packaging house, an AI model company, a sensor maker, a university lab, a research institute,
a system integrator, …); names are invented. Everything goes through :mod:`suppliers.services` with the demo
logins of the roles that take each step, so the activity log is real. The partners in the final review have a
scheduled 複審 meeting (within the two weeks, three core platform members seated); the approved and suspended
ones a closed meeting with the approving consensus (minutes queued).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.enums import CaseState
from cases.models import DemandCase
from platform_site.enums import OrganizationKind, Role, TenantKind
from platform_site.extensions import DemoSite
from platform_site.management.commands.seed_demo import DEMO_PASSWORD, valid_ubn
from platform_site.models import Membership, Organization
from review import services as review_services
from review.enums import DecisionOutcome, MeetingMode
from review.models import Expert
from review.services import meetings as review_meetings
from suppliers import final_review, services
from suppliers.enums import OnboardingState as S
from suppliers.models import SupplierProfile

C, U, R = OrganizationKind.COMPANY, OrganizationKind.UNIVERSITY, OrganizationKind.RESEARCH_INSTITUTE

# (key, name, kind, target state, roles, domains, keywords, technologies, certifications, lead weeks, prices)
PARTNERS: list[tuple[Any, ...]] = [
    (
        "icdesign",
        "南科晶創設計股份有限公司",
        C,
        S.APPROVED,
        ["architecture", "chip"],
        ["ic", "ai_models"],
        "IC設計、ASIC、邊緣AI晶片、RISC-V",
        "AI 推論加速器 IP、RISC-V SoC 架構、28nm/16nm ASIC 設計服務",
        ["iso_9001", "iso_26262"],
        24,
        "架構評估 NT$300,000 起；ASIC 設計服務依閘數報價",
    ),
    (
        "fanout",
        "高雄扇出封裝科技股份有限公司",
        C,
        S.APPROVED,
        ["trial_production", "module"],
        ["packaging"],
        "封裝、扇出型封裝、Fan-out、系統級封裝",
        "扇出型晶圓級封裝 FOWLP、SiP 系統級封裝、少量試產線",
        ["iso_9001", "iatf_16949", "iso_14001"],
        10,
        "工程批 NT$450,000／批；少量試製每片 NT$1,800 起",
    ),
    (
        "aimodel",
        "深度視覺人工智慧股份有限公司",
        C,
        S.APPROVED,
        ["model_training", "software"],
        ["ai_models", "application_software"],
        "AI模型、影像辨識、瑕疵檢測、模型訓練",
        "深度學習瑕疵檢測、小樣本學習、模型量化與邊緣部署",
        ["iso_27001"],
        8,
        "模型訓練專案 NT$600,000 起",
    ),
    (
        "sensor",
        "南方感測元件股份有限公司",
        C,
        S.APPROVED,
        ["module", "field_validation"],
        ["sensors", "electronic_devices"],
        "感測器、MEMS、振動感測、雷達",
        "MEMS 振動感測模組、毫米波雷達模組、工業級感測器校正",
        ["iso_9001", "iatf_16949"],
        6,
        "振動感測模組每組 NT$3,500；雷達模組每組 NT$12,000",
    ),
    (
        "unilab",
        None,
        U,
        S.APPROVED,
        ["architecture", "model_training", "field_validation"],
        ["ai_models", "ict"],
        "異質整合、邊緣運算、場域驗證、產學合作",
        "邊緣 AI 系統架構、聯邦學習、智慧製造場域實證",
        [],
        16,
        "產學合作計畫依國科會規範編列",
    ),
    (
        "institute",
        "南臺灣智慧製造研究院",
        R,
        S.APPROVED,
        ["architecture", "system_integration", "field_validation"],
        ["ict", "electronic_devices"],
        "智慧製造、場域驗證、OEE、工業物聯網",
        "工業物聯網架構、產線 OEE 分析、驗證場域",
        ["taf", "iso_9001"],
        12,
        "場域驗證每案 NT$800,000 起",
    ),
    (
        "integrator",
        "鏈結系統整合股份有限公司",
        C,
        S.APPROVED,
        ["system_integration", "software"],
        ["ict", "application_software"],
        "系統整合、MES、SCADA、機器視覺",
        "產線設備聯網、MES/SCADA 整合、機器視覺導入",
        ["iso_9001", "iso_27001", "iec_62443"],
        8,
        "系統整合人月 NT$180,000",
    ),
    (
        "software",
        "雲港應用軟體股份有限公司",
        C,
        S.APPROVED,
        ["software"],
        ["application_software", "ict"],
        "應用軟體、雲端服務、行動App、資料平台",
        "雲端資料平台、行動 App、儀表板與報表",
        ["iso_27001"],
        6,
        "軟體開發人月 NT$150,000",
    ),
    (
        "optics",
        "曜光光學股份有限公司",
        C,
        S.FINAL_REVIEW,
        ["module"],
        ["sensors", "electronic_devices"],
        "光學、鏡頭、AOI、光學檢測",
        "工業鏡頭設計、AOI 光學模組、光源設計",
        ["iso_9001"],
        8,
        "AOI 光學模組每套 NT$95,000",
    ),
    (
        "pcb",
        "新興電路板股份有限公司",
        C,
        S.QUALIFICATION,
        ["module", "trial_production"],
        ["electronic_devices"],
        "PCB、電路板、SMT、模組組裝",
        "多層板、SMT 打件、模組組裝",
        ["iso_9001"],
        4,
        "SMT 打件每點 NT$0.3",
    ),
    (
        "edge",
        "前鎮邊緣運算股份有限公司",
        C,
        S.SUBMITTED,
        ["module", "software"],
        ["electronic_devices", "ai_models"],
        "邊緣運算、嵌入式系統、工業電腦",
        "ARM 嵌入式平台、工業電腦、邊緣推論盒",
        [],
        6,
        "邊緣推論盒每台 NT$28,000",
    ),
    (
        "drone",
        "旗津無人機應用股份有限公司",
        C,
        S.RETURNED,
        ["field_validation"],
        ["electronic_devices"],
        "無人機、巡檢、場域驗證",
        "無人機巡檢、空拍影像分析",
        [],
        4,
        "",
    ),
    (
        "crypto",
        "速利顧問有限公司",
        C,
        S.REJECTED,
        ["software"],
        ["application_software"],
        "顧問、數位轉型",
        "數位轉型顧問",
        [],
        2,
        "",
    ),
    (
        "ems",
        "大發電子代工股份有限公司",
        C,
        S.SUSPENDED,
        ["trial_production"],
        ["electronic_devices"],
        "EMS、電子代工、少量試製",
        "電子代工、少量多樣試產",
        ["iso_9001"],
        6,
        "試產每批 NT$200,000",
    ),
]
#: (partner key, title, description, industries, roles, price)
DESIGNS = [
    (
        "aimodel",
        "金屬件表面瑕疵 AI 檢測參考設計",
        "工業相機 + 邊緣推論盒 + 預訓練瑕疵模型，兩週內完成概念驗證。",
        ["manufacturing", "traditional"],
        ["model_training", "software"],
        880000,
    ),
    (
        "integrator",
        "中小製造業設備聯網與 OEE 看板",
        "既有機台加裝感測與閘道器，雲端 OEE 看板與停機分析。",
        ["manufacturing", "traditional"],
        ["system_integration", "software"],
        650000,
    ),
    (
        "software",
        "門市貨架影像缺貨偵測方案",
        "以既有監視器影像偵測缺貨並推播補貨通知，串接 POS。",
        ["service"],
        ["software"],
        420000,
    ),
    (
        "sensor",
        "預知保養振動感測套件",
        "MEMS 振動感測模組、無線閘道器與異常偵測模型。",
        ["manufacturing"],
        ["module", "field_validation"],
        360000,
    ),
]
SUPPLIER_TENANT_KINDS = frozenset({TenantKind.PLATFORM_OFFICE})


def _login(tenant: Any, key: str, org: Any) -> Any:
    email = f"partner-{key}@{tenant.slug}.demo"
    user_model = get_user_model()
    user = user_model.objects.filter(username=email).first() or user_model.objects.create_user(
        username=email, email=email, password=DEMO_PASSWORD, first_name=f"{org.name[:4]}窗口"
    )
    Membership.objects.get_or_create(user=user, tenant=tenant, role=Role.SUPPLIER, organization=org)
    return user


def _drive(profile: SupplierProfile, target: str, member: Any, site: DemoSite) -> None:
    reviewer, cto = site.people[Role.OFFICE_REVIEWER], site.people[Role.CTO]
    services.transition_profile(profile, "submit", member)
    if target == S.SUBMITTED:
        return
    services.transition_profile(profile, "start_qualification", reviewer)
    if target == S.RETURNED:
        services.transition_profile(
            profile, "return_for_information", reviewer, reason="請補充近三年實績與場域驗證報告。"
        )
        return
    if target == S.REJECTED:
        services.transition_profile(profile, "reject", reviewer, reason="服務項目非屬智慧系統整合之技術能量。")
        return
    if target == S.QUALIFICATION:
        return
    services.transition_profile(profile, "qualify", reviewer)
    core = _core_members(site)
    if target == S.FINAL_REVIEW:  # scheduled within the two weeks, the panel seated
        _final_review_meeting(profile, cto, core, days=7)
        return
    meeting = _final_review_meeting(profile, cto, core, days=-1)
    review_meetings.run_meeting_action(meeting, "open", cto)
    review_services.close_with_decision(
        meeting,
        cto,
        outcome=DecisionOutcome.PASS,
        reasons="技術能量與交付實績符合平台供應鏈夥伴要求，複審會議共識通過。",
        minutes="技術長主持，核心成員三人出席，業者簡報後詢答，共識決通過。",
        applicant_comments="歡迎加入平台供應鏈夥伴。",
    )
    if target == S.SUSPENDED:
        services.transition_profile(profile, "suspend", cto, reason="客戶資料保密義務違反疑慮，調查期間暫停媒合。")


#: Core platform members (平台核心成員) who sit on the supplier final reviews: pool experts flagged ``is_core``.
CORE_MEMBERS = (
    ("core.chen", "陳建宏", "推動辦公室 技術組組長"),
    ("core.liu", "劉怡君", "推動辦公室 供應鏈經理"),
    ("core.kuo", "郭家銘", "推動辦公室 系統架構師"),
)


def _core_members(site: DemoSite) -> list[Any]:
    """The tenant's core platform members (created once, demo password) for the 複審 panels."""
    core = list(Expert.objects.filter(is_core=True).select_related("user").order_by("pk"))
    if core:
        return core
    cto = site.people[Role.CTO]
    for prefix, name, title in CORE_MEMBERS:
        email = f"{prefix}@{site.tenant.slug}.demo"
        expert = review_services.create_expert(
            cto, site.tenant, email=email, full_name=name, title=title, is_core=True, expertise=["供應鏈"]
        )
        if not expert.user.has_usable_password():
            expert.user.set_password(DEMO_PASSWORD)
            expert.user.save(update_fields=["password"])
        core.append(expert)
    return core


def _final_review_meeting(profile: SupplierProfile, cto: Any, core: list[Any], *, days: int) -> Any:
    """The profile's 複審 meeting ``days`` from now (negative: already held), its core panel seated."""
    when = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(days=days)
    meeting = final_review.schedule(
        cto,
        profile,
        scheduled_at=when,
        mode=MeetingMode.IN_PERSON,
        room="推動辦公室 3 樓第二會議室",
        agenda="一、業者簡報\n二、核心成員詢答\n三、共識決",
    )
    for expert in core:
        seat = review_services.invite_expert(meeting, expert, cto)
        review_services.declare_conflicts(seat, expert.user, has_conflict=False)
        review_services.accept_invitation(seat, expert.user)
    return meeting


def seed(site: DemoSite) -> None:
    """Partners, designs and referrals in a programme-office tenant. Idempotent (skips a seeded tenant)."""
    tenant = site.tenant
    if tenant.kind not in SUPPLIER_TENANT_KINDS or SupplierProfile.objects.exists():
        return
    profiles, members = {}, {}
    for i, (key, name, kind, target, roles, domains, keywords, tech, certs, weeks, prices) in enumerate(PARTNERS):
        if key == "unilab":
            org, member = site.orgs["supplier"], site.people[Role.SUPPLIER]
        else:
            org = Organization.objects.create(
                tenant=tenant,
                name=name,
                kind=kind,
                ubn=valid_ubn(53100000 + i * 104729) if kind == C else "",
                address="高雄市",
                phone="07-5550200",
            )
            member = _login(tenant, key, org)
        profile = services.create_profile(member, tenant)
        services.update_profile(
            profile,
            member,
            {
                "summary": f"{org.name}：{tech}。",
                "roles": roles,
                "domains": domains,
                "keywords": keywords,
                "technologies": tech,
                "certifications": certs,
                "contact_name": member.first_name,
                "contact_email": member.email,
                "contact_phone": "07-5550200",
                "specifications": tech,
                "lead_time_weeks": weeks,
                "reference_prices": prices,
                "partner_firms": "",
            },
        )
        services.add_background_ip(
            profile,
            member,
            title=f"{keywords.split('、')[0]}相關專利",
            kind="patent",
            owner=org.name,
            verified=target == S.APPROVED,
        )
        services.accept_obligations(profile, member)
        _drive(profile, target, member, site)
        profile = SupplierProfile.objects.get(pk=profile.pk)  # the 複審 decision moved the row itself
        profiles[key], members[key] = profile, member
    reviewer = site.people[Role.OFFICE_REVIEWER]
    designs = {}
    for key, title, description, industries, roles, price in DESIGNS:
        design = services.create_design(
            profiles[key],
            members[key],
            {
                "title": title,
                "description": description,
                "industries": industries,
                "roles": roles,
                "documents": "方案簡介.pdf\n規格書.pdf",
                "indicative_price_ntd": price,
            },
        )
        services.transition_design(design, "publish", members[key])
        if key != "sensor":  # one waits for the office's approval
            services.transition_design(design, "approve", reviewer, comment="符合平台參考設計方案要求。")
        designs[key] = design
    _referral_history(site, profiles, members, designs)


def _referral_history(site: DemoSite, profiles: dict, members: dict, designs: dict) -> None:
    reviewer = site.people[Role.OFFICE_REVIEWER]
    referred = DemandCase.objects.filter(state=CaseState.REFERRED).first()
    if referred is not None:
        a = services.refer(
            referred, reviewer, profiles["integrator"], "system_integration", note="既有膠合設備聯網需求。"
        )
        services.answer_referral(a, members["integrator"], True)
        b = services.refer(referred, reviewer, profiles["sensor"], "module", note="膠合溫度與壓力感測。")
        services.answer_referral(b, members["sensor"], False, reason="本季產能已滿，建議下季再議。")
        services.refer(referred, reviewer, profiles["aimodel"], "model_training", note="製程參數建議模型。")
    in_service = DemandCase.objects.filter(state=CaseState.IN_SERVICE).first()
    if in_service is not None:
        for key, role in (("icdesign", "chip"), ("fanout", "trial_production"), ("aimodel", "model_training")):
            referral = services.refer(in_service, reviewer, profiles[key], role)
            services.answer_referral(referral, members[key], True)
    given = DemandCase.objects.filter(state=CaseState.REFERENCE_DESIGN).first()
    if given is not None:
        services.give_reference_design(given, reviewer, designs["software"], note="可先以此方案進行兩週試行。")
