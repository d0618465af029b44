"""Every desk list's rows link to their change pages exactly as Django's own row links
do, carrying the list's filters back, though ``DeskChangeList`` builds them from one
reversal per page instead of a URL resolution per row."""

import types

import pytest
from django.contrib.admin.templatetags.admin_list import results
from django.contrib.admin.views.main import ChangeList
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation

from core.admin import DeskChangeList
from tests import factories
from tests.scale.conftest import DESK_ADMINS

pytestmark = pytest.mark.django_db


def changelist(model_admin, user, query):
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    request = RequestFactory().get(url, query)
    request.user = user
    # As the URL resolver leaves it: the list's filters are kept only on the list's own URL.
    request.resolver_match = resolve(url)
    cl = model_admin.get_changelist_instance(request)
    cl.formset = None
    return cl


def as_django_writes_it(cl):
    """The same list's rows with Django's own row links."""
    stock = cl.__class__.__new__(cl.__class__)
    stock.__dict__.update(cl.__dict__)
    stock.preserved_filters = cl.row_link_query
    stock.url_for_result = types.MethodType(ChangeList.url_for_result, stock)
    return [[str(cell) for cell in row] for row in results(stock)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("model", "model_admin"),
    DESK_ADMINS,
    ids=[model._meta.label for model, _ in DESK_ADMINS],
)
def test_desk_row_links_are_djangos(records, model, model_admin, language):
    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    assert isinstance(model_admin.get_changelist(None), type) and issubclass(
        model_admin.get_changelist(None), DeskChangeList
    )
    with translation.override(language):
        shown = []
        for query in ({}, {"o": "-1"}, {"q": "a", "o": "2"}):
            cl = changelist(model_admin, superuser, query)
            rows = [[str(cell) for cell in row] for row in results(cl)]

            assert rows == as_django_writes_it(cl)
            assert ("_changelist_filters" in "".join(map("".join, rows))) == bool(query and rows)
            shown.append(len(rows))
    assert shown[0] == shown[1] > 0, "every list has rows to compare"
