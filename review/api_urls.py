from rest_framework.routers import SimpleRouter

from review.meeting_api import ReviewMeetingViewSet

router = SimpleRouter()
router.register("meetings", ReviewMeetingViewSet, basename="api-review-meeting")

urlpatterns = router.urls
