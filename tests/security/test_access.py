"""No access across the line: every role, against another enterprise's or county's record,
on every channel — portal pages, review pages, admin, API and file downloads.

A refusal is a 403 or 404 (admin answers as Django does for a missing record:
a redirect to its index, or to its login for users it does not admit). Lists
and pages are searched for the record's secret marker, so a leak in any column
fails. Applicants also try to set status, amounts and reviewer fields by every
route; nothing they send there is stored.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Application, ReviewAssignment
from programmes.workflow import Status
from tests import factories

from .conftest import SECRET

pytestmark = pytest.mark.django_db

OUTSIDERS = ["applicant", "officer", "expert", "no_role"]


def pages(world):
    """(name, method, url) of every page that shows or changes the foreign record."""
    return pages_of(world.foreign.pk, world.foreign_file.pk, world.foreign_enterprise.pk)


def pages_of(application, attachment, enterprise):
    """(name, method, url) of every page that shows or changes these records."""
    return [
        ("portal detail", "get", reverse("programmes:application-detail", args=[application])),
        ("portal edit", "get", reverse("programmes:application-edit", args=[application])),
        ("portal action", "post", reverse("programmes:application-action", args=[application])),
        ("portal upload", "post", reverse("programmes:attachment-upload", args=[application])),
        (
            "portal remove file",
            "post",
            reverse("programmes:attachment-remove", args=[application, attachment]),
        ),
        ("enterprise profile", "get", reverse("enterprises:profile", args=[enterprise])),
        ("enterprise edit", "get", reverse("enterprises:edit", args=[enterprise])),
        ("download", "get", reverse("programmes:attachment-download", args=[attachment])),
        ("county page", "get", reverse("review:county-application", args=[application])),
        ("county decide", "post", reverse("review:county-decide", args=[application])),
        ("desk page", "get", reverse("review:desk-application", args=[application])),
        ("desk move", "post", reverse("review:desk-move", args=[application])),
        (
            "admin change",
            "get",
            reverse("admin:programmes_application_change", args=[application]),
        ),
        (
            "admin history",
            "get",
            reverse("admin:programmes_application_history", args=[application]),
        ),
        (
            "admin enterprise",
            "get",
            reverse("admin:enterprises_enterprise_change", args=[enterprise]),
        ),
        ("api detail", "get", f"/api/v1/applications/{application}/"),
        ("api transitions", "get", f"/api/v1/applications/{application}/transitions/"),
        ("api enterprise", "get", f"/api/v1/enterprises/{enterprise}/"),
    ]


LISTS = [
    "/applications/",
    "/account/",
    "/county/queue/",
    "/expert/",
    "/desk/",
    "/admin/programmes/application/",
    "/admin/programmes/applicationevent/",
    "/admin/programmes/reviewassignment/",
    "/admin/enterprises/enterprise/",
    "/api/v1/applications/",
    "/api/v1/enterprises/",
    "/api/v1/designations/",
]


def refused(name, response) -> bool:
    if response.status_code in {401, 403, 404}:
        return True
    if name.startswith("admin") and response.status_code == 302:
        # Django admin: "does not exist" (back to its index) or not admitted (its login).
        location = response["Location"]
        return location == reverse("admin:index") or location.startswith(reverse("admin:login"))
    return False


def send(client, method, url):
    if method == "post":
        return client.post(
            url, {"action": "withdraw", "comment": "x", "move": "reject", "decision": "recommend"}
        )
    return client.get(url)


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_are_refused_the_foreign_record_on_every_channel(client, world, role):
    client.force_login(world.users[role])
    before = Application.objects.get(pk=world.foreign.pk)

    answers = {name: send(client, method, url) for name, method, url in pages(world)}

    leaks = {
        name: response.status_code
        for name, response in answers.items()
        if not refused(name, response)
        or SECRET.encode() in (b"" if response.streaming else response.content)
        or b"0573-SECRET" in (b"" if response.streaming else response.content)
    }
    assert leaks == {}
    after = Application.objects.get(pk=world.foreign.pk)
    assert (after.status, after.updated_at) == (before.status, before.updated_at)
    assert world.foreign.attachments.count() == 1


def answer(response) -> tuple:
    """What a response tells its reader: the status, where it sends them (without the id
    asked for), and the body of an API error."""
    location = re.sub(r"/\d+/", "/<id>/", response.get("Location") or "")
    body = response.json() if response.get("Content-Type") == "application/json" else None
    return response.status_code, location, body


@pytest.mark.parametrize("role", OUTSIDERS)
def test_out_of_scope_answers_exactly_as_missing_on_the_portal_review_pages_files_and_api(
    client, world, role
):
    client.force_login(world.users[role])
    before = Application.objects.get(pk=world.foreign.pk)
    missing = pages_of(999_991, 999_992, 999_993)

    differences = {
        name: (answer(send(client, method, url)), answer(send(client, method, missing_url)))
        for (name, method, url), (_n, _m, missing_url) in zip(pages(world), missing, strict=True)
    }

    assert {name: pair for name, pair in differences.items() if pair[0] != pair[1]} == {}
    after = Application.objects.get(pk=world.foreign.pk)
    assert (after.status, after.updated_at) == (before.status, before.updated_at)
    assert world.foreign.attachments.count() == 1


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_are_refused_the_foreign_record_through_the_api_with_a_token(
    world, api_client_for, role
):
    client = api_client_for(world.users[role])
    application = world.foreign.pk

    answers = {
        "detail": client.get(f"/api/v1/applications/{application}/"),
        "patch": client.patch(f"/api/v1/applications/{application}/", {"title": "taken"}),
        "move": client.post(
            f"/api/v1/applications/{application}/transitions/",
            {"transition": "withdraw", "comment": "x"},
        ),
        "enterprise": client.get(f"/api/v1/enterprises/{world.foreign_enterprise.pk}/"),
    }

    assert {name: r.status_code for name, r in answers.items() if r.status_code < 400} == {}
    assert all(r.status_code in {403, 404} for r in answers.values())
    assert Application.objects.get(pk=application).title == f"{SECRET} application"


@pytest.mark.parametrize("role", OUTSIDERS)
@pytest.mark.parametrize("url", LISTS)
def test_lists_show_nothing_of_the_foreign_record(client, world, role, url):
    client.force_login(world.users[role])

    response = client.get(url)

    assert response.status_code < 500
    assert SECRET.encode() not in response.content


@pytest.mark.parametrize("role", ["other_applicant", "other_officer", "staff"])
def test_those_on_the_far_side_do_see_it(client, world, role):
    """The refusals above are about scope, not a page that is broken for everyone."""
    client.force_login(world.users[role])
    url = {
        "other_applicant": reverse("programmes:application-detail", args=[world.foreign.pk]),
        "other_officer": reverse("review:county-application", args=[world.foreign.pk]),
        "staff": reverse("review:desk-application", args=[world.foreign.pk]),
    }[role]

    response = client.get(url)
    download = client.get(reverse("programmes:attachment-download", args=[world.foreign_file.pk]))

    assert response.status_code == 200
    assert SECRET in response.content.decode()
    assert download.status_code == 200


# --- Applicants cannot set status, amounts or reviewer fields --------------------------

FORBIDDEN_FIELDS = {
    "status": Status.GRANTED,
    "awarded_amount": "9999999",
    "decided_at": "2020-01-01T00:00:00Z",
    "submitted_at": "2020-01-01T00:00:00Z",
    "source": "import",
    "source_note": "tampered",
    "kind": "designation",
    "created_by": "1",
    "expert": "1",
    "total_score": "100",
    "recommended": "true",
}


# What an honest product form sends.
PRODUCT = {
    "product_name": "纳米涂层材料",
    "tier": "provincial_first",
    "technology_readiness_level": "8",
    "key_indicators": "Hardness 9H.",
    "intellectual_property": "ZL202110000000.1",
    "first_sold_on": "2025-03-01",
    "document_type": "application_form",
}


def protected_state(application):
    application.refresh_from_db()
    return (
        application.status,
        application.awarded_amount,
        application.decided_at,
        application.submitted_at,
        application.source,
        application.source_note,
        application.kind,
        application.enterprise_id,
        application.region_id,
        application.call_id,
        application.created_by_id,
    )


@pytest.fixture
def draft(enterprise, applicant):
    return factories.ApplicationFactory(enterprise=enterprise, created_by=applicant)


def test_portal_edit_ignores_tampered_fields(client, applicant, draft, other_enterprise):
    client.force_login(applicant)
    before = protected_state(draft)
    data = {
        **FORBIDDEN_FIELDS,
        "enterprise": other_enterprise.pk,
        "region": other_enterprise.region_id,
        "call": factories.CallFactory().pk,
        **PRODUCT,
        "title": "renamed by its owner",
    }

    response = client.post(reverse("programmes:application-edit", args=[draft.pk]), data)

    assert response.status_code == 302
    assert protected_state(draft) == before
    assert draft.title == "renamed by its owner"


def test_portal_apply_cannot_file_for_another_enterprise_or_preset_the_outcome(
    client, applicant, enterprise, other_enterprise
):
    today = timezone.localdate()
    call = factories.CallFactory(
        opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=1)
    )
    client.force_login(applicant)

    client.post(
        reverse("programmes:apply", args=[call.pk]),
        {
            **FORBIDDEN_FIELDS,
            **PRODUCT,
            "enterprise": other_enterprise.pk,
            "title": "filed with extra fields",
            "action": "save",
        },
    )

    assert not Application.objects.filter(enterprise=other_enterprise).exists()
    filed = Application.objects.get(title="filed with extra fields")
    assert filed.enterprise == enterprise
    assert filed.status == Status.DRAFT
    assert filed.awarded_amount is None and filed.decided_at is None
    assert filed.source == "portal"


def test_api_patch_cannot_set_status_amounts_or_reviewer_fields(
    api_client_for, applicant, draft, other_enterprise
):
    before = protected_state(draft)

    response = api_client_for(applicant).patch(
        f"/api/v1/applications/{draft.pk}/",
        {**FORBIDDEN_FIELDS, "enterprise": other_enterprise.pk, "region": "330411"},
        format="json",
    )

    assert response.status_code in {200, 400}
    assert protected_state(draft) == before


@pytest.mark.parametrize(
    "move", ["recommend", "accept", "start_review", "approve", "grant", "reject"]
)
def test_api_applicant_cannot_make_a_reviewer_or_bureau_move(
    api_client_for, applicant, enterprise, move
):
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.SUBMITTED)
    before = protected_state(application)

    response = api_client_for(applicant).post(
        f"/api/v1/applications/{application.pk}/transitions/",
        {"transition": move, "comment": "self-approval", "expected_status": "submitted"},
        format="json",
    )

    assert response.status_code in {400, 403, 409}
    assert protected_state(application) == before


def test_applicant_cannot_use_the_review_pages_on_their_own_application(client, applicant, world):
    client.force_login(applicant)
    assignment = ReviewAssignment.objects.get(application=world.mine)
    before = protected_state(world.mine)

    answers = [
        client.post(reverse("review:county-decide", args=[world.mine.pk]), {"decision": "x"}),
        client.post(reverse("review:desk-move", args=[world.mine.pk]), {"move": "approve"}),
        client.post(
            reverse("review:expert-assignment", args=[assignment.pk]),
            {"submit": "1", "comment": "self-scored"},
        ),
    ]

    assert [response.status_code for response in answers] == [403, 403, 403]
    assert protected_state(world.mine) == before
    assignment.refresh_from_db()
    assert assignment.submitted_at is None and assignment.total_score in (None, Decimal("0"))


def object_pages(model_admin):
    """Every URL name of ``model_admin`` that names one record (change, history, delete,
    the history's versions, and the admin's own views)."""
    return [
        pattern.name
        for pattern in model_admin.urls
        if pattern.name and "object_id" in str(pattern.pattern)
    ]


@pytest.mark.parametrize("role", ["officer", "expert", "applicant", "no_role"])
def test_out_of_scope_answers_exactly_as_missing_on_every_admin_page(client, world, role):
    from django.contrib import admin

    from enterprises.models import Enterprise

    client.force_login(world.users[role])
    missing = 999_999
    records = {
        Application: (world.foreign.pk, world.foreign.history.earliest().history_id),
        Enterprise: (
            world.foreign_enterprise.pk,
            world.foreign_enterprise.history.earliest().history_id,
        ),
    }
    differences = {}
    for model, (pk, version) in records.items():
        names = object_pages(admin.site._registry[model])
        assert {"history", "change", "delete"} <= {name.rsplit("_", 1)[-1] for name in names}
        for name in names:
            answers = []
            for object_id in (pk, missing):
                args = [object_id, version] if name.endswith("simple_history") else [object_id]
                response = client.get(reverse(f"admin:{name}", args=args))
                # The login redirect names the page asked for: compare it without the id.
                location = (response.get("Location") or "").replace(f"/{object_id}/", "/<id>/")
                answers.append((response.status_code, location))
            if answers[0] != answers[1]:
                differences[name] = answers
    assert differences == {}
