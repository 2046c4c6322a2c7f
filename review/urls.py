from django.urls import path

from review import panel_views, pool_views, views_overview

app_name = "review"

urlpatterns = [
    # reviews overview (rvops)
    path("", views_overview.overview, name="overview"),
    # expert pool and panels (rvpanel)
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
]
