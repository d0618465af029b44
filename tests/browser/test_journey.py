"""The applicant's journey end to end in Chromium, one screenshot per step.

An applicant signs up, registers an enterprise and files a first-batch new-material
application with a PDF; the county officer recommends it; staff accept it and assign
an expert, who declares no conflict and scores it; staff approve it and open the
public notice; the public sees it and may object; staff grant it once the notice has
ended; the published results list it.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from enterprises.models import Industry, Region
from programmes.models import (
    Application,
    ApplicationEvent,
    Kind,
    Level,
    Objection,
    ProductDetail,
    ProductTier,
    RewardRule,
    ScoreCriterion,
)
from programmes.workflow import Status
from tests import factories
from tests.browser.conftest import PASSWORD, confirm, language_button, log_in

pytestmark = [
    pytest.mark.browser,
    # Groups come from a data migration; serialised rollback keeps them for later tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# A small but real PDF: the upload check reads the content, not just the name.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
CREDIT_CODE = factories.make_credit_code(4242, region_code="330402")
PRODUCT = "高性能碳纤维复合材料"
ENTERPRISE = "嘉兴碳纤新材料有限公司"


@pytest.fixture
def bureau(role_groups):
    """The places, programme, call and people the journey needs before it starts."""
    province = Region.objects.create(code="330000", name="浙江省", level=Region.Level.PROVINCE)
    city = Region.objects.create(
        code="330400", name="嘉兴市", level=Region.Level.CITY, parent=province
    )
    nanhu = Region.objects.create(
        code="330402", name="南湖区", level=Region.Level.DISTRICT, parent=city
    )
    industry = Industry.objects.create(code="C28", name="化学纤维制造业", level="division")
    programme = factories.ProgrammeFactory(
        code="first-batch-new-materials",
        name="浙江省首批次新材料",
        kind=Kind.PRODUCT,
        level=Level.PROVINCIAL,
        required_documents="申请表、第三方检测报告、知识产权证明",
    )
    RewardRule.objects.create(
        programme=programme,
        tier=ProductTier.PROVINCIAL_FIRST,
        label="省内首批次",
        amount=Decimal("500000"),
    )
    criteria = [
        ScoreCriterion.objects.create(
            programme=programme, name="技术先进性", weight=60, position=1
        ),
        ScoreCriterion.objects.create(programme=programme, name="市场前景", weight=40, position=2),
    ]
    today = date.today()
    call = factories.CallFactory(
        programme=programme,
        code="first-batch-2026",
        title="2026年度首批次新材料申报",
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=20),
        recommendation_quota=3,
        public_notice_days=5,
    )
    return {
        "region": nanhu,
        "industry": industry,
        "call": call,
        "criteria": criteria,
        "officer": factories.county_officer(
            nanhu, username="nanhu-officer", email="officer@nanhu.example.com"
        ),
        "staff": factories.staff_user(username="bureau-staff", email="staff@jxjxj.example.com"),
        "expert": factories.expert_user(username="expert-li", email="li@experts.example.com"),
    }


def flash(page):
    """The page's messages, as one string."""
    return " ".join(page.locator(".messages").all_inner_texts())


def workflow_move(page, application, move):
    page.goto(f"/desk/applications/{application.pk}/")
    page.select_option("#id_move", move)
    with page.expect_navigation():
        page.locator("#workflow button[type=submit]").click()
    confirm(page)
    application.refresh_from_db()


def test_applicant_journey_from_sign_up_to_published_result(
    new_page, shoot, bureau, tmp_path, live_server
):
    call, officer, staff, expert = (bureau[k] for k in ("call", "officer", "staff", "expert"))
    pdf = tmp_path / "检测报告.pdf"
    pdf.write_bytes(PDF)

    # --- The applicant signs up and registers the enterprise ----------------------------
    applicant = new_page()
    applicant.goto("/accounts/signup/")
    applicant.fill("#id_email", "wang@tanxian.example.com")
    applicant.fill("#id_mobile", "13905730001")
    applicant.fill("#id_password1", PASSWORD)
    applicant.fill("#id_password2", PASSWORD)
    shoot(applicant, "journey-01-sign-up")
    with applicant.expect_navigation():
        applicant.locator("main form button[type=submit]").click()
    assert applicant.url.endswith("/enterprise/link/")

    applicant.fill("#id_credit_code", CREDIT_CODE)
    with applicant.expect_navigation():
        applicant.locator("main form button[type=submit]").click()
    assert "/enterprise/register/" in applicant.url
    assert applicant.input_value("#id_unified_social_credit_code") == CREDIT_CODE
    applicant.fill("#id_name", ENTERPRISE)
    applicant.fill("#id_region", "嘉兴市南湖区")
    applicant.fill("#id_industry", "C28")
    applicant.fill("#id_address", "浙江省嘉兴市南湖区科技大道1号")
    applicant.fill("#id_legal_representative", "王强")
    applicant.fill("#id_contact_name", "王丽")
    applicant.fill("#id_contact_phone", "0573-82001234")
    applicant.fill("#id_contact_email", "wang@tanxian.example.com")
    shoot(applicant, "journey-02-register-enterprise")
    with applicant.expect_navigation():
        applicant.locator("main form button[type=submit]").first.click()
    assert ENTERPRISE in applicant.content()

    # --- ... and files a first-batch new-material application with a PDF ----------------
    applicant.goto("/calls/")
    assert call.title in applicant.content()
    shoot(applicant, "journey-03-open-calls")
    with applicant.expect_navigation():
        applicant.locator(f"#call-{call.pk} a.button").click()
    applicant.fill("#id_title", "高性能碳纤维复合材料首批次申报")
    applicant.fill("#id_product_name", PRODUCT)
    applicant.select_option("#id_tier", ProductTier.PROVINCIAL_FIRST)
    applicant.fill("#id_technology_readiness_level", "8")
    applicant.fill("#id_key_indicators", "拉伸强度 ≥ 4.9 GPa，国内领先")
    applicant.fill("#id_intellectual_property", "发明专利 ZL2023XXXXXXXX.X")
    applicant.select_option("#id_document_type", "test_report")
    applicant.set_input_files("#id_file", str(pdf))
    shoot(applicant, "journey-04-application-form")
    with applicant.expect_navigation():
        applicant.locator("button[name=action][value=submit]").click()
    confirm(applicant)
    application = Application.objects.get(call=call)
    assert application.status == Status.SUBMITTED, flash(applicant)
    assert application.attachments.get().original_name == "检测报告.pdf"
    shoot(applicant, "journey-05-application-submitted")

    # --- The county officer recommends it ---------------------------------------------
    county = new_page()
    log_in(county, officer.email)
    county.goto("/county/queue/")
    row = county.locator(f"#application-{application.pk}")
    assert ENTERPRISE in row.inner_text()
    assert "0 of 3 used" in county.locator("#quotas").inner_text()
    county.fill(f"#comment-{application.pk}", "材料齐全，同意推荐。")
    shoot(county, "journey-06-county-queue")
    with county.expect_navigation():
        row.locator("button[value=recommend]").click()
    confirm(county)
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED, flash(county)
    shoot(county, "journey-07-county-recommended")

    # --- Staff accept it and assign an expert -------------------------------------------
    desk = new_page()
    log_in(desk, staff.email)
    workflow_move(desk, application, "accept")
    assert application.status == Status.ACCEPTED, flash(desk)
    shoot(desk, "journey-08-staff-accepted")

    desk.goto(f"/desk/calls/{call.pk}/")
    desk.check(f"input[name=applications][value='{application.pk}']")
    desk.check(f"input[name=experts][value='{expert.pk}']")
    with desk.expect_navigation():
        desk.locator("#assign button[type=submit]").click()
    confirm(desk)  # starting the review cannot be undone
    assert "1 pair: 1 newly assigned, 0 refused." in flash(desk)
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    shoot(desk, "journey-09-staff-assigned-expert")

    # --- The expert declares no conflict of interest and scores it -----------------------
    reviewer = new_page()
    log_in(reviewer, expert.email)
    reviewer.goto("/expert/")
    with reviewer.expect_navigation():
        reviewer.get_by_role("link", name=application.title).click()
    # The file (details and documents) is closed before the declaration.
    assert "拉伸强度" not in reviewer.content()
    assert "检测报告.pdf" not in reviewer.content()
    shoot(reviewer, "journey-10-expert-declaration")
    reviewer.check("input[name=declaration][value=no_conflict]")
    with reviewer.expect_navigation():
        reviewer.locator("main form button[type=submit]").click()
    confirm(reviewer)
    assert "拉伸强度" in reviewer.content()
    assert reviewer.get_by_role("link", name="检测报告.pdf", exact=True).is_visible()
    innovation, market = bureau["criteria"]
    reviewer.fill(f"input[name=criterion_{innovation.pk}]", "88")
    reviewer.fill(f"input[name=criterion_{market.pk}]", "79")
    reviewer.fill("#id_comment", "技术指标国内领先，市场前景良好。")
    shoot(reviewer, "journey-11-expert-score-sheet")
    with reviewer.expect_navigation():
        reviewer.locator("button[name=submit]").click()
    confirm(reviewer)
    assignment = application.assignments.get()
    assert assignment.submitted_at is not None, flash(reviewer)
    assert assignment.total_score == Decimal("84.40")  # 88 × 60% + 79 × 40%
    shoot(reviewer, "journey-12-expert-submitted")

    # --- Staff see the ranking, complete the review, approve, open the notice -------------
    desk.goto(f"/desk/calls/{call.pk}/")
    assert "84.40" in desk.locator("#ranking").inner_text()
    shoot(desk, "journey-13-staff-ranking")
    for move, status in (
        ("complete_review", Status.REVIEWED),
        ("approve", Status.APPROVED),
        ("open_public_notice", Status.IN_PUBLIC_NOTICE),
    ):
        workflow_move(desk, application, move)
        assert application.status == status, flash(desk)
    shoot(desk, "journey-14-staff-opened-notice")

    # --- The public notice shows it; anyone may object -----------------------------------
    public = new_page()
    public.goto("/notices/")
    notice = public.locator(f"#notice-{application.pk}")
    assert ENTERPRISE in notice.inner_text()
    assert PRODUCT in notice.inner_text()
    opened = application.events.get(move="open_public_notice").at
    ends = timezone.localtime(opened + timedelta(days=5)).strftime("%Y-%m-%d %H:%M")
    assert ends in notice.inner_text()
    shoot(public, "journey-15-public-notice")
    with public.expect_navigation():
        notice.get_by_role("link").click()
    public.fill("#id_name", "赵六")
    public.fill("#id_contact", "13800000000")
    public.fill("#id_text", "请核实该产品的首批次销售合同。")
    with public.expect_navigation():
        public.locator("main form button[type=submit]").click()
    assert Objection.objects.filter(application=application).count() == 1
    application.refresh_from_db()
    assert application.status == Status.IN_PUBLIC_NOTICE  # an objection changes nothing
    shoot(public, "journey-16-objection-lodged")

    # --- Staff confirm: refused while the notice runs, granted once it has ended ----------
    desk.goto(f"/desk/applications/{application.pk}/")
    assert "请核实该产品的首批次销售合同" in desk.locator("#objections").inner_text()
    desk.goto(f"/desk/calls/{call.pk}/")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Confirm notice").click()
    confirm(desk)
    assert "runs until" in flash(desk)
    application.refresh_from_db()
    assert application.status == Status.IN_PUBLIC_NOTICE
    shoot(desk, "journey-17-confirm-refused-during-notice")

    # Five days pass.
    ApplicationEvent.objects.filter(application=application, move="open_public_notice").update(
        at=F("at") - timedelta(days=6)
    )
    desk.reload()
    with desk.expect_navigation():
        desk.get_by_role("button", name="Confirm notice").click()
    confirm(desk)
    assert "Granted after public notice" in flash(desk)
    application.refresh_from_db()
    assert application.status == Status.GRANTED
    assert application.awarded_amount == Decimal("500000")
    shoot(desk, "journey-18-staff-granted")

    # --- The published results list it --------------------------------------------------
    public.goto("/results/")
    results = public.locator(".result-list")
    text = results.inner_text()
    assert ENTERPRISE in text
    assert PRODUCT in text
    assert "Provincial first batch" in text
    assert "500,000" in text
    assert CREDIT_CODE not in public.content()
    shoot(public, "journey-19-published-results")

    # The applicant sees the outcome on their own page.
    applicant.goto(f"/applications/{application.pk}/")
    shoot(applicant, "journey-20-applicant-granted")


def test_public_results_in_chinese_and_on_a_phone(new_page, shoot, role_groups):
    region = factories.RegionFactory(code="330483", name="桐乡市")
    enterprise = factories.EnterpriseFactory(name="桐乡市新材料科技有限公司", region=region)
    programme = factories.ProgrammeFactory(name="浙江省首批次新材料", kind=Kind.PRODUCT)
    call = factories.CallFactory(programme=programme, year=2023, title="2023年度首批次新材料")
    application = factories.ApplicationFactory(
        enterprise=enterprise,
        call=call,
        status=Status.GRANTED,
        awarded_amount=Decimal("300000"),
        with_detail=False,
    )
    ProductDetail.objects.create(
        application=application, product_name="石墨烯改性纤维", tier=ProductTier.DOMESTIC_FIRST
    )

    page = new_page()
    page.goto("/results/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "石墨烯改性纤维" in page.locator(".result-list").inner_text()
    shoot(page, "results-en")

    # Switch language the way a user does: the selector posts to /i18n/setlang/.
    with page.expect_navigation():
        page.click(language_button("zh-hans"))
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.url.endswith("/results/")
    assert "桐乡市新材料科技有限公司" in page.locator(".result-list").inner_text()
    # A CJK font is there to draw the Chinese (no empty boxes).
    assert page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '桐乡市')")
    shoot(page, "results-zh-hans")

    phone = new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    phone.goto("/results/")
    assert phone.locator("html").get_attribute("lang") == "zh-hans"
    # Nothing is wider than the screen except inside the scrolling table wrapper.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "results-zh-hans-phone")
