"""A funded project after the decision, end to end in Chromium, one screenshot per step.

The bureau grants a silk project on the desk (another amount than the application's, with
its reason) and records the first payment in admin; it puts a progress report and the
final acceptance (验收) on the project's schedule. The applicant writes and submits the
progress report in the portal, then the acceptance with its performance self-assessment;
the bureau accepts both in admin, which issues the acceptance opinion. The bureau orders
the unspent balance back (追回) with its reason, which issues the claw-back notice, and
records the repayment, which settles it. The applicant finds both documents on the
project's page. Every step is a click or typed text on the pages people use.

Screenshots go to ``artifacts/screenshots/aftercare-<nn>-<step>.png``.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from aftercare.models import ClawBack, Obligation
from core.models import FlowEvent
from documents.models import Document, IssuingBody, Kind
from documents.seal import sample_seal_png
from enterprises.models import Region
from programmes.models import Kind as ProgrammeKind
from programmes.models import Level
from programmes.workflow import Status
from tests import factories
from tests.browser.conftest import confirm, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ENTERPRISE = "嘉欣丝绸股份有限公司"
PROJECT = "数字化织造车间改造"


@pytest.fixture
def funded(role_groups):
    """A silk project whose public notice is over, its enterprise's member, the county
    officer and bureau staff, and the bureau as issuing body."""
    city = Region.objects.create(code="330400", name="嘉兴市", level=Region.Level.CITY)
    tongxiang = Region.objects.create(
        code="330483", name="桐乡市", level=Region.Level.COUNTY, parent=city
    )
    enterprise = factories.EnterpriseFactory(name=ENTERPRISE, region=tongxiang)
    programme = factories.ProgrammeFactory(
        code="silk-projects",
        name="茧丝绸项目",
        kind=ProgrammeKind.PROJECT,
        level=Level.NATIONAL,
    )
    application = factories.ApplicationFactory(
        enterprise=enterprise,
        call__programme=programme,
        call__title="2026年茧丝绸项目",
        call__public_notice_days=0,
        status=Status.IN_PUBLIC_NOTICE,
        title=PROJECT,
        requested_amount=Decimal("800000"),
        awarded_amount=Decimal("800000"),
    )
    factories.notice_opened(application, days_ago=1)
    body = IssuingBody(
        name="嘉兴市经济和信息化局",
        header="嘉兴市经济和信息化局文件",
        prefix="嘉经信",
        signature="嘉兴市经济和信息化局",
        is_default=True,
    )
    body.seal.save("seal.png", ContentFile(sample_seal_png(body.name)), save=False)
    body.save()
    return {
        "application": application,
        "applicant": factories.applicant_for(enterprise, email="shen@jiaxin-silk.example.com"),
        "staff": factories.staff_user(username="bureau-staff", email="staff@jxjxj.example.com"),
    }


def flash(page):
    return " ".join(page.locator(".messages, .messagelist").all_inner_texts())


def autocomplete(page, field, text):
    """Choose ``text`` in an admin autocomplete (select2) field by typing and clicking."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    option = page.locator(".select2-results__option", has_text=text).first
    option.wait_for()
    option.click()


def admin_add(page, model, shoot_as, shoot, **fields):
    """Open admin → the model's list → *Add*, fill ``fields`` and save."""
    page.goto("/admin/")
    with page.expect_navigation():
        page.locator(f"a[href='/admin/aftercare/{model}/']").first.click()
    with page.expect_navigation():
        page.locator(".object-tools a.addlink").click()
    for name, value in fields.items():
        if name in ("application", "claw_back"):
            autocomplete(page, name, value)
        elif page.locator(f"select#id_{name}").count():
            page.select_option(f"#id_{name}", value)
        else:
            page.fill(f"#id_{name}", value)
    shoot(page, shoot_as)
    with page.expect_navigation():
        page.locator("input[name=_save]").click()


def admin_step(page, model, pk, step, comment=""):
    """On a record's admin page, make one step of its flow."""
    page.goto(f"/admin/aftercare/{model}/{pk}/change/")
    form = page.locator(f"#step-{step}")
    if comment:
        form.locator("textarea").fill(comment)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_a_funded_project_from_the_grant_to_a_settled_claw_back(new_page, shoot, funded):
    application, applicant, staff = (funded[k] for k in ("application", "applicant", "staff"))
    today = timezone.localdate()

    # --- The bureau grants it on the desk, with another amount and the reason -------------
    desk = new_page()
    log_in(desk, staff.email)
    desk.goto(f"/desk/applications/{application.pk}/")
    desk.select_option("#id_move", "grant")
    desk.fill("#award-amount", "600000")
    desk.fill("#award-reason", "按项目总投资的30%核定。")
    shoot(desk, "aftercare-01-grant-with-award")
    with desk.expect_navigation():
        desk.locator("#workflow button[type=submit]").click()
    assert "600000" in desk.locator("main").inner_text()
    confirm(desk)
    application.refresh_from_db()
    assert application.status == Status.GRANTED, flash(desk)
    assert application.awarded_amount == Decimal("600000")

    # --- ... records the first payment, and schedules the report and the acceptance -------
    desk.goto("/admin/programmes/disbursement/add/")
    autocomplete(desk, "application", PROJECT)
    desk.fill("#id_amount", "400000")
    desk.fill("#id_paid_on", today.isoformat())
    desk.fill("#id_reference", "JXCZ-2026-0153")
    with desk.expect_navigation():
        desk.locator("input[name=_save]").click()
    assert application.disbursements.get().amount == Decimal("400000"), flash(desk)

    for kind, title, days in (
        (Obligation.Kind.PROGRESS_REPORT, "2026年度项目进展报告", 30),
        (Obligation.Kind.ACCEPTANCE, "项目验收", 90),
    ):
        admin_add(
            desk,
            "obligation",
            f"aftercare-02-schedule-{kind}",
            shoot,
            application=PROJECT,
            kind=kind,
            title=title,
            due_on=(today + timedelta(days=days)).isoformat(),
        )
    progress, acceptance = application.obligations.order_by("due_on")
    assert (progress.kind, acceptance.kind) == ("progress_report", "acceptance"), flash(desk)

    # --- The applicant writes and submits the progress report -----------------------------
    portal = new_page()
    log_in(portal, applicant.email)
    portal.goto("/aftercare/")
    shoot(portal, "aftercare-03-applicant-after-the-grant")
    with portal.expect_navigation():
        portal.get_by_role("link", name="2026年度项目进展报告").click()
    portal.fill("#id_report", "新增数字化织机40台，车间联网改造完成60%。")
    with portal.expect_navigation():
        portal.get_by_role("button", name="Submit the report").click()
    assert portal.locator("#obligation-status").inner_text() == "Submitted", flash(portal)
    shoot(portal, "aftercare-04-progress-report-submitted")

    # --- The bureau accepts it ------------------------------------------------------------
    admin_step(desk, "obligation", progress.pk, "accept")
    progress.refresh_from_db()
    assert progress.status == Obligation.Status.ACCEPTED, flash(desk)

    # --- The applicant submits the acceptance with the self-assessment and its score -------
    portal.goto("/aftercare/")
    with portal.expect_navigation():
        portal.get_by_role("link", name="项目验收").click()
    portal.fill("#id_report", "项目已按计划完成，车间联网率100%，产能提高35%。")
    portal.fill("#id_self_assessment", "绩效目标5项全部完成；投资完成率92%。")
    portal.fill("#id_self_score", "92.5")
    shoot(portal, "aftercare-05-acceptance-with-self-assessment")
    with portal.expect_navigation():
        portal.get_by_role("button", name="Submit the report").click()
    acceptance.refresh_from_db()
    assert acceptance.status == Obligation.Status.SUBMITTED, flash(portal)
    assert acceptance.self_score == Decimal("92.5")

    # --- The bureau accepts it: the acceptance opinion is issued ---------------------------
    admin_step(desk, "obligation", acceptance.pk, "accept")
    acceptance.refresh_from_db()
    assert acceptance.status == Obligation.Status.ACCEPTED, flash(desk)
    shoot(desk, "aftercare-06-acceptance-accepted")
    opinion = Document.objects.get(kind=Kind.ACCEPTANCE_OPINION)
    assert opinion.application == application

    # --- The bureau orders the unspent balance back, with the reason -----------------------
    reason = "验收审计确认项目结余资金50,000元，按规定收回。"
    admin_add(
        desk,
        "clawback",
        "aftercare-07-order-claw-back",
        shoot,
        application=PROJECT,
        amount="50000",
        reason=reason,
        ordered_on=today.isoformat(),
        due_on=(today + timedelta(days=30)).isoformat(),
    )
    claw_back = ClawBack.objects.get(application=application)
    assert claw_back.status == ClawBack.Status.ORDERED, flash(desk)
    order = FlowEvent.objects.get(flow="claw_back", step="order")
    assert order.comment == reason
    notice = Document.objects.get(kind=Kind.CLAW_BACK_NOTICE)
    desk.goto(f"/admin/aftercare/clawback/{claw_back.pk}/change/")
    assert "Order the claw-back" in desk.locator("#workflow").inner_text()
    shoot(desk, "aftercare-08-claw-back-ordered")

    # --- A refused repayment names the figures; the whole one settles it -------------------
    admin_add(
        desk,
        "repayment",
        "aftercare-09-repayment-too-much",
        shoot,
        claw_back=PROJECT,
        amount="50000.01",
        paid_on=today.isoformat(),
        reference="退款-0001",
    )
    assert "50,000.00" in desk.locator("main").inner_text()
    assert not claw_back.repayments.exists()
    desk.fill("#id_amount", "50000")
    with desk.expect_navigation():
        desk.locator("input[name=_save]").click()
    claw_back.refresh_from_db()
    assert claw_back.status == ClawBack.Status.SETTLED, flash(desk)
    shoot(desk, "aftercare-10-repaid")

    # --- The applicant finds the money ordered back and both documents --------------------
    portal.goto("/aftercare/")
    owed = portal.locator("#claw-backs").inner_text()
    assert reason in owed and "Repaid in full" in owed
    shoot(portal, "aftercare-11-applicant-claw-back-settled")
    portal.goto(f"/applications/{application.pk}/")
    documents = portal.locator("#official-documents").inner_text()
    assert opinion.number in documents and notice.number in documents
    shoot(portal, "aftercare-12-applicant-documents")
