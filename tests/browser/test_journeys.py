"""Each role's day with the keyboard only, in English and in 简体中文.

After the demo records of ``make run`` (``setup_demo``) and one application ready to
file, the four demo logins take the README's round in turn: the applicant files, the
county officer recommends, the bureau accepts and assigns the expert, the expert declares
and scores, the bureau completes the review. Each person starts at the login page, picks
the language with the language switch, signs in and lands on the inbox, and reaches the
step through the inbox's links only; no address is typed after signing in. Every key
press is Tab (to reach), Enter or Space (to activate), arrows (to choose in a list or a
group of radio buttons) or typed text; the mouse is never used. The focused element
always shows the ``:focus-visible`` outline. A confirmation page, where a step asks for
one, is checked by axe-core too.

Screenshots go to ``artifacts/journeys/<role>-<language>-<step>.png``.
"""

import io
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from enterprises.models import Enterprise, Region
from programmes.management.commands import setup_demo
from programmes.models import Application, Call, ScoreCriterion
from programmes.workflow import Status
from tests import factories
from tests.browser.conftest import language_button

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

JOURNEYS = Path(settings.BASE_DIR) / "artifacts" / "journeys"
TITLES = {"en": "Silk-fibroin dressing: first batch", "zh-hans": "丝素蛋白敷料首批次申报"}
INBOX = {"en": "Inbox", "zh-hans": "收件箱"}
BACK_TO_THE_INBOX = {"en": "Back to your inbox", "zh-hans": "返回收件箱"}


@pytest.fixture
def draft(role_groups):
    """``make run``'s records, and a draft of the demo applicant's, ready to file."""
    call_command("setup_demo", force=True, stdout=io.StringIO())
    enterprise = Enterprise.objects.get(name=setup_demo.DEFAULT_APPLICANT_ENTERPRISE)
    enterprise.region = Region.objects.get(code=setup_demo.DEFAULT_OFFICER_REGION)
    enterprise.save()
    call = Call.objects.open_on(timezone.localdate()).order_by("closes_on", "pk").first()

    def make(title):
        return factories.ready_to_file(
            factories.ApplicationFactory(enterprise=enterprise, call=call, title=title)
        )

    return make


class Keyboard:
    """One person at the keyboard of one page: every step is a key press."""

    def __init__(self, page, role, language, live_server):
        self.page, self.role, self.language = page, role, language
        self.base = live_server.url
        self.shots = 0

    def focused(self, locator):
        return locator.evaluate("element => element === document.activeElement")

    def tab_to(self, locator, *, limit=200):
        """Press Tab until ``locator`` has the focus, and check that the focus shows."""
        locator.wait_for()
        for _ in range(limit):
            if self.focused(locator):
                outline = locator.evaluate(
                    "element => element.matches(':focus-visible')"
                    " && getComputedStyle(element).outlineStyle !== 'none'"
                    " && parseFloat(getComputedStyle(element).outlineWidth) >= 2"
                )
                assert outline, f"no visible focus on {locator}"
                return
            self.page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {locator} on {self.page.url}")

    def press(self, locator, key="Enter", *, navigates=True):
        """Tab to ``locator`` and press ``key`` on it."""
        self.tab_to(locator)
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
        else:
            self.page.keyboard.press(key)

    def tick(self, box):
        """Tab to a checkbox and tick it with Space, unless it is ticked already."""
        self.tab_to(box)
        if not box.is_checked():
            self.page.keyboard.press("Space")
        assert box.is_checked()

    def type_into(self, locator, text):
        self.tab_to(locator)
        self.page.keyboard.type(text)

    def choose(self, select, value):
        """Move through a closed list with the arrow keys until ``value`` is chosen."""
        self.tab_to(select)
        values = select.evaluate("element => Array.from(element.options, o => o.value)")
        steps = values.index(value) - values.index(select.input_value())
        key = "ArrowDown" if steps > 0 else "ArrowUp"
        for _ in range(abs(steps)):
            self.page.keyboard.press(key)
        assert select.input_value() == value

    def confirm_if_asked(self):
        """A step that cannot be undone may ask again, naming what follows: confirm it."""
        button = self.page.locator("button[name=confirmed]")
        if button.count():
            self.shoot("confirm")
            violations = [
                violation["id"]
                for violation in Axe().run(self.page).response["violations"]
                if violation["impact"] in {"serious", "critical"}
            ]
            assert not violations, f"{self.page.url}: {violations}"
            self.press(button)

    def shoot(self, step):
        JOURNEYS.mkdir(parents=True, exist_ok=True)
        self.shots += 1
        name = f"{self.role}-{self.language}-{self.shots:02d}-{step}.png"
        self.page.screenshot(path=str(JOURNEYS / name), full_page=True)

    def sign_in(self, login):
        """From the login page: the language switch, then the login form; the inbox opens."""
        page = self.page
        page.goto("/accounts/login/")
        if self.language != "en":
            self.press(page.locator(language_button(self.language)))
            page.wait_for_selector("html[lang='zh-hans']")
        self.type_into(page.locator("#id_username"), login.username)
        self.type_into(page.locator("#id_password"), login.password)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url == f"{self.base}/inbox/"
        assert page.locator("h1").inner_text() == INBOX[self.language]
        self.shoot("inbox")

    def open_entry(self, section, title):
        self.press(self.page.locator(f"#{section}").get_by_role("link", name=title).first)

    def inbox(self):
        """Back to the inbox by the header's link, to see what has arrived since."""
        self.press(self.page.locator("header nav").get_by_role("link", name=INBOX[self.language]))
        self.back_at_the_inbox()

    def back_at_the_inbox(self):
        assert self.page.url == f"{self.base}/inbox/", self.page.url

    def sign_out(self):
        self.press(self.page.locator("#logout button"))


@pytest.fixture
def person(new_page, live_server):
    def at_the_keyboard(role, language):
        return Keyboard(new_page(locale="en-GB"), role, language, live_server)

    return at_the_keyboard


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_role_does_its_step_from_the_inbox_with_the_keyboard_only(person, draft, language):
    title = TITLES[language]
    application = draft(title)
    criteria = ScoreCriterion.objects.filter(programme=application.call.programme)

    # The applicant: the draft waits in the inbox; file it with the county.
    applicant = person("applicant", language)
    applicant.sign_in(setup_demo.APPLICANT)
    applicant.open_entry("applicant", title)
    applicant.shoot("application")
    applicant.press(
        applicant.page.locator("form:has(input[name=action][value=submit]) button[type=submit]")
    )
    applicant.confirm_if_asked()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    applicant.shoot("filed")

    # The county officer: recommend it, with a comment.
    officer = person("officer", language)
    officer.sign_in(setup_demo.OFFICER)
    officer.open_entry("county", title)
    officer.shoot("application")
    officer.type_into(officer.page.locator("#id_comment"), "Complete; recommended.")
    officer.press(officer.page.locator("button[value=recommend]"))
    officer.confirm_if_asked()
    officer.back_at_the_inbox()
    officer.shoot("recommended")
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED

    # The bureau: accept it; then, from the inbox again, assign the expert and start.
    bureau = person("bureau", language)
    bureau.sign_in(setup_demo.BUREAU)
    bureau.open_entry("bureau", title)
    bureau.choose(bureau.page.locator("#id_move"), "accept")
    bureau.shoot("accept")
    bureau.press(bureau.page.locator("#workflow button[type=submit]"))
    bureau.confirm_if_asked()
    bureau.back_at_the_inbox()
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    bureau.open_entry("bureau", title)
    page = bureau.page
    bureau.tick(page.locator(f"input[name=applications][value='{application.pk}']"))
    expert = get_user_model().objects.get(username=setup_demo.EXPERT.username)
    expert_box = page.locator(f"input[name=experts][value='{expert.pk}']")
    bureau.tick(expert_box)
    bureau.tick(page.locator("input[name=start_review]"))
    bureau.shoot("assign")
    bureau.press(page.locator("#assign button[type=submit]"))
    bureau.confirm_if_asked()
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    bureau.press(page.locator("main").get_by_role("link", name=BACK_TO_THE_INBOX[language]).first)
    bureau.back_at_the_inbox()

    # The expert: declare no conflict, score every criterion, submit the sheet.
    reviewer = person("expert", language)
    reviewer.sign_in(setup_demo.EXPERT)
    reviewer.open_entry("expert", title)
    page = reviewer.page
    radio = page.locator("input[name=declaration][value=no_conflict]")
    reviewer.tab_to(page.locator("input[name=declaration]:checked, input[name=declaration]").first)
    for _ in range(5):
        if radio.is_checked():
            break
        page.keyboard.press("ArrowDown")
    assert radio.is_checked()
    reviewer.shoot("declaration")
    reviewer.press(page.locator("main form button[type=submit]"))
    reviewer.confirm_if_asked()
    for criterion in criteria:
        reviewer.type_into(page.locator(f"input[name=criterion_{criterion.pk}]"), "85")
    reviewer.shoot("score-sheet")
    reviewer.press(page.locator("button[name=submit]"))
    reviewer.confirm_if_asked()
    reviewer.back_at_the_inbox()
    reviewer.shoot("scored")
    assignment = application.assignments.get()
    assert assignment.submitted_at is not None

    # The bureau: every sheet is in; complete the review from the inbox.
    bureau.inbox()
    bureau.open_entry("bureau", title)
    bureau.choose(bureau.page.locator("#id_move"), "complete_review")
    bureau.press(bureau.page.locator("#workflow button[type=submit]"))
    bureau.confirm_if_asked()
    bureau.back_at_the_inbox()
    bureau.shoot("reviewed")
    application.refresh_from_db()
    assert application.status == Status.REVIEWED

    # The applicant sees where it stands, and signs out.
    applicant.inbox()
    assert title in applicant.page.inner_text("main")
    applicant.sign_out()
    assert Application.objects.filter(pk=application.pk, status=Status.REVIEWED).exists()
