"""URL map. Tenant pages live under /t/<tenant_slug>/, the tenant API under /api/v1/t/<tenant_slug>/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from platform_site import account_views, views
from platform_site.account_forms import PortalSetPasswordForm
from platform_site.extensions import app_urlpatterns
from platform_site.schema import PortalSchemaView

tenant_patterns = [
    path("", views.tenant_home, name="tenant_home"),
    path("register/", views.register_applicant, name="register"),
    path("members/", account_views.members, name="members"),
    path("members/invitations/<int:pk>/revoke/", account_views.revoke_invitation, name="members_revoke"),
    path("join/<int:pk>/<str:token>/", account_views.accept_invitation, name="invitation_accept"),
    *app_urlpatterns("tenant_urls"),  # each app's AppConfig.tenant_urls (platform_site.extensions)
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("start/", views.after_login, name="after_login"),  # LOGIN_REDIRECT_URL
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/password_reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=PortalSetPasswordForm),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("t/<slug:tenant_slug>/", include(tenant_patterns)),
    path("api/v1/t/<slug:tenant_slug>/", include(app_urlpatterns("api_urls"))),
    path("api/schema/", PortalSchemaView.as_view(), name="schema"),
]
