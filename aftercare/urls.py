"""The portal's aftercare pages, under /aftercare/."""

from django.urls import path

from . import views

app_name = "aftercare"

urlpatterns = [
    path("", views.home, name="home"),
    path("obligations/<int:pk>/", views.obligation, name="obligation"),
    path("qualifications/<int:qualification_pk>/claim/", views.claim_new, name="claim-new"),
    path("claims/<int:pk>/", views.claim, name="claim"),
]
