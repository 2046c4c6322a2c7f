"""The rubrics the portal ships, as data (installed per tenant by :func:`review.services.install_rubric`).

- ``tsmp``: the TSMP demand-side rubric, seed 000_9617a3b789ca4d20.txt "審查評分項目": 價值創造性 value creation as
  a tier (第一級 開發新市場之嶄新應用 / 第二級 現有產品的加值應用 / 第三級 降低成本之應用) with a justification;
  在地連結性 local linkage (鏈結產業鏈，包括AI、半導體或電子資通訊領域之上中下游業者) on a 1-5 scale with a
  justification; an overall recommendation and comments. Unweighted (the final review reads the tier and the
  rating into the tier discount).
- ``grant_call``: seed 001_f4b2551ebc037df1.txt "三、審查原則 (一)專業審查": ten items, weights by group as in the
  seed's table — item 1 = 20%, items 2-5 = 40%, items 6-8 = 25%, items 9-10 = 15% — each item scored 0-100.

Each preset is ``{"code", "name_zh", "name_en", "source", "groups": [{"label_zh", "label_en", "weight",
"criteria": [{"key", "kind", "label_zh", "label_en", "help_zh", "help_en", "min", "max", "justify"}]}]}``.
"""

from __future__ import annotations

from typing import Any

from review.enums import CriterionKind as K


def _item(key: str, zh: str, en: str, help_zh: str = "") -> dict[str, Any]:
    return {"key": key, "kind": K.SCALE, "label_zh": zh, "label_en": en, "help_zh": help_zh, "min": 0, "max": 100}


TSMP: dict[str, Any] = {
    "code": "tsmp",
    "name_zh": "需求端審查評分項目",
    "name_en": "Demand-side review rubric",
    "source": "000_9617a3b789ca4d20.txt",
    "groups": [
        {
            "label_zh": "價值創造性",
            "label_en": "Value creation",
            "weight": 0,
            "criteria": [
                {
                    "key": "value_creation",
                    "kind": K.TIER,
                    "label_zh": "價值創造性（分級）",
                    "label_en": "Value creation (tier)",
                    "help_zh": "第一級：開發新市場之嶄新應用；第二級：現有產品的加值應用；第三級：降低成本之應用",
                    "help_en": "Tier 1: a new application opening a new market; tier 2: value added to an existing "
                    "product; tier 3: cost reduction.",
                    "min": 1,
                    "max": 3,
                    "justify": True,
                }
            ],
        },
        {
            "label_zh": "在地連結性",
            "label_en": "Local linkage",
            "weight": 0,
            "criteria": [
                {
                    "key": "local_linkage",
                    "kind": K.SCALE,
                    "label_zh": "在地連結性",
                    "label_en": "Local linkage",
                    "help_zh": "鏈結產業鏈，包括AI、半導體或電子資通訊領域之上中下游業者，發揮供應鏈整合與加值帶動效用"
                    "（1 最弱，5 最強）",
                    "help_en": "Links AI, semiconductor or electronics/ICT firms upstream and downstream, integrating "
                    "and lifting the supply chain (1 weakest, 5 strongest).",
                    "min": 1,
                    "max": 5,
                    "justify": True,
                }
            ],
        },
        {
            "label_zh": "綜合意見",
            "label_en": "Overall",
            "weight": 0,
            "criteria": [
                {
                    "key": "recommendation",
                    "kind": K.YES_NO,
                    "label_zh": "建議通過",
                    "label_en": "Recommend passing",
                    "min": 0,
                    "max": 1,
                },
                {"key": "comments", "kind": K.TEXT, "label_zh": "審查意見", "label_en": "Comments"},
            ],
        },
    ],
}

GRANT_CALL: dict[str, Any] = {
    "code": "grant_call",
    "name_zh": "專業審查評分表",
    "name_en": "Professional review rubric",
    "source": "001_f4b2551ebc037df1.txt",
    "groups": [
        {
            "label_zh": "問題分析及效益設定",
            "label_en": "Problem analysis and benefit targets",
            "weight": 20,
            "criteria": [_item("problem_analysis", "問題分析及效益設定", "Problem analysis and benefit targets")],
        },
        {
            "label_zh": "供應鏈資訊串流、智慧機械元素、人工智慧、資安防護",
            "label_en": "Supply-chain information flow, smart machinery, AI, cyber security",
            "weight": 40,
            "criteria": [
                _item("supply_chain_flow", "供應鏈資訊串流", "Supply-chain information flow"),
                _item("smart_machinery", "智慧機械元素", "Smart-machinery elements"),
                _item("artificial_intelligence", "人工智慧", "Artificial intelligence"),
                _item("cyber_security", "資安防護", "Cyber-security protection"),
            ],
        },
        {
            "label_zh": "SI 建置與服務驗證、合作分工、經費人力時程及查核點",
            "label_en": "SI build and service validation, division of work, budget, staffing, schedule, checkpoints",
            "weight": 25,
            "criteria": [
                _item(
                    "si_validation",
                    "SI 進行系統建置之作法與服務驗證之規劃",
                    "SI system build and service validation plan",
                ),
                _item("division_of_work", "合作廠商之分工", "Division of work between the partners"),
                _item("budget_schedule", "經費、人力、時程及查核點", "Budget, staffing, schedule and checkpoints"),
            ],
        },
        {
            "label_zh": "提案廠商及其上下游供應鏈業者、SI 業者",
            "label_en": "Proposer and its supply chain, SI firm",
            "weight": 15,
            "criteria": [
                _item("proposer_supply_chain", "提案廠商及其上下游供應鏈業者", "Proposer and its supply chain"),
                _item("si_firm", "SI 業者", "SI firm"),
            ],
        },
    ],
}

PRESETS: dict[str, dict[str, Any]] = {TSMP["code"]: TSMP, GRANT_CALL["code"]: GRANT_CALL}

#: A TSMP tier-discount table (分級折扣): applicant's share (%) of the platform team's labour by
#: (value-creation tier, local-linkage rating 1-5). Better tiers and stronger linkage pay less; every entry is at
#: most 50% (seed 000 收費規範: 需求端於此項目需分攤之成本不高於50%).
TSMP_TIER_DISCOUNTS: dict[tuple[int, int], int] = {
    (tier, rating): base + 5 * (5 - rating) for tier, base in ((1, 20), (2, 25), (3, 30)) for rating in range(1, 6)
}
