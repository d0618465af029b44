"""Notices of new work: county officers hear of filings from their counties, bureau staff
of recommendations, finished reviews, declared conflicts and objections, experts of the
applications they are asked to review and by when; each in their own language, in-app
and by email as each person chose."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.models import Notification, Profile
from enterprises.models import Jurisdiction, Region
from programmes.models import ReviewAssignment, ScoreCriterion
from programmes.services.public import objection_lodge
from programmes.services.reviews import (
    REVIEW_DAYS,
    expert_assign,
    review_declare_conflict,
    review_save_scores,
)
from programmes.services.workflow import application_move
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tell(django_capture_on_commit_callbacks):
    """Run ``action()`` and return whom its notices reached: {username: [messages]}."""

    def run(action):
        Notification.objects.all().delete()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            action()
        told = {}
        for notice in Notification.objects.select_related("user").order_by("pk"):
            told.setdefault(notice.user.username, []).append(notice.message)
        return told

    return run


def chooses(user, *, language="", in_app=True, by_email=True):
    Profile.objects.update_or_create(
        user=user,
        defaults={
            "language": language,
            "new_work_in_app": in_app,
            "new_work_by_email": by_email,
        },
    )


def emails_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


@pytest.fixture
def filed(enterprise, applicant):
    return factories.ready_to_file(
        factories.ApplicationFactory(enterprise=enterprise, title="Carbon fibre")
    )


# --- Who hears of what --------------------------------------------------------------


def test_a_filing_tells_the_officers_of_its_county_only(
    tell, filed, applicant, officer, other_officer, staff, region
):
    city = Region.objects.create(code="330400", name="嘉兴市", level=Region.Level.CITY)
    region.parent = city
    region.save()
    city_officer = factories.county_officer(city, username="city-officer")

    told = tell(lambda: application_move(application=filed, actor=applicant, move="submit"))

    assert set(told) - {applicant.username} == {officer.username, city_officer.username}
    [message] = told[officer.username]
    assert "Carbon fibre" in message
    assert "waits for the county's recommendation" in message
    [email] = emails_to(officer)
    assert "/county/applications/" in email.body
    assert other_officer.username not in told
    assert staff.username not in told


def test_a_resubmission_tells_the_county_again(tell, filed, applicant, officer):
    application_move(application=filed, actor=applicant, move="submit")
    application_move(application=filed, actor=officer, move="return_for_revision", comment="Fix")

    told = tell(lambda: application_move(application=filed, actor=applicant, move="resubmit"))

    assert officer.username in told


def test_a_recommendation_tells_every_bureau_staff_member_but_not_the_officer(
    tell, filed, applicant, officer, staff
):
    second = factories.staff_user(username="second-staff")
    application_move(application=filed, actor=applicant, move="submit")

    told = tell(lambda: application_move(application=filed, actor=officer, move="recommend"))

    assert staff.username in told and second.username in told
    assert officer.username not in told
    assert "formal check" in told[staff.username][0]
    [email] = emails_to(staff)
    assert f"/desk/applications/{filed.pk}/" in email.body


def test_a_move_by_staff_tells_no_colleague_of_new_work(tell, enterprise, staff):
    factories.staff_user(username="colleague")
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.RECOMMENDED)

    told = tell(lambda: application_move(application=application, actor=staff, move="accept"))

    assert "colleague" not in told


def test_an_assigned_expert_hears_of_the_review_and_its_due_date(tell, enterprise, staff, expert):
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.ACCEPTED)
    due = timezone.localdate() + timedelta(days=REVIEW_DAYS)

    told = tell(lambda: expert_assign(application=application, expert=expert, actor=staff))

    assignment = ReviewAssignment.objects.get(application=application, expert=expert)
    assert assignment.due_on == due
    [message] = told[expert.username]
    assert application.title in message
    assert str(due.year) in message
    assert f"/expert/assignments/{assignment.pk}/" in emails_to(expert)[0].body
    again = tell(lambda: expert_assign(application=application, expert=expert, actor=staff))
    assert again == {}


def test_staff_hear_when_the_last_score_sheet_is_in(tell, enterprise, staff):
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.IN_REVIEW)
    criterion = ScoreCriterion.objects.create(
        programme=application.call.programme, name="Novelty", weight=100, position=1
    )
    first, second = (factories.expert_user(username=f"panel-{n}") for n in range(2))
    now = timezone.now()
    sheets = [
        ReviewAssignment.objects.create(
            application=application, expert=person, no_conflict_declared_at=now
        )
        for person in (first, second)
    ]

    def submit(assignment, person):
        return lambda: review_save_scores(
            assignment=assignment, actor=person, scores={criterion.pk: 70}, submit=True
        )

    assert staff.username not in tell(submit(sheets[0], first))
    told = tell(submit(sheets[1], second))
    assert "the review can be completed" in told[staff.username][0]


def test_staff_hear_of_a_declared_conflict(tell, enterprise, staff, expert):
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.ACCEPTED)
    assignment = factories.assign(application, expert)

    told = tell(
        lambda: review_declare_conflict(assignment=assignment, actor=expert, reason="My cousin")
    )

    assert "assign another expert" in told[staff.username][0]


def test_staff_hear_of_an_objection(tell, enterprise, staff):
    application = factories.ApplicationFactory(
        enterprise=enterprise, status=Status.IN_PUBLIC_NOTICE
    )
    factories.notice_opened(application)

    told = tell(
        lambda: objection_lodge(
            application=application, name="Li", contact="13905730000", text="Copied."
        )
    )

    assert application.title in told[staff.username][0]


# --- In each person's language ------------------------------------------------------------


def test_each_recipient_reads_the_notice_in_their_own_language(
    tell, filed, applicant, officer, region
):
    english = factories.county_officer(region, username="english-officer")
    chooses(officer, language="zh-hans")
    chooses(english, language="en")

    told = tell(lambda: application_move(application=filed, actor=applicant, move="submit"))

    assert "待县级推荐" in told[officer.username][0]
    assert "waits for the county's recommendation" in told[english.username][0]
    assert "项目申报管理平台" in emails_to(officer)[0].subject
    assert emails_to(english)[0].subject.startswith("Programme Desk:")


def test_an_applicants_status_notice_follows_their_language(tell, filed, applicant, enterprise):
    colleague = factories.UserFactory(username="colleague")
    enterprise.memberships.create(user=colleague, status="approved", role="member")
    chooses(applicant, language="zh-hans")
    chooses(colleague, language="en")

    tell(lambda: application_move(application=filed, actor=applicant, move="submit"))

    assert "项目申报管理平台" in emails_to(applicant)[0].subject
    assert "Programme Desk" in emails_to(colleague)[0].subject


# --- As each person chose -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("in_app", "by_email", "notices", "emails"),
    [(True, True, 1, 1), (False, True, 0, 1), (True, False, 1, 0), (False, False, 0, 0)],
)
def test_new_work_comes_the_ways_the_person_chose(
    tell, filed, applicant, officer, in_app, by_email, notices, emails
):
    chooses(officer, in_app=in_app, by_email=by_email)

    told = tell(lambda: application_move(application=filed, actor=applicant, move="submit"))

    assert len(told.get(officer.username, [])) == notices
    assert len(emails_to(officer)) == emails


def test_the_switches_leave_notices_of_ones_own_applications_alone(tell, filed, applicant):
    chooses(applicant, in_app=False, by_email=False)

    told = tell(lambda: application_move(application=filed, actor=applicant, move="submit"))

    assert len(told[applicant.username]) == 1
    assert len(emails_to(applicant)) == 1


def test_an_inactive_officer_is_not_told(tell, filed, applicant, officer):
    officer.is_active = False
    officer.save()

    told = tell(lambda: application_move(application=filed, actor=applicant, move="submit"))

    assert officer.username not in told


def test_an_officer_whose_jurisdiction_ended_is_not_told(tell, filed, applicant, officer):
    Jurisdiction.objects.filter(user=officer).delete()

    told = tell(lambda: application_move(application=filed, actor=applicant, move="submit"))

    assert officer.username not in told
