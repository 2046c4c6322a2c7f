from rest_framework.routers import SimpleRouter

from review.panel_api import InvitationViewSet

router = SimpleRouter()
router.register("invitations", InvitationViewSet, basename="api-review-invitation")

urlpatterns = router.urls
