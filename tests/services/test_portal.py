"""The services' portal pages: an enterprise raises a problem and follows it to its
confirmation; officers see their county's cases and problems; out-of-scope rows answer
404 as missing ones do."""

from datetime import date

import pytest
from django.urls import reverse

from services.models import AnnouncedFigure, Event, Platform, Problem, Settlement

pytestmark = pytest.mark.django_db


def test_enterprise_raises_a_problem_officer_assigns_owner_resolves_enterprise_confirms(
    client, enterprise, applicant, officer
):
    client.force_login(applicant)
    response = client.post(
        reverse("services:problem-new"),
        {
            "enterprise": enterprise.pk,
            "category": "venue",
            "title": "Needs a larger workshop",
            "description": "Orders doubled",
        },
    )
    problem = Problem.objects.get()
    assert response.status_code == 302 and response.url == problem.get_absolute_url()
    assert problem.raised_by == applicant

    client.force_login(officer)
    page = client.get(problem.get_absolute_url())
    assert b"services:problem-assign" not in page.content
    assert reverse("services:problem-assign", args=[problem.pk]).encode() in page.content
    client.post(
        reverse("services:problem-assign", args=[problem.pk]),
        {"department": "County land office", "owner": officer.pk, "due_on": "2030年1月31日"},
    )
    problem.refresh_from_db()
    assert (problem.status, problem.owner, str(problem.due_on)) == (
        Problem.Status.ASSIGNED,
        officer,
        "2030-01-31",
    )
    step = reverse("services:problem-step", args=[problem.pk])
    client.post(step, {"step": "start", "expected_status": "assigned"})
    client.post(
        reverse("services:problem-action", args=[problem.pk]), {"text": "Visited two sites"}
    )
    client.post(
        step, {"step": "resolve", "expected_status": "in_progress", "comment": "Site found"}
    )
    problem.refresh_from_db()
    assert problem.status == Problem.Status.RESOLVED

    client.force_login(applicant)
    page = client.get(problem.get_absolute_url())
    assert "Confirm the resolution" in page.content.decode()
    assert "Visited two sites" in page.content.decode()
    client.post(step, {"step": "confirm", "expected_status": "resolved"})
    problem.refresh_from_db()
    assert problem.status == Problem.Status.CONFIRMED


def test_a_refused_step_is_a_message_and_changes_nothing(client, problem, applicant):
    client.force_login(applicant)
    response = client.post(
        reverse("services:problem-step", args=[problem.pk]),
        {"step": "start", "expected_status": "open"},
        follow=True,
    )
    assert response.status_code == 200
    assert "is not possible while it is" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == Problem.Status.OPEN


@pytest.mark.parametrize("who", ["other_applicant", "other_officer", "expert"])
def test_out_of_scope_problems_answer_as_missing(client, problem, who, request):
    client.force_login(request.getfixturevalue(who))
    for name in ("services:problem",):
        assert client.get(reverse(name, args=[problem.pk])).status_code == 404
    for name in ("services:problem-step", "services:problem-assign", "services:problem-action"):
        response = client.post(reverse(name, args=[problem.pk]), {"step": "start"})
        assert response.status_code == 404
    missing = client.get(reverse("services:problem", args=[problem.pk + 1000]))
    assert missing.status_code == 404
    listed = client.get(reverse("services:problems"))
    assert problem.title not in listed.content.decode()


def test_each_sees_their_own_problems_listed(
    client, problem, other_problem, applicant, officer, staff
):
    for user, seen, unseen in (
        (applicant, problem, other_problem),
        (officer, problem, other_problem),
    ):
        client.force_login(user)
        text = client.get(reverse("services:problems")).content.decode()
        assert seen.title in text and unseen.title not in text
    client.force_login(staff)
    text = client.get(reverse("services:problems")).content.decode()
    assert problem.title in text and other_problem.title in text


def test_officers_see_their_countys_cases_only(client, case, officer, other_officer, applicant):
    client.force_login(officer)
    assert case.enterprise.name in client.get(reverse("services:cases")).content.decode()
    assert client.get(case.get_absolute_url()).status_code == 200
    client.force_login(other_officer)
    assert case.enterprise.name not in client.get(reverse("services:cases")).content.decode()
    assert client.get(case.get_absolute_url()).status_code == 404
    client.force_login(applicant)
    assert client.get(reverse("services:cases")).status_code == 403
    assert client.get(case.get_absolute_url()).status_code == 404


def test_only_members_raise_problems(client, officer, staff):
    for user in (officer, staff):
        client.force_login(user)
        assert client.get(reverse("services:problem-new")).status_code == 403


def test_raising_for_another_enterprise_is_refused_and_writes_nothing(
    client, applicant, other_enterprise
):
    client.force_login(applicant)
    response = client.post(
        reverse("services:problem-new"),
        {"enterprise": other_enterprise.pk, "category": "venue", "title": "x"},
    )
    assert response.status_code == 200
    assert "enterprise" in response.context["form"].errors
    assert not Problem.objects.exists()


def test_inbox_and_header_link_to_the_services(client, applicant, officer):
    client.force_login(applicant)
    text = client.get(reverse("programmes:inbox")).content.decode()
    assert reverse("services:problem-new") in text
    assert f'href="{reverse("services:problems")}"' in text  # the header
    client.force_login(officer)
    text = client.get(reverse("programmes:inbox")).content.decode()
    assert reverse("services:cases") in text


def test_dashboard_shows_records_beside_announced_figures(
    client, staff, applicant, enterprise, region
):
    AnnouncedFigure.objects.create(
        measure=AnnouncedFigure.Measure.RELEASE_CONFERENCES,
        region=region,
        year=2019,
        value=9,
        source="An article",
    )
    Event.objects.create(
        kind=Event.Kind.RELEASE_CONFERENCE, title="Launch", held_on=date(2019, 5, 1), region=region
    )
    platform = Platform.objects.create(
        name="A centre", kind="integrated", region=region, announced_settled=65, target_projects=4
    )
    Settlement.objects.create(platform=platform, enterprise=enterprise, settled_on=date(2020, 1, 1))
    client.force_login(staff)
    response = client.get(reverse("services:dashboard"))
    assert response.status_code == 200
    (row,) = response.context["figures"]
    assert (row["on_record"], row["announced"].value) == (1, 9)
    (year,) = response.context["events_by_year"]
    assert (year["year"], year["release_conferences"], len(year["announced"])) == (2019, 1, 1)
    (progress,) = response.context["platforms"]
    assert (progress["settled_on_record"], progress["announced_settled"], progress["percent"]) == (
        1,
        65,
        25,
    )
    client.force_login(applicant)
    assert client.get(reverse("services:dashboard")).status_code == 403
