from django.urls import path

from cases.delivery.views import groups, reports

app_name = "delivery"

urlpatterns = [
    path("groups/", groups.group_list, name="groups"),
    path("groups/<int:pk>/", groups.group_detail, name="group"),
    path("groups/<int:pk>/assign/", groups.assign, name="assign"),
    path("groups/<int:pk>/projects/", groups.add_project, name="add_project"),
    path("groups/<int:pk>/actions/<slug:action>/", groups.group_action, name="group_action"),
    path("cases/<int:case_pk>/derive/", groups.derive, name="derive"),
    path("projects/<int:pk>/roles/", groups.project_roles, name="project_roles"),
    path("projects/<int:pk>/milestones/", groups.add_milestone, name="add_milestone"),
    path("milestones/<int:pk>/actions/<slug:action>/", groups.milestone_action, name="milestone_action"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report_edit"),
    path("reports/<int:pk>/actions/<slug:action>/", reports.report_action, name="report_action"),
    path("reports/<int:pk>/attachments/", reports.attachment_upload, name="attachment_upload"),
    path("reports/<int:pk>/attachments/<int:att_pk>/", reports.attachment_download, name="attachment"),
    path("assignments/", reports.assignment_list, name="assignments"),
    path("assignments/<int:pk>/", reports.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/actions/<slug:action>/", reports.assignment_action, name="assignment_action"),
]
