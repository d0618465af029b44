"""FilterSets for programmes, calls, applications and designations.

Every numeric or date parameter is bounded (``core.api``): an absurd value
answers 400 with the error shape, never a database error. Programmes, calls and
regions are named by their codes, as the published lists name them.
"""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.api import (
    DateFilter,
    DayFilter,
    IntegerFilter,
    MoneyFilter,
    SearchFilter,
    year_filter,
)
from core.search import search, searchable
from enterprises.api.filters import IndustryTreeFilter, RegionTreeFilter

from ..models import Application, Call, Designation, Kind, Level, Programme
from ..workflow import PUBLIC, Status


def programme_filter(field_name):
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=Programme.objects.all(),
        to_field_name="code",
        help_text=_("Programme code."),
    )


def call_filter(field_name):
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=Call.objects.all(),
        to_field_name="code",
        help_text=_("Call code."),
    )


class ProgrammeFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    level = django_filters.ChoiceFilter(choices=Level.choices)
    region = RegionTreeFilter(field_name="region")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Programme
        fields = ["kind", "level", "region", "is_active"]


class CallFilter(django_filters.FilterSet):
    programme = programme_filter("programme")
    kind = django_filters.ChoiceFilter(field_name="programme__kind", choices=Kind.choices)
    level = django_filters.ChoiceFilter(field_name="programme__level", choices=Level.choices)
    year = year_filter("year", help_text=_("Year of the call (1900–2100)."))
    year_min = year_filter("year", "gte")
    year_max = year_filter("year", "lte")
    opens_after = DateFilter(field_name="opens_on", lookup_expr="gte")
    opens_before = DateFilter(field_name="opens_on", lookup_expr="lte")
    closes_after = DateFilter(field_name="closes_on", lookup_expr="gte")
    closes_before = DateFilter(field_name="closes_on", lookup_expr="lte")
    open_on = DateFilter(
        method="filter_open_on", help_text=_("Calls taking applications on this date.")
    )
    is_open = django_filters.BooleanFilter(
        method="filter_is_open", help_text=_("Calls taking applications today (true) or not.")
    )
    budget_min = MoneyFilter(field_name="budget", lookup_expr="gte")
    budget_max = MoneyFilter(field_name="budget", lookup_expr="lte")

    class Meta:
        model = Call
        fields = ["programme", "kind", "level", "year"]

    def filter_open_on(self, queryset, name, value):
        return queryset.filter(opens_on__lte=value, closes_on__gte=value)

    def filter_is_open(self, queryset, name, value):
        today = timezone.localdate()
        open_today = {"opens_on__lte": today, "closes_on__gte": today}
        return queryset.filter(**open_today) if value else queryset.exclude(**open_today)


class PublicApplicationFilter(django_filters.FilterSet):
    """What anyone may filter published results by: nothing private (no amounts)."""

    programme = programme_filter("programme")
    call = call_filter("call")
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    level = django_filters.ChoiceFilter(field_name="programme__level", choices=Level.choices)
    # distinct=False here and below: a column of the row itself yields no duplicates,
    # and django-filter's default SELECT DISTINCT makes PostgreSQL read and sort every
    # matching row before the first page.
    status = django_filters.MultipleChoiceFilter(
        choices=[(status, label) for status, label in Status.choices if status in PUBLIC],
        distinct=False,
    )
    region = RegionTreeFilter(field_name="region")
    year = year_filter("year", help_text=_("Year of the call (1900–2100)."))
    year_min = year_filter("year", "gte")
    year_max = year_filter("year", "lte")

    class Meta:
        model = Application
        fields = ["programme", "call", "kind", "level", "status", "region", "year"]


class ApplicationFilter(PublicApplicationFilter):
    """Everything a signed-in caller may filter their scope by."""

    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        distinct=False,
        help_text=_("Repeat to ask for several: status=a&status=b."),
    )
    enterprise = IntegerFilter(field_name="enterprise_id", help_text=_("Enterprise id."))
    industry = IndustryTreeFilter(field_name="enterprise__industry")
    source = django_filters.ChoiceFilter(choices=Application._meta.get_field("source").choices)
    submitted_after = DayFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = DayFilter(field_name="submitted_at", lookup_expr="lte")
    decided_after = DayFilter(field_name="decided_at", lookup_expr="gte")
    decided_before = DayFilter(field_name="decided_at", lookup_expr="lte")
    created_after = DayFilter(field_name="created_at", lookup_expr="gte")
    created_before = DayFilter(field_name="created_at", lookup_expr="lte")
    requested_min = MoneyFilter(field_name="requested_amount", lookup_expr="gte")
    requested_max = MoneyFilter(field_name="requested_amount", lookup_expr="lte")
    awarded_min = MoneyFilter(field_name="awarded_amount", lookup_expr="gte")
    awarded_max = MoneyFilter(field_name="awarded_amount", lookup_expr="lte")

    class Meta(PublicApplicationFilter.Meta):
        fields = [*PublicApplicationFilter.Meta.fields, "enterprise", "industry", "source"]


class SubquerySearchFilter(SearchFilter):
    """DRF's ``search`` (the same terms, the same rows), found through one subquery per
    table the search fields lie in (``core.search``) rather than one ``OR`` over a join
    of them all, which no index serves."""

    def filter_queryset(self, request, queryset, view):
        fields = self.get_search_fields(view, request)
        if not searchable(queryset.model, fields or []):  # prefixed fields: DRF's own
            return super().filter_queryset(request, queryset, view)
        terms = self.get_search_terms(request)
        return search(queryset, terms, fields) if terms else queryset


class DesignationFilter(django_filters.FilterSet):
    programme = programme_filter("application__programme")
    level = django_filters.ChoiceFilter(choices=Level.choices)
    region = RegionTreeFilter(field_name="application__region")
    year = year_filter("designated_on__year", help_text=_("Year of designation (1900–2100)."))
    # One application per designation (a one-to-one): the join adds no duplicates.
    status = django_filters.MultipleChoiceFilter(
        field_name="application__status", choices=Status.choices, distinct=False
    )
    valid_on = DateFilter(method="filter_valid_on", help_text=_("Designations valid on this date."))
    valid_until_after = DateFilter(field_name="valid_until", lookup_expr="gte")
    valid_until_before = DateFilter(field_name="valid_until", lookup_expr="lte")
    designated_after = DateFilter(field_name="designated_on", lookup_expr="gte")
    designated_before = DateFilter(field_name="designated_on", lookup_expr="lte")

    class Meta:
        model = Designation
        fields = ["programme", "level", "region", "year", "status"]

    def filter_valid_on(self, queryset, name, value):
        return queryset.filter(valid_from__lte=value, valid_until__gte=value)


class PublicDesignationFilter(DesignationFilter):
    status = None  # every public designation is in a public status already

    class Meta(DesignationFilter.Meta):
        fields = ["programme", "level", "region", "year"]
