"""The one place that changes demand cases: creates, transitions (logged), documents, needs analysis.

Side effects (notification email) are queued with ``transaction.on_commit``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from cases import tasks
from cases.enums import DECISION_TRANSITIONS, QualificationDecision
from cases.models import CaseDocument, DemandCase, NeedsAnalysis, taipei_today
from platform_site.models import TenantCounter, TransitionLog
from platform_site.queueing import enqueue_on_commit
from platform_site.transitions import TransitionRefused, run_transition
from platform_site.uploads import check_upload

#: Transitions a user triggers with a plain button (decisions go through decide_qualification).
SIMPLE_TRANSITIONS = frozenset(
    {
        "submit",
        "resubmit",
        "withdraw",
        "start_qualification",
        "pass_preliminary",
        "fail_preliminary",
        "pass_final",
        "fail_final",
        "close_completed",
        "proceed_to_preliminary",
    }
)


def _notify_on_commit(log: TransitionLog) -> None:
    enqueue_on_commit(tasks.notify_case_transition, tenant_id=log.tenant_id, log_id=log.pk)


def next_case_reference(case: DemandCase) -> str:
    """``<PREFIX>-<year>-<nnnn>``: gapless per tenant and year (the prefix is the tenant's ``case_prefix``)."""
    year = taipei_today().year
    prefix = case.tenant.config.case_prefix
    number = TenantCounter.next_value(f"case-{year}")
    return f"{prefix}-{year}-{number:04d}"


def transition_case(case: DemandCase, name: str, user: Any, comment: str = "") -> TransitionLog:
    """Run a simple transition ``name`` (see SIMPLE_TRANSITIONS) on ``case`` for ``user``; log and notify.

    Raises PermissionDenied (403/404), TransitionRefused (409) or ValueError (unknown action).
    """
    if name not in SIMPLE_TRANSITIONS:
        raise ValueError(f"{name!r} is not a simple case action")
    with transaction.atomic():
        kwargs: dict[str, Any] = {}
        if name == "submit":
            missing = case.missing_for_submission()
            if missing:
                raise TransitionRefused(
                    _("The case cannot be submitted yet. Missing: %(items)s.") % {"items": "、".join(missing)},
                    code="incomplete",
                )
            if case.state == "draft":
                kwargs["reference"] = next_case_reference(case)
                kwargs["working_days"] = case.tenant.config.qualification_working_days
        if name == "resubmit" and not case.is_complete():
            raise TransitionRefused(
                _("Upload the missing documents first: %(items)s.") % {"items": "、".join(case.missing_for_submission())},
                code="incomplete",
            )
        log = run_transition(case, name, user, comment=comment, **kwargs)
        _notify_on_commit(log)
    return log


def decide_qualification(
    case: DemandCase,
    user: Any,
    *,
    decision: str,
    comment: str,
    eligible_applicant_type: bool,
    eligible_need: bool,
    eligible_supply_chain_gap: bool,
) -> TransitionLog:
    """Record the office reviewer's one 資格審 decision with the eligibility checklist (seed 000).

    Positive decisions (refer, reference design, proceed to 初審) need all three criteria met;
    "not eligible" needs at least one unmet; "request more documents" takes the checklist as it stands.
    Raises PermissionDenied, TransitionRefused (409) with a message saying which rule failed.
    """
    name = DECISION_TRANSITIONS[QualificationDecision(decision)]
    with transaction.atomic():
        DemandCase.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()
        case.refresh_from_db()
        if not user.has_perm("cases.decide_qualification", case):
            raise PermissionDenied
        case.eligible_applicant_type = eligible_applicant_type
        case.eligible_need = eligible_need
        case.eligible_supply_chain_gap = eligible_supply_chain_gap
        refusal = None
        if decision in (QualificationDecision.REFER, QualificationDecision.REFERENCE_DESIGN, QualificationDecision.PROCEED):
            if not case.eligibility_met():
                refusal = _("This decision needs all three eligibility criteria to be met.")
        elif decision == QualificationDecision.NOT_ELIGIBLE and not case.eligibility_failed():
            refusal = _("All eligibility criteria are ticked: untick the unmet criterion to declare the case not eligible.")
        if refusal:
            raise TransitionRefused(refusal, code="eligibility")
        case.save(update_fields=["eligible_applicant_type", "eligible_need", "eligible_supply_chain_gap", "updated_at"])
        log = run_transition(case, name, user, comment=comment)
        _notify_on_commit(log)
    return log


def add_document(case: DemandCase, user: Any, kind: str, upload: UploadedFile) -> CaseDocument:
    """Check ``upload`` by content and size, store it under a generated name and attach it to ``case``.

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
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def delete_document(document: CaseDocument) -> None:
    """Remove a document and its stored file (after the row is gone)."""
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


def record_needs_analysis(case: DemandCase, user: Any, *, summary: str, project_types: list[str]) -> NeedsAnalysis:
    """Create or update the case's 需求分析 record."""
    analysis, _created = NeedsAnalysis.objects.update_or_create(
        case=case,
        defaults={"tenant": case.tenant, "summary": summary, "project_types": project_types, "analysed_by": user},
    )
    return analysis
