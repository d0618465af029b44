"""The keyboard's way in: the first Tab on a page reaches a link that skips to the main
content, shown while it has the focus; following it, the next Tab lands inside the main
content, past the header's links. The same in the admin. Whatever has the keyboard's
focus is outlined (``:focus-visible``). Each role's own step with the keyboard only is in
``test_journeys.py``."""

import io

import pytest
from django.core.management import call_command

from programmes.management.commands import setup_demo
from tests.browser.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOWS_FOCUS = (
    "element => element.matches(':focus-visible')"
    " && getComputedStyle(element).outlineStyle !== 'none'"
    " && parseFloat(getComputedStyle(element).outlineWidth) >= 2"
)


def active(page, script):
    return page.evaluate(f"() => ({script})(document.activeElement)")


def skip_to_main(page, *, link, target):
    """Tab once: the skip link has the focus and is on screen; Enter: the next Tab is
    inside ``target``."""
    page.keyboard.press("Tab")
    assert active(page, f"element => element.matches({link!r})")
    box = page.locator(link).bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["width"] > 1, "the skip link stays hidden"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert active(page, f"element => !!element.closest({target!r})"), page.evaluate(
        "() => document.activeElement.outerHTML.slice(0, 200)"
    )


@pytest.fixture
def demo(role_groups):
    call_command("setup_demo", force=True, stdout=io.StringIO())


def test_the_first_tab_skips_to_the_main_content_and_the_focus_shows(new_page, demo):
    page = new_page()
    log_in(page, setup_demo.BUREAU.username, setup_demo.BUREAU.password)
    # The inbox: a header of a dozen links before the content.
    page.reload()
    skip_to_main(page, link="a.skip-link", target="main#main")
    assert active(page, SHOWS_FOCUS)

    # Without the skip link the header's links come first, each outlined in turn.
    page.reload()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert active(page, "element => !!element.closest('header')")
    assert active(page, SHOWS_FOCUS)

    # The admin's own skip link, to its content.
    page.goto("/admin/programmes/application/")
    skip_to_main(page, link="a.skip-to-content-link", target="#content-start, #content")


def test_anonymous_pages_skip_to_the_main_content_too(new_page, demo):
    page = new_page()
    for path in ("/", "/calls/", "/results/"):
        page.goto(path)
        skip_to_main(page, link="a.skip-link", target="main#main")
        assert active(page, SHOWS_FOCUS), path
    # The login page starts in its first field, inside the main content already.
    page.goto("/accounts/login/")
    assert active(page, "element => element.id === 'id_username' && !!element.closest('main')")
