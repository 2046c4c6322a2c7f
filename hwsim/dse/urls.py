"""Design-space exploration pages, mounted under /t/<tenant_slug>/lab/dse/ (namespace ``hwsim_dse``)."""

from django.urls import path

from hwsim.dse import views as dse_views

app_name = "hwsim_dse"

urlpatterns = [
    path("", dse_views.sweep_list, name="list"),
    path("new/", dse_views.sweep_create, name="create"),
    path("<int:pk>/", dse_views.sweep_detail, name="detail"),
    path("<int:pk>/status/", dse_views.sweep_status, name="status"),
    path("<int:pk>/cancel/", dse_views.sweep_cancel, name="cancel"),
    path("<int:pk>/results/", dse_views.sweep_results, name="results"),
    path("<int:pk>/verify/", dse_views.verify_point, name="verify"),
]
