from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftercareConfig(AppConfig):
    name = "aftercare"
    verbose_name = _("After the decision")

    def ready(self):
        from programmes import hooks
        from programmes.services.reminders import register_reminders

        from .panels import dashboard_panel, inbox_panel
        from .reminders import KINDS, aftercare_reminders

        # Obligations and repayments due go out with the day's other reminders.
        register_reminders(aftercare_reminders, kinds=KINDS)
        # Overdue obligations and waiting claims on the inbox; the figures on the dashboard.
        hooks.register_panel("inbox", "aftercare/_inbox.html", inbox_panel)
        hooks.register_panel("dashboard", "aftercare/_dashboard.html", dashboard_panel)
