"""Safe forms on the review desks: a step that cannot be undone is confirmed with its
consequence named; every form answers a success with a redirect to a page read by GET;
experts' due dates are chosen; PDFs and images are previewed by those who may download
them. (The applicant's pages: ``test_safe_forms_applicant.py``.)"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from programmes.consequences import MOVE_CONSEQUENCES, can_be_undone
from programmes.models import Attachment, ReviewAssignment, ScoreCriterion
from programmes.services.attachments import XLSX
from programmes.services.reviews import REVIEW_DAYS
from programmes.workflow import MOVES, Status
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def stored(application, *, name, content_type, content):
    attachment = Attachment(
        application=application,
        original_name=name,
        content_type=content_type,
        size=len(content),
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


def decision(application, **data):
    return {"expected_status": application.status, **data}


# --- Which steps are confirmed --------------------------------------------------------


def test_only_a_warning_and_its_lifting_can_be_undone_by_whoever_made_them():
    undoable = {name for name, move in MOVES.items() if can_be_undone(move)}
    assert undoable == {"warn", "lift_warning"}


def test_every_move_that_cannot_be_undone_names_its_consequence():
    final = {name for name, move in MOVES.items() if not can_be_undone(move)}
    assert final == set(MOVE_CONSEQUENCES)
    assert all(str(text).strip() for text in MOVE_CONSEQUENCES.values())


# --- The applications ------------------------------------------------------------------


@pytest.fixture
def submitted(enterprise):
    return factories.ApplicationFactory(enterprise=enterprise, status=Status.SUBMITTED)


# --- County officer -------------------------------------------------------------------


def test_a_recommendation_is_made_only_once_confirmed(client, officer, submitted):
    client.force_login(officer)
    url = reverse("review:county-decide", args=[submitted.pk])

    asked = client.post(url, decision(submitted, action="recommend", comment="Strong"))

    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert "takes one place of the county" in asked.content.decode()

    done = client.post(
        url, decision(submitted, action="recommend", comment="Strong", confirmed="yes")
    )

    assert done.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.RECOMMENDED


# --- Bureau staff ---------------------------------------------------------------------


def test_a_desk_move_is_made_only_once_confirmed(client, staff, enterprise):
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.RECOMMENDED)
    client.force_login(staff)
    url = reverse("review:desk-move", args=[application.pk])

    asked = client.post(url, decision(application, move="accept", comment=""))

    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED
    assert "can no longer be returned to the applicant" in asked.content.decode()
    assert client.post(url, decision(application, move="accept", confirmed="yes")).status_code == (
        302
    )
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED


def test_a_warning_can_be_lifted_so_it_is_made_without_a_question(client, staff, enterprise):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call__programme__kind="designation", status=Status.GRANTED
    )
    client.force_login(staff)

    response = client.post(
        reverse("review:desk-move", args=[application.pk]), decision(application, move="warn")
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WARNED


def test_granting_after_notice_is_confirmed_first(client, staff, enterprise):
    application = factories.ApplicationFactory(
        enterprise=enterprise, status=Status.IN_PUBLIC_NOTICE, call__public_notice_days=5
    )
    factories.notice_opened(application, days_ago=6)
    client.force_login(staff)
    url = reverse("review:desk-confirm-notice", args=[application.call_id])

    asked = client.post(url)

    application.refresh_from_db()
    assert application.status == Status.IN_PUBLIC_NOTICE
    assert "A grant cannot be undone" in asked.content.decode()
    assert application.title in asked.content.decode()
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.GRANTED


# --- Expert ---------------------------------------------------------------------------


@pytest.fixture
def review(enterprise, expert):
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.IN_REVIEW)
    criterion = ScoreCriterion.objects.create(
        programme=application.call.programme, name="Innovation", weight=100, position=1
    )
    assignment = factories.assign(application, expert)
    return assignment, criterion


def test_a_score_sheet_is_submitted_only_once_confirmed(client, expert, review):
    assignment, criterion = review
    assignment.no_conflict_declared_at = timezone.now()
    assignment.save()
    client.force_login(expert)
    url = reverse("review:expert-assignment", args=[assignment.pk])
    sheet = {f"criterion_{criterion.pk}": "85", "comment": "Convincing", "submit": "1"}

    asked = client.post(url, sheet)

    assignment.refresh_from_db()
    assert assignment.submitted_at is None
    assert not assignment.scores.exists()
    page = asked.content.decode()
    assert "can no longer change" in page
    assert f'name="criterion_{criterion.pk}" value="85"' in page

    assert client.post(url, {**sheet, "confirmed": "yes"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None
    assert assignment.total_score == Decimal("85")


def test_declaring_a_conflict_is_confirmed_before_the_review_is_declined(client, expert, review):
    assignment, _criterion = review
    client.force_login(expert)
    url = reverse("review:expert-declare", args=[assignment.pk])
    declaration = {"declaration": "conflict", "reason": "I advised them"}

    asked = client.post(url, declaration)

    assignment.refresh_from_db()
    assert assignment.submitted_at is None
    assert "You decline this review for good" in asked.content.decode()
    assert client.post(url, {**declaration, "confirmed": "yes"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None
    assert assignment.comment == "I advised them"


def test_a_declaration_refused_keeps_what_was_chosen_and_says_why(client, expert, review):
    assignment, _criterion = review
    client.force_login(expert)

    response = client.post(
        reverse("review:expert-declare", args=[assignment.pk]), {"declaration": "conflict"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Say briefly what the conflict of interest is." in page
    assert 'value="conflict" required id="id_declaration_1" checked' in page
    assignment.refresh_from_db()
    assert assignment.submitted_at is None


# --- Assigning experts: a due date, and back by GET -----------------------------------


@pytest.fixture
def accepted(enterprise):
    return factories.ApplicationFactory(enterprise=enterprise, status=Status.ACCEPTED)


def test_assigning_redirects_to_the_call_page_with_the_chosen_due_date(
    client, staff, expert, accepted
):
    due_on = timezone.localdate() + timedelta(days=5)
    client.force_login(staff)

    response = client.post(
        reverse("review:desk-assign", args=[accepted.call_id]),
        {"applications": [accepted.pk], "experts": [expert.pk], "due_on": due_on.isoformat()},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("review:desk-call", args=[accepted.call_id])
    assert ReviewAssignment.objects.get(application=accepted, expert=expert).due_on == due_on


def test_starting_the_review_while_assigning_is_confirmed_first(client, staff, expert, accepted):
    client.force_login(staff)
    url = reverse("review:desk-assign", args=[accepted.call_id])
    due_on = (timezone.localdate() + timedelta(days=3)).isoformat()
    data = {
        "applications": [accepted.pk],
        "experts": [expert.pk],
        "due_on": due_on,
        "start_review": "on",
    }

    asked = client.post(url, data)

    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED
    assert not ReviewAssignment.objects.exists()
    assert "cannot go back to accepted" in asked.content.decode()
    assert f'name="due_on" value="{due_on}"' in asked.content.decode()

    assert client.post(url, {**data, "confirmed": "yes"}).status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == Status.IN_REVIEW
    assert ReviewAssignment.objects.filter(application=accepted, expert=expert).exists()


def test_the_due_date_is_offered_and_cannot_be_in_the_past(client, staff, expert, accepted):
    client.force_login(staff)
    page = client.get(reverse("review:desk-call", args=[accepted.call_id]))
    default = (timezone.localdate() + timedelta(days=REVIEW_DAYS)).isoformat()
    assert f'value="{default}"' in page.content.decode()

    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("review:desk-assign", args=[accepted.call_id]),
        {"applications": [accepted.pk], "experts": [expert.pk], "due_on": yesterday},
    )

    assert response.status_code == 400
    assert "cannot be in the past" in response.content.decode()
    # What was typed stays.
    assert f'value="{yesterday}"' in response.content.decode()
    assert not ReviewAssignment.objects.exists()


# --- Every form answers a success by a redirect ---------------------------------------


def test_each_successful_portal_post_redirects_to_a_page_read_by_get(
    client, applicant, officer, staff, expert, enterprise
):
    draft = factories.ready_to_file(factories.ApplicationFactory(enterprise=enterprise))
    in_queue = factories.ApplicationFactory(enterprise=enterprise, status=Status.SUBMITTED)
    in_review = factories.ApplicationFactory(enterprise=enterprise, status=Status.IN_REVIEW)
    criterion = ScoreCriterion.objects.create(
        programme=in_review.call.programme, name="Innovation", weight=100, position=1
    )
    assignment = factories.assign(in_review, expert)
    attachment = draft.attachments.first()
    posts = [
        (
            applicant,
            reverse("programmes:attachment-remove", args=[draft.pk, attachment.pk]),
            {"confirmed": "yes"},
        ),
        (
            applicant,
            reverse("programmes:application-action", args=[draft.pk]),
            {"action": "withdraw", "confirmed": "yes"},
        ),
        (applicant, reverse("programmes:notifications-read-all"), {}),
        (
            officer,
            reverse("review:county-decide", args=[in_queue.pk]),
            decision(in_queue, action="recommend", confirmed="yes"),
        ),
        (
            expert,
            reverse("review:expert-declare", args=[assignment.pk]),
            {"declaration": "no_conflict", "confirmed": "yes"},
        ),
        (
            expert,
            reverse("review:expert-assignment", args=[assignment.pk]),
            {f"criterion_{criterion.pk}": "70", "save": "1"},
        ),
        (
            staff,
            reverse("review:desk-move", args=[in_queue.pk]),
            {"move": "accept", "expected_status": "recommended", "confirmed": "yes"},
        ),
    ]
    for user, url, data in posts:
        client.force_login(user)
        response = client.post(url, data)
        assert response.status_code in {302, 303}, url
        follow = client.get(response["Location"])
        assert follow.status_code == 200, response["Location"]


# --- Preview --------------------------------------------------------------------------


def test_a_pdf_is_previewed_inline_with_safe_headers(client, applicant, submitted):
    attachment = stored(submitted, name="report.pdf", content_type="application/pdf", content=PDF)
    client.force_login(applicant)

    response = client.get(reverse("programmes:attachment-preview", args=[attachment.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="report.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox;")
    assert "default-src 'none'" in policy
    assert b"".join(response.streaming_content) == PDF


def test_an_image_is_previewed_and_the_detail_page_links_the_preview(client, applicant, submitted):
    image = stored(submitted, name="seal.png", content_type="image/png", content=PNG)
    sheet = stored(
        submitted,
        name="budget.xlsx",
        content_type=XLSX.content_type,
        content=b"PK\x03\x04",
    )
    client.force_login(applicant)

    response = client.get(reverse("programmes:attachment-preview", args=[image.pk]))
    detail = client.get(reverse("programmes:application-detail", args=[submitted.pk]))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    page = detail.content.decode()
    assert reverse("programmes:attachment-preview", args=[image.pk]) in page
    assert reverse("programmes:attachment-preview", args=[sheet.pk]) not in page


def test_a_file_whose_content_is_not_what_it_claims_has_no_preview(client, applicant, submitted):
    disguised = stored(
        submitted,
        name="report.pdf",
        content_type="application/pdf",
        content=b"<html><script>alert(1)</script></html>",
    )
    client.force_login(applicant)

    response = client.get(reverse("programmes:attachment-preview", args=[disguised.pk]))

    assert response.status_code == 404


def test_the_preview_is_refused_to_whoever_may_not_download_it(
    client, other_applicant, officer, submitted
):
    attachment = stored(submitted, name="r.pdf", content_type="application/pdf", content=PDF)
    url = reverse("programmes:attachment-preview", args=[attachment.pk])

    client.force_login(other_applicant)
    assert client.get(url).status_code == 404
    client.force_login(officer)  # the county's officer may see the filing
    assert client.get(url).status_code == 200
