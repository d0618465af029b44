"""The admin's application list fits a 1280 × 800 screen for staff and county officers,
in both languages: the status, call and region of every row are on screen, a long title
ends in an ellipsis with the whole of it in its ``title``, and nothing scrolls sideways."""

import pytest

from enterprises.models import Region
from programmes.workflow import Status
from tests import factories
from tests.browser.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIEWPORT = {"width": 1280, "height": 800}
LONG_TITLE = (
    "Digitising the production, supply and sales of high-end Chinese-style silk apparel "
    "through an intelligent supply chain"
)


@pytest.fixture
def people(role_groups):
    """Staff, and an officer of the county where three long-named applications were filed."""
    city = Region.objects.create(code="330400", name="嘉兴市", level="city")
    county = Region.objects.create(code="330483", name="桐乡市", level="county", parent=city)
    enterprise = factories.EnterpriseFactory(
        name="Jiaxing Jinsanta Silk Garments and Intelligent Manufacturing Co., Ltd.",
        region=county,
    )
    call = factories.CallFactory(
        title="2026 cocoon-and-silk projects (central foreign trade development funds) — Jiaxing"
    )
    for title in (LONG_TITLE, "功能性蚕丝产品研发与产业化及数字化供应链系统建设项目", "R&D"):
        factories.ApplicationFactory(
            enterprise=enterprise, call=call, title=title, status=Status.SUBMITTED
        )
    return {
        "staff": factories.staff_user(username="columns-staff", password=PASSWORD),
        "officer": factories.county_officer(county, username="columns-officer", password=PASSWORD),
    }


def admin_log_in(page, user):
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()


@pytest.mark.parametrize("role", ["staff", "officer"])
@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_status_call_and_region_are_on_screen_at_1280(new_page, shoot, people, role, locale):
    page = new_page(locale=locale, viewport=VIEWPORT)
    admin_log_in(page, people[role])

    page.goto("/admin/programmes/application/")

    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 3
    for column in ("status", "call_cell", "region_cell", "title_cell", "submitted_at"):
        for n in range(3):
            box = rows.nth(n).locator(f"td.field-{column}, th.field-{column}").bounding_box()
            assert box is not None, column
            assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"], (column, box)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]

    # A long title is cut with an ellipsis, not squeezed to a few letters, and is whole in
    # its title; the short one is not cut.
    long_title = page.locator(f'#result_list .desk-clip[title="{LONG_TITLE}"]')
    assert long_title.evaluate("el => el.scrollWidth > el.clientWidth")
    assert long_title.evaluate("el => getComputedStyle(el).textOverflow") == "ellipsis"
    assert long_title.bounding_box()["width"] >= 120  # some fifteen letters, not two
    short_title = page.locator('#result_list .desk-clip[title="R&D"]')
    assert short_title.evaluate("el => el.scrollWidth <= el.clientWidth")

    shoot(page, f"admin-applications-1280-{role}-{locale}")
