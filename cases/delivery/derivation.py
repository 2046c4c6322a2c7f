"""Service projects from the customisation needs (seed 000_9617a3b789ca4d20.txt, 服務流程細部流程圖):

- 需客製晶片 (custom chip) → chip design project ①③④⑤⑥⑧
- 需客製硬體 (custom hardware) → module design project ③⑤⑦
- 需客製軟體 (custom software) → software design project ②③⑦
- 需少量試製 (small-volume trial production) → trial production project ③⑤⑥⑧
- other problems → customer service (專人客服), a ticket on the case.

The role sets are suppliers.enums.CUSTOMISATION_ROLES (one table for matching and delivery); a case may need
several project types and its work group needs the union of their roles.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.enums import Customisation, ProjectType
from suppliers.enums import CUSTOMISATION_ROLES, WorkRole

#: cases.enums.Customisation code -> the project type it leads to.
CUSTOMISATION_PROJECT: dict[str, str] = {
    Customisation.CHIP: ProjectType.CHIP_DESIGN,
    Customisation.HARDWARE: ProjectType.MODULE_DESIGN,
    Customisation.SOFTWARE: ProjectType.SOFTWARE_DESIGN,
    Customisation.TRIAL_PRODUCTION: ProjectType.TRIAL_PRODUCTION,
}
#: project type -> roles (①–⑧ order).
PROJECT_ROLES: dict[str, tuple[str, ...]] = {
    project: tuple(CUSTOMISATION_ROLES[code]) for code, project in CUSTOMISATION_PROJECT.items()
}


@dataclass(frozen=True)
class Derivation:
    """``projects``: [(ProjectType code, (WorkRole codes…))] in the order of CUSTOMISATION_PROJECT; ``roles``: their
    union in ①–⑧ order; ``customer_service``: a need outside the four project types (none, not sure, unknown, or
    nothing stated) that goes to 專人客服."""

    projects: list[tuple[str, tuple[str, ...]]]
    roles: list[str]
    customer_service: bool


def derive(customisations: list[str]) -> Derivation:
    """The service projects of a case whose customisation needs are ``customisations`` (case codes)."""
    codes = set(customisations or [])
    projects = [(project, PROJECT_ROLES[project]) for code, project in CUSTOMISATION_PROJECT.items() if code in codes]
    wanted = {role for _project, roles in projects for role in roles}
    roles = [role for role in WorkRole.values if role in wanted]
    outside = codes - set(CUSTOMISATION_PROJECT)
    return Derivation(projects, roles, customer_service=bool(outside) or not projects)
