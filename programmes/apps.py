from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes and applications")

    def ready(self):
        from core.search import index_columns

        # The deployment checks, and the experts' part of the enterprises they may see.
        from . import access, checks  # noqa: F401

        # The trigram and pair indexes of migrations 0008 and 0009.
        index_columns(self.get_model("Application"), "title")
        index_columns(self.get_model("ProductDetail"), "product_name")
        index_columns(self.get_model("ProjectDetail"), "project_name")
        index_columns(self.get_model("DesignationDetail"), "platform_name")
