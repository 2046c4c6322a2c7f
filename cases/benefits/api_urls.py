from django.urls import path
from rest_framework.routers import SimpleRouter

from cases.benefits.api import DashboardTableView, DashboardView, MeasurementViewSet

router = SimpleRouter()
router.register("measurements", MeasurementViewSet, basename="api-benefits-measurement")

urlpatterns = [
    path("dashboard/", DashboardView.as_view(), name="api-benefits-dashboard"),
    path("dashboard/<slug:key>/", DashboardTableView.as_view(), name="api-benefits-dashboard-table"),
    *router.urls,
]
