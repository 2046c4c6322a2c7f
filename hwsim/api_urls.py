from rest_framework.routers import SimpleRouter

from hwsim.api import PlatformPresetViewSet, VerificationRequestViewSet

router = SimpleRouter()
router.register("presets", PlatformPresetViewSet, basename="api-hwsim-preset")
router.register("requests", VerificationRequestViewSet, basename="api-hwsim-request")

urlpatterns = router.urls
