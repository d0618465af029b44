"""The bureau staff's workplace: Django admin, scoped by role and driven by the workflow.

One module per area; importing them registers their ModelAdmins.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import applications, audit, catalogue, outcomes, records  # noqa: F401  (registration)

admin.site.site_header = _("Programme Desk")
admin.site.site_title = _("Programme Desk")
admin.site.index_title = _("Bureau workplace")
