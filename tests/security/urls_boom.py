"""The project's URLs plus one view that fails, for the error-page tests."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("database password is hunter2")  # a detail no user may see


urlpatterns = [path("boom/", boom), *project_urlpatterns]
