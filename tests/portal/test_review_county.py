"""County officers' queue: jurisdiction scoping, decisions, and the recommendation quota."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from programmes.exceptions import MoveRefused
from programmes.models import Application, ApplicationEvent
from programmes.services import application_move
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

QUEUE = reverse("review:county-queue")


def decide_url(application):
    return reverse("review:county-decide", args=[application.pk])


@pytest.fixture
def call():
    return factories.CallFactory(recommendation_quota=2)


def submitted(enterprise, call, **kwargs):
    return factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.SUBMITTED, **kwargs
    )


def recommended_by(officer, application):
    return application_move(application=application, actor=officer, move="recommend")


def test_queue_lists_submitted_applications_of_the_officers_regions_only(
    client, officer, enterprise, other_enterprise, call
):
    mine = submitted(enterprise, call, title="Mine")
    resubmitted = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.RESUBMITTED, title="Again"
    )
    factories.ApplicationFactory(enterprise=enterprise, call=call, title="Still a draft")
    factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.ACCEPTED, title="Already accepted"
    )
    elsewhere = submitted(other_enterprise, call, title="Elsewhere")
    client.force_login(officer)

    response = client.get(QUEUE)

    assert response.status_code == 200
    listed = list(response.context["applications"])
    assert set(listed) == {mine, resubmitted}
    assert elsewhere not in listed
    assert b"Still a draft" not in response.content
    assert b"Elsewhere" not in response.content


def test_queue_shows_quota_use_per_county(client, officer, enterprise, call):
    recommended_by(officer, submitted(enterprise, call))
    submitted(enterprise, call, title="Waiting")
    client.force_login(officer)

    response = client.get(QUEUE)

    assert "1 of 2 used" in response.content.decode()


def test_officer_recommends_with_a_comment(client, officer, enterprise, call):
    application = submitted(enterprise, call)
    client.force_login(officer)

    response = client.post(
        decide_url(application),
        {"action": "recommend", "comment": "Strong candidate", "confirmed": "yes"},
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.RECOMMENDED
    event = application.events.get()
    assert (event.move, event.comment, event.actor) == (
        "recommend",
        "Strong candidate",
        officer,
    )


def test_returning_needs_a_comment_and_changes_nothing_without_one(
    client, officer, enterprise, call
):
    application = submitted(enterprise, call)
    client.force_login(officer)

    response = client.post(decide_url(application), {"action": "return_for_revision"})

    assert response.status_code == 400
    assert "Say what the applicant must revise." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert not application.events.exists()


def test_officer_returns_for_revision_with_the_reason(client, officer, enterprise, call):
    application = submitted(enterprise, call)
    client.force_login(officer)

    client.post(
        decide_url(application),
        {"action": "return_for_revision", "comment": "Test report missing", "confirmed": "yes"},
    )

    application.refresh_from_db()
    assert application.status == Status.RETURNED
    assert application.events.get().comment == "Test report missing"


def test_recommending_beyond_the_quota_is_refused_with_a_message(client, officer, enterprise, call):
    for _ in range(2):
        recommended_by(officer, submitted(enterprise, call))
    third = submitted(enterprise, call, title="Third")
    client.force_login(officer)

    response = client.post(
        decide_url(third), {"action": "recommend", "confirmed": "yes"}, follow=True
    )

    third.refresh_from_db()
    assert third.status == Status.SUBMITTED
    assert not third.events.exists()
    assert "quota for this call is used up in this county: 2 of 2" in response.content.decode()


def test_quota_is_counted_per_county_and_per_call(officer, enterprise, other_enterprise, call):
    other_officer = factories.county_officer(other_enterprise.region, username="officer-2")
    for _ in range(2):
        recommended_by(officer, submitted(enterprise, call))

    # Another county has its own quota, and another call its own.
    elsewhere = recommended_by(other_officer, submitted(other_enterprise, call))
    other_call = factories.CallFactory(recommendation_quota=1)
    same_county_other_call = recommended_by(officer, submitted(enterprise, other_call))

    assert elsewhere.status == Status.RECOMMENDED
    assert same_county_other_call.status == Status.RECOMMENDED


def test_a_returned_recommendation_frees_its_place(officer, staff, enterprise, call):
    first = recommended_by(officer, submitted(enterprise, call))
    recommended_by(officer, submitted(enterprise, call))
    application_move(application=first, actor=staff, move="return_for_revision", comment="Fix it")

    third = recommended_by(officer, submitted(enterprise, call))

    assert third.status == Status.RECOMMENDED


def test_a_call_without_quota_has_no_limit(officer, enterprise):
    call = factories.CallFactory(recommendation_quota=None)
    results = [recommended_by(officer, submitted(enterprise, call)) for _ in range(4)]
    assert {application.status for application in results} == {Status.RECOMMENDED}


def test_every_entry_point_gets_the_quota_through_application_move(officer, enterprise, call):
    for _ in range(2):
        recommended_by(officer, submitted(enterprise, call))
    third = submitted(enterprise, call)

    with pytest.raises(MoveRefused):
        application_move(application=third, actor=officer, move="recommend")

    assert Application.objects.filter(status=Status.RECOMMENDED).count() == 2
    assert not ApplicationEvent.objects.filter(application=third).exists()


def test_wrong_state_is_refused_by_the_workflow_not_the_quota(officer, enterprise, call):
    draft = factories.ApplicationFactory(enterprise=enterprise, call=call)
    with pytest.raises(MoveRefused, match="not possible"):
        application_move(application=draft, actor=officer, move="recommend")


def test_officer_of_another_county_gets_404_on_the_application(
    client, other_officer, enterprise, call
):
    application = submitted(enterprise, call)
    client.force_login(other_officer)

    page = client.get(reverse("review:county-application", args=[application.pk]))
    decision = client.post(decide_url(application), {"action": "recommend"})

    assert page.status_code == 404
    assert decision.status_code == 404
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_officer_sees_the_file_with_its_documents(client, officer, enterprise, call):
    application = submitted(enterprise, call)
    client.force_login(officer)

    response = client.get(reverse("review:county-application", args=[application.pk]))

    assert response.status_code == 200
    assert "纳米涂层材料" in response.content.decode()
    assert "0 of 2 used" in response.content.decode()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_racing_for_the_last_place_get_one_recommendation(region):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are meaningful on PostgreSQL only")
    enterprise = factories.EnterpriseFactory(region=region)
    call = factories.CallFactory(recommendation_quota=1)
    applications = [submitted(enterprise, call) for _ in range(2)]
    officers = [factories.county_officer(region, username=f"racer-{n}") for n in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def recommend(officer, application):
        try:
            barrier.wait()
            application_move(application=application, actor=officer, move="recommend")
            outcomes.append("recommended")
        except MoveRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=recommend, args=pair)
        for pair in zip(officers, applications, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["recommended", "refused"]
    assert Application.objects.filter(status=Status.RECOMMENDED).count() == 1


def test_an_application_drafted_before_its_county_was_set_reaches_that_county(
    client, officer, region, call
):
    city = factories.RegionFactory(code="330400", name="嘉兴市", level="city")
    enterprise = factories.EnterpriseFactory(region=city)
    member = factories.applicant_for(enterprise, username="early-drafter")
    application = factories.ready_to_file(
        factories.ApplicationFactory(enterprise=enterprise, call=call, title="早期草稿")
    )
    enterprise.region = region
    enterprise.save()

    application_move(application=application, actor=member, move="submit")

    application.refresh_from_db()
    assert application.region == region
    client.force_login(officer)
    assert "早期草稿" in client.get(QUEUE).content.decode()
