from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "services"
    verbose_name = _("Enterprise services and plans")

    def ready(self):
        from programmes import hooks
        from programmes.services.reminders import register_reminders

        from . import notices  # noqa: F401  (registers the problem flow's notices)
        from .panels import dashboard_panel
        from .reminders import KINDS, problem_reminders

        # Overdue problems go out with the day's other reminders.
        register_reminders(problem_reminders, kinds=KINDS)
        # The problems' figures on the staff dashboard, with the way to the services' own.
        hooks.register_panel("dashboard", "services/_dashboard.html", dashboard_panel)
