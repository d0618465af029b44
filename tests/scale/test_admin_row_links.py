"""Every desk list's rows link to their change pages exactly as Django's own row links
do, carrying the list's filters back, though ``DeskChangeList`` builds them from one
reversal per page instead of a URL resolution per row."""

import types
from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import results
from django.contrib.admin.views.main import ChangeList
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation

from programmes.admin.base import DeskAdminMixin, DeskChangeList
from programmes.management.commands.setup_demo import DOCUMENTED_FIXTURES
from programmes.models import (
    AuditEntry,
    Designation,
    Disbursement,
    Evaluation,
    ImportRecord,
    Notification,
    Objection,
    ReminderLog,
)
from tests import factories

pytestmark = pytest.mark.django_db

DESK_ADMINS = sorted(
    (
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, DeskAdminMixin)
    ),
    key=lambda pair: pair[0]._meta.label,
)


@pytest.fixture
def records(enterprise, applicant, officer, staff):
    """The documented records and one row more in every list they leave empty, so that
    each desk list has rows: granted and draft, with empty and filled columns."""
    call_command("loaddata", *DOCUMENTED_FIXTURES, verbosity=0)
    application = factories.ApplicationFactory(enterprise=enterprise, title="  ")
    factories.assign(application, factories.expert_user(username="expert-rows"))
    today = date(2026, 3, 1)
    Disbursement.objects.create(
        application=application, amount=Decimal("1234567.50"), paid_on=today, recorded_by=staff
    )
    designation = Designation.objects.first()
    Evaluation.objects.create(
        designation=designation, period="2023–2024", evaluated_on=today, score=Decimal("85")
    )
    ImportRecord.objects.create(user=staff, resource="enterprises", file_name="a.xlsx")
    Notification.objects.create(user=applicant, application=application, message="Read me")
    Objection.objects.create(application=application, name="A", contact="a@b.cn", text="No")
    ReminderLog.objects.create(
        kind=ReminderLog.Kind.choices[0][0],
        object_key="x-1",
        recipient=applicant,
        due_on=today,
        message="Due",
    )
    AuditEntry.objects.create(actor=staff, action=AuditEntry.Action.choices[0][0])
    return application


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
