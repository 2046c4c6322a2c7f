from rest_framework.routers import SimpleRouter

from billing import api_statements
from billing.api import InvoiceViewSet, NumberRangeViewSet

router = SimpleRouter()
router.register("invoices", InvoiceViewSet, basename="api-billing-invoice")
router.register("number-ranges", NumberRangeViewSet, basename="api-billing-range")
# statements (rate cards, NRE, royalties, maintenance)
router.register("rate-cards", api_statements.RateCardViewSet, basename="api-billing-rate-card")
router.register("nre-statements", api_statements.NreStatementViewSet, basename="api-billing-nre")
router.register("royalty-agreements", api_statements.RoyaltyAgreementViewSet, basename="api-billing-agreement")
router.register("sales-reports", api_statements.SalesReportViewSet, basename="api-billing-sales-report")
router.register("royalty-statements", api_statements.RoyaltyStatementViewSet, basename="api-billing-royalty")
router.register("royalty-lines", api_statements.RoyaltyLineViewSet, basename="api-billing-royalty-line")
router.register("maintenance-fees", api_statements.MaintenanceFeeWriteViewSet, basename="api-billing-maintenance")
router.register("equipment", api_statements.EquipmentViewSet, basename="api-billing-equipment")
router.register("supplier-nre", api_statements.SupplierNreViewSet, basename="api-billing-supplier-nre")

urlpatterns = router.urls
