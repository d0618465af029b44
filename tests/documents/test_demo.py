"""The demonstration: ``setup_demo`` sets up the issuing bodies with sample seals, and the
README's walk-through ends with the applicant's approval notice, the public notice, and
the county's letter and summary table issued."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from PIL import Image

from documents.models import Document, IssuingBody, Kind
from enterprises.models import Region
from programmes.management.commands import setup_demo as demo
from programmes.models import Call
from programmes.services import application_move
from tests import factories

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def run_setup_demo() -> str:
    out = StringIO()
    call_command("setup_demo", "--force", stdout=out)
    return out.getvalue()


def test_setup_demo_adds_the_bureau_and_the_demo_county_with_sample_seals():
    report = run_setup_demo()

    bureau = IssuingBody.objects.get(is_default=True)
    county = IssuingBody.objects.get(region__code="330483")
    assert (bureau.prefix, county.prefix) == ("嘉经信", "桐经信")
    for body in (bureau, county):
        with body.seal.open("rb") as handle:
            assert Image.open(handle).format == "PNG"
    assert "样章 / SAMPLE" in report
    # Run again: nothing is added twice.
    run_setup_demo()
    assert IssuingBody.objects.count() == 2


def test_a_bureaus_own_issuing_body_is_left_alone():
    IssuingBody.objects.create(
        name="真实局", header="真实局文件", prefix="真", signature="真实局", is_default=True
    )

    run_setup_demo()

    assert list(IssuingBody.objects.values_list("prefix", flat=True)) == ["真"]


def test_the_walk_through_ends_with_its_documents_issued(tmp_path):
    run_setup_demo()
    users = {
        spec.role: get_user_model().objects.get(username=spec.username) for spec in demo.DEMO_USERS
    }
    applicant, officer, staff = (
        users[demo.APPLICANT.role],
        users[demo.OFFICER.role],
        users[demo.BUREAU.role],
    )
    enterprise = applicant.memberships.get().enterprise
    enterprise.region = Region.objects.get(code="330483")
    enterprise.save()
    call = Call.objects.get(code__startswith="demo-")
    application = factories.ready_to_file(
        factories.ApplicationFactory(
            enterprise=enterprise, call=call, title="高性能纳米涂层材料首批次申报"
        )
    )

    application_move(application=application, actor=applicant, move="submit")
    application_move(application=application, actor=officer, move="recommend", comment="推荐")
    for move in (
        "accept",
        "start_review",
        "complete_review",
        "approve",
        "open_public_notice",
        "grant",
    ):
        application_move(application=application, actor=staff, move=move)

    issued = {document.kind: document for document in Document.objects.all()}
    assert set(issued) == {
        Kind.COUNTY_LETTER,
        Kind.COUNTY_SUMMARY,
        Kind.PUBLIC_NOTICE,
        Kind.APPROVAL_NOTICE,
    }
    assert issued[Kind.COUNTY_LETTER].number.startswith("桐经信〔")
    approval = issued[Kind.APPROVAL_NOTICE]
    text = pdf_text(approval.pdf.read(), tmp_path)
    assert approval.number in text and enterprise.name.split()[0] in text
