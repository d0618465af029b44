"""Safe forms on the applicant's pages: sending and withdrawing are confirmed with their
consequence named; required fields are marked; each upload says what it takes."""

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import override_settings
from django.urls import reverse

from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(enterprise):
    return factories.ApplicationFactory(enterprise=enterprise, status=Status.SUBMITTED)


def test_withdrawing_without_confirmation_changes_nothing_and_names_the_consequence(
    client, applicant, submitted
):
    client.force_login(applicant)
    url = reverse("programmes:application-action", args=[submitted.pk])

    asked = client.post(url, {"action": "withdraw", "comment": "Filed twice"})

    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "withdrawn for good" in page
    # What was typed goes with the confirmation.
    assert 'name="comment" value="Filed twice"' in page
    assert 'name="confirmed" value="yes"' in page

    done = client.post(url, {"action": "withdraw", "comment": "Filed twice", "confirmed": "yes"})

    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN
    assert done.status_code == 302
    assert submitted.events.get(move="withdraw").comment == "Filed twice"


def test_sending_is_asked_by_get_and_made_only_by_the_confirmed_post(client, applicant, enterprise):
    application = factories.ready_to_file(factories.ApplicationFactory(enterprise=enterprise))
    client.force_login(applicant)
    url = reverse("programmes:application-action", args=[application.pk])

    asked = client.get(f"{url}?action=submit")

    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert "goes to the county for its recommendation" in asked.content.decode()
    assert client.post(url, {"action": "submit", "confirmed": "yes"}).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_asking_for_a_move_that_is_not_open_says_why_and_asks_nothing(
    client, applicant, enterprise
):
    application = factories.ApplicationFactory(enterprise=enterprise)  # nothing attached
    client.force_login(applicant)

    response = client.get(
        reverse("programmes:application-action", args=[application.pk]) + "?action=submit",
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse(
        "programmes:application-detail", args=[application.pk]
    )
    assert "Attach at least one document" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_required_fields_carry_the_attribute_a_marker_and_the_legend(client, applicant):
    call = factories.open_call(factories.CallFactory())
    client.force_login(applicant)

    page = client.get(reverse("programmes:apply", args=[call.pk])).content.decode()

    assert 'name="title" maxlength="255" required' in page
    assert 'class="field required"' in page
    assert "Required field" in page


@override_settings(ATTACHMENT_MAX_BYTES=5 * 1024 * 1024)
def test_each_upload_states_its_types_and_the_size_limit_and_sets_accept(
    client, applicant, enterprise
):
    application = factories.ApplicationFactory(enterprise=enterprise)
    client.force_login(applicant)

    page = client.get(
        reverse("programmes:application-detail", args=[application.pk])
    ).content.decode()

    limit = filesizeformat(5 * 1024 * 1024)
    assert f"Accepted: PDF, JPEG, PNG, XLSX, DOCX, at most {limit} per file." in page
    assert 'accept=".pdf,.jpg,.jpeg,.png,.xlsx,.docx"' in page


def test_removing_a_document_is_confirmed_first(client, applicant, enterprise):
    draft = factories.ApplicationFactory(enterprise=enterprise)
    attachment = factories.attach(draft, name="old-report.pdf")
    client.force_login(applicant)
    url = reverse("programmes:attachment-remove", args=[draft.pk, attachment.pk])

    asked = client.post(url)

    assert draft.attachments.filter(pk=attachment.pk).exists()
    assert "The document is deleted from the application" in asked.content.decode()
    assert "old-report.pdf" in asked.content.decode()
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    assert not draft.attachments.exists()
