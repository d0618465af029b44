"""Where people find the documents: under the application and on *My account* for the
applicant, from the header for everybody signed in (a county officer's county
documents), beside the public notices and the published results for the public; each
list scoped as the documents are."""

from datetime import date
from decimal import Decimal

import pytest

from core.models import AuditEntry
from documents.compose import Subject
from documents.models import Kind
from documents.services import document_issue
from programmes.workflow import Status
from tests import factories

from .conftest import application_in

pytestmark = pytest.mark.django_db

ON = date(2026, 9, 28)


def issue(kind, **subject):
    return document_issue(subject=Subject(kind=kind, on=ON, **subject), actor=None)


@pytest.fixture
def round_documents(bureau, city, product_call, enterprise, other_enterprise):
    own, other = (
        application_in(product_call, owner, Status.GRANTED, awarded_amount=Decimal("100000"))
        for owner in (enterprise, other_enterprise)
    )
    return {
        "own": own,
        "other": other,
        "own_notice": issue(Kind.APPROVAL_NOTICE, application=own),
        "other_notice": issue(Kind.APPROVAL_NOTICE, application=other),
        "own_letter": issue(
            Kind.COUNTY_LETTER, call=product_call, region=enterprise.region, applications=[own]
        ),
        "public_notice": issue(Kind.PUBLIC_NOTICE, call=product_call, applications=[own, other]),
        "results": issue(Kind.RESULTS_ANNOUNCEMENT, call=product_call, applications=[own, other]),
    }


def test_the_application_page_lists_the_documents_that_concern_it(
    client, round_documents, applicant
):
    client.force_login(applicant)

    page = client.get(f"/applications/{round_documents['own'].pk}/").content.decode()

    assert 'id="official-documents"' in page
    for name in ("own_notice", "public_notice", "results"):
        document = round_documents[name]
        assert document.number in page, name
        assert f"/documents/{document.pk}/pdf/" in page
    # Addressed to another enterprise, or the county's letter (not the applicant's):
    assert round_documents["other_notice"].number not in page
    assert round_documents["own_letter"].number not in page


def test_a_superseded_document_says_so_under_the_application(client, round_documents, applicant):
    from documents.services import document_reissue

    new = document_reissue(document=round_documents["own_notice"], actor=None, reason="更正")
    client.force_login(applicant)

    page = client.get(f"/applications/{round_documents['own'].pk}/").content.decode()

    assert f"Superseded by {new.number}" in page and new.number in page


def test_my_account_lists_the_documents_addressed_to_the_user(client, round_documents, applicant):
    client.force_login(applicant)

    page = client.get("/account/").content.decode()

    assert round_documents["own_notice"].number in page
    assert round_documents["other_notice"].number not in page
    assert 'href="/documents/"' in page


def test_a_county_officer_reaches_the_countys_documents_from_the_header(
    client, round_documents, officer
):
    client.force_login(officer)

    inbox = client.get("/inbox/").content.decode()
    assert 'href="/documents/"' in inbox
    listed = client.get("/documents/").content.decode()

    assert round_documents["own_letter"].number in listed
    assert round_documents["own_notice"].number in listed
    assert round_documents["other_notice"].number not in listed


def test_the_public_notices_page_links_the_notice_pdf(client, bureau, product_call, enterprise):
    application = application_in(product_call, enterprise, Status.IN_PUBLIC_NOTICE)
    factories.notice_opened(application, days_ago=1)
    notice = issue(Kind.PUBLIC_NOTICE, call=product_call, applications=[application])

    page = client.get("/notices/").content.decode()
    pdf = client.get(f"/verify/{notice.code}/pdf/")

    assert f'href="/verify/{notice.code}/pdf/"' in page and notice.number in page
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, object_id=str(notice.pk), actor=None
    ).exists()


def test_the_results_page_links_the_announcement_pdf(client, round_documents):
    page = client.get("/results/").content.decode()

    results = round_documents["results"]
    assert f'href="/verify/{results.code}/pdf/"' in page and results.number in page
    # Only the published kinds appear on a public page.
    assert round_documents["own_notice"].number not in page
