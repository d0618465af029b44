"""Private attachments: handed out only to users who may see the application."""

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from programmes.models import Attachment
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

CONTENT = b"%PDF-1.4 test report"


def make_attachment(application, name="test-report.pdf", content_type="application/pdf"):
    attachment = Attachment(
        application=application,
        document_type=Attachment.DocumentType.TEST_REPORT,
        original_name=name,
        content_type=content_type,
        size=len(CONTENT),
    )
    attachment.file.save(name, ContentFile(CONTENT), save=True)
    return attachment


def url(attachment):
    return reverse("programmes:attachment-download", args=[attachment.pk])


@pytest.fixture
def submitted(enterprise):
    return factories.ApplicationFactory(enterprise=enterprise, status=Status.SUBMITTED)


@pytest.fixture
def attachment(submitted):
    return make_attachment(submitted)


def download(client, user, attachment):
    client.force_login(user)
    return client.get(url(attachment))


def test_member_downloads_their_own_file(client, applicant, attachment):
    response = download(client, applicant, attachment)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT
    assert response["Content-Disposition"] == 'attachment; filename="test-report.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_chinese_file_name_is_kept(client, applicant, submitted):
    attachment = make_attachment(submitted, name="第三方检测报告.pdf")
    response = download(client, applicant, attachment)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('第三方检测报告.pdf')}" in disposition
    # The stored file has a generated name; the uploader's name is not on disk.
    assert "检测报告" not in attachment.file.name


def test_an_html_file_is_never_rendered_inline(client, applicant, submitted):
    attachment = make_attachment(submitted, name="page.html", content_type="text/html")
    response = download(client, applicant, attachment)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["officer", "staff"])
def test_officer_with_jurisdiction_and_staff_download(client, request, attachment, who):
    assert download(client, request.getfixturevalue(who), attachment).status_code == 200


def test_assigned_expert_downloads_once_no_conflict_is_declared(client, expert, attachment):
    assignment = factories.assign(attachment.application, expert)
    assert download(client, expert, attachment).status_code == 404
    assignment.no_conflict_declared_at = timezone.now()
    assignment.save()
    assert download(client, expert, attachment).status_code == 200


@pytest.mark.parametrize("who", ["other_applicant", "other_officer", "expert"])
def test_outsiders_get_404(client, request, attachment, who):
    response = download(client, request.getfixturevalue(who), attachment)
    assert response.status_code == 404
    assert CONTENT not in response.content


def test_user_without_a_role_gets_404(client, attachment):
    assert download(client, factories.UserFactory(username="nobody"), attachment).status_code == 404


def test_officer_gets_404_for_a_draft(client, officer, enterprise, applicant):
    draft = factories.ApplicationFactory(enterprise=enterprise)
    attachment = make_attachment(draft)
    assert download(client, officer, attachment).status_code == 404
    assert download(client, applicant, attachment).status_code == 200


def test_pending_member_gets_404(client, enterprise, attachment):
    pending = factories.UserFactory(username="pending", role="Applicants")
    factories.Membership.objects.create(
        user=pending, enterprise=enterprise, status=factories.Membership.Status.PENDING
    )
    assert download(client, pending, attachment).status_code == 404


def test_anonymous_is_sent_to_log_in(client, attachment):
    response = client.get(url(attachment))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == resolve_url(settings.LOGIN_URL)
    assert parse_qs(location.query)["next"] == [url(attachment)]


def test_unknown_attachment_is_404(client, staff):
    client.force_login(staff)
    assert client.get(reverse("programmes:attachment-download", args=[999999])).status_code == 404


def test_file_missing_on_disk_is_404_not_500(client, staff, attachment):
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(staff)
    assert client.get(url(attachment)).status_code == 404
