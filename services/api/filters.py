"""Filters of the services' lists."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.api import year_filter

from ..models import Event, Platform, Problem, ServiceCase


class RegionCodeFilter(django_filters.CharFilter):
    """A region by its code, with everything below it (a city takes its counties)."""

    def __init__(self, *, path: str, **kwargs):
        self.path = path
        super().__init__(
            help_text=_("Region code (GB/T 2260); a city takes its counties."), **kwargs
        )

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(
            Q(**{f"{self.path}__code": value})
            | Q(**{f"{self.path}__parent__code": value})
            | Q(**{f"{self.path}__parent__parent__code": value})
        )


class ServiceCaseFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ServiceCase.Kind.choices)
    year = year_filter("held_on__year", help_text=_("Year held (1900–2100)."))
    region = RegionCodeFilter(path="enterprise__region")

    class Meta:
        model = ServiceCase
        fields = ["kind", "year", "region"]


class ProblemFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Problem.Status.choices)
    category = django_filters.ChoiceFilter(choices=Problem.Category.choices)
    region = RegionCodeFilter(path="enterprise__region")

    class Meta:
        model = Problem
        fields = ["status", "category", "region"]


class PlatformFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Platform.Kind.choices)
    region = RegionCodeFilter(path="region")

    class Meta:
        model = Platform
        fields = ["kind", "region"]


class EventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices)
    year = year_filter("held_on__year", help_text=_("Year held (1900–2100)."))
    region = RegionCodeFilter(path="region")

    class Meta:
        model = Event
        fields = ["kind", "year", "region"]
