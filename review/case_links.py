"""The review committee's links on the case page (registered with :mod:`cases.page_links` in ReviewConfig.ready):
everyone who sees the case gets "Meetings and decisions" (the applicant's view); office staff also each
meeting's decision page. One query, only for a case that reached the committee."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cases.enums import CaseState
from cases.page_links import CaseLink, CaseLinkGroup
from platform_site.rules import can
from review.models import ReviewMeeting

#: Case states in which the committee has (or had) work on the case.
COMMITTEE_STATES = frozenset(
    {CaseState.PRELIMINARY_REVIEW, CaseState.FINAL_REVIEW, CaseState.IN_SERVICE, CaseState.CLOSED}
)


def committee_links(user: Any, case: Any) -> list[CaseLinkGroup]:
    if case.state not in COMMITTEE_STATES:
        return []
    slug = case.tenant.slug
    meetings = list(ReviewMeeting.objects.filter(case=case).order_by("scheduled_at", "pk"))
    if not meetings and case.state == CaseState.CLOSED:
        return []
    links = [CaseLink(_("Meetings and decisions"), reverse("review:case_committee", args=[slug, case.pk]))]
    if can(user, "review.view_decisions", case):
        for meeting in meetings:
            label = _("%(stage)s #%(round)s: decision") % {"stage": meeting.get_stage_display(), "round": meeting.round}
            url = reverse("review:decision", args=[slug, meeting.pk])
            links.append(CaseLink(label, url, meeting.get_state_display()))
    return [CaseLinkGroup("committee", _("Committee review"), links)]
