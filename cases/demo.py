"""Demo data of the demand cases: ten cases of the demo organisations in many states (``manage.py seed_demo``).

The cases follow the industries and needs the seeds name (seed 000_9617a3b789ca4d20.txt: 傳產、服務、製造業、
健康產業; seed 004 white paper). Every case is driven to its state through the real services (numbers,
clocks, transition log), by the demo logins of the roles that take each step — up to the committee: a case
reaches 複審 or the platform service only through closed review meetings, which ``review/demo.py`` holds (it
finds the cases targeted at ``final_review`` / ``in_service`` here in 初審 and drives them on).
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.enums import Customisation, DocumentKind, Industry, QualificationDecision
from cases.models import DemandCase
from platform_site.enums import Role, TenantKind
from platform_site.extensions import DemoSite

# (org key, title, industry, field, problem, need, customisations, target)
CASES = [
    (
        "metal",
        "金屬加工件表面瑕疵 AI 檢測",
        Industry.MANUFACTURING,
        "金屬加工瑕疵檢測",
        "CNC 車削件表面刮痕與毛邊靠人工目檢，夜班漏檢率高達 3%。",
        "產線端即時影像辨識，需低功耗邊緣 AI 模組與客製化推論晶片評估。",
        [Customisation.CHIP, Customisation.HARDWARE],
        "in_service",
    ),
    (
        "textile",
        "布匹織疵自動辨識與分級",
        Industry.TRADITIONAL,
        "紡織品品質檢測",
        "驗布機速度提高後，人工無法即時標記織疵位置。",
        "以線掃描相機搭配 AI 模型自動標記並分級織疵。",
        [Customisation.SOFTWARE],
        "preliminary_review",
    ),
    (
        "footwear",
        "鞋底膠合製程參數最佳化",
        Industry.TRADITIONAL,
        "製鞋膠合製程",
        "膠合溫度與壓力靠老師傅經驗，良率波動大。",
        "感測器蒐集製程資料並以模型建議參數；既有膠合設備商已有製程監控套件可導入。",
        [Customisation.HARDWARE, Customisation.SOFTWARE],
        "referred",
    ),
    (
        "care",
        "長照機構夜間離床偵測",
        Industry.HEALTH,
        "醫療照護",
        "夜間人力不足，長者離床跌倒常延遲發現。",
        "非接觸式雷達感測與邊緣運算，保護隱私的離床警示。",
        [Customisation.UNSURE],
        "qualification",
    ),
    (
        "retail",
        "門市客流與貨架缺貨分析",
        Industry.SERVICE,
        "智慧零售",
        "貨架缺貨常在顧客抱怨後才補貨。",
        "以既有攝影機做貨架影像分析並串接 POS。",
        [Customisation.NONE],
        "reference_design",
    ),
    (
        "metal",
        "沖壓模具異音預知保養",
        Industry.MANUFACTURING,
        "預知保養",
        "模具崩裂造成停機，事前無預警。",
        "振動與聲學感測結合 AI 異常偵測。",
        [Customisation.HARDWARE, Customisation.TRIAL_PRODUCTION],
        "submitted",
    ),
    (
        "textile",
        "染整廢水水質即時監測",
        Industry.MANUFACTURING,
        "環境監測",
        "放流水檢測需送外部實驗室，數天後才知結果。",
        "多參數水質感測模組與預警平台。",
        [Customisation.HARDWARE],
        "documents_requested",
    ),
    (
        "retail",
        "冷鏈物流車隊溫度記錄器採購",
        Industry.SERVICE,
        "冷鏈物流",
        "配送途中溫度異常僅事後發現。",
        "僅需採購一般溫度記錄器，無智慧系統應用或晶片開發規劃。",
        [Customisation.NONE],
        "not_eligible",
    ),
    (
        "footwear",
        "鞋面縫線路徑自動規劃",
        Industry.TRADITIONAL,
        "製鞋自動化",
        "新款鞋面需人工教導縫紉機路徑。",
        "以視覺辨識自動產生縫線路徑。",
        [Customisation.SOFTWARE],
        "draft",
    ),
    (
        "care",
        "居家復健動作辨識",
        Industry.HEALTH,
        "復健照護",
        "居家復健無人指導，動作錯誤難以察覺。",
        "穿戴式感測與姿態辨識模型。",
        [Customisation.CHIP, Customisation.SOFTWARE],
        "final_review",
    ),
]

# target state -> the path of (kind, name or decision) steps from draft: "t" a plain transition, "d" a
# qualification decision, "c" a committee outcome (in the portal only a closed review meeting takes it)
PATHS: dict[str, list[tuple[str, str]]] = {
    "draft": [],
    "submitted": [("t", "submit")],
    "qualification": [("t", "submit"), ("t", "start_qualification")],
    "documents_requested": [
        ("t", "submit"),
        ("t", "start_qualification"),
        ("d", QualificationDecision.REQUEST_DOCUMENTS),
    ],
    "referred": [("t", "submit"), ("t", "start_qualification"), ("d", QualificationDecision.REFER)],
    "reference_design": [("t", "submit"), ("t", "start_qualification"), ("d", QualificationDecision.REFERENCE_DESIGN)],
    "not_eligible": [("t", "submit"), ("t", "start_qualification"), ("d", QualificationDecision.NOT_ELIGIBLE)],
    "preliminary_review": [("t", "submit"), ("t", "start_qualification"), ("d", QualificationDecision.PROCEED)],
    "final_review": [
        ("t", "submit"),
        ("t", "start_qualification"),
        ("d", QualificationDecision.PROCEED),
        ("c", "pass_preliminary"),
    ],
    "in_service": [
        ("t", "submit"),
        ("t", "start_qualification"),
        ("d", QualificationDecision.PROCEED),
        ("c", "pass_preliminary"),
        ("c", "pass_final"),
    ],
}

COMMENTS = {
    QualificationDecision.REQUEST_DOCUMENTS: "請補充近一年財務報表與現有供應商洽詢紀錄。",
    QualificationDecision.REFER: "既有外部供應鏈可服務，轉介平台合作之系統整合商。",
    QualificationDecision.REFERENCE_DESIGN: "既有供應鏈無法服務，需求可由平台參考設計方案滿足，不需客製化。",
    QualificationDecision.NOT_ELIGIBLE: "需求為一般設備採購，無智慧系統應用需求或晶片開發規劃，不符申請資格。",
    QualificationDecision.PROCEED: "符合資格，既有供應鏈無法服務且需客製化開發，排入初審會議。",
}

#: The 資格審 checklist each decision is recorded with — the one branch of seed 000's flowchart that leads
#: to it (DemandCase.qualification_branch): (applicant type, need, existing chain can serve, customisation
#: needed — the reviewer's answer, used only when the applicant was not sure).
CHECKLISTS: dict[str, tuple[bool, bool, bool | None, bool | None]] = {
    QualificationDecision.REQUEST_DOCUMENTS: (True, True, None, None),
    QualificationDecision.REFER: (True, True, True, None),
    QualificationDecision.REFERENCE_DESIGN: (True, True, False, None),
    QualificationDecision.PROCEED: (True, True, False, True),
    QualificationDecision.NOT_ELIGIBLE: (True, False, None, None),
}
#: What the applicant says the existing supply chain answered, by the case's target state.
SUPPLY_CHAIN_OUTCOMES = {
    "referred": "洽詢既有膠合設備商，可提供製程監控套件，但不清楚如何導入。",
    "not_eligible": "洽詢溫度記錄器經銷商報價，可直接購買。",
}


def demo_pdf(title: str) -> bytes:
    """A minimal one-page PDF (valid header and trailer) standing in for an uploaded document."""
    body = io.BytesIO()
    body.write(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    )
    body.write(b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n")
    body.write(f"% {title}\n".encode())
    body.write(b"trailer<</Root 1 0 R>>\n%%EOF\n")
    return body.getvalue()


def seed(site: DemoSite) -> None:
    """Create the demo cases in ``site.tenant`` (all ten in a programme office, the first eight elsewhere).

    Idempotent: does nothing when the tenant already has cases. Runs inside ``tenant_scope(site.tenant)``.
    """
    if DemandCase.objects.exists():
        return
    cases = CASES if site.tenant.kind == TenantKind.PLATFORM_OFFICE else CASES[:8]
    for org_key, title, industry, field, problem, need, customisations, target in cases:
        _seed_case(site, org_key, title, industry, field, problem, need, customisations, target)


def _seed_case(
    site: DemoSite,
    org_key: str,
    title: str,
    industry: str,
    field: str,
    problem: str,
    need: str,
    customisations: list[str],
    target: str,
) -> DemandCase:
    org, applicant = site.orgs[org_key], site.applicants[org_key]
    case = services.create_case(  # through the service, as a user would: logged "created"
        applicant,
        site.tenant,
        {
            "title": title,
            "industry": industry,
            "application_field": field,
            "problem_statement": problem,
            "smart_system_need": need,
            "customisations": [str(c) for c in customisations],
            "company_profile": f"{org.name}，員工約 60 人。",
            "employee_count": 60,
            "supply_chain_consulted": True,
            "supply_chain_outcome": SUPPLY_CHAIN_OUTCOMES.get(target, "洽詢既有設備商，無法提供整合方案。"),
            "contact_name": applicant.first_name,
            "contact_email": applicant.email,
            "contact_phone": "07-5550100",
        },
    )
    if case.applicant_org_id != org.pk:
        raise RuntimeError(f"demo applicant {applicant} must represent {org} only")
    for kind in (DocumentKind.COMPANY_REGISTRATION, DocumentKind.NEEDS_DESCRIPTION):
        upload = SimpleUploadedFile(f"{kind}.pdf", demo_pdf(f"{title} {kind}"), content_type="application/pdf")
        services.add_document(case, applicant, kind, upload)
    reviewer = site.people[Role.OFFICE_REVIEWER]
    for step, name in PATHS[target]:
        if step == "t":
            services.transition_case(case, name, applicant if name == "submit" else reviewer)
        elif step == "c":  # the committee's outcome: only a closed review meeting takes it — review/demo.py
            break  # holds those meetings and drives the case on (cases imports no review)
        else:
            applicant_type, need, can_serve, customise = CHECKLISTS[name]
            services.decide_qualification(
                case,
                reviewer,
                decision=name,
                comment=COMMENTS[name],
                eligible_applicant_type=applicant_type,
                eligible_need=need,
                existing_supply_chain_can_serve=can_serve,
                customisation_needed=customise,
            )
        case.refresh_from_db()
    return case
