"""The 資格審 branch table: exactly one decision fits each checklist (plus "request more documents", always).

Written out from seed 000_9617a3b789ca4d20.txt, 收案與審查流程 (and docs DOMAIN.md steps 3–4), not derived
from the code under test: 資格審 → 現有外部供應鏈可服務？ 是 → 媒合轉介; 否 → 不需客製化？ 是 → 使用參考設計,
否 → 初審. The seed's first two criteria (國內中小、新創及跨域系統業者; 有智慧系統應用需求或有意開發晶片) decide
eligibility; an applicant that fails either is not eligible whatever the other answers are.

Customisation comes from the intake (``customisations``): "none" → not needed, a concrete choice (chip) →
needed; "unsure" → the reviewer answers "Is customisation needed?" (unsure-yes / unsure-no below).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation

from cases import services
from cases.enums import CaseState, QualificationDecision
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused
from tests.factories import complete_case, reload, set_fields

pytestmark = pytest.mark.django_db

D = QualificationDecision
#: intake code of the row -> (the case's customisations, the reviewer's answer to "Is customisation needed?")
CUSTOMISATION = {
    "none": (["none"], None),
    "chip": (["chip"], None),
    "unsure-yes": (["unsure"], True),
    "unsure-no": (["unsure"], False),
    "unsure-unanswered": (["unsure"], None),
}
#: (eligible applicant type, need, existing chain can serve, customisation) -> the one decision that fits
TABLE = [
    (True, True, True, "none", D.REFER),
    (True, True, True, "chip", D.REFER),
    (True, True, True, "unsure-yes", D.REFER),
    (True, True, True, "unsure-no", D.REFER),
    (True, True, False, "none", D.REFERENCE_DESIGN),
    (True, True, False, "chip", D.PROCEED),
    (True, True, False, "unsure-yes", D.PROCEED),
    (True, True, False, "unsure-no", D.REFERENCE_DESIGN),
    (True, False, True, "none", D.NOT_ELIGIBLE),
    (True, False, True, "chip", D.NOT_ELIGIBLE),
    (True, False, True, "unsure-yes", D.NOT_ELIGIBLE),
    (True, False, True, "unsure-no", D.NOT_ELIGIBLE),
    (True, False, False, "none", D.NOT_ELIGIBLE),
    (True, False, False, "chip", D.NOT_ELIGIBLE),
    (True, False, False, "unsure-yes", D.NOT_ELIGIBLE),
    (True, False, False, "unsure-no", D.NOT_ELIGIBLE),
    (False, True, True, "none", D.NOT_ELIGIBLE),
    (False, True, True, "chip", D.NOT_ELIGIBLE),
    (False, True, True, "unsure-yes", D.NOT_ELIGIBLE),
    (False, True, True, "unsure-no", D.NOT_ELIGIBLE),
    (False, True, False, "none", D.NOT_ELIGIBLE),
    (False, True, False, "chip", D.NOT_ELIGIBLE),
    (False, True, False, "unsure-yes", D.NOT_ELIGIBLE),
    (False, True, False, "unsure-no", D.NOT_ELIGIBLE),
    (False, False, True, "none", D.NOT_ELIGIBLE),
    (False, False, True, "chip", D.NOT_ELIGIBLE),
    (False, False, True, "unsure-yes", D.NOT_ELIGIBLE),
    (False, False, True, "unsure-no", D.NOT_ELIGIBLE),
    (False, False, False, "none", D.NOT_ELIGIBLE),
    (False, False, False, "chip", D.NOT_ELIGIBLE),
    (False, False, False, "unsure-yes", D.NOT_ELIGIBLE),
    (False, False, False, "unsure-no", D.NOT_ELIGIBLE),
    # An answer the branch needs is missing: no decision fits yet (only "request more documents").
    (True, True, None, "chip", None),
    (True, True, None, "none", None),
    (True, True, False, "unsure-unanswered", None),
    (True, True, True, "unsure-unanswered", D.REFER),  # the customisation question does not matter here
    (False, True, None, "chip", D.NOT_ELIGIBLE),
]
STATES = {
    D.REQUEST_DOCUMENTS: CaseState.DOCUMENTS_REQUESTED,
    D.REFER: CaseState.REFERRED,
    D.REFERENCE_DESIGN: CaseState.REFERENCE_DESIGN,
    D.PROCEED: CaseState.PRELIMINARY_REVIEW,
    D.NOT_ELIGIBLE: CaseState.CLOSED,
}
#: The branch that fits -> what every refusal says (English; the branch it names)
REFUSAL_SAYS = {
    D.REFER: "the decision that fits is the matchmaking referral (媒合轉介).",
    D.REFERENCE_DESIGN: "the decision that fits is a reference design (使用參考設計).",
    D.PROCEED: "the decision that fits is the preliminary review (初審).",
    D.NOT_ELIGIBLE: "the decision that fits is “Not eligible”.",
}


def _attempt(case, reviewer, decision, checklist):
    """('ok', new state) or ('refused', code, message); rolled back either way."""
    try:
        with transaction.atomic():
            services.decide_qualification(case, reviewer, decision=decision, comment="branch table", **checklist)
            state = case.state
            transaction.set_rollback(True)
            return ("ok", state)
    except TransitionRefused as exc:
        return ("refused", exc.code, exc.message)
    finally:
        case.refresh_from_db()


def test_the_table_has_a_row_per_combination():
    complete = {(a, n, c, k) for a, n, c, k, _fits in TABLE if c is not None and k != "unsure-unanswered"}
    assert len(complete) == 2 * 2 * 2 * 4


@pytest.mark.parametrize(("applicant_type", "need", "can_serve", "customisation", "fits"), TABLE)
def test_exactly_one_decision_fits_each_checklist(world, applicant_type, need, can_serve, customisation, fits):
    customisations, reviewer_answer = CUSTOMISATION[customisation]
    case = complete_case(
        tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, customisations=customisations
    )
    set_fields(case, state=CaseState.QUALIFICATION)
    checklist = {
        "eligible_applicant_type": applicant_type,
        "eligible_need": need,
        "existing_supply_chain_can_serve": can_serve,
        "customisation_needed": reviewer_answer,
    }
    results = {}
    with tenant_scope(world.a), translation.override("en"):
        case.refresh_from_db()
        for decision in D:
            results[decision] = _attempt(case, world.reviewer, decision, checklist)
    assert results.pop(D.REQUEST_DOCUMENTS) == ("ok", CaseState.DOCUMENTS_REQUESTED)
    for decision, result in results.items():
        if decision == fits:
            assert result == ("ok", STATES[decision]), decision
            continue
        assert result[0] == "refused", decision
        _refused, code, message = result
        if fits is None:
            assert code == ("eligibility" if decision == D.NOT_ELIGIBLE else "checklist_incomplete"), decision
            assert "nswer " in message and " first" in message, message  # which question to answer first
        elif decision == D.NOT_ELIGIBLE or fits == D.NOT_ELIGIBLE:
            assert code == "eligibility", decision
            assert message.endswith(REFUSAL_SAYS[fits]), message
        else:
            assert code == "qualification_branch", decision
            assert message.endswith(REFUSAL_SAYS[fits]), message
    fresh = reload(case)
    assert (fresh.state, fresh.existing_supply_chain_can_serve) == (CaseState.QUALIFICATION, None)


def test_the_checklist_and_the_reviewers_customisation_answer_are_saved_with_the_decision(world):
    case = complete_case(
        tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, customisations=["unsure"]
    )
    set_fields(case, state=CaseState.QUALIFICATION)
    with tenant_scope(world.a):
        case.refresh_from_db()
        services.decide_qualification(
            case,
            world.reviewer,
            decision=D.REFERENCE_DESIGN,
            comment="參考設計即可",
            eligible_applicant_type=True,
            eligible_need=True,
            existing_supply_chain_can_serve=False,
            customisation_needed=False,
        )
    fresh = reload(case)
    assert (fresh.state, fresh.existing_supply_chain_can_serve, fresh.customisation_needed) == (
        CaseState.REFERENCE_DESIGN,
        False,
        False,
    )


def test_the_reviewers_customisation_answer_is_ignored_when_the_intake_decides(world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, customisations=["none"])
    set_fields(case, state=CaseState.QUALIFICATION)
    with tenant_scope(world.a):
        case.refresh_from_db()
        with pytest.raises(TransitionRefused) as refused:
            services.decide_qualification(
                case,
                world.reviewer,
                decision=D.PROCEED,
                comment="x",
                eligible_applicant_type=True,
                eligible_need=True,
                existing_supply_chain_can_serve=False,
                customisation_needed=True,
            )
    assert refused.value.code == "qualification_branch"
    assert reload(case).customisation_needed is None


@pytest.mark.parametrize("source", [CaseState.REFERRED, CaseState.REFERENCE_DESIGN])
def test_a_referral_or_reference_design_that_did_not_solve_it_continues_to_preliminary(world, source):
    """完成? 否 → 初審 (seed 000): whatever the checklist said, the office may take it on to 初審."""
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant, customisations=["none"])
    set_fields(
        case, state=source, eligible_applicant_type=True, eligible_need=True, existing_supply_chain_can_serve=True
    )
    with tenant_scope(world.a):
        case.refresh_from_db()
        log = services.transition_case(case, "proceed_to_preliminary", world.reviewer, comment="未解決")
    assert (log.source_state, log.target_state) == (source, CaseState.PRELIMINARY_REVIEW)


def test_the_api_refuses_a_customisation_answer_the_intake_already_gives(world):
    from rest_framework.test import APIClient

    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)  # a custom chip
    set_fields(case, state=CaseState.QUALIFICATION)
    api = APIClient()
    api.force_authenticate(world.reviewer)
    body = {
        "decision": "reference_design",
        "comment": "x",
        "eligible_applicant_type": True,
        "eligible_need": True,
        "existing_supply_chain_can_serve": False,
        "customisation_needed": False,
    }
    target = f"/api/v1/t/tsmp/cases/{case.pk}/qualification-decision/"
    response = api.post(target, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "customisation_needed" in response.data
    response = api.post(target, {**body, "customisation_needed": None}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.data["code"]) == (409, "qualification_branch")
    assert response.data["detail"].endswith(REFUSAL_SAYS[D.PROCEED])
    response = api.post(target, {**body, "decision": "proceed", "customisation_needed": None}, format="json")
    assert (response.status_code, response.data["state"]) == (200, "preliminary_review")


def test_every_decided_demo_case_took_the_branch_its_checklist_leads_to():
    from django.core.management import call_command

    from cases.models import DemandCase
    from platform_site.models import Tenant

    call_command("seed_demo")
    took = {
        CaseState.REFERRED: D.REFER,
        CaseState.REFERENCE_DESIGN: D.REFERENCE_DESIGN,
        CaseState.PRELIMINARY_REVIEW: D.PROCEED,
        CaseState.FINAL_REVIEW: D.PROCEED,
        CaseState.IN_SERVICE: D.PROCEED,
        CaseState.CLOSED: D.NOT_ELIGIBLE,
    }
    seen = set()
    for tenant in Tenant.objects.all():
        with tenant_scope(tenant):
            for case in DemandCase.objects.filter(state__in=took):
                served = case.state == CaseState.CLOSED and case.closure_reason == "completed"  # closed after service
                expected = D.PROCEED if served else took[case.state]
                assert case.qualification_branch() == expected, (case.title, case.state)
                seen.add(case.state)
    assert seen == set(took)
