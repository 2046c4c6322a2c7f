from django.urls import path

from review import decision_views

app_name = "review"

urlpatterns = [
    # decisions, minutes, the applicant's view, the tier-discount table (rvdecision)
    path("meetings/<int:pk>/decision/", decision_views.decision_page, name="decision"),
    path("meetings/<int:pk>/decision/release/", decision_views.decision_release, name="decision_release"),
    path("meetings/<int:pk>/minutes.pdf", decision_views.minutes_download, name="minutes"),
    path("cases/<int:case_pk>/committee/", decision_views.case_committee, name="case_committee"),
    path("tier-discounts/", decision_views.tier_discounts, name="tier_discounts"),
]
