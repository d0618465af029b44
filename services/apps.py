from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "services"
    verbose_name = _("Enterprise services and plans")

    def ready(self):
        from . import notices  # noqa: F401  (registers the problem flow's notices)
