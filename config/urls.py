"""URL map: portal at /, admin at /admin/, REST at /api/v1/."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("", include("enterprises.urls")),
    path("dashboard/", include("programmes.dashboard_urls")),
    path("", include("programmes.review_urls")),
    path("", include("programmes.urls")),
]
