"""Regions, industries, enterprises, memberships and officers' jurisdictions in admin.

Rows come from the scoped lists of ``enterprises.access`` and permissions from its
functions, on the desk's base classes (``core.admin``).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core import admin as core_admin
from core.admin import HistoryReadOnlyMixin, ServiceAddForm, ServiceAddMixin, TreeListFilter
from core.paginators import EstimatedCountPaginator
from core.sheets.admin import SheetImportExportMixin

from . import access
from .access import (
    enterprise_list,
    jurisdiction_list,
    membership_list,
    reference_list,
    token_list,
)
from .models import ApiToken, Enterprise, Industry, Jurisdiction, Membership, Region
from .resources import EnterpriseResource
from .tokens import token_issue, token_revoke


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


class RegionTreeFilter(TreeListFilter):
    title = gettext_lazy("region")
    field_name = "region"


class IndustryTreeFilter(TreeListFilter):
    title = gettext_lazy("industry")
    field_name = "industry"


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
    list_filter = [RegionTreeFilter, "above_designated_size", IndustryTreeFilter]
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


class TokenExpiredFilter(admin.SimpleListFilter):
    title = gettext_lazy("expired")
    parameter_name = "expired"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(expiry__lte=now)
        if self.value() == "no":
            return queryset.filter(expiry__gt=now)
        return queryset


class ApiTokenForm(ServiceAddForm):
    def _get_validation_exclusions(self):
        # A new token under a name the holder already uses replaces the old one: the
        # one-per-name constraint is for the service to keep, after it has done so.
        return {*super()._get_validation_exclusions(), "name"}


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceAddMixin, DeskAdminMixin, admin.ModelAdmin):
    """API tokens: whose, what for, until when — never the key, which is not stored.

    Issuing and revoking go through ``enterprises.tokens`` (who may issue to whom, the
    audit entry); the key is shown once, on the page that answers the issue.
    """

    list_display = ["user", "name", "key_prefix", "created", "expiry", "expired"]
    list_filter = [TokenExpiredFilter, "created"]
    list_select_related = ["user"]
    search_fields = ["user__username", "name", "token_key"]
    raw_id_fields = ["user"]
    add_form = ApiTokenForm

    def scoped_queryset(self, request):
        return token_list(user=request.user)

    def has_module_permission(self, request):
        return access.may(request.user, "manage_api_tokens")

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, "manage_api_tokens")

    def has_add_permission(self, request):
        return access.may(request.user, "manage_api_tokens")

    def has_delete_permission(self, request, obj=None):
        return access.may(request.user, "manage_api_tokens")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name"]
        return ["user", "name", "key_prefix", "created", "expiry", "expired"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    @admin.display(description=gettext_lazy("key prefix"), ordering="token_key")
    def key_prefix(self, obj):
        return f"{obj.token_key}…"

    @admin.display(description=gettext_lazy("expired"), boolean=True)
    def expired(self, obj):
        return obj.expired

    def create_through_service(self, request, data):
        try:
            token, key = token_issue(
                user=data["user"], actor=request.user, name=data["name"], request=request
            )
        except PermissionDenied as refused:
            raise ValidationError({"user": [str(refused)]}) from refused
        token.issued_key = key
        return token

    def response_add(self, request, obj, post_url_continue=None):
        # The key is on this page only: not in a message, which would keep it in a cookie
        # or the session table until shown.
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("API token issued"),
            "token": obj,
            "key": obj.issued_key,
            "changelist_url": reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
            ),
        }
        response = TemplateResponse(request, "admin/enterprises/apitoken/issued.html", context)
        add_never_cache_headers(response)
        return response

    def delete_model(self, request, obj):
        token_revoke(token=obj, actor=request.user, request=request)

    def delete_queryset(self, request, queryset):
        for token in queryset.select_related("user"):
            token_revoke(token=token, actor=request.user, request=request)

    def log_deletions(self, request, queryset):
        # The revocation writes the audit entry; Django's own log keeps its history page.
        return admin.ModelAdmin.log_deletions(self, request, queryset)
