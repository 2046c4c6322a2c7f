from rest_framework.routers import SimpleRouter

from billing.api import InvoiceViewSet, NumberRangeViewSet

router = SimpleRouter()
router.register("invoices", InvoiceViewSet, basename="api-billing-invoice")
router.register("number-ranges", NumberRangeViewSet, basename="api-billing-range")

urlpatterns = router.urls
