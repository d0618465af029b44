"""A small documented-looking dataset whose figures are known by hand."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from enterprises.models import Region
from programmes.models import AnnouncedFigure, Kind, Level, ProductDetail, ProductTier
from programmes.workflow import Status
from tests import factories


@dataclass
class Dataset:
    jiaxing: Region
    nanhu: Region
    xiuzhou: Region
    ningbo: Region
    materials: object
    silk: object
    materials_2023: object
    materials_2024: object
    silk_2023: object


def make_application(call, region, status, *, tier="", requested=None, awarded=None, title=None):
    enterprise = factories.EnterpriseFactory(region=region)
    application = factories.ApplicationFactory(
        enterprise=enterprise,
        call=call,
        status=status,
        requested_amount=requested,
        awarded_amount=awarded,
        with_detail=call.programme.kind != Kind.PRODUCT,
        **({"title": title} if title else {}),
    )
    if call.programme.kind == Kind.PRODUCT:
        ProductDetail.objects.create(application=application, product_name="新材料", tier=tier)
    return application


@pytest.fixture
def dataset(db):
    province = factories.RegionFactory(
        code="330000", name="浙江省", level=Region.Level.PROVINCE, parent=None
    )
    jiaxing = factories.RegionFactory(
        code="330400", name="嘉兴市", level=Region.Level.CITY, parent=province
    )
    nanhu = factories.RegionFactory(code="330402", name="南湖区", parent=jiaxing)
    xiuzhou = factories.RegionFactory(code="330411", name="秀洲区", parent=jiaxing)
    ningbo = factories.RegionFactory(
        code="330200", name="宁波市", level=Region.Level.CITY, parent=province
    )
    xiangshan = factories.RegionFactory(
        code="330225", name="象山县", level=Region.Level.COUNTY, parent=ningbo
    )

    materials = factories.ProgrammeFactory(
        code="first-batch-materials", name="首批次新材料", kind=Kind.PRODUCT, level=Level.PROVINCIAL
    )
    silk = factories.ProgrammeFactory(
        code="cocoon-silk", name="茧丝绸项目", kind=Kind.PROJECT, level=Level.NATIONAL
    )
    materials_2023 = factories.CallFactory(programme=materials, year=2023, title="2023 新材料")
    materials_2024 = factories.CallFactory(programme=materials, year=2024, title="2024 新材料")
    silk_2023 = factories.CallFactory(
        programme=silk,
        year=2023,
        title="2023 茧丝绸",
        announced_count=8,
        announced_amount=Decimal("7490000"),
        source="Jiaxing bureau announcement",
    )

    granted = Status.GRANTED
    make_application(materials_2023, nanhu, granted, tier=ProductTier.NATIONAL, awarded=100_000)
    make_application(materials_2023, nanhu, granted, tier=ProductTier.PROVINCIAL)
    make_application(materials_2023, nanhu, Status.WARNED, tier=ProductTier.PROVINCIAL)
    make_application(materials_2023, nanhu, Status.DRAFT)
    make_application(materials_2023, xiuzhou, Status.REJECTED, requested=50_000)
    make_application(materials_2023, xiangshan, granted, tier=ProductTier.NATIONAL)
    make_application(materials_2024, nanhu, Status.SUBMITTED, requested=80_000)
    make_application(silk_2023, xiuzhou, granted, requested=1_500_000, awarded=1_000_000)
    make_application(silk_2023, xiuzhou, granted, requested=2_500_000, awarded=2_000_000)

    AnnouncedFigure.objects.create(
        programme=materials, region=jiaxing, year=2023, count=15, rank=1, source="Jiaxing 2023"
    )
    AnnouncedFigure.objects.create(
        programme=materials,
        region=jiaxing,
        year=2023,
        tier=ProductTier.NATIONAL,
        count=5,
        source="Jiaxing 2023",
    )
    AnnouncedFigure.objects.create(
        programme=materials, region=None, year=2023, count=57, source="Zhejiang 2023"
    )
    return Dataset(
        jiaxing, nanhu, xiuzhou, ningbo, materials, silk, materials_2023, materials_2024, silk_2023
    )
