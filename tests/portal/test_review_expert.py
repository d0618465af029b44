"""Experts: only their assignments, a conflict declaration before the file, the score sheet."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from programmes.models import Attachment, ReviewScore, ScoreCriterion
from programmes.services.reviews import (
    review_declare_conflict,
    review_declare_no_conflict,
    review_save_scores,
    weighted_total,
)
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def application(enterprise):
    application = factories.ApplicationFactory(
        enterprise=enterprise, status=Status.IN_REVIEW, title="Nano coating"
    )
    ScoreCriterion.objects.create(
        programme=application.call.programme, name="Innovation", weight=60, position=1
    )
    ScoreCriterion.objects.create(
        programme=application.call.programme, name="Market", weight=40, position=2
    )
    return application


@pytest.fixture
def attachment(application):
    attachment = Attachment(
        application=application,
        original_name="test-report.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    attachment.file.save("test-report.pdf", ContentFile(PDF), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def assignment(application, expert):
    return factories.assign(application, expert)


def page(assignment):
    return reverse("review:expert-assignment", args=[assignment.pk])


def criteria_fields(application, *scores):
    criteria = ScoreCriterion.objects.filter(programme=application.call.programme)
    return {f"criterion_{c.pk}": str(s) for c, s in zip(criteria, scores, strict=True)}


def test_expert_lists_only_their_own_assignments(client, expert, assignment, enterprise):
    someone_else = factories.expert_user(username="expert-2")
    other = factories.ApplicationFactory(
        enterprise=enterprise, status=Status.IN_REVIEW, title="Not yours"
    )
    factories.assign(other, someone_else)
    client.force_login(expert)

    response = client.get(reverse("review:expert-assignments"))

    assert list(response.context["assignments"]) == [assignment]
    assert "Not yours" not in response.content.decode()


def test_unassigned_expert_gets_404_on_an_assignment_and_its_files(client, assignment, attachment):
    review_declare_no_conflict(assignment=assignment, actor=assignment.expert)
    stranger = factories.expert_user(username="stranger")
    client.force_login(stranger)

    assert client.get(page(assignment)).status_code == 404
    file_url = reverse("programmes:attachment-download", args=[attachment.pk])
    assert client.get(file_url).status_code == 404
    declare = reverse("review:expert-declare", args=[assignment.pk])
    assert client.post(declare, {"declaration": "no_conflict"}).status_code == 404


def test_file_stays_closed_until_no_conflict_is_declared(client, expert, assignment, attachment):
    client.force_login(expert)
    file_url = reverse("programmes:attachment-download", args=[attachment.pk])

    before = client.get(page(assignment))
    assert "Declaration of interest" in before.content.decode()
    assert "test-report.pdf" not in before.content.decode()
    assert "纳米涂层材料" not in before.content.decode()
    assert client.get(file_url).status_code == 404
    # Scores cannot be posted before the declaration either.
    posted = client.post(page(assignment), {"submit": "1"})
    assert posted.status_code == 403

    client.post(
        reverse("review:expert-declare", args=[assignment.pk]),
        {"declaration": "no_conflict", "confirmed": "yes"},
    )

    assignment.refresh_from_db()
    assert assignment.no_conflict_declared_at is not None
    after = client.get(page(assignment))
    assert "test-report.pdf" in after.content.decode()
    assert "纳米涂层材料" in after.content.decode()
    download = client.get(file_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_declaring_a_conflict_closes_the_assignment_and_staff_see_it(
    client, expert, staff, assignment, attachment
):
    client.force_login(expert)

    client.post(
        reverse("review:expert-declare", args=[assignment.pk]),
        {"declaration": "conflict", "reason": "I advised this company in 2025", "confirmed": "yes"},
    )

    assignment.refresh_from_db()
    assert assignment.submitted_at is not None
    assert assignment.no_conflict_declared_at is None
    assert assignment.total_score is None
    file_url = reverse("programmes:attachment-download", args=[attachment.pk])
    assert client.get(file_url).status_code == 404
    assert "test-report.pdf" not in client.get(page(assignment)).content.decode()

    client.force_login(staff)
    desk = client.get(reverse("review:desk-call", args=[assignment.application.call_id]))
    assert "I advised this company in 2025" in desk.content.decode()
    assert "1 conflict" in desk.content.decode()


def test_declaring_a_conflict_needs_a_reason(client, expert, assignment):
    client.force_login(expert)
    client.post(reverse("review:expert-declare", args=[assignment.pk]), {"declaration": "conflict"})
    assignment.refresh_from_db()
    assert assignment.submitted_at is None


def test_weighted_total_is_the_weighted_mean():
    assert weighted_total([(Decimal(80), Decimal(60)), (Decimal(90), Decimal(40))]) == Decimal(
        "84.00"
    )
    # Weights that do not add up to 100 are normalised.
    assert weighted_total([(Decimal(70), Decimal(1)), (Decimal(75), Decimal(2))]) == Decimal(
        "73.33"
    )


def test_expert_saves_a_draft_edits_it_and_submits(client, expert, application, assignment):
    review_declare_no_conflict(assignment=assignment, actor=expert)
    client.force_login(expert)

    client.post(
        page(assignment),
        {**criteria_fields(application, 70, 50), "comment": "first go", "save": "1"},
    )
    assignment.refresh_from_db()
    assert assignment.submitted_at is None
    assert assignment.total_score == Decimal("62.00")

    response = client.post(
        page(assignment),
        {
            **criteria_fields(application, 80, 90),
            "comment": "Solid evidence",
            "submit": "1",
            "confirmed": "yes",
        },
    )

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.total_score == Decimal("84.00")
    assert assignment.comment == "Solid evidence"
    assert assignment.submitted_at is not None
    assert sorted(ReviewScore.objects.values_list("score", flat=True)) == [80, 90]


def test_a_submitted_sheet_can_no_longer_change(expert, application, assignment):
    review_declare_no_conflict(assignment=assignment, actor=expert)
    criteria = list(ScoreCriterion.objects.filter(programme=application.call.programme))
    review_save_scores(
        assignment=assignment,
        actor=expert,
        scores={criteria[0].pk: Decimal(80), criteria[1].pk: Decimal(90)},
        submit=True,
    )

    with pytest.raises(ValidationError, match="submitted"):
        review_save_scores(
            assignment=assignment,
            actor=expert,
            scores={criteria[0].pk: Decimal(10), criteria[1].pk: Decimal(10)},
        )
    assignment.refresh_from_db()
    assert assignment.total_score == Decimal("84.00")


def test_submitting_needs_every_criterion_and_scores_within_0_to_100(
    client, expert, application, assignment
):
    review_declare_no_conflict(assignment=assignment, actor=expert)
    client.force_login(expert)
    fields = criteria_fields(application, 80, 90)
    first, second = fields

    missing = client.post(page(assignment), {first: "80", "submit": "1"})
    too_high = client.post(page(assignment), {first: "80", second: "101", "submit": "1"})

    assert missing.status_code == 400
    assert "Score every criterion" in missing.content.decode()
    assert too_high.status_code == 400
    assignment.refresh_from_db()
    assert assignment.submitted_at is None
    assert not assignment.scores.exists()


def test_scores_only_while_the_application_is_in_review(expert, enterprise):
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.ACCEPTED)
    criterion = ScoreCriterion.objects.create(
        programme=application.call.programme, name="Innovation", weight=100
    )
    assignment = factories.assign(application, expert)
    review_declare_no_conflict(assignment=assignment, actor=expert)

    with pytest.raises(ValidationError, match="only while the application is in expert review"):
        review_save_scores(
            assignment=assignment, actor=expert, scores={criterion.pk: Decimal(90)}, submit=True
        )


def test_only_the_assigned_expert_may_declare_or_score(application, assignment):
    other_expert = factories.expert_user(username="other-expert")
    with pytest.raises(ValidationError):
        review_declare_no_conflict(assignment=assignment, actor=other_expert)
    with pytest.raises(ValidationError):
        review_declare_conflict(assignment=assignment, actor=other_expert, reason="x")
    assignment.refresh_from_db()
    assert assignment.no_conflict_declared_at is None
    assert assignment.submitted_at is None


def test_scoring_without_criteria_is_refused_clearly(expert, enterprise):
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.IN_REVIEW)
    assignment = factories.assign(application, expert)
    review_declare_no_conflict(assignment=assignment, actor=expert)
    with pytest.raises(ValidationError, match="no score sheet"):
        review_save_scores(assignment=assignment, actor=expert, scores={}, submit=True)
