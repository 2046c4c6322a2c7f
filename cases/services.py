"""The one place that changes demand cases: create, edit, transitions, documents, needs analysis — all logged.

Every write checks its ``rules`` permission (:func:`platform_site.rules.can`) and appends to the activity log
(:mod:`platform_site.activity`). Side effects (notification email) are queued
with ``platform_site.queueing.enqueue_on_commit`` (outbox).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from cases import tasks
from cases.enums import DECISION_TRANSITIONS, CaseState, QualificationDecision
from cases.models import INTAKE_FIELDS, CaseDocument, DemandCase, NeedsAnalysis, taipei_today
from cases.rules import is_case_applicant
from platform_site.activity import field_changes, log_event, snapshot
from platform_site.enums import ActivityAction, Role
from platform_site.models import ActivityLog, TenantCounter
from platform_site.queueing import enqueue_on_commit
from platform_site.rules import can, primary_organisation
from platform_site.transitions import TransitionRefused, run_transition
from platform_site.uploads import check_upload
from platform_site.workflow import load_row

#: Transitions a user triggers with a plain button (decisions go through decide_qualification; the committee's
#: through committee_transition, called by the review app when a meeting closes).
SIMPLE_TRANSITIONS = frozenset(
    {
        "submit",
        "resubmit",
        "withdraw",
        "start_qualification",
        "close_completed",
        "close_terminated",
        "proceed_to_preliminary",
    }
)
#: Fields of the applicant's intake form / API (what create_case and update_case accept).
CASE_FIELDS = INTAKE_FIELDS
#: The 資格審 checklist saved with a qualification decision (``customisation_needed`` only when it is asked:
#: :meth:`cases.models.DemandCase.customisation_is_asked`).
CHECKLIST_FIELDS = ("eligible_applicant_type", "eligible_need", "existing_supply_chain_can_serve")


def _notify_on_commit(log: ActivityLog) -> None:
    enqueue_on_commit(tasks.notify_case_transition, tenant_id=log.tenant_id, log_id=log.pk)


def _case_data(data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(CASE_FIELDS)
    if unknown:
        raise ValueError(f"not case form fields: {sorted(unknown)}")
    return dict(data)


def next_case_reference(case: DemandCase) -> str:
    """``<PREFIX>-<year>-<nnnn>``: gapless per tenant and year (the prefix is the tenant's ``case_prefix``)."""
    year = taipei_today().year
    prefix = case.tenant.config.case_prefix
    number = TenantCounter.next_value(f"case-{year}")
    return f"{prefix}-{year}-{number:04d}"


def create_case(user: Any, tenant: Any, data: Mapping[str, Any]) -> DemandCase:
    """Create a draft case in ``tenant`` for the applicant's organisation (:func:`primary_organisation`).

    ``data``: validated values of :data:`CASE_FIELDS` (form ``cleaned_data`` or serializer
    ``validated_data``). Logs ``created``. Raises PermissionDenied when ``user`` may not create cases (not an
    applicant of an organisation in ``tenant``), ValueError for a key outside CASE_FIELDS.
    """
    values = _case_data(data)
    org_id = primary_organisation(user, tenant, Role.APPLICANT)
    if org_id is None or not can(user, "cases.create_case"):
        raise PermissionDenied
    with transaction.atomic():
        case = DemandCase.objects.create(tenant=tenant, applicant_org_id=org_id, created_by=user, **values)
        log_event(case, ActivityAction.CREATED, user, data={"title": case.title})
    return case


def update_case(case: DemandCase, user: Any, data: Mapping[str, Any]) -> DemandCase:
    """Change the applicant's fields of ``case`` (a draft, or while documents are requested) and log ``edited``
    with each changed field's value before and after. ``case`` takes the saved values.

    Raises PermissionDenied for a user who is not an applicant of the case's organisation, TransitionRefused
    (409, code ``not_editable``, message :meth:`DemandCase.not_editable_message`: submitted on which day,
    editable again if documents are requested) when the case is no longer editable (it may have moved on
    since the page was loaded), ValueError for a key outside CASE_FIELDS.
    """
    values = _case_data(data)
    with transaction.atomic():
        fresh = DemandCase.objects.select_for_update().get(pk=case.pk)
        if not can(user, "cases.edit_case", fresh):
            if is_case_applicant(user, fresh):
                raise TransitionRefused(fresh.not_editable_message(), code="not_editable", state=fresh.state)
            raise PermissionDenied
        before = snapshot(fresh, values)
        for name, value in values.items():
            setattr(fresh, name, value)
        fresh.save()
        changes = field_changes(before, values)
        if changes:
            log_event(fresh, ActivityAction.EDITED, user, data={"changes": changes})
    load_row(case, fresh)
    return case


def transition_case(case: DemandCase, name: str, user: Any, comment: str = "") -> ActivityLog:
    """Run a simple transition ``name`` (see SIMPLE_TRANSITIONS) on ``case`` for ``user``; log and notify.

    Raises PermissionDenied (403/404), TransitionRefused (409: the state, or the unmet condition's message,
    e.g. what is missing before submission) or ValueError (unknown action).
    """
    if name not in SIMPLE_TRANSITIONS:
        raise ValueError(f"{name!r} is not a simple case action")
    with transaction.atomic():
        kwargs: dict[str, Any] = {}
        if name == "submit":
            # A refused submission raises out of this atomic block, which rolls the number back (gapless).
            kwargs["reference"] = next_case_reference(case)
            kwargs["working_days"] = case.tenant.config.qualification_working_days
        log = run_transition(case, name, user, comment=comment, **kwargs)
        _notify_on_commit(log)
    return log


#: The committee's transitions (初審 / 複審 outcomes): never a plain button, only a recorded review decision.
COMMITTEE_TRANSITIONS = frozenset({"pass_preliminary", "fail_preliminary", "pass_final", "fail_final"})


def committee_transition(
    case: DemandCase, name: str, user: Any, *, comment: str = "", notify: bool = True
) -> ActivityLog:
    """Run the committee's transition ``name`` (:data:`COMMITTEE_TRANSITIONS`) on ``case`` for ``user`` — the
    entry point of the review app, which calls it inside the transaction that records the meeting's decision
    (so the case moves if and only if the decision is recorded). ``notify``: queue the applicant's email now
    (the review app passes False and queues it when the CTO releases the decision).

    Raises ValueError (not a committee transition), PermissionDenied, TransitionRefused (409: the case has
    moved on, e.g. another tab closed the meeting first).
    """
    if name not in COMMITTEE_TRANSITIONS:
        raise ValueError(f"{name!r} is not a committee transition")
    source = getattr(type(case), name)._django_fsm
    with transaction.atomic():
        log = run_transition(case, name, user, comment=comment, from_states=set(source.transitions))
        if notify:
            _notify_on_commit(log)
    return log


def notify_transition(log: ActivityLog) -> None:
    """Queue the applicant's email about the logged case transition ``log`` (idempotent per entry)."""
    _notify_on_commit(log)


def decide_qualification(
    case: DemandCase,
    user: Any,
    *,
    decision: str,
    comment: str,
    eligible_applicant_type: bool,
    eligible_need: bool,
    existing_supply_chain_can_serve: bool | None,
    customisation_needed: bool | None = None,
) -> ActivityLog:
    """Record the office reviewer's one 資格審 decision with its checklist (seed 000_9617a3b789ca4d20.txt).

    The checklist is saved with the decision's transition (logged as ``checklist_saved``, then the
    transition). ``existing_supply_chain_can_serve``: None = not assessed. ``customisation_needed`` is the
    reviewer's answer to "Is customisation needed?", saved only when the applicant was not sure
    (:meth:`DemandCase.customisation_is_asked`); otherwise the intake's answer counts and it is ignored.
    Exactly one decision fits each checklist (:meth:`DemandCase.qualification_branch`) besides "request
    more documents", which takes the checklist as it stands; any other is refused with a message naming
    the branch that fits. Raises PermissionDenied, TransitionRefused (409: the case is no longer in
    qualification review — the message says who moved it and when — or the branch does not fit, code
    ``eligibility`` / ``qualification_branch``).
    """
    name = DECISION_TRANSITIONS[QualificationDecision(decision)]
    checklist: dict[str, Any] = dict(
        zip(CHECKLIST_FIELDS, (eligible_applicant_type, eligible_need, existing_supply_chain_can_serve))
    )
    if case.customisation_is_asked():
        checklist["customisation_needed"] = customisation_needed
    with transaction.atomic():
        log = run_transition(
            case,
            name,
            user,
            comment=comment,
            changes=checklist,
            changes_action=ActivityAction.CHECKLIST_SAVED,
            from_states={CaseState.QUALIFICATION},
        )
        _notify_on_commit(log)
    return log


def add_document(case: DemandCase, user: Any, kind: str, upload: UploadedFile) -> CaseDocument:
    """Check ``upload`` by content and size, store it under a generated name, attach it to ``case``, log it.

    Raises django ValidationError for a rejected file (nothing is stored then).
    """
    checked = check_upload(upload, case.tenant.config.upload_max_bytes)
    document = CaseDocument(
        tenant=case.tenant,
        case=case,
        kind=kind,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=upload.size,
        uploaded_by=user,
    )
    document.file.save(checked.storage_name, upload, save=False)
    try:
        with transaction.atomic():
            document.save()
            log_event(case, ActivityAction.DOCUMENT_UPLOADED, user, data=_document_data(document))
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def _document_data(document: CaseDocument) -> dict[str, Any]:
    return {"document_id": document.pk, "kind": document.kind, "name": document.original_name, "size": document.size}


def delete_document(document: CaseDocument, user: Any) -> None:
    """Remove a document (logged on its case) and its stored file (after the row is gone)."""
    storage, name = document.file.storage, document.file.name
    with transaction.atomic():
        log_event(document.case, ActivityAction.DOCUMENT_DELETED, user, data=_document_data(document))
        document.delete()
    transaction.on_commit(lambda: storage.delete(name))


def record_needs_analysis(case: DemandCase, user: Any, *, summary: str, project_types: list[str]) -> NeedsAnalysis:
    """Create or update the case's 需求分析 record (the changed fields are logged on the case as ``edited``)."""
    with transaction.atomic():
        existing = NeedsAnalysis.objects.select_for_update().filter(case=case).first()
        before = snapshot(existing, ("summary", "project_types")) if existing else {}
        analysis, _created = NeedsAnalysis.objects.update_or_create(
            case=case,
            defaults={"tenant": case.tenant, "summary": summary, "project_types": project_types, "analysed_by": user},
        )
        changes = field_changes(before, {"summary": summary, "project_types": project_types})
        if changes:
            log_event(case, ActivityAction.EDITED, user, data={"model": "cases.needsanalysis", "changes": changes})
    return analysis
