"""Filters of the document list: kind, year, call (by code), application, in force."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.api import IntegerFilter, year_filter
from programmes.models import Call

from ..models import Document, Kind


class DocumentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    year = year_filter("year", help_text=_("Year of the number (1900–2100)."))
    call = django_filters.ModelChoiceFilter(
        field_name="call",
        queryset=Call.objects.all(),
        to_field_name="code",
        help_text=_("Call code."),
    )
    application = IntegerFilter(field_name="application_id", help_text=_("Application id."))
    in_force = django_filters.BooleanFilter(
        field_name="superseded_by",
        lookup_expr="isnull",
        help_text=_("Documents no correction has superseded (true) or superseded ones (false)."),
    )

    class Meta:
        model = Document
        fields = ["kind", "year", "call", "application", "in_force"]
