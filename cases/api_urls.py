from rest_framework.routers import SimpleRouter

from cases.api import DemandCaseViewSet

router = SimpleRouter()
router.register("cases", DemandCaseViewSet, basename="api-case")

urlpatterns = router.urls
