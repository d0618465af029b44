"""Regions, industries, enterprises, memberships and officers' jurisdictions in admin.

Rows come from the scoped lists of ``enterprises.access`` and permissions from its
functions, on the desk's base classes (``core.admin``).
"""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from core import admin as core_admin
from core.admin import HistoryReadOnlyMixin
from core.paginators import EstimatedCountPaginator
from core.sheets.admin import SheetImportExportMixin

from . import access
from .access import enterprise_list, jurisdiction_list, membership_list, reference_list
from .api.tokens import TOKEN_REFUSED, token_issue, token_revoke
from .models import Enterprise, Industry, Jurisdiction, Membership, Region
from .resources import EnterpriseResource


class DeskAdminMixin(core_admin.DeskAdminMixin):
    may = staticmethod(access.may)


class DeskInlineMixin(core_admin.DeskInlineMixin):
    may = staticmethod(access.may)


class EnterpriseImportExportMixin(SheetImportExportMixin):
    """The enterprise sheet on the Enterprise admin."""

    resource_classes = [EnterpriseResource]
    can_import = staticmethod(access.can_import)


class ReferenceDataAdmin(DeskAdminMixin, admin.ModelAdmin):
    """Every desk user reads regions and industries; bureau staff maintain them."""

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, "view_reference_data")

    def has_add_permission(self, request):
        return access.may(request.user, "manage_reference_data")

    def has_change_permission(self, request, obj=None):
        return access.may(request.user, "manage_reference_data")

    def has_delete_permission(self, request, obj=None):
        return access.may(request.user, "manage_reference_data")


@admin.register(Region)
class RegionAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "name_en", "level", "parent", "is_statistical_code"]
    list_filter = ["level", "is_statistical_code"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["parent"]

    def scoped_queryset(self, request):
        return reference_list(Region, user=request.user)


@admin.register(Industry)
class IndustryAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "name_en", "level", "parent"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["parent"]

    def scoped_queryset(self, request):
        return reference_list(Industry, user=request.user)


class StaffOnlyMixin:
    """Who acts for which enterprise, and which officer covers which region: the bureau's."""

    def has_module_permission(self, request):
        return access.may(request.user, "manage_memberships")

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, "manage_memberships")

    def has_add_permission(self, request, obj=None):
        return access.may(request.user, "manage_memberships")

    def has_change_permission(self, request, obj=None):
        return access.may(request.user, "manage_memberships")

    def has_delete_permission(self, request, obj=None):
        return access.may(request.user, "manage_memberships")


class MembershipInline(StaffOnlyMixin, DeskInlineMixin, admin.TabularInline):
    model = Membership
    fields = ["user", "role", "status", "created_at"]
    readonly_fields = ["created_at"]
    # Users are many and staff may not browse the user list: the id is typed or looked up.
    raw_id_fields = ["user"]
    extra = 0

    def get_queryset(self, request):
        return membership_list(user=request.user).select_related("user")


@admin.register(Enterprise)
class EnterpriseAdmin(
    EnterpriseImportExportMixin, HistoryReadOnlyMixin, DeskAdminMixin, SimpleHistoryAdmin
):
    list_display = [
        "name",
        "unified_social_credit_code",
        "region",
        "industry",
        "above_designated_size",
    ]
    # Choices from the small region and industry tables, not SELECT DISTINCT over
    # every enterprise on each page view.
    list_filter = ["region", "above_designated_size", "industry"]
    list_select_related = ["region", "industry"]
    search_fields = ["name", "name_en", "unified_social_credit_code", "legal_representative"]
    search_help_text = gettext_lazy("Legal or English name, credit code, legal representative.")
    autocomplete_fields = ["region", "industry"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    list_per_page = 50
    inlines = [MembershipInline]
    readonly_fields = ["application_link", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "name_en",
                    "unified_social_credit_code",
                    "region",
                    "industry",
                    "above_designated_size",
                ]
            },
        ),
        (
            gettext_lazy("Contact"),
            {
                "fields": [
                    "address",
                    "legal_representative",
                    "contact_name",
                    "contact_phone",
                    "contact_email",
                ]
            },
        ),
        (
            gettext_lazy("Record"),
            {"fields": ["description", "source", "application_link", "created_at", "updated_at"]},
        ),
    ]

    def scoped_queryset(self, request):
        return enterprise_list(user=request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "use_desk")
        return access.can_view_enterprise(request.user, obj)

    def has_add_permission(self, request):
        return access.may(request.user, "edit_enterprises")

    def has_change_permission(self, request, obj=None):
        return access.may(request.user, "edit_enterprises")

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return access.may(request.user, "edit_enterprises")
        return access.can_delete_enterprise(request.user, obj)

    def delete_refused_message(self, request, obj):
        return _("“%(enterprise)s” has applications on record and cannot be deleted.") % {
            "enterprise": obj
        }

    @admin.display(description=gettext_lazy("applications"))
    def application_link(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse(f"{self.admin_site.name}:programmes_application_changelist")
        return format_html(
            '<a href="{}?enterprise__id__exact={}">{}</a>',
            url,
            obj.pk,
            _("Applications of this enterprise"),
        )


@admin.register(Membership)
class MembershipAdmin(StaffOnlyMixin, DeskAdminMixin, admin.ModelAdmin):
    list_display = ["enterprise", "user", "role", "status", "created_at"]
    list_filter = ["status", "role"]
    list_select_related = ["enterprise", "user"]
    search_fields = ["enterprise__name", "user__username", "user__email", "user__last_name"]
    autocomplete_fields = ["enterprise"]
    raw_id_fields = ["user"]

    def scoped_queryset(self, request):
        return membership_list(user=request.user)


@admin.register(Jurisdiction)
class JurisdictionAdmin(StaffOnlyMixin, DeskAdminMixin, admin.ModelAdmin):
    list_display = ["user", "region"]
    list_filter = [("region", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "region"]
    search_fields = ["user__username", "user__last_name", "region__name", "region__code"]
    autocomplete_fields = ["region"]

    def scoped_queryset(self, request):
        return jurisdiction_list(user=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Only county officers have jurisdictions; they are few.
            kwargs["queryset"] = access.county_officers()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- API tokens ---------------------------------------------------------------------------


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = TokenProxy
        fields = ["user"]

    def clean_user(self):
        holder = self.cleaned_data["user"]
        if not access.may_issue_token(self.actor, holder):
            raise forms.ValidationError(TOKEN_REFUSED)
        return holder


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ApiTokenAdmin(TokenAdmin):
    """Who holds an API token (never the key), issuing one to a service account, revoking.

    DRF's own admin would let a superuser make a token for any person and show every key;
    here issuing and revoking go through ``enterprises.api.tokens`` and are audited there
    (Django's admin log is not written: it would keep the key as the object's name).
    """

    list_display = ["user", "created"]
    form = ApiTokenForm

    def has_module_permission(self, request):
        return access.may(request.user, "manage_api_tokens")

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, "manage_api_tokens")

    def has_add_permission(self, request):
        return access.may(request.user, "manage_api_tokens")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return access.may(request.user, "manage_api_tokens")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.actor = request.user  # a class made for this request by modelform_factory
        return form

    def save_model(self, request, obj, form, change):
        token = token_issue(user=obj.user, actor=request.user, request=request)
        obj.key, obj.created = token.key, token.created
        obj._state.adding = False

    def delete_model(self, request, obj):
        token_revoke(user=obj.user, actor=request.user, request=request)

    def log_addition(self, request, obj, message):
        return None

    def log_deletion(self, request, obj, object_repr):
        return None

    def log_deletions(self, request, queryset):
        return None
