"""FilterSets for regions, industries and enterprises, and the region-tree filter others reuse."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.api import DayFilter, document_filter

from ..forms import IndustryField, RegionField
from ..lookups import ALL_INDUSTRY_LEVELS
from ..models import Enterprise, Industry, Region


class RegionTreeFilter(django_filters.Filter):
    """A region as people write it (code, full or short name; ``RegionIndex.resolve``); a
    city or the province includes every region below it.

    ``field_name`` names the region foreign key of the filtered model
    (``region`` for enterprises, ``region`` — the snapshot at filing — for applications).
    """

    field_class = RegionField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "help_text",
            _(
                "Region: GB/T 2260 code (330483) or name (嘉兴市桐乡市, 桐乡市, 桐乡); a city "
                "includes its counties and zones."
            ),
        )
        super().__init__(*args, suggest=False, pk_only=True, max_length=100, **kwargs)
        document_filter(self, {"type": "string", "maxLength": 100})

    def filter(self, queryset, value):
        if value is None:
            return queryset
        ids = Region(pk=value).self_and_descendant_ids()
        return queryset.filter(**{f"{self.field_name}__in": ids})


class IndustryTreeFilter(django_filters.Filter):
    """An industry as people write it (3061, C3061, its name; ``IndustryIndex.resolve``); a
    section or division includes its groups and classes."""

    field_class = IndustryField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "help_text",
            _(
                "Industry (GB/T 4754-2017): code with or without its section letter (3061, "
                "C3061, C17) or Chinese name; a division includes its classes."
            ),
        )
        super().__init__(
            *args,
            suggest=False,
            pk_only=True,
            levels=ALL_INDUSTRY_LEVELS,
            max_length=100,
            **kwargs,
        )
        document_filter(self, {"type": "string", "maxLength": 100})

    def filter(self, queryset, value):
        if value is None:
            return queryset
        ids = Industry(pk=value).self_and_descendant_ids()
        return queryset.filter(**{f"{self.field_name}__in": ids})


class RegionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Region.Level.choices)
    parent = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="code",
        help_text=_("Code of the parent region: the direct children only."),
    )
    within = RegionTreeFilter(
        field_name="pk", help_text=_("Code of a region: it and everything below it.")
    )

    class Meta:
        model = Region
        fields = ["level", "parent", "within"]


class IndustryFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Industry.Level.choices)
    parent = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.all(),
        to_field_name="code",
        help_text=_("Code of the parent category: the direct children only."),
    )
    within = IndustryTreeFilter(
        field_name="pk", help_text=_("Code of a category: it and everything below it.")
    )

    class Meta:
        model = Industry
        fields = ["level", "parent", "within"]


class EnterpriseFilter(django_filters.FilterSet):
    region = RegionTreeFilter(field_name="region")
    industry = IndustryTreeFilter(field_name="industry")
    above_designated_size = django_filters.BooleanFilter()
    created_after = DayFilter(field_name="created_at", lookup_expr="gte")
    created_before = DayFilter(field_name="created_at", lookup_expr="lte")

    class Meta:
        model = Enterprise
        fields = ["region", "industry", "above_designated_size"]
