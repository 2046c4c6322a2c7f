from rest_framework.routers import SimpleRouter

from hwsim.dse.api import DseSweepViewSet

router = SimpleRouter()
router.register("dse", DseSweepViewSet, basename="api-hwsim-dse")

urlpatterns = router.urls
