from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Official documents")

    def ready(self):
        from programmes import hooks

        from . import checks  # noqa: F401  (the fonts the documents are set in)
        from .aftercare import register as register_aftercare_documents
        from .issuing import issue_for_moves
        from .seal import demo_issuing_bodies

        # The documents the workflow's moves issue, in the moves' own transaction.
        hooks.register_after_moves(issue_for_moves)
        # The documents the steps after the decision issue (acceptance opinion, claw-back
        # and compensation notices), in the steps' own transaction.
        register_aftercare_documents()
        hooks.register_demo_setup(demo_issuing_bodies)
