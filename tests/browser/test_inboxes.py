"""The README's round from the inboxes only, in Chromium, with the demo logins of
``setup_demo``: each login lands on its inbox, each step starts from an inbox entry and
returns to the inbox, and nobody types an address. Then each login again in 简体中文,
chosen with the language switch on the login page. Screenshots of every inbox, in both
languages, go to ``artifacts/screenshots/inbox-<role>-<language>.png``."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from core.models import Profile
from enterprises.models import Enterprise, Region
from programmes.management.commands import setup_demo
from programmes.models import Call, ScoreCriterion
from programmes.services.workflow import application_move
from programmes.workflow import Status
from tests import factories
from tests.browser.conftest import confirm, language_button, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LOGINS = {
    "applicant": setup_demo.APPLICANT,
    "officer": setup_demo.OFFICER,
    "expert": setup_demo.EXPERT,
    "bureau": setup_demo.BUREAU,
}
TITLE = "Silk-fibroin dressing: first batch 2026"


@pytest.fixture
def demo(role_groups):
    """``make run``'s database: the documented records and the demo logins; and the
    applicant's filing, submitted to the county (README step 1)."""
    call_command("setup_demo", force=True, stdout=io.StringIO())
    enterprise = Enterprise.objects.get(name=setup_demo.DEFAULT_APPLICANT_ENTERPRISE)
    enterprise.region = Region.objects.get(code=setup_demo.DEFAULT_OFFICER_REGION)
    enterprise.save()
    today = timezone.localdate()
    call = Call.objects.open_on(today).order_by("closes_on", "pk").first()
    application = factories.ready_to_file(
        factories.ApplicationFactory(enterprise=enterprise, call=call, title=TITLE)
    )
    applicant = enterprise.memberships.get().user
    application_move(application=application, actor=applicant, move="submit")
    return {"application": application, "call": call}


def sign_in(page, role):
    login = LOGINS[role]
    log_in(page, login.username, login.password)


def sign_out(page):
    with page.expect_navigation():
        page.locator("#logout button").click()


def open_entry(page, section, title):
    with page.expect_navigation():
        page.locator(f"#{section}").get_by_role("link", name=title).first.click()


def test_the_readme_round_from_the_inboxes_in_english_then_each_inbox_in_chinese(
    new_page, shoot, demo, live_server
):
    application = demo["application"]
    page = new_page(locale="en-GB")

    # 2. The county officer: the filing waits in the county's inbox; recommend it.
    sign_in(page, "officer")
    assert page.url == f"{live_server.url}/inbox/"
    assert page.locator("#quotas").is_visible()
    shoot(page, "inbox-officer-en")
    open_entry(page, "county", TITLE)
    page.fill("#id_comment", "Complete; recommended.")
    with page.expect_navigation():
        page.locator("button[value=recommend]").click()
    confirm(page)
    assert page.url == f"{live_server.url}/inbox/"
    assert "No application waits for your recommendation." in page.inner_text("#county")
    assert TITLE in page.inner_text("#recommended + .table-wrap")
    sign_out(page)

    # 3. The bureau: accept it, then assign the expert and start the review.
    sign_in(page, "bureau")
    assert page.url == f"{live_server.url}/inbox/"
    assert "Recommended by the county: accept or return" in page.inner_text("#bureau")
    shoot(page, "inbox-bureau-en")
    open_entry(page, "bureau", TITLE)
    page.select_option("#id_move", "accept")
    with page.expect_navigation():
        page.locator("#workflow button[type=submit]").click()
    confirm(page)
    assert page.url == f"{live_server.url}/inbox/"
    assert "Accepted: assign experts and start the review" in page.inner_text("#bureau")
    open_entry(page, "bureau", TITLE)
    assert f"/desk/calls/{application.call_id}/" in page.url
    page.check(f"input[name=applications][value='{application.pk}']")
    expert = get_user_model().objects.get(username=setup_demo.EXPERT.username)
    page.check(f"input[name=experts][value='{expert.pk}']")
    page.check("input[name=start_review]")
    with page.expect_navigation():
        page.locator("#assign button[type=submit]").click()
    confirm(page)  # starting the review cannot be undone
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    with page.expect_navigation():
        page.get_by_role("link", name="Back to your inbox").click()
    assert page.url == f"{live_server.url}/inbox/"
    sign_out(page)

    # 4. The expert: the review waits with its due date; declare, score, submit.
    sign_in(page, "expert")
    assert page.url == f"{live_server.url}/inbox/"
    assert re.search(r"\d{4}", page.inner_text("#expert tbody td:nth-child(4)"))
    shoot(page, "inbox-expert-en")
    open_entry(page, "expert", TITLE)
    page.check("input[name=declaration][value=no_conflict]")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    confirm(page)
    for criterion in ScoreCriterion.objects.filter(programme=application.call.programme):
        page.fill(f"input[name=criterion_{criterion.pk}]", "85")
    with page.expect_navigation():
        page.locator("button[name=submit]").click()
    confirm(page)
    assert page.url == f"{live_server.url}/inbox/"
    assert "No review waits for you." in page.inner_text("#expert")
    sign_out(page)

    # 5. The bureau: every sheet is in; complete the review, approve, open the notice.
    sign_in(page, "bureau")
    assert "Every score sheet is in: complete the review" in page.inner_text("#bureau")
    for move in ("complete_review", "approve", "open_public_notice"):
        open_entry(page, "bureau", TITLE)
        page.select_option("#id_move", move)
        with page.expect_navigation():
            page.locator("#workflow button[type=submit]").click()
        confirm(page)
        assert page.url == f"{live_server.url}/inbox/"
    application.refresh_from_db()
    assert application.status == Status.IN_PUBLIC_NOTICE
    sign_out(page)

    # The applicant follows it all from the inbox.
    sign_in(page, "applicant")
    assert page.url == f"{live_server.url}/inbox/"
    assert TITLE in page.inner_text("#applicant")
    shoot(page, "inbox-applicant-en")
    sign_out(page)

    # Each login again, in 简体中文 chosen on the login page: the inbox opens in it, and
    # the choice is kept with the person's profile for their notices.
    chinese = new_page(locale="en-GB")
    for role in ("applicant", "officer", "expert", "bureau"):
        chinese.goto("/accounts/login/")
        if role == "applicant":
            with chinese.expect_navigation():
                chinese.click(language_button("zh-hans"))
        # The choice outlives signing out: the next login page is in Chinese already.
        assert chinese.locator("html").get_attribute("lang") == "zh-hans"
        sign_in(chinese, role)
        assert chinese.url == f"{live_server.url}/inbox/"
        assert chinese.locator("h1").inner_text() == "收件箱"
        shoot(chinese, f"inbox-{role}-zh")
        assert Profile.objects.get(user__username=LOGINS[role].username).language == "zh-hans"
        sign_out(chinese)
