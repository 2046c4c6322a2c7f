"""The work group (工作小組, seed 000_9617a3b789ca4d20.txt): formed only when every required role has an accepted
assignment; partners accept or decline with a reason; kickoff starts the schedule; milestones; closing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from cases.delivery import services
from cases.delivery.queries import mass_production_started_on
from platform_site.models import ActivityLog
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused
from tests.delivery.factories import group, in_service_case
from tests.factories import reload
from tests.suppliers.factories import partner

pytestmark = pytest.mark.django_db
ROLES = ["model_training", "software", "system_integration"]  # software design project ②③⑦


def _assign(world: Any, wg: Any, role: str, profile: Any) -> Any:
    return services.propose_assignment(
        wg,
        world.reviewer,
        role=role,
        partner=profile,
        scope="模型訓練與部署",
        planned_start=dt.date(2027, 1, 4),
        planned_end=dt.date(2027, 6, 30),
        deliverables="瑕疵辨識模型",
    )


@pytest.fixture
def setup(world: Any) -> dict[str, Any]:
    case = in_service_case(world)
    wg = group(case, lead=world.case_manager)
    profiles = {role: partner(world.a, f"夥伴{i}", roles=[role]) for i, role in enumerate(ROLES)}
    return {"case": case, "group": wg, "profiles": profiles}


def test_formed_only_when_every_role_has_an_accepted_assignment(world: Any, setup: dict[str, Any]) -> None:
    wg, profiles = setup["group"], setup["profiles"]
    with tenant_scope(world.a):
        assignments = {role: _assign(world, wg, role, profiles[role]) for role in ROLES}
        with pytest.raises(TransitionRefused) as refused:
            services.form_group(wg, world.reviewer)
        assert refused.value.code == "roles_uncovered"
        services.respond_to_assignment(assignments["model_training"], profiles["model_training"].member, accept=True)
        services.respond_to_assignment(assignments["software"], profiles["software"].member, accept=True)
        assert reload(wg).state == "forming"
        # A decline does not cover the role.
        other = partner(world.a, "另一夥伴", roles=["system_integration"])
        declined = _assign(world, wg, "system_integration", other)
        services.respond_to_assignment(declined, other.member, accept=False, reason="產能已滿")
        assert reload(declined).decline_reason == "產能已滿"
        assert reload(wg).state == "forming"
        services.respond_to_assignment(
            assignments["system_integration"], profiles["system_integration"].member, accept=True
        )
        fresh = reload(wg)
        assert fresh.state == "formed" and fresh.formed_at is not None
        entry = ActivityLog.objects.filter(action="form").get()
        assert entry.by_system is True


def test_decline_needs_a_reason_and_only_the_partner_answers(world: Any, setup: dict[str, Any]) -> None:
    wg, profiles = setup["group"], setup["profiles"]
    with tenant_scope(world.a):
        assignment = _assign(world, wg, "software", profiles["software"])
        with pytest.raises(TransitionRefused) as refused:
            services.respond_to_assignment(assignment, profiles["software"].member, accept=False, reason=" ")
        assert refused.value.code == "reason_missing"
        with pytest.raises(PermissionDenied):
            services.respond_to_assignment(assignment, profiles["model_training"].member, accept=True)
        with pytest.raises(PermissionDenied):
            services.respond_to_assignment(assignment, world.reviewer, accept=True)


def test_assignment_refusals(world: Any, setup: dict[str, Any]) -> None:
    wg, profiles = setup["group"], setup["profiles"]
    with tenant_scope(world.a):
        with pytest.raises(TransitionRefused) as refused:
            _assign(world, wg, "chip", profiles["software"])
        assert refused.value.code == "role_not_required"
        with pytest.raises(TransitionRefused) as refused:
            _assign(world, wg, "software", profiles["model_training"])  # does not take the role
        assert refused.value.code == "not_partner"
        pending = partner(world.a, "審核中", state="qualification", roles=["software"])
        with pytest.raises(TransitionRefused):
            _assign(world, wg, "software", pending)
        _assign(world, wg, "software", profiles["software"])
        with pytest.raises(TransitionRefused) as refused:
            _assign(world, wg, "software", profiles["software"])
        assert refused.value.code == "duplicate"
        with pytest.raises(PermissionDenied):
            services.propose_assignment(
                wg, world.case_manager, role="software", partner=profiles["software"], scope="x",
                planned_start=dt.date(2027, 1, 1), planned_end=dt.date(2027, 1, 2), deliverables="y",
            )  # fmt: skip


def test_adjusted_roles_change_what_formed_means(world: Any, setup: dict[str, Any]) -> None:
    wg, profiles = setup["group"], setup["profiles"]
    with tenant_scope(world.a):
        project = wg.case.service_projects.get()
        services.set_project_roles(project, world.reviewer, ["software"])
        a = _assign(world, wg, "software", profiles["software"])
        services.respond_to_assignment(a, profiles["software"].member, accept=True)
        assert reload(wg).state == "formed"
        with pytest.raises(TransitionRefused):
            services.set_project_roles(project, world.reviewer, ["not-a-role"])


def _formed(world: Any, setup: dict[str, Any]) -> Any:
    wg, profiles = setup["group"], setup["profiles"]
    for role in ROLES:
        services.respond_to_assignment(_assign(world, wg, role, profiles[role]), profiles[role].member, accept=True)
    return reload(wg)


def test_kickoff_creates_every_begun_period_and_milestones_run(world: Any, setup: dict[str, Any]) -> None:
    with tenant_scope(world.a):
        wg = _formed(world, setup)
        services.kickoff(wg, world.case_manager, dt.date(2027, 1, 4), today=dt.date(2027, 1, 20))
        numbers = list(wg.reports.order_by("number").values_list("number", "period_start", "due_on"))
        assert numbers == [
            (1, dt.date(2027, 1, 4), dt.date(2027, 1, 18)),
            (2, dt.date(2027, 1, 18), dt.date(2027, 2, 1)),
        ]
        project = wg.case.service_projects.get()
        milestone = services.add_milestone(project, world.case_manager, title="模型 v1", planned_on=dt.date(2027, 3, 1))
        services.milestone_transition(milestone, "start", world.case_manager)
        services.milestone_transition(milestone, "complete", world.case_manager, on=dt.date(2027, 2, 26))
        fresh = reload(milestone)
        assert (fresh.state, fresh.actual_on) == ("done", dt.date(2027, 2, 26))
        other = services.add_milestone(project, world.reviewer, title="場域驗證", planned_on=dt.date(2027, 5, 1))
        with pytest.raises(PermissionDenied):
            services.milestone_transition(other, "cancel", world.case_manager)  # the office cancels
        with pytest.raises(TransitionRefused):
            services.milestone_transition(milestone, "start", world.case_manager)  # done already


def test_closing_completed_with_mass_production_closes_the_case(world: Any, setup: dict[str, Any]) -> None:
    with tenant_scope(world.a):
        wg = _formed(world, setup)
        services.kickoff(wg, world.reviewer, dt.date(2027, 1, 4), today=dt.date(2027, 1, 4))
        with pytest.raises(TransitionRefused) as refused:
            services.propose_completion(wg, world.case_manager, final_report="  ")
        assert refused.value.code == "final_report_missing"
        with pytest.raises(PermissionDenied):
            services.propose_completion(wg, world.reviewer, final_report="完成")  # the lead proposes
        services.propose_completion(wg, world.case_manager, final_report="系統已上線，良率提升。")
        with pytest.raises(TransitionRefused) as refused:
            services.close_service(wg, world.reviewer, outcome="completed", mass_production=True)
        assert refused.value.code == "date_missing"
        services.close_service(
            wg, world.reviewer, outcome="completed", mass_production=True, mass_production_on=dt.date(2027, 9, 1)
        )
        case = reload(setup["case"])
        assert (case.state, case.closure_reason) == ("closed", "completed")
        assert mass_production_started_on(case) == dt.date(2027, 9, 1)


def test_terminating_needs_a_reason_and_never_enters_mass_production(world: Any, setup: dict[str, Any]) -> None:
    wg = setup["group"]
    with tenant_scope(world.a):
        with pytest.raises(TransitionRefused) as refused:
            services.close_service(wg, world.reviewer, outcome="terminated", mass_production=True)
        assert refused.value.code == "reason_missing"
        assert reload(wg).state == "forming"
        services.close_service(wg, world.reviewer, outcome="terminated", reason="申請人撤回需求", mass_production=True)
        fresh = reload(wg)
        assert (fresh.state, fresh.outcome, fresh.termination_reason, fresh.mass_production) == (
            "closed",
            "terminated",
            "申請人撤回需求",
            False,
        )
        case = reload(setup["case"])
        assert (case.state, case.closure_reason) == ("closed", "terminated")  # the case's own close_terminated
        entry = ActivityLog.objects.filter(object_id=case.pk, action="close_terminated").get()
        assert entry.comment == "申請人撤回需求"
        assert mass_production_started_on(setup["case"]) is None


def test_closing_rolls_back_when_the_case_cannot_close(world: Any, setup: dict[str, Any]) -> None:
    from tests.factories import set_fields

    set_fields(setup["case"], state="closed")
    with tenant_scope(world.a), pytest.raises(TransitionRefused):
        services.close_service(setup["group"], world.reviewer, outcome="terminated", reason="x")
    assert reload(setup["group"]).state == "forming"
