from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes and applications")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
