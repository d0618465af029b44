"""The workflow over HTTP: moves open to the caller, moves made, moves refused with 409."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from programmes.models import ApplicationEvent, Attachment, ProductTier
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db


def transitions_url(application):
    return f"/api/v1/applications/{application.pk}/transitions/"


def move(client, application, data):
    """POST a move as a client does: with the ETag of the application it has just read."""
    version = client.get(f"/api/v1/applications/{application.pk}/")["ETag"]
    return client.post(transitions_url(application), data, HTTP_IF_MATCH=version)


def names(response):
    assert response.status_code == 200, response.content
    return [move["name"] for move in response.json()["transitions"]]


def test_applicant_sees_submit_and_withdraw_on_a_complete_draft(world, client_for, applicant):
    factories.ready_to_file(world.draft)

    response = client_for(applicant).get(transitions_url(world.draft))

    assert names(response) == ["submit", "withdraw"]
    assert response.json()["status"] == "draft"


def test_submit_is_not_offered_while_the_draft_is_incomplete(world, client_for, applicant):
    assert names(client_for(applicant).get(transitions_url(world.draft))) == ["withdraw"]


def test_officer_sees_the_county_moves_on_a_submitted_application(world, client_for, officer):
    moves = names(client_for(officer).get(transitions_url(world.submitted)))

    assert moves == ["recommend", "return_for_revision"]


def test_applicant_sees_no_county_move_on_their_submitted_application(world, client_for, applicant):
    assert names(client_for(applicant).get(transitions_url(world.submitted))) == ["withdraw"]


def test_officer_recommends_and_the_timeline_records_it(world, client_for, officer):
    response = move(
        client_for(officer), world.submitted, {"transition": "recommend", "comment": "符合条件"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "recommended"
    world.submitted.refresh_from_db()
    assert world.submitted.status == Status.RECOMMENDED
    event = ApplicationEvent.objects.get(application=world.submitted)
    assert (event.actor, event.from_status, event.to_status, event.comment) == (
        officer,
        Status.SUBMITTED,
        Status.RECOMMENDED,
        "符合条件",
    )


@pytest.mark.parametrize(
    ("who", "transition", "comment"),
    [
        ("applicant", "grant", ""),  # not from draft, and not theirs to make
        ("applicant", "recommend", ""),  # the county's move
        ("staff", "approve", ""),  # not possible from draft
        ("staff", "reject", ""),  # not possible from draft
    ],
)
def test_illegal_move_answers_409_and_changes_nothing(
    request, who, transition, comment, world, client_for
):
    user = request.getfixturevalue(who)
    before = world.draft.updated_at

    response = move(client_for(user), world.draft, {"transition": transition, "comment": comment})

    assert response.status_code == 409, response.content
    body = response.json()
    assert body["status"] == 409
    assert body["code"] == "transition_refused"
    assert body["message"]
    world.draft.refresh_from_db()
    assert world.draft.status == Status.DRAFT
    assert world.draft.updated_at == before
    assert not ApplicationEvent.objects.filter(application=world.draft).exists()


def test_move_needing_a_comment_without_one_answers_409(world, client_for, officer):
    response = move(client_for(officer), world.submitted, {"transition": "return_for_revision"})

    assert response.status_code == 409
    assert "comment" in response.json()["message"]
    world.submitted.refresh_from_db()
    assert world.submitted.status == Status.SUBMITTED


def test_unknown_move_is_a_400_naming_the_field(world, client_for, applicant):
    response = move(client_for(applicant), world.draft, {"transition": "fly"})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["transition"]


def test_submitting_an_incomplete_draft_is_refused_with_the_missing_items(
    world, client_for, applicant
):
    response = move(client_for(applicant), world.draft, {"transition": "submit"})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_refused"
    assert "Fill in “tier” before submitting." in body["message"]
    assert "Attach at least one document before submitting." in body["message"]
    world.draft.refresh_from_db()
    assert world.draft.status == Status.DRAFT


def test_applicant_submits_a_complete_draft(world, client_for, applicant):
    detail = world.draft.product_detail
    detail.product_name = "碳纤维"
    detail.tier = ProductTier.PROVINCIAL_FIRST
    detail.technology_readiness_level = 8
    detail.key_indicators = "拉伸强度 4.9 GPa"
    detail.save()
    Attachment.objects.create(
        application=world.draft,
        file=SimpleUploadedFile("form.pdf", b"%PDF-1.4"),
        original_name="form.pdf",
        content_type="application/pdf",
        size=8,
    )

    response = move(client_for(applicant), world.draft, {"transition": "submit"})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    assert response.json()["submitted_at"]


def test_applicant_cannot_set_status_or_awarded_amount_by_patch(world, client_for, applicant):
    response = client_for(applicant).patch(
        f"/api/v1/applications/{world.draft.pk}/",
        {
            "title": "Renamed",
            "status": "granted",
            "awarded_amount": "1000000.00",
            "source": "import",
            "requested_amount": "300000.00",
        },
    )

    assert response.status_code == 200, response.content
    world.draft.refresh_from_db()
    assert world.draft.title == "Renamed"
    assert world.draft.requested_amount == Decimal("300000.00")
    assert world.draft.status == Status.DRAFT
    assert world.draft.awarded_amount is None
    assert world.draft.source == "portal"


def test_applicant_cannot_set_status_or_awarded_amount_when_filing(
    world, client_for, applicant, enterprise
):
    response = client_for(applicant).post(
        "/api/v1/applications/",
        {
            "enterprise": enterprise.pk,
            "call": world.open_call.pk,
            "title": "Straight to granted?",
            "status": "granted",
            "awarded_amount": "5000000.00",
            "decided_at": "2025-01-01T00:00:00Z",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["awarded_amount"], body["decided_at"]) == ("draft", None, None)


def test_a_submitted_application_can_no_longer_be_changed_by_the_applicant(
    world, client_for, applicant
):
    response = client_for(applicant).patch(
        f"/api/v1/applications/{world.submitted.pk}/", {"title": "Too late"}
    )

    assert response.status_code == 400
    world.submitted.refresh_from_db()
    assert world.submitted.title != "Too late"


def test_detail_of_another_kind_is_refused(world, client_for, applicant, enterprise):
    response = client_for(applicant).post(
        "/api/v1/applications/",
        {
            "enterprise": enterprise.pk,
            "call": world.open_call.pk,
            "title": "Wrong detail",
            "designation_detail": {"platform_name": "技术中心"},
        },
    )

    assert response.status_code == 400
    assert "designation_detail" in response.json()["fields"]


def test_filing_in_a_closed_call_is_refused(world, client_for, applicant, enterprise):
    response = client_for(applicant).post(
        "/api/v1/applications/",
        {"enterprise": enterprise.pk, "call": world.closed_call.pk, "title": "Late"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_recommending_over_http_counts_against_the_county_quota(world, client_for, officer):
    call = world.submitted.call
    call.recommendation_quota = 0
    call.save(update_fields=["recommendation_quota"])

    response = move(
        client_for(officer), world.submitted, {"transition": "recommend", "comment": "符合条件"}
    )

    assert response.status_code == 409, response.content
    assert "quota" in response.json()["message"]
    world.submitted.refresh_from_db()
    assert world.submitted.status == Status.SUBMITTED


# --- Preconditions: a move says which version of the application it was decided on ----


def test_an_application_answers_with_its_etag_and_a_move_changes_it(world, client_for, officer):
    client = client_for(officer)
    read = client.get(f"/api/v1/applications/{world.submitted.pk}/")
    offered = client.get(transitions_url(world.submitted))

    moved = move(client, world.submitted, {"transition": "recommend", "comment": "符合条件"})

    assert read["ETag"].startswith('"') and read["ETag"] == offered["ETag"]
    assert moved.status_code == 200, moved.content
    assert moved["ETag"] != read["ETag"]
    assert moved["ETag"] == client.get(f"/api/v1/applications/{world.submitted.pk}/")["ETag"]


def test_a_move_based_on_an_old_version_is_refused_with_412_and_changes_nothing(
    world, client_for, officer, staff
):
    seen = client_for(officer).get(f"/api/v1/applications/{world.submitted.pk}/")["ETag"]
    # A colleague changes the application after the officer read it.
    changed = client_for(staff).patch(
        f"/api/v1/applications/{world.submitted.pk}/", {"title": "改过的标题"}, format="json"
    )
    assert changed.status_code == 200, changed.content
    status_before = Status.SUBMITTED

    response = client_for(officer).post(
        transitions_url(world.submitted),
        {"transition": "recommend", "comment": "符合条件"},
        HTTP_IF_MATCH=seen,
    )

    assert response.status_code == 412, response.content
    assert response.json()["code"] == "precondition_failed"
    assert "has changed since you opened it" in response.json()["message"]
    world.submitted.refresh_from_db()
    assert world.submitted.status == status_before
    assert not ApplicationEvent.objects.filter(application=world.submitted).exists()


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_IF_MATCH": "*"}],
    ids=["no If-Match", "If-Match: *"],
)
def test_a_move_without_a_precondition_is_refused_with_428(world, client_for, officer, headers):
    response = client_for(officer).post(
        transitions_url(world.submitted),
        {"transition": "recommend", "comment": "符合条件"},
        **headers,
    )

    assert response.status_code == 428, response.content
    assert response.json()["code"] == "precondition_required"
    assert "If-Match" in response.json()["message"]
    world.submitted.refresh_from_db()
    assert world.submitted.status == Status.SUBMITTED


def test_a_weak_etag_never_matches(world, client_for, officer):
    client = client_for(officer)
    version = client.get(f"/api/v1/applications/{world.submitted.pk}/")["ETag"]

    response = client.post(
        transitions_url(world.submitted),
        {"transition": "recommend", "comment": "符合条件"},
        HTTP_IF_MATCH=f"W/{version}",
    )

    assert response.status_code == 412, response.content


def test_one_of_several_listed_versions_is_enough(world, client_for, officer):
    client = client_for(officer)
    version = client.get(f"/api/v1/applications/{world.submitted.pk}/")["ETag"]

    response = client.post(
        transitions_url(world.submitted),
        {"transition": "recommend", "comment": "符合条件"},
        HTTP_IF_MATCH=f'"0000", {version}',
    )

    assert response.status_code == 200, response.content


def test_the_status_seen_may_stand_in_for_the_etag(world, client_for, officer):
    response = client_for(officer).post(
        transitions_url(world.submitted),
        {"transition": "recommend", "comment": "符合条件", "expected_status": "submitted"},
    )

    assert response.status_code == 200, response.content
