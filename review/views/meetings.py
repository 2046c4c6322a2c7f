"""Meeting pages: the CTO's list and scheduling, the meeting page (panel, attendance, open / cancel), the board
(scores side by side), and the expert's scoring page. Thin: forms parse, :mod:`review.queries` /
:mod:`review.board` read, :mod:`review.services.meetings` writes; refusals re-render the page as it is now (409)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.queries import get_case_for_user
from platform_site.activity import history
from platform_site.pagination import paginate
from platform_site.rules import can
from platform_site.transitions import TransitionRefused
from platform_site.views import tenant_member_required
from review import queries, subjects
from review.board import criteria_of, meeting_board
from review.forms.meetings import AttendanceForm, MeetingActionForm, ScheduleMeetingForm, ScoreForm
from review.models import PanelInvitation
from review.services import meetings

STAGE_OF_STATE = {state: stage for state, stage in queries.WAITING}


def _form_errors(form: Any, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@tenant_member_required
def meeting_list(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    """Office staff: the tenant's meetings (latest first) and, for the CTO, the cases waiting for a meeting."""
    if not can(request.user, "review.view_meeting"):
        raise PermissionDenied
    context = {
        "page": paginate(request, queries.meeting_list(request.user, request.tenant)),
        "awaiting": queries.cases_awaiting_meeting(request.user, request.tenant),
        "can_schedule": can(request.user, "review.schedule_meeting"),
    }
    return render(request, "review/meeting_list.html", context)


@tenant_member_required
def meeting_schedule(request: HttpRequest, tenant_slug: str, case_pk: int) -> HttpResponse:
    """The CTO schedules the next round of the case's current review stage."""
    case = get_case_for_user(request.user, request.tenant, case_pk)
    if not can(request.user, "review.schedule_meeting", case):
        raise PermissionDenied
    stage = STAGE_OF_STATE.get(case.state)
    form = ScheduleMeetingForm(request.POST or None)
    due = queries.final_review_due(case) if stage == "final" else None
    context: dict[str, Any] = {"case": case, "stage": stage, "form": form, "final_due": due}
    if stage is None:
        context["error"] = _("This case is not waiting for a preliminary or final review.")
        return render(request, "review/meeting_schedule.html", context, status=409 if request.method == "POST" else 200)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meetings.schedule_meeting(request.user, case, stage=stage, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        except TransitionRefused as exc:
            context["error"] = exc.message
            return render(request, "review/meeting_schedule.html", context, status=409)
        else:
            messages.success(request, _("Meeting scheduled. Invite the panel next."))
            if queries.held_after_due(meeting, due):
                messages.warning(request, _("This date is after the final review's due date (%(due)s).") % {"due": due})
            return redirect("review:meeting", tenant_slug=tenant_slug, pk=meeting.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "review/meeting_schedule.html", context, status=status)


def _meeting_context(request: HttpRequest, meeting: Any, **extra: Any) -> dict[str, Any]:
    seats = list(meeting.invitations.select_related("expert__user").order_by("-is_lead", "pk"))
    accepted = [s for s in seats if s.state == "accepted"]
    is_chair = can(request.user, "review.chair_meeting", meeting)
    is_open = meeting.state in meetings.OPEN_MEETING_STATES
    actions = []
    if is_chair:
        available = {t.name: t for t in meeting.get_available_state_transitions()}
        for name in meetings.MEETING_ACTIONS:  # open first, then cancel
            if name in available:
                actions.append({"transition": available[name], "form": MeetingActionForm(auto_id=f"id_{name}_%s")})
    due = queries.meeting_due(meeting)
    context = {
        "meeting": meeting,
        "case": meeting.case,
        "subject_url": subjects.subject_url(meeting, request.tenant.slug),
        "final_due": due,
        "after_due": queries.held_after_due(meeting, due),
        "seats": seats,
        "accepted": accepted,
        "is_chair": is_chair,
        "is_open": is_open,
        "actions": actions,
        "attendance_form": AttendanceForm(seats=accepted) if is_chair and is_open else None,
        "history": history(meeting),
    }
    context.update(extra)
    return context


def _get_meeting(request: HttpRequest, pk: Any) -> Any:
    return queries.get_meeting_for_user(request.user, request.tenant, pk)


@tenant_member_required
def meeting_detail(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    return render(request, "review/meeting_detail.html", _meeting_context(request, meeting))


def _refused(request: HttpRequest, meeting: Any, message: str, status: int = 409, **extra: Any) -> HttpResponse:
    meeting.refresh_from_db()
    context = _meeting_context(request, meeting, error=message, **extra)
    return render(request, "review/meeting_detail.html", context, status=status)


@require_POST
@tenant_member_required
def meeting_action(request: HttpRequest, tenant_slug: str, pk: int, action: str) -> HttpResponse:
    """Open or cancel the meeting (the chair)."""
    meeting = _get_meeting(request, pk)
    if action not in meetings.MEETING_ACTIONS:
        raise Http404
    form = MeetingActionForm(request.POST)
    form.is_valid()
    try:
        meetings.run_meeting_action(meeting, action, request.user, comment=form.cleaned_data.get("comment", ""))
    except TransitionRefused as exc:
        return _refused(request, meeting, exc.message)
    return redirect("review:meeting", tenant_slug=tenant_slug, pk=pk)


@require_POST
@tenant_member_required
def meeting_attendance(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """Record the experts' and the applicant's attendance (the chair, while the meeting is open)."""
    meeting = _get_meeting(
        request,
        pk,
    )
    if not can(request.user, "review.chair_meeting", meeting):
        raise PermissionDenied
    accepted = list(meeting.invitations.filter(state="accepted").select_related("expert__user"))
    form = AttendanceForm(request.POST, seats=accepted)
    if not form.is_valid():
        return _refused(request, meeting, _("Please correct the attendance."), status=400, attendance_form=form)
    try:
        meetings.record_attendance(
            meeting,
            request.user,
            experts=form.experts(),
            applicant_attendance=form.cleaned_data["applicant_attendance"],
            applicant_attendees=form.cleaned_data["applicant_attendees"],
        )
    except TransitionRefused as exc:
        return _refused(request, meeting, exc.message)
    messages.success(request, _("Attendance recorded."))
    return redirect("review:meeting", tenant_slug=tenant_slug, pk=pk)


@tenant_member_required
def meeting_board_page(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """The board: every accepted expert's scores side by side, dispersion flags, totals, leniency."""
    meeting = _get_meeting(request, pk)
    context = {"meeting": meeting, "case": meeting.case, "board": meeting_board(meeting)}
    return render(request, "review/meeting_board.html", context)


def _score_context(seat: PanelInvitation, form: ScoreForm, criteria: list[Any], **extra: Any) -> dict[str, Any]:
    meeting = seat.meeting
    visible = queries.others_visible(seat)
    context = {
        "seat": seat,
        "meeting": meeting,
        "case": meeting.case,
        "form": form,
        "is_open": meeting.state in meetings.OPEN_MEETING_STATES,
        "others_visible": visible,
        "board": meeting_board(meeting, with_leniency=False, criteria=criteria) if visible else None,
    }
    context.update(extra)
    return context


@tenant_member_required
def meeting_score(request: HttpRequest, tenant_slug: str, pk: int) -> HttpResponse:
    """The expert's scoring page (an accepted seat only): save a draft or submit; frozen once the meeting
    closed (the service refuses, 409). The others' scores show per ``review_score_visibility``."""
    seat = queries.get_own_seat(request.user, request.tenant, pk)
    seat.meeting.tenant = request.tenant
    criteria = criteria_of(seat.meeting)
    scores = queries.seat_scores(seat)
    if request.method != "POST":
        form = ScoreForm(criteria=criteria, scores=scores)
        return render(request, "review/meeting_score.html", _score_context(seat, form, criteria))
    form = ScoreForm(request.POST, criteria=criteria, scores=scores)
    if not form.is_valid():
        return render(request, "review/meeting_score.html", _score_context(seat, form, criteria), status=400)
    submit = "submit" in request.POST
    try:
        meetings.save_scores(seat, request.user, form.entries(), submit=submit)
    except ValidationError as exc:
        _form_errors(form, exc)
        return render(request, "review/meeting_score.html", _score_context(seat, form, criteria), status=400)
    except TransitionRefused as exc:
        seat.meeting.refresh_from_db()
        form = ScoreForm(criteria=criteria, scores=queries.seat_scores(seat))
        context = _score_context(seat, form, criteria, error=exc.message)
        return render(request, "review/meeting_score.html", context, status=409)
    messages.success(request, _("Scores submitted.") if submit else _("Draft scores saved."))
    return redirect("review:score", tenant_slug=tenant_slug, pk=pk)
