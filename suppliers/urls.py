from django.urls import path

from suppliers import views, views_market

app_name = "suppliers"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
    path("profiles/", views.profile_list, name="list"),
    path("profiles/<int:pk>/", views.profile_detail, name="detail"),
    path("profiles/<int:pk>/edit/", views.profile_edit, name="edit"),
    path("profiles/<int:pk>/obligations/", views.accept_obligations, name="obligations"),
    path("profiles/<int:pk>/ip/", views.add_ip, name="add_ip"),
    path("profiles/<int:pk>/ip/<int:ip_pk>/delete/", views.remove_ip, name="remove_ip"),
    path("profiles/<int:pk>/actions/<slug:action>/", views.profile_transition, name="transition"),
    path("profiles/<int:pk>/final-review/", views.schedule_final_review, name="schedule_final_review"),
    path("directory/", views.directory, name="directory"),
    path("designs/", views_market.design_list, name="designs"),
    path("designs/new/", views_market.design_create, name="design_create"),
    path("designs/<int:pk>/", views_market.design_detail, name="design"),
    path("designs/<int:pk>/actions/<slug:action>/", views_market.design_transition, name="design_transition"),
    path("cases/<int:case_pk>/", views_market.case_services, name="case"),
    path("cases/<int:case_pk>/refer/", views_market.refer, name="refer"),
    path("cases/<int:case_pk>/reference-design/", views_market.give_design, name="give_design"),
    path("referrals/", views_market.referral_list, name="referrals"),
    path("referrals/<int:pk>/", views_market.referral_detail, name="referral"),
    path("referrals/<int:pk>/answer/", views_market.referral_answer, name="referral_answer"),
]
