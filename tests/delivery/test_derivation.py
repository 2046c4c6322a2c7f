"""Project type → roles derivation for every combination of needs (seed 000_9617a3b789ca4d20.txt, 服務流程細部流程圖:
chip ①③④⑤⑥⑧, hardware ③⑤⑦, software ②③⑦, trial production ③⑤⑥⑧; other problems → 專人客服)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from cases.delivery.derivation import derive
from cases.delivery.models import CustomerServiceTicket, ServiceProject, WorkGroup
from cases.delivery.services import derive_service_projects
from platform_site.actors import SYSTEM
from platform_site.tenancy import tenant_scope
from platform_site.transitions import TransitionRefused
from tests.delivery.factories import in_service_case
from tests.factories import DemandCaseFactory

# The seed's flowchart, written out by hand (circled numbers → WorkRole codes in ①–⑧ order).
N = {
    1: "architecture",
    2: "model_training",
    3: "software",
    4: "chip",
    5: "module",
    6: "trial_production",
    7: "system_integration",
    8: "field_validation",
}
SEED = {
    "chip": ("chip_design", {1, 3, 4, 5, 6, 8}),
    "hardware": ("module_design", {3, 5, 7}),
    "software": ("software_design", {2, 3, 7}),
    "trial_production": ("trial_production", {3, 5, 6, 8}),
}
COMBINATIONS = [combo for n in range(1, 5) for combo in itertools.combinations(SEED, n)]


@pytest.mark.parametrize("needs", COMBINATIONS, ids=["+".join(c) for c in COMBINATIONS])
def test_every_combination_gives_its_projects_and_the_union_of_roles(needs: tuple[str, ...]) -> None:
    result = derive(list(needs))
    assert [p for p, _roles in result.projects] == [SEED[n][0] for n in SEED if n in needs]
    for project, roles in result.projects:
        expected = next(numbers for p, numbers in SEED.values() if p == project)
        assert list(roles) == [N[i] for i in sorted(expected)]
    union = set().union(*(SEED[n][1] for n in needs))
    assert result.roles == [N[i] for i in sorted(union)]
    assert result.customer_service is False


def test_all_four_needs_cover_all_eight_roles() -> None:
    assert derive(["chip", "hardware", "software", "trial_production"]).roles == [N[i] for i in range(1, 9)]


@pytest.mark.parametrize("needs", [[], ["none"], ["unsure"], ["software", "unsure"]])
def test_needs_outside_the_four_go_to_customer_service(needs: list[str]) -> None:
    result = derive(needs)
    assert result.customer_service is True
    assert [p for p, _r in result.projects] == (["software_design"] if "software" in needs else [])


def test_deriving_on_a_case_creates_projects_group_and_ticket_once(world: Any) -> None:
    case = in_service_case(world, customisations=["chip", "software", "unsure"])
    with tenant_scope(world.a):
        group = derive_service_projects(case, world.reviewer)
        again = derive_service_projects(case, SYSTEM)
        assert again.pk == group.pk
        projects = list(ServiceProject.objects.filter(case=case).order_by("pk").values_list("project_type", flat=True))
        assert projects == ["chip_design", "software_design"]
        assert CustomerServiceTicket.objects.filter(case=case).count() == 1
        fresh = WorkGroup.objects.get(pk=group.pk)
        assert fresh.state == "forming"
        assert fresh.required_roles() == [N[i] for i in (1, 2, 3, 4, 5, 6, 7, 8)]


def test_only_office_staff_and_only_in_service(world: Any) -> None:
    from django.core.exceptions import PermissionDenied

    case = in_service_case(world)
    with pytest.raises(PermissionDenied):
        derive_service_projects(case, world.applicant)
    draft = DemandCaseFactory(tenant=world.a, applicant_org=world.org_a)
    with pytest.raises(TransitionRefused) as refused:
        derive_service_projects(draft, world.reviewer)
    assert refused.value.code == "not_in_service"


def test_passing_the_final_review_queues_the_derivation(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    from cases.services import committee_transition
    from tests.factories import set_fields

    case = DemandCaseFactory(tenant=world.a, applicant_org=world.org_a, customisations=["hardware"])
    set_fields(case, state="final_review")
    with tenant_scope(world.a):
        case.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            committee_transition(case, "pass_final", world.cto, notify=False)
        group = WorkGroup.objects.get(case=case)
        assert group.required_roles() == ["software", "module", "system_integration"]
