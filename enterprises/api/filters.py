"""FilterSets for regions, industries and enterprises, and the region-tree filter others reuse."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.api import DayFilter, document_filter

from ..models import Enterprise, Industry, Region


class RegionTreeFilter(django_filters.ModelChoiceFilter):
    """A region by GB/T 2260 code; a city or province includes every region below it.

    ``field_name`` names the region foreign key of the filtered model
    (``region`` for enterprises, ``region`` — the snapshot at filing — for applications).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Region.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault(
            "help_text", _("Region code (GB/T 2260); a city includes its counties and zones.")
        )
        super().__init__(*args, **kwargs)
        document_filter(self, {"type": "string", "maxLength": 12})

    def filter(self, queryset, value):
        if value is None:
            return queryset
        return queryset.filter(**{f"{self.field_name}__in": value.self_and_descendant_ids()})


def industry_and_descendant_ids(industry):
    """A GB/T 4754 category and everything below it (section → division → group → class)."""
    return Industry.objects.filter(
        Q(pk=industry.pk)
        | Q(parent=industry.pk)
        | Q(parent__parent=industry.pk)
        | Q(parent__parent__parent=industry.pk)
    ).values_list("pk", flat=True)


class IndustryTreeFilter(django_filters.ModelChoiceFilter):
    """An industry by GB/T 4754 code; a section or division includes its groups and classes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Industry.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault(
            "help_text", _("Industry code (GB/T 4754); a division includes its classes.")
        )
        super().__init__(*args, **kwargs)
        document_filter(self, {"type": "string", "maxLength": 5})

    def filter(self, queryset, value):
        if value is None:
            return queryset
        return queryset.filter(**{f"{self.field_name}__in": industry_and_descendant_ids(value)})


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
