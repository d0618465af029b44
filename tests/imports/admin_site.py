"""A test-only admin site wired the way the lead wires the real one (one mixin per admin)."""

from django.contrib import admin
from django.urls import path

from enterprises.admin import EnterpriseImportExportMixin
from enterprises.models import Enterprise
from programmes.admin_import import ApplicationImportExportMixin
from programmes.models import Application

site = admin.AdminSite(name="imports_admin")


class StaffViewMixin:
    # The real desk admins decide this with their permission functions.
    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)


@admin.register(Enterprise, site=site)
class EnterpriseAdmin(EnterpriseImportExportMixin, StaffViewMixin, admin.ModelAdmin):
    list_display = ["name", "unified_social_credit_code", "region"]
    list_filter = ["region"]


@admin.register(Application, site=site)
class ApplicationAdmin(ApplicationImportExportMixin, StaffViewMixin, admin.ModelAdmin):
    list_display = ["title", "enterprise", "call", "status"]


urlpatterns = [path("desk/", site.urls)]
