"""Staff statistics dashboard (owned by the insight work)."""

from django.urls import path

from .views import dashboard

app_name = "dashboard"

urlpatterns = [
    path("", dashboard.index, name="index"),
    path("export/<slug:table>.xlsx", dashboard.export, name="export"),
]
