from django.urls import path
from rest_framework.routers import SimpleRouter

from review.decision_api import CaseCommitteeView, DecisionViewSet

router = SimpleRouter()
router.register("decisions", DecisionViewSet, basename="api-review-decision")

urlpatterns = [
    path("cases/<int:case_pk>/committee/", CaseCommitteeView.as_view(), name="api-review-case-committee"),
    *router.urls,
]
