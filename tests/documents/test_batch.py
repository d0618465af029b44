"""The certificates of a call issued in one go, in admin and on the command line: each
granted application that holds none is issued one, the others are skipped, and a
second run issues nothing."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from documents.compose import Subject
from documents.models import Document, Kind
from documents.services import document_issue
from programmes.workflow import Status

from .conftest import application_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def granted_centres(designation_call, enterprise, other_enterprise):
    """Three granted designations (one later warned) and one still in notice."""
    granted = [
        application_in(designation_call, owner, status)
        for owner, status in (
            (enterprise, Status.GRANTED),
            (other_enterprise, Status.GRANTED),
            (enterprise, Status.WARNED),
        )
    ]
    application_in(designation_call, other_enterprise, Status.IN_PUBLIC_NOTICE)
    return granted


def certificates(call):
    return Document.objects.filter(kind=Kind.CERTIFICATE, call=call)


def test_admin_issues_the_missing_certificates_and_says_how_many(
    client, staff, bureau, designation_call, granted_centres
):
    held = document_issue(
        subject=Subject(
            kind=Kind.CERTIFICATE, on=date(2026, 9, 28), application=granted_centres[0]
        ),
        actor=None,
    )
    client.force_login(staff)
    url = "/admin/documents/document/issue-certificates/"

    listing = client.get(f"/admin/documents/document/?call__id__exact={designation_call.pk}")
    assert f"{url}?call={designation_call.pk}" in listing.content.decode()
    form = client.get(url, {"call": designation_call.pk}).content.decode()
    assert "Granted: 3; holding theirs already: 1." in form

    response = client.post(url, {"call": designation_call.pk}, follow=True)

    assert "2 issued, 1 skipped" in response.content.decode()
    assert certificates(designation_call).count() == 3
    assert set(certificates(designation_call).values_list("application", flat=True)) == {
        application.pk for application in granted_centres
    }
    assert certificates(designation_call).filter(issued_by=staff).count() == 2
    assert held in certificates(designation_call)
    # Again: nothing more.
    again = client.post(url, {"call": designation_call.pk}, follow=True)
    assert "0 issued, 3 skipped" in again.content.decode()
    assert certificates(designation_call).count() == 3


@pytest.mark.parametrize("who", ["applicant", "officer"])
def test_only_staff_issue_a_calls_certificates(
    client, request, who, bureau, designation_call, granted_centres
):
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        "/admin/documents/document/issue-certificates/", {"call": designation_call.pk}
    )

    assert response.status_code in (302, 403)
    assert not certificates(designation_call).exists()


def test_the_command_issues_them_with_a_progress_bar_and_is_idempotent(
    bureau, staff, designation_call, granted_centres
):
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "issue_certificates",
        designation_call.code,
        "--user",
        staff.username,
        "--progress",
        stdout=out,
        stderr=err,
    )

    assert "3 issued, 0 skipped" in out.getvalue()
    assert "[" + "#" * 30 + "] 3 / 3 applications" in err.getvalue()
    numbers = sorted(certificates(designation_call).values_list("sequence", flat=True))
    assert numbers == [1, 2, 3]
    out = io.StringIO()
    call_command("issue_certificates", designation_call.code, stdout=out, stderr=io.StringIO())
    assert "0 issued, 3 skipped" in out.getvalue()


def test_the_command_refuses_an_unknown_call_a_non_staff_user_and_no_issuing_body(
    applicant, designation_call, granted_centres
):
    with pytest.raises(CommandError, match="No call has the code"):
        call_command("issue_certificates", "nope")
    with pytest.raises(CommandError, match="bureau staff only"):
        call_command("issue_certificates", designation_call.code, "--user", applicant.username)
    with pytest.raises(CommandError, match="No issuing body"):
        call_command("issue_certificates", designation_call.code)
    assert not Document.objects.exists()
