from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes and applications")

    def ready(self):
        # The deployment checks, and the experts' part of the enterprises they may see.
        from . import access, checks  # noqa: F401


class DeskAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose site keeps each kind of user's navigation
    (``programmes.admin_site``). Named in INSTALLED_APPS in place of django.contrib.admin."""

    default = False  # "programmes" itself stays ProgrammesConfig
    default_site = "programmes.admin_site.DeskAdminSite"
