"""Open calls, applying, submitting, withdrawing, resubmitting and the applicant's own list."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Membership
from programmes.models import Application, Attachment, Kind
from programmes.services import application_move
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="application-form.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def make_call(*, days_open=(-5, 5), kind=Kind.PRODUCT, **kwargs):
    today = timezone.localdate()
    return factories.CallFactory(
        opens_on=today + timedelta(days=days_open[0]),
        closes_on=today + timedelta(days=days_open[1]),
        programme__kind=kind,
        **kwargs,
    )


@pytest.fixture
def call():
    return make_call(
        title="2026年浙江省首批次新材料",
        programme__eligibility="Registered in Zhejiang with R&D there.",
        programme__required_documents="Application form; third-party test report.",
    )


def product_data(**overrides):
    return {
        "title": "高性能纳米涂层",
        "product_name": "纳米涂层材料",
        "tier": "provincial_first",
        "technology_readiness_level": "8",
        "key_indicators": "Hardness 9H; internationally advanced.",
        "intellectual_property": "ZL202110000000.1",
        "first_sold_on": "2025-03-01",
        "document_type": "application_form",
        **overrides,
    }


def filed(enterprise, call, *, status=Status.DRAFT, with_pdf=True, **kwargs):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=status, **kwargs
    )
    detail = application.product_detail
    detail.tier = "provincial_first"
    detail.technology_readiness_level = 8
    detail.key_indicators = "Leading."
    detail.save()
    if with_pdf:
        Attachment.objects.create(
            application=application,
            file=pdf(),
            original_name="form.pdf",
            content_type="application/pdf",
            size=len(PDF),
        )
    return application


def test_calls_page_lists_only_calls_open_today_with_their_conditions(client, call):
    closed = make_call(days_open=(-30, -1), title="Closed call")
    future = make_call(days_open=(3, 30), title="Future call")

    page = client.get(reverse("programmes:calls")).content.decode()

    assert call.title in page
    assert "Registered in Zhejiang with R&amp;D there." in page
    assert "third-party test report" in page
    assert call.closes_on.strftime("%Y") in page
    assert closed.title not in page
    assert future.title not in page


def test_apply_saves_a_draft_with_the_typed_product_fields(client, applicant, enterprise, call):
    client.force_login(applicant)

    response = client.post(
        reverse("programmes:apply", args=[call.pk]),
        product_data(file=pdf(), action="save"),
    )

    application = Application.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("programmes:application-detail", args=[application.pk])
    assert application.status == Status.DRAFT
    assert application.enterprise == enterprise
    assert application.created_by == applicant
    assert application.product_detail.technology_readiness_level == 8
    assert application.product_detail.tier == "provincial_first"
    assert application.attachments.get().original_name == "application-form.pdf"


def test_apply_shows_inline_errors_and_creates_nothing(client, applicant, call):
    client.force_login(applicant)

    response = client.post(
        reverse("programmes:apply", args=[call.pk]),
        product_data(title="", technology_readiness_level="12", action="save"),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required." in page
    assert "less than or equal to 9" in page
    assert not Application.objects.exists()


def test_project_form_has_its_own_fields_and_checks_the_dates(client, applicant):
    call = make_call(kind=Kind.PROJECT)
    client.force_login(applicant)

    page = client.get(reverse("programmes:apply", args=[call.pk])).content.decode()
    assert 'name="total_investment"' in page
    assert 'name="requested_amount"' in page
    assert 'name="product_name"' not in page

    response = client.post(
        reverse("programmes:apply", args=[call.pk]),
        {
            "title": "数字化改造项目",
            "project_name": "丝绸数字化织造",
            "category": "digital_upgrading",
            "total_investment": "2000000",
            "requested_amount": "500000",
            "starts_on": "2026-06-01",
            "ends_on": "2026-01-01",
            "action": "save",
        },
    )
    assert "cannot end before it starts" in response.content.decode()
    assert not Application.objects.exists()


def test_apply_and_submit_in_one_go_sends_it_to_the_county(client, applicant, call):
    client.force_login(applicant)

    response = client.post(
        reverse("programmes:apply", args=[call.pk]),
        product_data(file=pdf(), action="submit"),
        follow=True,
    )
    application = Application.objects.get()
    # Saved, then asked to confirm what sending means.
    assert application.status == Status.DRAFT
    assert "goes to the county for its recommendation" in response.content.decode()

    response = client.post(
        reverse("programmes:application-action", args=[application.pk]),
        {"action": "submit", "confirmed": "yes"},
        follow=True,
    )

    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.submitted_at is not None
    assert "Being checked by your county" in response.content.decode()


def test_submit_needs_a_document(client, applicant, enterprise, call):
    application = filed(enterprise, call, with_pdf=False)
    client.force_login(applicant)

    response = client.post(
        reverse("programmes:application-action", args=[application.pk]),
        {"action": "submit", "confirmed": "yes"},
        follow=True,
    )

    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert "Attach at least one document" in response.content.decode()


def test_submit_is_refused_once_the_call_has_closed(client, applicant, enterprise):
    closed_call = make_call(days_open=(-30, -1))
    application = filed(enterprise, closed_call)
    client.force_login(applicant)

    response = client.post(
        reverse("programmes:application-action", args=[application.pk]),
        {"action": "submit", "confirmed": "yes"},
        follow=True,
    )

    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert "closed on" in response.content.decode()
    assert "can no longer be submitted" in response.content.decode()
    assert not application.events.exists()


def test_applying_to_a_closed_call_is_refused(client, applicant):
    closed_call = make_call(days_open=(-30, -1))
    client.force_login(applicant)

    response = client.post(
        reverse("programmes:apply", args=[closed_call.pk]), product_data(action="save")
    )

    assert response.status_code == 302
    assert response.url == reverse("programmes:calls")
    assert not Application.objects.exists()


def test_user_without_an_approved_enterprise_is_sent_to_link_one(client, call):
    user = factories.UserFactory(role="Applicants")
    client.force_login(user)

    response = client.get(reverse("programmes:apply", args=[call.pk]))

    assert response.status_code == 302
    assert response.url == reverse("enterprises:link")


def test_withdraw_before_a_decision(client, applicant, enterprise, call):
    application = filed(enterprise, call)
    application_move(application=application, actor=applicant, move="submit")
    client.force_login(applicant)

    detail = client.get(reverse("programmes:application-detail", args=[application.pk]))
    assert "Withdraw" in detail.content.decode()
    client.post(
        reverse("programmes:application-action", args=[application.pk]),
        {"action": "withdraw", "comment": "Filed twice by mistake.", "confirmed": "yes"},
    )

    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.events.last().comment == "Filed twice by mistake."


def test_withdraw_is_refused_after_a_decision(client, applicant, enterprise, call):
    application = filed(enterprise, call, status=Status.APPROVED)
    client.force_login(applicant)

    response = client.post(
        reverse("programmes:application-action", args=[application.pk]),
        {"action": "withdraw", "confirmed": "yes"},
        follow=True,
    )

    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert "is not possible" in response.content.decode()


def test_returned_application_is_edited_and_resubmitted_with_the_comment_in_view(
    client, applicant, officer, enterprise, call
):
    application = filed(enterprise, call)
    application_move(application=application, actor=applicant, move="submit")
    application_move(
        application=application,
        actor=officer,
        move="return_for_revision",
        comment="Attach the third-party test report.",
    )
    client.force_login(applicant)

    detail = client.get(reverse("programmes:application-detail", args=[application.pk]))
    assert "Returned to you for revision" in detail.content.decode()
    assert "Attach the third-party test report." in detail.content.decode()
    edit = client.get(reverse("programmes:application-edit", args=[application.pk]))
    assert "Attach the third-party test report." in edit.content.decode()
    assert "Save and resubmit" in edit.content.decode()

    response = client.post(
        reverse("programmes:application-edit", args=[application.pk]),
        product_data(
            title=application.title,
            document_type="test_report",
            file=pdf("test-report.pdf"),
            action="submit",
        ),
    )
    assert response.status_code == 302
    client.post(
        reverse("programmes:application-action", args=[application.pk]),
        {"action": "resubmit", "confirmed": "yes"},
    )

    application.refresh_from_db()
    assert application.status == Status.RESUBMITTED
    assert application.attachments.count() == 2
    assert application.product_detail.key_indicators == "Hardness 9H; internationally advanced."


def test_resubmission_is_allowed_after_the_closing_date(client, applicant, officer, enterprise):
    call = make_call()
    application = filed(enterprise, call)
    application_move(application=application, actor=applicant, move="submit")
    application_move(
        application=application,
        actor=officer,
        move="return_for_revision",
        comment="Fix the title.",
    )
    call.closes_on = timezone.localdate() - timedelta(days=1)
    call.opens_on = call.closes_on - timedelta(days=10)
    call.save()
    client.force_login(applicant)

    client.post(
        reverse("programmes:application-action", args=[application.pk]),
        {"action": "resubmit", "confirmed": "yes"},
    )

    application.refresh_from_db()
    assert application.status == Status.RESUBMITTED


def test_submitted_application_cannot_be_edited(client, applicant, enterprise, call):
    application = filed(enterprise, call)
    application_move(application=application, actor=applicant, move="submit")
    client.force_login(applicant)

    response = client.post(
        reverse("programmes:application-edit", args=[application.pk]),
        product_data(title="Changed after sending", action="save"),
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.title != "Changed after sending"


def test_my_applications_lists_only_my_enterprises(
    client, applicant, enterprise, other_enterprise, call
):
    mine = filed(enterprise, call, title="Mine", status=Status.SUBMITTED)
    theirs = filed(other_enterprise, call, title="Theirs")
    client.force_login(applicant)

    response = client.get(reverse("programmes:applications"))

    assert list(response.context["applications"]) == [mine]
    page = response.content.decode()
    assert "Being checked by your county" in page
    assert theirs.title not in page


def test_another_enterprise_application_is_not_found(client, applicant, other_enterprise, call):
    theirs = filed(other_enterprise, call)
    client.force_login(applicant)

    for name in ("application-detail", "application-edit"):
        assert client.get(reverse(f"programmes:{name}", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("programmes:application-action", args=[theirs.pk]), {"action": "withdraw"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.DRAFT


def test_detail_shows_the_timeline_with_applicant_facing_names(
    client, applicant, officer, enterprise, call
):
    application = filed(enterprise, call)
    application_move(application=application, actor=applicant, move="submit")
    application_move(application=application, actor=officer, move="recommend")
    client.force_login(applicant)

    page = client.get(reverse("programmes:application-detail", args=[application.pk]))
    text = page.content.decode()

    assert "Draft created" in text
    assert "Being checked by your county" in text
    assert "Recommended by your county" in text
    assert "County bureau" in text
    assert officer.username not in text
    assert (
        reverse("programmes:attachment-download", args=[application.attachments.get().pk]) in text
    )


def test_applicant_with_two_enterprises_chooses_among_their_own_only(
    client, applicant, enterprise, other_enterprise, call
):
    second = factories.EnterpriseFactory()
    Membership.objects.create(user=applicant, enterprise=second, status=Membership.Status.APPROVED)
    client.force_login(applicant)

    page = client.get(reverse("programmes:apply", args=[call.pk])).content.decode()
    assert 'name="enterprise"' in page
    assert other_enterprise.name not in page
    refused = client.post(
        reverse("programmes:apply", args=[call.pk]),
        product_data(enterprise=other_enterprise.pk, action="save"),
    )
    assert "Select a valid choice" in refused.content.decode()

    client.post(
        reverse("programmes:apply", args=[call.pk]),
        product_data(enterprise=second.pk, action="save"),
    )
    assert Application.objects.get().enterprise == second


def test_home_page_links_to_calls_accounts_notices_and_results(client, call):
    page = client.get(reverse("programmes:home")).content.decode()

    for path in (
        reverse("programmes:calls"),
        reverse("enterprises:signup"),
        reverse("enterprises:login"),
        "/notices/",
        "/results/",
    ):
        assert f'href="{path}' in page
    assert call.title in page


def test_my_applications_show_fifty_a_page_with_links_to_the_others(
    client, applicant, enterprise, call
):
    factories.ApplicationFactory.create_batch(55, enterprise=enterprise, call=call)
    newest_first = list(Application.objects.order_by("-created_at", "-id"))
    client.force_login(applicant)

    first = client.get(reverse("programmes:applications"))
    second = client.get(reverse("programmes:applications"), {"page": 2})

    assert list(first.context["applications"]) == newest_first[:50]
    assert list(second.context["applications"]) == newest_first[50:]
    assert 'href="?page=2"' in first.content.decode()
    assert "page 2 of 2" in second.content.decode()
    assert 'href="?page=1"' in second.content.decode()


def test_my_applications_in_chinese_with_page_links(client, applicant, enterprise, call):
    factories.ApplicationFactory.create_batch(51, enterprise=enterprise, call=call)
    client.force_login(applicant)

    response = client.get(
        reverse("programmes:applications"), headers={"accept-language": "zh-hans"}
    )

    assert response.status_code == 200
    assert "第 1 页，共 2 页" in response.content.decode()
    assert "下一页" in response.content.decode()


@pytest.mark.parametrize("status", Status.values)
def test_the_page_offers_editing_only_while_the_application_is_with_the_enterprise(
    client, applicant, enterprise, call, status
):
    application = filed(enterprise, call, status=status)
    client.force_login(applicant)

    page = client.get(reverse("programmes:application-detail", args=[application.pk]))

    editable = status in {Status.DRAFT, Status.RETURNED}
    edit_link = reverse("programmes:application-edit", args=[application.pk])
    upload = reverse("programmes:attachment-upload", args=[application.pk])
    assert (edit_link in page.content.decode()) == editable
    assert (upload in page.content.decode()) == editable
