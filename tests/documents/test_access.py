"""Who sees which document: scoped like the application it concerns, on every road
(the list, the portal download, the API); the verification page to whoever holds the
code; every download audited."""

from datetime import date
from decimal import Decimal

import pytest

from core.models import AuditEntry
from documents.access import can_view_document, document_list
from documents.compose import Subject
from documents.models import Kind
from documents.services import document_issue
from programmes.workflow import Status
from tests import factories

from .conftest import application_in

pytestmark = pytest.mark.django_db

ON = date(2026, 9, 28)


@pytest.fixture
def issued(bureau, city, product_call, enterprise, other_enterprise):
    """Each kind of document: own and other's approval notices, both counties' letters,
    and a public notice."""
    own, other = (
        application_in(product_call, owner, Status.GRANTED, awarded_amount=Decimal("100000"))
        for owner in (enterprise, other_enterprise)
    )

    def issue(kind, **subject):
        return document_issue(subject=Subject(kind=kind, on=ON, **subject), actor=None)

    return {
        "own_notice": issue(Kind.APPROVAL_NOTICE, application=own),
        "other_notice": issue(Kind.APPROVAL_NOTICE, application=other),
        "own_county_letter": issue(
            Kind.COUNTY_LETTER, call=product_call, region=enterprise.region, applications=[own]
        ),
        "other_county_letter": issue(
            Kind.COUNTY_LETTER,
            call=product_call,
            region=other_enterprise.region,
            applications=[other],
        ),
        "public_notice": issue(Kind.PUBLIC_NOTICE, call=product_call, applications=[own, other]),
    }


EVERYTHING = {
    "own_notice",
    "other_notice",
    "own_county_letter",
    "other_county_letter",
    "public_notice",
}
VISIBLE = {
    "staff": EVERYTHING,
    "applicant": {"own_notice", "public_notice"},
    "officer": {"own_notice", "own_county_letter", "public_notice"},
    "expert": {"public_notice"},
    None: {"public_notice"},
}


@pytest.mark.parametrize("who", list(VISIBLE), ids=lambda who: who or "anonymous")
def test_each_role_sees_its_documents_and_no_others(issued, request, who):
    from django.contrib.auth.models import AnonymousUser

    user = request.getfixturevalue(who) if who else AnonymousUser()

    visible = {name for name, document in issued.items() if document in document_list(user=user)}

    assert visible == VISIBLE[who]
    assert {
        name for name, document in issued.items() if can_view_document(user, document)
    } == VISIBLE[who]


@pytest.mark.parametrize("who", ["applicant", "officer", "expert"])
def test_the_portal_download_is_scoped_and_audited(client, issued, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)

    for name, document in issued.items():
        response = client.get(f"/documents/{document.pk}/pdf/")
        if name in VISIBLE[who]:
            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF")
            assert AuditEntry.objects.filter(
                action=AuditEntry.Action.EXPORT, actor=user, object_id=str(document.pk)
            ).exists()
        else:
            assert response.status_code == 404, name


def test_the_portal_list_shows_the_users_documents(client, issued, applicant):
    client.force_login(applicant)

    page = client.get("/documents/").content.decode()

    assert issued["own_notice"].number in page
    assert issued["public_notice"].number in page
    assert issued["other_notice"].number not in page


def test_anonymous_visitors_are_sent_to_log_in_for_the_portal_pages(client, issued):
    response = client.get(f"/documents/{issued['public_notice'].pk}/pdf/")

    assert response.status_code == 302


def test_a_county_officer_downloads_the_summary_table_of_the_county(
    client, bureau, city, product_call, enterprise, other_enterprise, officer
):
    def table(owner):
        application = application_in(product_call, owner, Status.RECOMMENDED)
        return document_issue(
            subject=Subject(
                kind=Kind.COUNTY_SUMMARY,
                on=ON,
                call=product_call,
                region=owner.region,
                applications=[application],
            ),
            actor=None,
        )

    own, other = table(enterprise), table(other_enterprise)
    client.force_login(officer)

    response = client.get(f"/documents/{own.pk}/sheet/")
    assert response.status_code == 200
    assert response.content.startswith(b"PK")
    assert client.get(f"/documents/{other.pk}/sheet/").status_code == 404


def test_an_officer_of_another_county_sees_nothing_of_this_one(issued, other_region):
    stranger = factories.county_officer(
        factories.RegionFactory(code="330225", name="象山县"), username="stranger"
    )

    assert set(document_list(user=stranger)) == {issued["public_notice"]}
