"""Documents' world: the bureau as issuing body (with a sample seal), a county's body, and
applications at the workflow's document-issuing moments."""

import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from documents.models import IssuingBody
from documents.seal import sample_seal_png
from enterprises.models import Region
from programmes.models import Kind, Level
from programmes.workflow import Status
from tests import factories


@pytest.fixture
def bureau():
    body = IssuingBody(
        name="嘉兴市经济和信息化局",
        name_en="Jiaxing Municipal Bureau of Economy and Information Technology",
        header="嘉兴市经济和信息化局文件",
        header_en="Jiaxing Municipal Bureau of Economy and Information Technology",
        prefix="嘉经信",
        signature="嘉兴市经济和信息化局",
        signature_en="Jiaxing Municipal Bureau of Economy and Information Technology",
        contact="联系人：王某 电话：0573-82000000",
        is_default=True,
    )
    body.seal.save("seal.png", ContentFile(sample_seal_png(body.name)), save=False)
    body.save()
    return body


@pytest.fixture
def county_body(region):
    body = IssuingBody(
        name="南湖区经济和信息化局",
        header="南湖区经济和信息化局",
        prefix="南经信",
        signature="南湖区经济和信息化局",
        region=region,
    )
    body.seal.save("seal.png", ContentFile(sample_seal_png(body.name)), save=False)
    body.save()
    return body


@pytest.fixture
def city(region, other_region):
    city = factories.RegionFactory(code="330400", name="嘉兴市", level=Region.Level.CITY)
    Region.objects.filter(pk__in=[region.pk, other_region.pk]).update(parent=city)
    region.refresh_from_db()
    other_region.refresh_from_db()
    return city


@pytest.fixture
def product_call():
    programme = factories.ProgrammeFactory(
        code="first-batch", name="浙江省首批次新材料", name_en="First batch of new materials"
    )
    return factories.CallFactory(
        programme=programme, code="fb-2026", title="2026年首批次新材料", year=2026
    )


@pytest.fixture
def project_call():
    programme = factories.ProgrammeFactory(
        code="silk", name="茧丝绸项目", kind=Kind.PROJECT, level=Level.NATIONAL
    )
    return factories.CallFactory(programme=programme, code="silk-2026", title="2026年茧丝绸项目")


@pytest.fixture
def designation_call():
    programme = factories.ProgrammeFactory(
        code="centre", name="浙江省企业技术中心", kind=Kind.DESIGNATION, level=Level.PROVINCIAL
    )
    return factories.CallFactory(
        programme=programme, code="centre-2026", title="2026年省级企业技术中心"
    )


def application_in(call, enterprise, status, **kwargs):
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=status, **kwargs
    )
    detail = application.detail
    for name, value in factories.COMPLETE_DETAIL[application.kind].items():
        setattr(detail, name, value)
    detail.save()
    return application


@pytest.fixture
def in_notice(product_call, enterprise):
    """A product application whose public notice has run its course."""
    application = application_in(
        product_call, enterprise, Status.IN_PUBLIC_NOTICE, awarded_amount=Decimal("300000")
    )
    factories.notice_opened(application, days_ago=product_call.public_notice_days + 1)
    return application


def read_pdf(data: bytes) -> str:
    """The text of a PDF as pypdf reads it back, without the spaces and line breaks
    that the layout puts between characters."""
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    return "".join(text.split())


def pdf_text(data: bytes, tmp_path) -> str:
    """The text of a PDF, read back by poppler's pdftotext."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / "document.pdf"
    source.write_bytes(data)
    return subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(source), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
