from rest_framework.routers import SimpleRouter

from cases.delivery.api import AssignmentViewSet, MilestoneViewSet, ReportViewSet, WorkGroupViewSet

router = SimpleRouter()
router.register("groups", WorkGroupViewSet, basename="api-delivery-group")
router.register("assignments", AssignmentViewSet, basename="api-delivery-assignment")
router.register("milestones", MilestoneViewSet, basename="api-delivery-milestone")
router.register("reports", ReportViewSet, basename="api-delivery-report")

urlpatterns = router.urls
