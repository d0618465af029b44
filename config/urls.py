"""URL map: portal at /, admin at /admin/, REST at /api/v1/, the health check at /health/,
documents' public verification at /verify/<code>/."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from health_check.views import HealthCheckView

from core import views as core_views

#: What /health/ checks: every database the site uses, the cache (throttles, lock-out)
#: and the file storage (attachments). 200 when all answer, 500 naming the one that fails.
HEALTH_CHECKS = [
    *(("health_check.checks.Database", {"alias": alias}) for alias in settings.DATABASES),
    "health_check.checks.Cache",
    "health_check.checks.Storage",
]

urlpatterns = [
    path("health/", HealthCheckView.as_view(checks=HEALTH_CHECKS), name="health"),
    # The language switch, remembering a signed-in person's choice (core.views).
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("", include("enterprises.urls")),
    path("dashboard/", include("programmes.dashboard_urls")),
    path("aftercare/", include("aftercare.urls")),
    path("", include("programmes.review_urls")),
    path("", include("documents.urls")),
    path("services/", include("services.urls")),
    path("", include("programmes.urls")),
]
