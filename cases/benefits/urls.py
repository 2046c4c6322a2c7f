from django.urls import path

from cases.benefits import views

app_name = "benefits"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:key>.<slug:fmt>", views.export, name="export"),
    path("cases/<int:case_pk>/", views.case_kpis, name="case_kpis"),
    path("cases/<int:case_pk>/chart/<slug:kind>.svg", views.chart, name="chart"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
]
