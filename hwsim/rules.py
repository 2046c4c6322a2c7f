"""Who may do what in the verification lab (django-rules; the portal's one permission layer).

Lab staff are the office roles of the lab tenant (office reviewer = lab engineer, tenant admin, CTO).
An applicant sees (and downloads the certificate of) the requests of their organisation; only lab staff and
the requester create, re-run and cancel. The worker's transitions (start, restart, succeed, fail) are taken by
the system actor (:data:`platform_site.actors.SYSTEM`, passed by the task path), never by a web user.
"""

from __future__ import annotations

from typing import Any

import rules

from platform_site.actors import is_system
from platform_site.enums import Role
from platform_site.rules import is_applicant, is_member, is_office_staff, organizations_in


def _request_of(obj: Any) -> Any:
    """A VerificationRequest from a request or a job (``None`` stays ``None``)."""
    return getattr(obj, "request", obj) if obj is not None and hasattr(obj, "request_id") else obj


@rules.predicate
def is_requester(user: Any, obj: Any = None) -> bool:
    request = _request_of(obj)
    return request is not None and user is not None and request.requester_id == getattr(user, "pk", None)


@rules.predicate
def is_requester_org_applicant(user: Any, obj: Any = None) -> bool:
    """The user is an applicant of the organisation the request was made for."""
    request = _request_of(obj)
    if request is None or request.requester_org_id is None:
        return False
    return request.requester_org_id in organizations_in(user, request.tenant, Role.APPLICANT)


is_lab_staff = is_office_staff
can_view_request = is_lab_staff | is_requester_org_applicant
can_act_on_request = is_lab_staff | (is_requester & is_requester_org_applicant)

rules.add_perm("hwsim.view_presets", rules.is_authenticated)
rules.add_perm("hwsim.view_request_list", is_member)  # the list itself is filtered by visibility
rules.add_perm("hwsim.create_request", is_lab_staff | is_applicant)
rules.add_perm("hwsim.view_request", can_view_request)
rules.add_perm("hwsim.submit_request", can_act_on_request)
rules.add_perm("hwsim.download_certificate", can_view_request)
rules.add_perm("hwsim.choose_requester_org", is_lab_staff)
# Home panels (hwsim.apps.HwsimConfig.home_panels), checked with the tenant.
rules.add_perm("hwsim.home_lab_queue", is_lab_staff)
rules.add_perm("hwsim.home_my_requests", is_applicant)

# Transition permissions (named in VerificationJob's @transition decorators).
rules.add_perm("hwsim.cancel_job", can_act_on_request)
rules.add_perm("hwsim.system_job_transition", is_system)
