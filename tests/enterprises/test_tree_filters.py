"""The enterprise list's region and industry filters over the complete reference tables:
a few links down the tree, never the hundreds of rows of GB/T 2260 or GB/T 4754."""

import re

import pytest
from django.core.management import call_command
from django.db import transaction

from enterprises.models import Industry, Region
from tests import factories

URL = "/admin/enterprises/enterprise/"


@pytest.fixture(scope="module")
def reference_db(django_db_setup, django_db_blocker):
    """The complete tables, loaded once for the module inside a transaction rolled back
    afterwards (each test's own transaction is a savepoint within it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "fixtures/01_regions.json", "fixtures/02_industries.json")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def firms(reference_db, db):
    def firm(name, region, industry):
        return factories.EnterpriseFactory(
            name=name,
            region=Region.objects.get(code=region),
            industry=Industry.objects.get(code=industry),
        )

    return {
        "tongxiang": firm("桐乡丝绸", "330483", "1741"),  # Jiaxing, silk weaving
        "jiaxing": firm("嘉兴新材", "330400", "3061"),  # the city itself, glass fibre
        "ningbo": firm("宁波纺织", "330225", "1752"),  # Xiangshan, Ningbo
    }


def filter_links(response, title):
    """The labels of one list filter's links (the filter titled ``title``), "All" left out."""
    html = response.content.decode()
    block = html.split(f'data-filter-title="{title}"', 1)[1].split("</details>", 1)[0]
    labels = re.findall(r"<a [^>]*>([^<]+)</a>", block)
    return [label.strip() for label in labels if label.strip() != "All"]


def listed(response):
    return {firm.name for firm in response.context["cl"].result_list}


def test_the_region_filter_starts_at_the_province_and_lists_a_few_links(client, staff, firms):
    client.force_login(staff)

    response = client.get(URL)

    assert response.status_code == 200
    assert filter_links(response, "region") == ["浙江省"]
    assert len(filter_links(response, "industry")) == 20  # the sections, not 1,971 rows


def test_choosing_a_city_lists_its_counties_and_filters_to_everything_below_it(
    client, staff, firms
):
    client.force_login(staff)
    jiaxing = Region.objects.get(code="330400")

    response = client.get(URL, {"region__tree": jiaxing.pk})

    labels = filter_links(response, "region")
    assert labels[:2] == ["浙江省", "嘉兴市"]
    assert "桐乡市" in labels and "象山县" not in labels
    assert len(labels) == 2 + Region.objects.filter(parent=jiaxing).count()
    assert listed(response) == {"桐乡丝绸", "嘉兴新材"}


def test_choosing_a_section_filters_to_every_class_below_it(client, staff, firms):
    client.force_login(staff)
    textiles = Industry.objects.get(code="17")
    manufacturing = Industry.objects.get(code="C")

    assert listed(client.get(URL, {"industry__tree": textiles.pk})) == {"桐乡丝绸", "宁波纺织"}
    assert listed(client.get(URL, {"industry__tree": manufacturing.pk})) == {
        "桐乡丝绸",
        "宁波纺织",
        "嘉兴新材",
    }


def test_an_unknown_or_malformed_choice_lists_nothing_rather_than_failing(client, staff, firms):
    client.force_login(staff)

    assert listed(client.get(URL, {"region__tree": 999_999})) == set()
    malformed = client.get(URL, {"region__tree": "330400"[:3] + "x"})
    # Django's admin answers a bad filter value by going back to the unfiltered list.
    assert malformed.status_code == 302
    assert "e=1" in malformed["Location"]
