"""Every case transition, allowed or denied, for every role in every state (a permission/state table).

The expected table is written out here from seed 000_9617a3b789ca4d20.txt (who does what in the
demand-side flow), not derived from the code under test:
- applicants (of the case's organisation) submit, resubmit after a documents request, and withdraw;
- office reviewers (推動辦公室人員; tenant admins act as reviewers too) run 資格審 and its decisions;
- office staff (reviewers, CTO, tenant admin) close completed referrals / reference designs / services, and
  terminate a service (in service only, with the reason);
- the CTO (技術長, who chairs 初審 and 複審) records the preliminary and final review outcomes.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from cases.enums import CaseState
from cases.models import DemandCase
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused, run_transition
from tests.factories import complete_case, set_fields

S = CaseState
APPLICANT = {"applicant"}
REVIEWERS = {"office_reviewer", "tenant_admin"}
OFFICE = {"office_reviewer", "cto", "tenant_admin"}
CTO = {"cto"}

#: transition -> (source states, personas allowed)
TABLE = {
    "submit": ({S.DRAFT}, APPLICANT),
    "start_qualification": ({S.SUBMITTED}, REVIEWERS),
    "request_documents": ({S.QUALIFICATION}, REVIEWERS),
    "resubmit": ({S.DOCUMENTS_REQUESTED}, APPLICANT),
    "refer": ({S.QUALIFICATION}, REVIEWERS),
    "assign_reference_design": ({S.QUALIFICATION}, REVIEWERS),
    "proceed_to_preliminary": ({S.QUALIFICATION, S.REFERRED, S.REFERENCE_DESIGN}, REVIEWERS),
    "declare_not_eligible": ({S.QUALIFICATION}, REVIEWERS),
    "pass_preliminary": ({S.PRELIMINARY_REVIEW}, CTO),
    "fail_preliminary": ({S.PRELIMINARY_REVIEW}, CTO),
    "pass_final": ({S.FINAL_REVIEW}, CTO),
    "fail_final": ({S.FINAL_REVIEW}, CTO),
    "close_completed": ({S.REFERRED, S.REFERENCE_DESIGN, S.IN_SERVICE}, OFFICE),
    "close_terminated": ({S.IN_SERVICE}, OFFICE),
    "withdraw": ({S.DRAFT, S.SUBMITTED, S.QUALIFICATION, S.DOCUMENTS_REQUESTED}, APPLICANT),
}
TARGETS = {
    "submit": S.SUBMITTED,
    "start_qualification": S.QUALIFICATION,
    "request_documents": S.DOCUMENTS_REQUESTED,
    "resubmit": S.QUALIFICATION,
    "refer": S.REFERRED,
    "assign_reference_design": S.REFERENCE_DESIGN,
    "proceed_to_preliminary": S.PRELIMINARY_REVIEW,
    "declare_not_eligible": S.CLOSED,
    "pass_preliminary": S.FINAL_REVIEW,
    "fail_preliminary": S.CLOSED,
    "pass_final": S.IN_SERVICE,
    "fail_final": S.CLOSED,
    "close_completed": S.CLOSED,
    "close_terminated": S.CLOSED,
    "withdraw": S.WITHDRAWN,
}


def test_the_table_covers_every_transition_of_the_model():
    from platform_site.transitions import transition_names

    assert transition_names(DemandCase) == set(TABLE)


def _attempt(case: DemandCase, name: str, user) -> str:
    """'ok', 'denied' (403) or 'refused' (409); the change is rolled back either way."""
    before = case.state
    try:
        with transaction.atomic():
            log = run_transition(case, name, user, comment="table")
            assert (log.field_name, log.source_state, log.target_state) == ("state", before, TARGETS[name])
            assert case.state == TARGETS[name]
            transaction.set_rollback(True)
            return "ok"
    except PermissionDenied:
        return "denied"
    except TransitionRefused:
        return "refused"
    finally:
        case.refresh_from_db()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(TABLE))
@pytest.mark.parametrize("state", list(S))
def test_transition_by_role_and_state(world, name, state):
    sources, allowed = TABLE[name]
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    # The checklist that leads to the transition's own branch (seed 000; tests/cases/test_branch_table.py):
    checklist = {
        "refer": (True, True, True),
        "assign_reference_design": (True, True, False),
        "declare_not_eligible": (False, True, None),
    }.get(name, (True, True, False))  # chip customisation (factory) + chain cannot serve → 初審
    set_fields(
        case,
        state=state,
        eligible_applicant_type=checklist[0],
        eligible_need=checklist[1],
        existing_supply_chain_can_serve=checklist[2],
        customisations=["none"] if name == "assign_reference_design" else ["chip"],
        qualification_days_remaining=3 if state == S.DOCUMENTS_REQUESTED else None,
    )
    results = {}
    with tenant_scope(world.a):
        case.refresh_from_db()
        for persona_name, user in world.by_role().items():
            results[persona_name] = _attempt(case, name, user)
    expected = {
        persona_name: ("refused" if state not in sources else "ok" if persona_name in allowed else "denied")
        for persona_name in results
    }
    assert results == expected


@pytest.mark.django_db
def test_no_decision_fits_an_unassessed_checklist(world):
    case = complete_case(tenant=world.a, applicant_org=world.org_a, created_by=world.applicant)
    set_fields(case, state=S.QUALIFICATION)
    with tenant_scope(world.a):
        case.refresh_from_db()
        for name in ("refer", "assign_reference_design", "proceed_to_preliminary", "declare_not_eligible"):
            assert _attempt(case, name, world.reviewer) == "refused", name
