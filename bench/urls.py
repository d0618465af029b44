"""The project's URLs plus the naive baselines under /naive/ (benchmark runs only)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from config.urls import urlpatterns as project_urlpatterns

from .naive import naive_api_view, naive_my_applications, naive_results, naive_site

router = SimpleRouter()
router.register("applications", naive_api_view(), basename="naive-application")

urlpatterns = [
    path("naive/admin/", naive_site.urls),
    path("naive/api/", include(router.urls)),
    path("naive/applications/", naive_my_applications, name="naive-applications"),
    path("naive/results/", naive_results, name="naive-results"),
    *project_urlpatterns,
]
