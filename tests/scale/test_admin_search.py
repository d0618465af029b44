"""Every desk list's search (``DeskAdminMixin.get_search_results``, one subquery per
table) finds exactly the rows Django's own search finds, for terms taken from the rows
themselves: parts of two characters and of four, whole values, two terms at once."""

import pytest
from django.contrib.admin.options import ModelAdmin
from django.core.exceptions import ObjectDoesNotExist
from django.test import RequestFactory

from core.search import searchable
from tests import factories
from tests.scale.conftest import DESK_ADMINS

pytestmark = pytest.mark.django_db

SEARCHED = [(model, model_admin) for model, model_admin in DESK_ADMINS if model_admin.search_fields]


def value_at(row, path):
    """The value a search path names on ``row`` (None where a relation is empty)."""
    for name in path.split("__"):
        try:
            row = getattr(row, name)
        except ObjectDoesNotExist:  # an application without a detail of this kind
            return None
        if row is None:
            return None
    return row


def terms_from(rows, fields):
    terms = {"无此记录zz"}
    for row in rows:
        for path in fields:
            value = value_at(row, path)
            if not isinstance(value, str) or len(value.strip()) < 2:
                continue
            value = value.strip()
            terms |= {value[:2], value[1:5], value, value.upper()}
    words = sorted(terms)
    if len(words) > 1:
        terms.add(f"{words[0]} {words[-1]}")
    return sorted(terms)


def pks(queryset):
    return sorted(queryset.values_list("pk", flat=True))


def test_every_desk_list_is_searched_through_subqueries():
    assert len(SEARCHED) >= 15
    assert all(searchable(model, model_admin.search_fields) for model, model_admin in SEARCHED)


@pytest.mark.parametrize(
    ("model", "model_admin"),
    SEARCHED,
    ids=[model._meta.label for model, _ in SEARCHED],
)
def test_desk_search_finds_djangos_rows(records, model, model_admin):
    request = RequestFactory().get("/")
    request.user = factories.UserFactory(is_staff=True, is_superuser=True)
    queryset = model_admin.get_queryset(request)
    rows = list(queryset[:3])
    assert rows, "every list has rows to search"
    found_something = False

    for term in terms_from(rows, model_admin.search_fields):
        ours, duplicates = model_admin.get_search_results(request, queryset, term)
        stock, _ = ModelAdmin.get_search_results(model_admin, request, queryset, term)

        assert pks(ours) == sorted(set(pks(stock))), term
        assert duplicates is False
        found_something |= bool(pks(ours))
    assert found_something
