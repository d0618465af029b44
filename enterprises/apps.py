from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprises and regions")

    def ready(self):
        from core.search import index_columns

        from . import signals  # noqa: F401  (a user's tokens end with their password)

        # The trigram and pair indexes of programmes' migrations 0008 and 0009.
        index_columns(
            self.get_model("Enterprise"),
            "name",
            "unified_social_credit_code",
            "name_en",
            "legal_representative",
        )
