from rest_framework.routers import SimpleRouter

from review.meeting_api import ReviewMeetingViewSet
from review.panel_api import InvitationViewSet

router = SimpleRouter()
router.register("invitations", InvitationViewSet, basename="api-review-invitation")
router.register("meetings", ReviewMeetingViewSet, basename="api-review-meeting")

urlpatterns = router.urls
