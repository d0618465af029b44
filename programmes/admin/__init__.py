"""The desk's admin for bureau staff, county officers and experts: scoped by role and
driven by the workflow.

One module per area; importing them registers their ModelAdmins.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from enterprises.access import workplace_name

from . import applications, audit, catalogue, outcomes, records  # noqa: F401  (registration)

admin.site.site_header = _("Programme Desk")
admin.site.site_title = _("Programme Desk")
# Each desk user's heading names their workplace (``enterprises.access.workplace_name``).
admin.site.index_title = _("Programme Desk")
admin.site.workplace = workplace_name
