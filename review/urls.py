from django.urls import path

from review import views_overview

app_name = "review"

urlpatterns = [
    path("", views_overview.overview, name="overview"),
]
