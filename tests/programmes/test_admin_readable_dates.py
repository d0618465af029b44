"""One date format per language across the admin: 2027-02-02 09:05 in English and
2027年2月2日 09:05 in Chinese, and date fields that read the date as either shows it."""

import re
from datetime import date, datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

from programmes.models import Application, ApplicationEvent
from programmes.services import application_move
from programmes.workflow import Status
from tests import factories
from tests.programmes.test_admin_readable import APPLICATIONS, change_url, history_url, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def recommended(enterprise, officer):
    """A recommended application: its page shows the times it was filed and moved."""
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.SUBMITTED)
    application_move(application=application, actor=officer, move="recommend")
    return application


DATE_SHAPES = {
    "iso": r"\b\d{4}-\d{2}-\d{2}\b",
    "chinese": r"\d{4}年\d{1,2}月\d{1,2}日",
    "month name": r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}, \d{4}",
    "slashes": r"\b\d{1,2}/\d{1,2}/\d{4}\b",
}


def date_shapes(html):
    """The kinds of date the page's text shows (tags, addresses and scripts left out)."""
    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)
    return {name for name, shape in DATE_SHAPES.items() if re.search(shape, text)}


@pytest.mark.parametrize(
    ("language", "shape", "written"),
    [("en", "iso", "2027-02-02 09:05"), ("zh-hans", "chinese", "2027年2月2日 09:05")],
)
def test_each_admin_page_shows_dates_one_way_in_each_language(
    client, staff, recommended, language, shape, written
):
    moment = timezone.make_aware(datetime(2027, 2, 2, 9, 5))
    ApplicationEvent.objects.filter(application=recommended).update(at=moment)
    Application.objects.filter(pk=recommended.pk).update(submitted_at=moment)
    client.force_login(staff)

    for url in (
        APPLICATIONS,
        change_url(recommended),
        history_url(recommended),
        reverse("admin:programmes_applicationevent_changelist"),
        reverse("admin:core_auditentry_changelist"),
    ):
        html = page(client, url, language)
        assert date_shapes(html) == {shape}, url
    assert written in page(client, change_url(recommended), language)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_date_fields_accept_the_date_as_either_language_shows_it(language):
    with translation.override(language):
        for written in ("2027-02-02", "2027年2月2日", "2027年02月02日"):
            assert forms.DateField().clean(written) == date(2027, 2, 2)
        moment = forms.DateTimeField().clean("2027年2月2日 14:30")
        assert timezone.localtime(moment).replace(tzinfo=None) == datetime(2027, 2, 2, 14, 30)
