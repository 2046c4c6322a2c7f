"""URL map. Tenant pages live under /t/<tenant_slug>/, the tenant API under /api/v1/t/<tenant_slug>/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from platform_site import views
from platform_site.extensions import app_urlpatterns
from platform_site.schema import PortalSchemaView

tenant_patterns = [
    path("", views.tenant_home, name="tenant_home"),
    path("register/", views.register_applicant, name="register"),
    *app_urlpatterns("tenant_urls"),  # each app's AppConfig.tenant_urls (platform_site.extensions)
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("start/", views.after_login, name="after_login"),  # LOGIN_REDIRECT_URL
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("t/<slug:tenant_slug>/", include(tenant_patterns)),
    path("api/v1/t/<slug:tenant_slug>/", include(app_urlpatterns("api_urls"))),
    path("api/schema/", PortalSchemaView.as_view(), name="schema"),
]
