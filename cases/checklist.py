"""The 資格審 branch: which qualification decision a checklist leads to (seed 000_9617a3b789ca4d20.txt,
收案與審查流程: 資格審 → 現有外部供應鏈可服務？ 是 → 媒合轉介; 否 → 不需客製化？ 是 → 使用參考設計, 否 → 初審).

:class:`QualificationChecklistMixin` gives :class:`cases.models.DemandCase` the reading of its checklist
fields (``eligible_applicant_type``, ``eligible_need``, ``existing_supply_chain_can_serve``,
``customisation_needed``) and intake (``customisations``); the ``condition`` objects below are the
decisions' transition conditions, each refusing with a message that names the branch that fits.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from cases.enums import EXCLUSIVE_CUSTOMISATIONS, Customisation, QualificationDecision
from platform_site.workflow import condition


class QualificationChecklistMixin:
    """The checklist's reading (no fields: DemandCase declares them)."""

    eligible_applicant_type: bool | None
    eligible_need: bool | None
    existing_supply_chain_can_serve: bool | None
    customisation_needed: bool | None
    customisations: list[str]

    def is_eligible(self) -> bool | None:
        """Eligibility: domestic SME / start-up / cross-domain system company *and* a smart-system need or chip
        intent (the seed's first two criteria). None while either is not assessed."""
        if self.eligible_applicant_type is False or self.eligible_need is False:
            return False
        if self.eligible_applicant_type is None or self.eligible_need is None:
            return None
        return True

    def needs_customisation(self) -> bool | None:
        """不需客製化？ — whether the need calls for customisation (True), not (False), or is unknown (None).

        Known from the intake's ``customisations``: ``["none"]`` → False; any concrete choice (chip, hardware,
        software, trial production) → True. When the applicant answered ``["unsure"]`` (or nothing) the
        office reviewer decides: the qualification decision form then asks "Is customisation needed?" and
        stores the answer in ``customisation_needed`` (otherwise that field is left empty and not used).
        """
        chosen = set(self.customisations or ())
        if chosen - EXCLUSIVE_CUSTOMISATIONS:
            return True
        if chosen == {Customisation.NONE}:
            return False
        return self.customisation_needed

    def customisation_is_asked(self) -> bool:
        """Whether the reviewer must answer "Is customisation needed?" (the applicant was not sure)."""
        chosen = set(self.customisations or ())
        return not (chosen - EXCLUSIVE_CUSTOMISATIONS) and chosen != {Customisation.NONE}

    def qualification_branch(self) -> str | None:
        """The one 資格審 outcome the checklist leads to (a :class:`QualificationDecision` value), or None while
        an answer the branch needs is missing. Seed 000's flowchart, read as a table:

        ====================================  =================  ==============  =========================
        eligible applicant and need           chain can serve    customisation   decision
        ====================================  =================  ==============  =========================
        no (either criterion unmet)           (any)              (any)           not_eligible
        yes                                   yes                (any)           refer (媒合轉介)
        yes                                   no                 not needed      reference_design
        yes                                   no                 needed          proceed (初審)
        ====================================  =================  ==============  =========================

        "Request more documents" fits every combination (it takes the checklist as it stands).
        """
        eligible = self.is_eligible()
        if eligible is False:
            return QualificationDecision.NOT_ELIGIBLE
        if eligible is None or self.existing_supply_chain_can_serve is None:
            return None
        if self.existing_supply_chain_can_serve:
            return QualificationDecision.REFER
        customise = self.needs_customisation()
        if customise is None:
            return None
        return QualificationDecision.PROCEED if customise else QualificationDecision.REFERENCE_DESIGN

    def branch_refusal(self) -> str:
        """Why the chosen decision does not fit the checklist, naming the branch that does (active language)."""
        branch = self.qualification_branch()
        if branch == QualificationDecision.NOT_ELIGIBLE:
            return gettext(
                "The checklist says the applicant is not eligible (not a domestic SME, start-up or cross-domain "
                "system company, or no smart-system need): the decision that fits is “Not eligible”."
            )
        if branch == QualificationDecision.REFER:
            return gettext(
                "The existing external supply chain can serve the need: the decision that fits is the "
                "matchmaking referral (媒合轉介)."
            )
        if branch == QualificationDecision.REFERENCE_DESIGN:
            return gettext(
                "The existing supply chain cannot serve the need and no customisation is needed: the decision "
                "that fits is a reference design (使用參考設計)."
            )
        if branch == QualificationDecision.PROCEED:
            return gettext(
                "The existing supply chain cannot serve the need and customisation is needed: the decision "
                "that fits is the preliminary review (初審)."
            )
        if self.is_eligible() is None:
            return gettext("Answer both eligibility criteria first.")
        if self.existing_supply_chain_can_serve is None:
            return gettext(
                "Answer “Can the existing external supply chain serve the need?” first: it decides between a "
                "referral and the platform's own service."
            )
        return gettext(
            "The applicant was not sure whether customisation is needed: answer “Is customisation needed?” "
            "first (no: a reference design; yes: the preliminary review)."
        )


def _refusal(case: Any) -> str:
    return case.branch_refusal()


def _branch_is(decision: str) -> Any:
    def check(case: Any) -> bool:
        return case.qualification_branch() == decision

    check.__name__ = f"branch_is_{decision}"
    return check


def _eligible(case: Any) -> bool:
    return case.is_eligible() is True


def _decided(case: Any) -> bool:
    return case.qualification_branch() is not None


#: Both eligibility criteria met (refer, reference design and 初審 need this first).
eligible_for_service = condition(_eligible, message=_refusal, code="eligibility")
#: Every answer the branch needs is there (the supply-chain question; customisation when asked).
branch_decided = condition(_decided, message=_refusal, code="checklist_incomplete")
#: Not eligible fits: an eligibility criterion is unmet.
branch_is_not_eligible = condition(_branch_is(QualificationDecision.NOT_ELIGIBLE), message=_refusal, code="eligibility")
#: 媒合轉介 fits: eligible, and the existing external supply chain can serve (現有外部供應鏈可服務？ 是).
branch_is_referral = condition(_branch_is(QualificationDecision.REFER), message=_refusal, code="qualification_branch")
#: 使用參考設計 fits: eligible, the chain cannot serve, no customisation needed (不需客製化？ 是).
branch_is_reference_design = condition(
    _branch_is(QualificationDecision.REFERENCE_DESIGN), message=_refusal, code="qualification_branch"
)
#: 初審 fits: eligible, the chain cannot serve, customisation needed (不需客製化？ 否).
branch_is_preliminary = condition(
    _branch_is(QualificationDecision.PROCEED), message=_refusal, code="qualification_branch"
)
