from django.urls import path

from review import meeting_views

app_name = "review"

urlpatterns = [
    # meetings and scores (rvmeeting)
    path("meetings/", meeting_views.meeting_list, name="meetings"),
    path("cases/<int:case_pk>/schedule/", meeting_views.meeting_schedule, name="schedule"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/actions/<slug:action>/", meeting_views.meeting_action, name="meeting_action"),
    path("meetings/<int:pk>/attendance/", meeting_views.meeting_attendance, name="attendance"),
    path("meetings/<int:pk>/board/", meeting_views.meeting_board_page, name="board"),
    path("meetings/<int:pk>/score/", meeting_views.meeting_score, name="score"),
]
