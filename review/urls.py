from django.urls import path

from review.views import decisions as decision_views
from review.views import meetings as meeting_views
from review.views import overview as views_overview
from review.views import panel as panel_views
from review.views import pool as pool_views

app_name = "review"

urlpatterns = [
    # reviews overview
    path("", views_overview.overview, name="overview"),
    # expert pool and panels
    path("experts/", pool_views.expert_list, name="expert_list"),
    path("experts/new/", pool_views.expert_create, name="expert_create"),
    path("experts/<int:expert_pk>/", pool_views.expert_detail, name="expert_detail"),
    path("experts/<int:expert_pk>/affiliations/", pool_views.expert_affiliation_add, name="expert_affiliation_add"),
    path(
        "experts/<int:expert_pk>/affiliations/<int:aff_pk>/delete/",
        pool_views.expert_affiliation_delete,
        name="expert_affiliation_delete",
    ),
    path("profile/", pool_views.my_profile, name="my_profile"),
    path("profile/affiliations/", pool_views.my_affiliation_add, name="my_affiliation_add"),
    path("profile/affiliations/<int:aff_pk>/delete/", pool_views.my_affiliation_delete, name="my_affiliation_delete"),
    path("meetings/<int:meeting_pk>/panel/", panel_views.panel, name="panel"),
    path("meetings/<int:meeting_pk>/panel/invite/", panel_views.panel_invite, name="panel_invite"),
    path("invitations/<int:inv_pk>/", panel_views.invitation, name="invitation"),
    path("invitations/<int:inv_pk>/declare/", panel_views.invitation_declare, name="invitation_declare"),
    path("invitations/<int:inv_pk>/accept/", panel_views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:inv_pk>/decline/", panel_views.invitation_decline, name="invitation_decline"),
    path("invitations/<int:inv_pk>/withdraw/", panel_views.panel_withdraw, name="panel_withdraw"),
    path("invitations/<int:inv_pk>/lead/", panel_views.panel_lead, name="panel_lead"),
    # meetings and scores
    path("meetings/", meeting_views.meeting_list, name="meetings"),
    path("cases/<int:case_pk>/schedule/", meeting_views.meeting_schedule, name="schedule"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/actions/<slug:action>/", meeting_views.meeting_action, name="meeting_action"),
    path("meetings/<int:pk>/attendance/", meeting_views.meeting_attendance, name="attendance"),
    path("meetings/<int:pk>/board/", meeting_views.meeting_board_page, name="board"),
    path("meetings/<int:pk>/score/", meeting_views.meeting_score, name="score"),
    # decisions, minutes, the applicant's view, the tier-discount table
    path("meetings/<int:pk>/decision/", decision_views.decision_page, name="decision"),
    path("meetings/<int:pk>/decision/release/", decision_views.decision_release, name="decision_release"),
    path("meetings/<int:pk>/minutes.pdf", decision_views.minutes_download, name="minutes"),
    path("cases/<int:case_pk>/committee/", decision_views.case_committee, name="case_committee"),
    path("tier-discounts/", decision_views.tier_discounts, name="tier_discounts"),
]
