from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftercare.models import InsuranceQualification
from aftercare.services import qualification_move, qualification_request, quota_set
from programmes.models import Disbursement, Kind
from tests import factories


@pytest.fixture
def funded_project(enterprise, staff):
    """A granted project funded 500,000 yuan, of which 300,000 has been paid."""
    application = factories.ApplicationFactory(
        enterprise=enterprise,
        call__programme__kind=Kind.PROJECT,
        status="granted",
        awarded_amount=Decimal("500000"),
        title="数字化织造改造",
    )
    Disbursement.objects.create(
        application=application, amount=Decimal("300000"), paid_on=date(2026, 3, 1)
    )
    return application


@pytest.fixture
def first_batch_product(enterprise):
    """A recognised provincial first-batch product."""
    application = factories.ApplicationFactory(
        enterprise=enterprise,
        call__programme__kind=Kind.PRODUCT,
        status="granted",
        title="高性能碳纤维复合材料",
    )
    application.product_detail.tier = "provincial_first"
    application.product_detail.save()
    return application


@pytest.fixture
def qualification(first_batch_product, applicant, staff) -> InsuranceQualification:
    qualification = qualification_request(
        application=first_batch_product,
        actor=applicant,
        insurer="中国人民财产保险股份有限公司嘉兴市分公司",
        policy_number="PQAA2026330400000001",
        valid_from=date(2026, 1, 1),
        valid_until=date(2028, 12, 31),
    )
    return qualification_move(qualification=qualification, actor=staff, step="qualify")


@pytest.fixture
def quota_2026(staff):
    """The 2026 quota: 1,000,000 yuan, in the order approved, claims open all year."""
    return quota_set(
        actor=staff,
        year=2026,
        amount=Decimal("1000000"),
        claims_close_on=date(2099, 12, 31),
        shortfall_rule="in_order",
    )


def pdf(name="policy.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%test\n", content_type="application/pdf")
