"""FilterSets for regions, industries and enterprises, and the region-tree filter others reuse."""

from datetime import date, datetime, time, timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from config.api import DateFilter, document_filter

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


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in ``settings.TIME_ZONE``."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


class DayFilter(DateFilter):
    """A date bounding a datetime column by whole days in ``settings.TIME_ZONE``.

    ``lookup_expr="gte"`` keeps rows from the start of the day on, ``"lte"`` rows
    up to the end of the day (``<`` the start of the next). The column is compared
    as it is stored: ``__date`` would wrap it in a time-zone conversion that no
    index can serve (a scan of a million applications per filtered request).
    """

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        if self.lookup_expr == "gte":
            condition = {f"{self.field_name}__gte": start_of_day(value)}
        elif self.lookup_expr == "lte":
            condition = {f"{self.field_name}__lt": start_of_day(value + timedelta(days=1))}
        else:
            raise ValueError(f"DayFilter takes gte or lte, not {self.lookup_expr!r}")
        if self.distinct:
            qs = qs.distinct()
        return self.get_method(qs)(**condition)


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
