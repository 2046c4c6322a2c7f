from rest_framework.routers import SimpleRouter

from suppliers.api import (
    CaseServicesViewSet,
    DirectoryViewSet,
    MatchmakingViewSet,
    ReferenceDesignViewSet,
    ReferralViewSet,
    SupplierProfileViewSet,
)

router = SimpleRouter()
router.register("profiles", SupplierProfileViewSet, basename="api-supplier-profile")
router.register("directory", DirectoryViewSet, basename="api-supplier-directory")
router.register("designs", ReferenceDesignViewSet, basename="api-supplier-design")
router.register("referrals", ReferralViewSet, basename="api-supplier-referral")
router.register("matchmaking", MatchmakingViewSet, basename="api-supplier-matchmaking")

router.register("case-services", CaseServicesViewSet, basename="api-supplier-case")

urlpatterns = router.urls
