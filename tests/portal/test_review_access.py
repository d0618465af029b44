"""Each role gets 403 on another role's desk and 404 on objects outside its scope."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from programmes.models import Attachment
from programmes.services.reviews import review_declare_no_conflict
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def attach(application, name):
    attachment = Attachment(
        application=application, original_name=name, content_type="application/pdf", size=len(PDF)
    )
    attachment.file.save(name, ContentFile(PDF), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def world(enterprise, other_enterprise, applicant, other_applicant, officer, other_officer, staff):
    expert = factories.expert_user(username="expert")
    other_expert = factories.expert_user(username="other-expert")
    call = factories.CallFactory()
    reviewed = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.IN_REVIEW
    )
    queued = factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.SUBMITTED)
    foreign = factories.ApplicationFactory(
        enterprise=other_enterprise, call=call, status=Status.SUBMITTED
    )
    assignment = factories.assign(reviewed, expert)
    review_declare_no_conflict(assignment=assignment, actor=expert)
    return {
        "users": {
            "applicant": applicant,
            "other_applicant": other_applicant,
            "officer": officer,
            "other_officer": other_officer,
            "expert": expert,
            "other_expert": other_expert,
            "staff": staff,
        },
        "call": call,
        "reviewed": reviewed,
        "queued": queued,
        "foreign": foreign,
        "assignment": assignment,
        "file": attach(reviewed, "own.pdf"),
        "foreign_file": attach(foreign, "foreign.pdf"),
    }


def urls(world):
    assignment = world["assignment"]
    return {
        "county-queue": reverse("review:county-queue"),
        "county-application": reverse("review:county-application", args=[world["queued"].pk]),
        "expert-assignments": reverse("review:expert-assignments"),
        "expert-assignment": reverse("review:expert-assignment", args=[assignment.pk]),
        "desk": reverse("review:desk"),
        "desk-call": reverse("review:desk-call", args=[world["call"].pk]),
        "desk-application": reverse("review:desk-application", args=[world["queued"].pk]),
    }


# What each role gets on each page: 200 for its own desk, 403 for another role's,
# 404 for an object of its own kind that is not in its scope.
EXPECTED = {
    "applicant": dict.fromkeys(
        [
            "county-queue",
            "county-application",
            "expert-assignments",
            "expert-assignment",
            "desk",
            "desk-call",
            "desk-application",
        ],
        403,
    ),
    "officer": {
        "county-queue": 200,
        "county-application": 200,
        "expert-assignments": 403,
        "expert-assignment": 403,
        "desk": 403,
        "desk-call": 403,
        "desk-application": 403,
    },
    "other_officer": {"county-queue": 200, "county-application": 404, "desk-application": 403},
    "expert": {
        "county-queue": 403,
        "county-application": 403,
        "expert-assignments": 200,
        "expert-assignment": 200,
        "desk": 403,
        "desk-call": 403,
        "desk-application": 403,
    },
    "other_expert": {
        "expert-assignments": 200,
        "expert-assignment": 404,
        "county-application": 403,
    },
    "staff": {
        "county-queue": 403,
        "expert-assignments": 403,
        "expert-assignment": 403,
        "desk": 200,
        "desk-call": 200,
        "desk-application": 200,
    },
}
CASES = [(role, page, status) for role, pages in EXPECTED.items() for page, status in pages.items()]


@pytest.mark.parametrize(("role", "page", "status"), CASES)
def test_role_gets_expected_status(client, world, role, page, status):
    client.force_login(world["users"][role])
    response = client.get(urls(world)[page])
    assert response.status_code == status


@pytest.mark.parametrize(
    "page",
    ["county-queue", "county-application", "expert-assignments", "expert-assignment", "desk"],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, page):
    response = client.get(urls(world)[page])
    assert response.status_code == 302
    assert "next=" in response["Location"]


@pytest.mark.parametrize("role", ["applicant", "officer", "expert"])
def test_only_staff_post_on_the_desk(client, world, role):
    client.force_login(world["users"][role])
    move = reverse("review:desk-move", args=[world["queued"].pk])
    confirm = reverse("review:desk-confirm-notice", args=[world["call"].pk])
    assign = reverse("review:desk-assign", args=[world["call"].pk])

    assert client.post(move, {"move": "reject", "comment": "x"}).status_code == 403
    assert client.post(confirm).status_code == 403
    assert client.post(assign, {}).status_code == 403
    world["queued"].refresh_from_db()
    assert world["queued"].status == Status.SUBMITTED


@pytest.mark.parametrize("role", ["applicant", "expert", "staff", "other_officer"])
def test_only_the_county_officer_of_the_region_decides(client, world, role):
    client.force_login(world["users"][role])
    response = client.post(
        reverse("review:county-decide", args=[world["queued"].pk]), {"action": "recommend"}
    )
    assert response.status_code in {403, 404}
    world["queued"].refresh_from_db()
    assert world["queued"].status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("role", "own", "foreign"),
    [
        ("applicant", 200, 404),
        ("other_applicant", 404, 200),
        ("officer", 200, 404),
        ("expert", 200, 404),
        ("other_expert", 404, 404),
        ("staff", 200, 200),
    ],
)
def test_private_files_only_for_those_who_may_see_the_application(
    client, world, role, own, foreign
):
    client.force_login(world["users"][role])
    download = "programmes:attachment-download"
    assert client.get(reverse(download, args=[world["file"].pk])).status_code == own
    assert client.get(reverse(download, args=[world["foreign_file"].pk])).status_code == foreign


def test_public_pages_need_no_sign_in(client, world):
    assert client.get(reverse("review:notices")).status_code == 200
    assert client.get(reverse("review:results")).status_code == 200
