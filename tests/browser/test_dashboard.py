"""The dashboard in a real browser, in English and in Chinese, with screenshots to look at."""

from pathlib import Path

import pytest
from django.conf import settings

from tests import factories
from tests.browser.conftest import language_button
from tests.dashboard.conftest import dataset  # noqa: F401 — the figures to draw

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    # Groups come from a data migration; serialised rollback keeps them for later tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def signed_in_page(live_server, client, dataset, monkeypatch):  # noqa: F811
    # Playwright's sync API runs an event loop in this thread; the ORM calls are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    staff = factories.staff_user(username="browser-staff")
    client.force_login(staff)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
        context.add_cookies(
            [
                {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
            ]
        )
        page = context.new_page()
        yield page
        context.close()
        browser.close()


def test_dashboard_renders_charts_in_english_and_chinese(live_server, signed_in_page):
    page = signed_in_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/dashboard/?year=2023")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Statistics"
    assert page.locator("svg.chart[role=img]").count() >= 8
    assert page.get_by_text("15 announced / 3 recorded").is_visible()
    # Bars have a size: the SVG was laid out, not just sent.
    box = page.locator("#chart-programme rect").first.bounding_box()
    assert box and box["width"] > 10
    page.screenshot(path=str(SCREENSHOTS / "dashboard-en.png"), full_page=True)

    # Switch language the way a user does: the selector posts to /i18n/setlang/.
    with page.expect_navigation():
        page.click(language_button("zh-hans"))
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "year=2023" in page.url
    assert page.locator("svg.chart[role=img]").count() >= 8
    assert page.locator("#chart-region text", has_text="嘉兴市").count() >= 1
    # A CJK font is available to draw the Chinese labels (no empty boxes).
    assert page.evaluate("document.fonts.check('13px \"Noto Sans CJK SC\"', '嘉兴市南湖区')")
    page.screenshot(path=str(SCREENSHOTS / "dashboard-zh-hans.png"), full_page=True)
    page.locator("#announced").screenshot(path=str(SCREENSHOTS / "dashboard-zh-hans-announced.png"))
