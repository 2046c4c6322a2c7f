"""Verification-lab pages, mounted under /t/<tenant_slug>/lab/."""

from django.urls import path

from hwsim import verify_views, views

app_name = "hwsim"

urlpatterns = [
    path("presets/", views.preset_list, name="presets"),
    path("requests/", views.request_list, name="list"),
    path("requests/new/", views.request_create, name="create"),
    path("requests/<int:pk>/", views.request_detail, name="detail"),
    path("requests/<int:pk>/status/", views.job_status, name="status"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="cancel"),
    path("requests/<int:pk>/submit/", views.request_submit, name="submit"),
    path("requests/<int:pk>/results/", views.request_results, name="results"),
    path("requests/<int:pk>/certificate.pdf", views.certificate_download, name="certificate"),
]

# Public (no login): the verification page of certificates (hwsim.verify_views).
urlpatterns += [path("verify/<str:report_number>/", verify_views.verify, name="verify")]
