from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import health, local_rules_views, progress, views, webapp
from .accounts import views as account_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", health.healthz, name="healthz"),
    path("manifest.webmanifest", webapp.manifest, name="webapp_manifest"),
    path("sw.js", webapp.service_worker, name="webapp_service_worker"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", webapp.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/two-factor/", account_views.overview, name="second_factor"),
    path("accounts/two-factor/verify/", account_views.verify, name="second_factor_verify"),
    path("accounts/two-factor/setup/", account_views.setup, name="second_factor_setup"),
    path(
        "accounts/two-factor/recovery-codes/",
        account_views.recovery_codes,
        name="second_factor_recovery_codes",
    ),
    path("accounts/tokens/", views.api_tokens, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox_read_all"),
    path("inbox/<int:pk>/read/", views.inbox_mark_read, name="inbox_read"),
    path("inbox/preferences/", views.notification_preferences, name="notification_preferences"),
    path("tasks/<uuid:task_id>/", progress.task_progress, name="task_progress"),
    path("pick/<slug:kind>/", views.pick, name="pick"),
    path("search/", views.search, name="search"),
    path("", include(local_rules_views.urlpatterns)),
    path("", include("positions.urls")),
    path("training/", include("training.urls")),
    path("projects/", include("projects.urls")),
    path("casework/", include("casework.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/", include("socialwork.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads its start-up script from a URL of its own, not inline; Swagger UI's
    # markup sets style attributes, so this one page allows inline styles (never inline script).
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]
