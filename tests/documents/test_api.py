"""``/api/v1/documents/``: scoped like the rest of the API, with each PDF downloadable."""

import hashlib
from datetime import date
from decimal import Decimal

import pytest

from core.models import AuditEntry
from documents.compose import Subject
from documents.models import Kind
from documents.services import document_issue
from programmes.workflow import Status

from .conftest import application_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(bureau, product_call, enterprise, other_enterprise):
    def notice(owner):
        application = application_in(
            product_call, owner, Status.GRANTED, awarded_amount=Decimal("100000")
        )
        return document_issue(
            subject=Subject(
                kind=Kind.APPROVAL_NOTICE, on=date(2026, 9, 28), application=application
            ),
            actor=None,
        )

    return notice(enterprise), notice(other_enterprise)


def test_an_applicant_lists_its_own_documents_only(api_client_for, notices, applicant):
    own, _other = notices

    response = api_client_for(applicant).get("/api/v1/documents/")

    assert response.status_code == 200
    assert [row["number"] for row in response.json()["results"]] == [own.number]
    row = response.json()["results"][0]
    assert row["sha256"] == own.sha256 and row["in_force"] is True
    assert row["verification_url"].endswith(f"/verify/{own.code}/")


def test_another_enterprises_document_is_a_404(api_client_for, notices, applicant):
    _own, other = notices
    client = api_client_for(applicant)

    assert client.get(f"/api/v1/documents/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/documents/{other.pk}/pdf/").status_code == 404


def test_the_pdf_is_the_issued_file_and_the_download_audited(api_client_for, notices, applicant):
    own, _other = notices
    client = api_client_for(applicant)

    link = client.get(f"/api/v1/documents/{own.pk}/").json()["pdf"]
    response = client.get(link, HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == own.sha256
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, actor=applicant, detail__contains="via API"
    ).exists()


def test_staff_filter_by_kind_and_year(api_client_for, notices, staff):
    client = api_client_for(staff)

    assert (
        len(client.get("/api/v1/documents/?kind=approval_notice&year=2026").json()["results"]) == 2
    )
    assert client.get("/api/v1/documents/?kind=certificate").json()["results"] == []
    assert client.get("/api/v1/documents/?year=1800").status_code == 400


def test_anonymous_callers_see_published_documents_only(api_client_for, notices):
    response = api_client_for(None).get("/api/v1/documents/")

    assert response.status_code == 200
    assert response.json()["results"] == []
