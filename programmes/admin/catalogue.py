"""Programmes, their reward rules and score sheets, calls and announced figures.

Texts kept in two languages (programmes/translation.py) are edited side by side, one
field per language; lists show the reader's language and search both.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from enterprises.access import reference_list

from .. import access
from ..models import (
    AnnouncedFigure,
    Call,
    EligibilityRule,
    Programme,
    RewardRule,
    ScoreCriterion,
    figure_tier_label,
)
from ..services.catalogue import call_save
from ..translation import language_columns
from .desk import DeskAdminMixin, DeskInlineMixin


class EitherLanguage:
    """A translated text is asked in one language at least, either one (the model's
    ``clean``), where django-modeltranslation's admin would require the first language."""

    def patch_translation_field(self, db_field, field, request, **kwargs):
        super().patch_translation_field(db_field, field, request, **kwargs)
        if hasattr(db_field, "translated_field"):
            field.required = False


class ReferenceDataAdmin(DeskAdminMixin, admin.ModelAdmin):
    """Every desk user reads programmes and calls; bureau staff maintain them."""

    def has_view_permission(self, request, obj=None):
        return access.may(request.user, "view_reference_data")

    def has_add_permission(self, request):
        return access.may(request.user, "manage_reference_data")

    def has_change_permission(self, request, obj=None):
        return access.may(request.user, "manage_reference_data")

    def has_delete_permission(self, request, obj=None):
        return access.may(request.user, "manage_reference_data")


class EditableByStaffInline(DeskInlineMixin):
    def has_view_permission(self, request, obj=None):
        return access.may(request.user, "view_reference_data")

    def has_add_permission(self, request, obj=None):
        return access.may(request.user, "manage_reference_data")

    def has_change_permission(self, request, obj=None):
        return access.may(request.user, "manage_reference_data")

    def has_delete_permission(self, request, obj=None):
        return access.may(request.user, "manage_reference_data")


class RewardRuleInline(EitherLanguage, EditableByStaffInline, TranslationTabularInline):
    model = RewardRule
    fields = ["tier", "label", "amount", "policy", "source"]
    extra = 0


class EligibilityRuleInline(EitherLanguage, EditableByStaffInline, TranslationStackedInline):
    """A rule is a check of ``programmes.eligibility`` with the parameters it reads; the
    model's ``clean`` names a missing, unused or out-of-range parameter."""

    model = EligibilityRule
    fields = [
        ("code", "kind", "position", "is_active"),
        "label",
        ("minimum", "maximum"),
        ("percentage", "amount", "years"),
        ("level", "required_level", "document_type"),
        "note",
    ]
    extra = 0


class ScoreCriterionInline(EditableByStaffInline, admin.TabularInline):
    model = ScoreCriterion
    fields = ["position", "name", "weight"]
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(EitherLanguage, ReferenceDataAdmin, TranslationAdmin):
    list_display = ["name", "code", "kind", "level", "authority", "region", "is_active"]
    list_filter = ["kind", "level", "is_active"]
    list_select_related = ["region"]
    search_fields = [*language_columns("name"), "code", *language_columns("authority")]
    autocomplete_fields = ["region"]
    inlines = [RewardRuleInline, EligibilityRuleInline, ScoreCriterionInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "level", "authority", "region"]}),
        (
            _("Rules"),
            {"fields": ["description", "eligibility", "required_documents"]},
        ),
        (_("Public notice"), {"fields": [("notice_period", "notice_unit")]}),
        (_("Origin"), {"fields": ["source", "is_active"]}),
    ]

    def scoped_queryset(self, request):
        return reference_list(Programme, user=request.user)


class AnnouncedFigureInline(EditableByStaffInline, admin.TabularInline):
    model = AnnouncedFigure
    fk_name = "call"
    fields = ["region", "year", "tier", "count", "amount", "rank", "source", "note"]
    autocomplete_fields = ["region"]
    extra = 0


@admin.register(Call)
class CallAdmin(EitherLanguage, ReferenceDataAdmin, TranslationAdmin):
    list_display = [
        "title",
        "programme",
        "year",
        "opens_on",
        "closes_on",
        "budget",
        "announced_on",
        "announced_count",
        "application_count",
    ]
    list_filter = [
        ("programme", admin.RelatedOnlyFieldListFilter),
        "programme__kind",
        "programme__level",
        "year",
    ]
    list_select_related = ["programme"]
    search_fields = [
        *language_columns("title"),
        "code",
        *language_columns("programme__name"),
        "programme__code",
    ]
    autocomplete_fields = ["programme"]
    inlines = [AnnouncedFigureInline]
    fieldsets = [
        (None, {"fields": ["programme", "code", "title", "year"]}),
        (
            _("Round"),
            {
                "fields": [
                    "opens_on",
                    "closes_on",
                    "budget",
                    "recommendation_quota",
                    "public_notice_days",
                ]
            },
        ),
        (
            _("Results"),
            {"fields": ["announced_on", "announced_count", "announced_amount", "announcement"]},
        ),
        (_("Origin"), {"fields": ["source"]}),
    ]

    def save_model(self, request, obj, form, change):
        call_save(call=obj)

    def scoped_queryset(self, request):
        queryset = reference_list(Call, user=request.user)
        if access.may(request.user, "manage_reference_data"):
            queryset = queryset.annotate(_application_count=Count("applications"))
        return queryset

    def get_list_display(self, request):
        # The count covers every county's applications: the bureau's figure only.
        if access.may(request.user, "manage_reference_data"):
            return self.list_display
        return [name for name in self.list_display if name != "application_count"]

    @admin.display(description=_("applications"), ordering="_application_count")
    def application_count(self, obj):
        return obj._application_count

    def save_formset(self, request, form, formset, change):
        if formset.model is not AnnouncedFigure:
            return super().save_formset(request, form, formset, change)
        # A figure announced for a call belongs to the call's programme.
        for figure in formset.save(commit=False):
            figure.programme = form.instance.programme
            figure.save()
        for figure in formset.deleted_objects:
            figure.delete()
        return None


@admin.register(AnnouncedFigure)
class AnnouncedFigureAdmin(ReferenceDataAdmin):
    list_display = ["programme", "year", "region", "tier_name", "count", "amount", "rank", "call"]
    list_filter = [
        ("programme", admin.RelatedOnlyFieldListFilter),
        "year",
        ("region", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["programme", "region", "call"]
    search_fields = [*language_columns("programme__name"), "tier", "note", "source"]
    autocomplete_fields = ["programme", "call", "region"]

    @admin.display(description=_("level or tier"), ordering="tier")
    def tier_name(self, obj):
        return figure_tier_label(obj.tier)

    def scoped_queryset(self, request):
        return reference_list(AnnouncedFigure, user=request.user)
