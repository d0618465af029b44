"""Who sees what: every endpoint × anonymous, applicant, other applicant, officer, expert, staff."""

import pytest

from enterprises.models import ApiToken
from tests.api.conftest import ids, results

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "applicant", "other_applicant", "officer", "expert", "staff"]


@pytest.fixture
def as_role(request, client_for):
    def make(role):
        user = None if role == "anonymous" else request.getfixturevalue(role)
        return client_for(user)

    return make


def visible_applications(world, role):
    w = world
    return {
        "anonymous": {w.granted, w.other_granted},
        "applicant": {w.draft, w.submitted, w.granted},
        "other_applicant": {w.other_draft, w.other_submitted, w.other_granted},
        # Nanhu's officer: Nanhu's applications, drafts excepted.
        "officer": {w.submitted, w.granted},
        "expert": {w.other_submitted},
        "staff": set(w.applications),
    }[role]


def visible_enterprises(role, enterprise, other_enterprise):
    return {
        "applicant": {enterprise.pk},
        "other_applicant": {other_enterprise.pk},
        "officer": {enterprise.pk},
        "expert": {other_enterprise.pk},
        "staff": {enterprise.pk, other_enterprise.pk},
    }[role]


@pytest.mark.parametrize("role", ROLES)
def test_application_list_holds_exactly_the_callers_scope(role, world, as_role):
    response = as_role(role).get("/api/v1/applications/", {"page_size": 50})

    assert ids(response) == {a.pk for a in visible_applications(world, role)}


@pytest.mark.parametrize("role", ROLES)
def test_application_detail_answers_404_outside_the_scope(role, world, as_role):
    client = as_role(role)
    visible = visible_applications(world, role)

    for application in world.applications:
        response = client.get(f"/api/v1/applications/{application.pk}/")
        assert response.status_code == (200 if application in visible else 404), application


@pytest.mark.parametrize("role", ROLES)
def test_transitions_list_follows_the_scope(role, world, as_role):
    client = as_role(role)
    visible = visible_applications(world, role)

    for application in world.applications:
        response = client.get(f"/api/v1/applications/{application.pk}/transitions/")
        if role == "anonymous":
            assert response.status_code == 401
        else:
            assert response.status_code == (200 if application in visible else 404)


def test_anonymous_results_carry_no_private_field(world, client_for):
    rows = results(client_for(None).get("/api/v1/applications/"))

    private = {"requested_amount", "awarded_amount", "enterprise", "source_note", "source"}
    assert rows
    for row in rows:
        assert private.isdisjoint(row), row
    detail = client_for(None).get(f"/api/v1/applications/{world.granted.pk}/").json()
    assert private.isdisjoint(detail)


def test_anonymous_cannot_filter_results_by_private_amounts(world, client_for):
    # An amount filter would reveal amounts; anonymous callers' filters do not offer it.
    response = client_for(None).get("/api/v1/applications/", {"awarded_min": "99999999"})

    assert ids(response) == {world.granted.pk, world.other_granted.pk}


@pytest.mark.parametrize("role", ROLES)
def test_enterprise_list_and_detail_follow_the_scope(
    role, world, as_role, enterprise, other_enterprise
):
    client = as_role(role)
    response = client.get("/api/v1/enterprises/")
    if role == "anonymous":
        assert response.status_code == 401
        assert client.get(f"/api/v1/enterprises/{enterprise.pk}/").status_code == 401
        return
    visible = visible_enterprises(role, enterprise, other_enterprise)
    assert ids(response) == visible
    for candidate in (enterprise, other_enterprise):
        detail = client.get(f"/api/v1/enterprises/{candidate.pk}/")
        assert detail.status_code == (200 if candidate.pk in visible else 404)


@pytest.mark.parametrize("role", ROLES)
def test_reference_tables_need_a_signed_in_caller(role, world, as_role):
    client = as_role(role)
    for endpoint in ("regions", "industries"):
        response = client.get(f"/api/v1/{endpoint}/")
        assert response.status_code == (401 if role == "anonymous" else 200)
    detail = client.get(f"/api/v1/regions/{world.city.pk}/")
    assert detail.status_code == (401 if role == "anonymous" else 200)


@pytest.mark.parametrize("role", ROLES)
def test_programmes_are_public_and_inactive_ones_staff_only(role, world, as_role):
    client = as_role(role)
    expected = {p.pk for p in world.active_programmes}
    if role == "staff":
        expected.add(world.inactive_programme.pk)

    assert ids(client.get("/api/v1/programmes/")) == expected
    inactive = client.get(f"/api/v1/programmes/{world.inactive_programme.pk}/")
    assert inactive.status_code == (200 if role == "staff" else 404)


@pytest.mark.parametrize("role", ROLES)
def test_anonymous_callers_see_open_calls_only(role, world, as_role):
    client = as_role(role)
    w = world
    expected = {
        "anonymous": {w.open_call.pk},
        "staff": {w.open_call.pk, w.closed_call.pk, w.designation_call.pk, w.inactive_call.pk},
    }.get(role, {w.open_call.pk, w.closed_call.pk, w.designation_call.pk})

    assert ids(client.get("/api/v1/calls/")) == expected
    closed = client.get(f"/api/v1/calls/{w.closed_call.pk}/")
    assert closed.status_code == (404 if role == "anonymous" else 200)


@pytest.mark.parametrize("role", ROLES)
def test_designations_follow_the_application_scope(role, world, as_role):
    client = as_role(role)
    sees = role in {"anonymous", "other_applicant", "staff"}

    response = client.get("/api/v1/designations/")

    assert ids(response) == ({world.designation.pk} if sees else set())
    detail = client.get(f"/api/v1/designations/{world.designation.pk}/")
    assert detail.status_code == (200 if sees else 404)
    if role == "anonymous":
        assert "certificate_number" not in detail.json()
        assert "note" not in detail.json()


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_list_tokens_and_nobody_obtains_a_persons_token(role, as_role, applicant):
    client = as_role(role)
    expected = {"anonymous": 401, "staff": 200}.get(role, 403)
    tokens = set(ApiToken.objects.filter(user=applicant).values_list("digest", flat=True))

    assert client.get("/api/v1/tokens/").status_code == expected
    issued = client.post("/api/v1/tokens/", {"user": applicant.pk})
    assert issued.status_code == {"anonymous": 401}.get(role, 403)
    assert set(ApiToken.objects.filter(user=applicant).values_list("digest", flat=True)) == tokens


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("applicant", 201),
        ("other_applicant", 400),  # the enterprise is not theirs: not a valid choice
        ("officer", 403),
        ("expert", 403),
        ("staff", 201),
    ],
)
def test_who_may_file_an_application_for_the_applicants_enterprise(
    role, expected, world, as_role, enterprise
):
    response = as_role(role).post(
        "/api/v1/applications/",
        {
            "enterprise": enterprise.pk,
            "call": world.open_call.pk,
            "title": f"Filed by {role}",
            "product_detail": {"product_name": "碳纤维复合材料"},
        },
    )

    assert response.status_code == expected, response.content
    if expected == 201:
        body = response.json()
        assert body["status"] == "draft"
        assert body["product_detail"]["product_name"] == "碳纤维复合材料"
        assert body["source"] == ("admin" if role == "staff" else "portal")


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 401),
        ("applicant", 200),
        ("other_applicant", 404),
        ("officer", 404),  # drafts are not the county's until submitted
        ("expert", 404),
        ("staff", 200),
    ],
)
def test_who_may_change_a_draft(role, expected, world, as_role):
    response = as_role(role).patch(
        f"/api/v1/applications/{world.draft.pk}/", {"title": f"Changed by {role}"}
    )

    assert response.status_code == expected, response.content
    world.draft.refresh_from_db()
    assert (world.draft.title == f"Changed by {role}") == (expected == 200)


def test_officer_may_read_but_not_change_a_submitted_application(world, client_for, officer):
    response = client_for(officer).patch(
        f"/api/v1/applications/{world.submitted.pk}/", {"title": "Officer edit"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
