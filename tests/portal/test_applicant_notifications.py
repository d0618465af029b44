"""Every status change reaches the enterprise's approved members in the portal and by email."""

import pytest
from django.core import mail
from django.urls import reverse

from core.models import Notification
from enterprises.models import Membership
from enterprises.services import membership_request
from programmes.services import application_move
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(enterprise, applicant, django_capture_on_commit_callbacks):
    application = factories.ready_to_file(
        factories.ApplicationFactory(enterprise=enterprise, title="纳米涂层")
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_move(application=application, actor=applicant, move="submit")
    return application


def test_status_change_notifies_approved_members_only(
    enterprise, applicant, officer, submitted, django_capture_on_commit_callbacks
):
    pending = factories.UserFactory(username="pending-user")
    Membership.objects.create(user=pending, enterprise=enterprise)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        application_move(
            application=submitted,
            actor=officer,
            move="return_for_revision",
            comment="Add the test report.",
        )

    notice = Notification.objects.filter(user=applicant).first()
    assert "Returned to you for revision" in notice.message
    assert "Add the test report." in notice.message
    assert not Notification.objects.filter(user=pending).exists()
    assert [message.to for message in mail.outbox] == [[applicant.email]]
    email = mail.outbox[0]
    assert "纳米涂层" in email.subject
    assert "Returned to you for revision" in email.subject
    assert "Add the test report." in email.body
    assert reverse("programmes:application-detail", args=[submitted.pk]) in email.body


def test_notifications_page_lists_and_marks_read(client, applicant, submitted):
    client.force_login(applicant)

    page = client.get(reverse("programmes:notifications")).content.decode()
    assert "Being checked by your county" in page
    notice = Notification.objects.get(user=applicant)

    response = client.post(reverse("programmes:notification-read", args=[notice.pk]), {"open": "1"})

    assert response.url == reverse("programmes:application-detail", args=[submitted.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_all_read(client, applicant, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application_move(application=submitted, actor=applicant, move="withdraw")
    client.force_login(applicant)

    client.post(reverse("programmes:notifications-read-all"))

    assert not Notification.objects.filter(user=applicant, read_at__isnull=True).exists()


def test_someone_else_cannot_mark_my_notice(client, applicant, other_applicant, submitted):
    notice = Notification.objects.get(user=applicant)
    client.force_login(other_applicant)

    response = client.post(reverse("programmes:notification-read", args=[notice.pk]))

    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_unread_count_shows_in_the_header(client, applicant, submitted):
    client.force_login(applicant)

    page = client.get(reverse("programmes:calls")).content.decode()

    assert '<span class="badge"' in page


def test_a_member_whose_account_is_closed_is_told_nothing(
    enterprise, applicant, officer, submitted, django_capture_on_commit_callbacks
):
    former = factories.applicant_for(enterprise, username="former-member")
    former.is_active = False
    former.save()
    Notification.objects.all().delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        application_move(application=submitted, actor=officer, move="recommend")

    assert set(Notification.objects.values_list("user__username", flat=True)) == {"applicant"}
    assert [message.to for message in mail.outbox] == [[applicant.email]]


def test_a_request_to_join_reaches_the_members_in_the_portal_and_by_email(
    enterprise, applicant, django_capture_on_commit_callbacks
):
    newcomer = factories.UserFactory(username="newcomer", role="Applicants")
    with django_capture_on_commit_callbacks(execute=True):
        membership_request(user=newcomer, enterprise=enterprise)

    notice = Notification.objects.get(user=applicant)
    assert "a request to act for" in notice.message
    assert notice.link == reverse("enterprises:profile", args=[enterprise.pk])
    assert [message.to for message in mail.outbox] == [[applicant.email]]
