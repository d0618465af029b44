"""Browser tests: Playwright's sync API driving Debian's Chromium against the live server.

Chromium cannot be downloaded here (no ``playwright install``); ``.ci/run`` installs
Debian's ``chromium`` and ``fonts-noto-cjk`` when missing. Screenshots go to
``artifacts/screenshots/`` (kept out of git).
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from core import roles

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PASSWORD = "correct-horse-battery"


@pytest.fixture
def role_groups(db):
    """The four role groups. A transactional test's flush may have removed the migration's."""
    return {name: Group.objects.get_or_create(name=name)[0] for name in roles.ALL_ROLES}


@pytest.fixture
def chromium(monkeypatch):
    """A headless Chromium for one test."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium, live_server):
    """Open a page in a fresh browser context (its own cookies): one per person."""
    contexts = []

    def open_page(*, locale="en-GB", viewport=None):
        context = chromium.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport=viewport or {"width": 1200, "height": 900},
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def shoot():
    """Save a full-page screenshot as ``artifacts/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def screenshot(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return screenshot


def log_in(page, identifier, password=PASSWORD):
    """Sign in through the portal's login page."""
    page.goto("/accounts/login/")
    page.fill("#id_username", identifier)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def language_button(code):
    """The header's button that switches the pages to the language ``code``."""
    return f"#language-switch button[value={code}]"


def confirm(page):
    """Answer the page that names the consequence of a step which cannot be undone."""
    assert page.locator("#consequence").is_visible()
    with page.expect_navigation():
        page.locator("button[name=confirmed]").click()
