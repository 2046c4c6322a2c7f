from django.urls import path
from rest_framework.routers import SimpleRouter

from review.api.decisions import CaseCommitteeView, DecisionViewSet
from review.api.meetings import ReviewMeetingViewSet
from review.api.panel import InvitationViewSet

router = SimpleRouter()
router.register("invitations", InvitationViewSet, basename="api-review-invitation")
router.register("meetings", ReviewMeetingViewSet, basename="api-review-meeting")
router.register("decisions", DecisionViewSet, basename="api-review-decision")

urlpatterns = [
    path("cases/<int:case_pk>/committee/", CaseCommitteeView.as_view(), name="api-review-case-committee"),
    *router.urls,
]
