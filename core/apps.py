from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app builds on: roles, the audit trail, the sheet engine, the admin's
    base classes and the API's error shape. Imports no other app of the project."""

    name = "core"
    verbose_name = _("Records")

    def ready(self):
        from . import signals  # noqa: F401 - connects the sign-in receiver


class DeskAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose site keeps each kind of user's navigation
    (``core.admin_site``). Named in INSTALLED_APPS in place of django.contrib.admin."""

    default = False  # "core" itself stays CoreConfig
    default_site = "core.admin_site.DeskAdminSite"
