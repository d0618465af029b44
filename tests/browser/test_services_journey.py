"""A problem's round in Chromium, by clicking through the pages, one screenshot per step.

An enterprise's member raises a problem in the portal; the county officer, told of it,
finds it among the problems waiting for the bureau and assigns it to a department and an
owner with a due date; the owner, told of the assignment, opens it from the
notifications, starts work, writes down a step taken and resolves it; the enterprise,
told of the resolution, confirms it. Each person signs in at the login page and lands on
the inbox; no address is typed after signing in. Screenshots go to
``artifacts/journeys/services-<step>.png``.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from enterprises.models import Region
from services.models import Problem
from services.workflow import PROBLEM_FLOW
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [
    pytest.mark.browser,
    # Groups come from a data migration; serialised rollback keeps them for later tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

JOURNEYS = Path(settings.BASE_DIR) / "artifacts" / "journeys"
TITLE = "新生产线缺少流动资金"
RESOLUTION = "已对接嘉兴银行，授信200万元"
STEP_TAKEN = "走访企业并联系两家银行"
DUE = date.today() + timedelta(days=30)


@pytest.fixture
def people(role_groups):
    """Nanhu's enterprise with its member, the officer covering Nanhu, and a bureau owner."""
    province = Region.objects.create(code="330000", name="浙江省", level=Region.Level.PROVINCE)
    city = Region.objects.create(
        code="330400", name="嘉兴市", level=Region.Level.CITY, parent=province
    )
    nanhu = Region.objects.create(
        code="330402", name="南湖区", level=Region.Level.DISTRICT, parent=city
    )
    enterprise = factories.EnterpriseFactory(name="嘉兴碳纤新材料有限公司", region=nanhu)
    return {
        "enterprise": enterprise,
        "member": factories.applicant_for(enterprise, username="tanxian-wang"),
        "officer": factories.county_officer(nanhu, username="nanhu-officer"),
        "owner": factories.staff_user(username="bureau-finance-li", first_name="Li"),
    }


def shoot(page, step):
    JOURNEYS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(JOURNEYS / f"services-{step}.png"), full_page=True)


def click(page, locator):
    with page.expect_navigation():
        locator.click()


def flash(page):
    return " ".join(page.locator(".messages").all_inner_texts())


def open_from_notifications(page, text):
    """Open the page of the newest notification that says ``text``."""
    click(page, page.locator("nav.site-nav a", has_text="Notifications"))
    notice = page.locator("li.notice", has_text=text).first
    click(page, notice.locator("button", has_text="Open the page"))


def step_button(page, label):
    return page.locator("form.step-form button", has_text=label)


def test_enterprise_raises_officer_assigns_owner_resolves_enterprise_confirms(new_page, people):
    member, officer, owner = people["member"], people["officer"], people["owner"]

    # --- The enterprise raises the problem from its inbox ------------------------------
    enterprise_page = new_page()
    log_in(enterprise_page, member.username)
    assert enterprise_page.locator("h1", has_text="Inbox").is_visible()
    click(enterprise_page, enterprise_page.locator("#services a", has_text="Raise a problem"))
    enterprise_page.select_option("#id_category", Problem.Category.FINANCING)
    enterprise_page.fill("#id_title", TITLE)
    enterprise_page.fill("#id_description", "订单翻番，新生产线需要约200万元流动资金。")
    shoot(enterprise_page, "01-enterprise-raises")
    click(enterprise_page, enterprise_page.locator("main form button[type=submit]"))
    problem = Problem.objects.get(title=TITLE)
    assert problem.status == Problem.Status.OPEN and problem.raised_by == member
    assert "the county has been told" in flash(enterprise_page)
    shoot(enterprise_page, "02-enterprise-follows")

    # --- The county officer finds it waiting and assigns it -----------------------------
    officer_page = new_page()
    log_in(officer_page, officer.username)
    click(
        officer_page,
        officer_page.locator("#services a", has_text="Problems waiting for the bureau"),
    )
    click(officer_page, officer_page.locator("main table a", has_text=TITLE))
    officer_page.fill("#id_department", "区经信局融资服务科")
    officer_page.select_option("#id_owner", str(owner.pk))
    officer_page.fill("#id_due_on", DUE.isoformat())
    officer_page.fill("#id_comment", "请联系合作银行")
    shoot(officer_page, "03-officer-assigns")
    click(officer_page, officer_page.locator("main form button", has_text="Assign").last)
    assert "The problem is assigned." in flash(officer_page)
    problem.refresh_from_db()
    assert (problem.status, problem.owner, problem.due_on) == (
        Problem.Status.ASSIGNED,
        owner,
        DUE,
    )
    shoot(officer_page, "04-officer-assigned")

    # --- The owner, told of it, starts, writes down a step and resolves -----------------
    owner_page = new_page()
    log_in(owner_page, owner.username)
    open_from_notifications(owner_page, "is assigned to you")
    assert owner_page.locator("h1", has_text=TITLE).is_visible()
    click(owner_page, step_button(owner_page, "Start work"))
    owner_page.fill("#id_text", STEP_TAKEN)
    click(owner_page, owner_page.locator("main form button", has_text="Record the step"))
    assert STEP_TAKEN in owner_page.locator("main").inner_text()
    owner_page.fill("#comment-resolve", RESOLUTION)
    shoot(owner_page, "05-owner-resolves")
    click(owner_page, step_button(owner_page, "Resolve"))
    problem.refresh_from_db()
    assert (problem.status, problem.resolution) == (Problem.Status.RESOLVED, RESOLUTION)
    shoot(owner_page, "06-owner-resolved")

    # --- The enterprise, told of the resolution, confirms it ----------------------------
    enterprise_page.reload()
    click(enterprise_page, enterprise_page.locator("nav.site-nav a", has_text="Inbox"))
    open_from_notifications(enterprise_page, "now “resolved”")
    assert RESOLUTION in enterprise_page.locator("main").inner_text()
    shoot(enterprise_page, "07-enterprise-reads-resolution")
    click(enterprise_page, step_button(enterprise_page, "Confirm the resolution"))
    problem.refresh_from_db()
    assert problem.status == Problem.Status.CONFIRMED
    assert problem.confirmed_on == date.today()
    main = enterprise_page.locator("main").inner_text()
    assert "confirmed" in main
    assert step_button(enterprise_page, "Confirm the resolution").count() == 0
    # The timeline names each step and status in words.
    assert "Start work: assigned → in progress" in main
    shoot(enterprise_page, "08-enterprise-confirmed")

    steps = [(event.step, event.actor) for event in PROBLEM_FLOW.timeline(problem)]
    assert steps == [
        ("assign", officer),
        ("start", owner),
        ("resolve", owner),
        ("confirm", member),
    ]
