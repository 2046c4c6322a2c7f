from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/new/", views.case_create, name="create"),
    path("cases/<int:pk>/", views.case_detail, name="detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="edit"),
    path("cases/<int:pk>/actions/<slug:action>/", views.case_transition, name="transition"),
    path("cases/<int:pk>/qualification/", views.qualification_decide, name="decide"),
    path("cases/<int:pk>/needs-analysis/", views.needs_analysis_edit, name="needs_analysis"),
    path("cases/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("cases/<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document_download"),
    path("cases/<int:pk>/documents/<int:doc_pk>/delete/", views.document_delete, name="document_delete"),
    path("review/queue/", views.review_queue, name="queue"),
]
