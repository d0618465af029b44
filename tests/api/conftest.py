"""A small world for the API tests: two enterprises in two Jiaxing districts, every role."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from enterprises.models import Region
from programmes.models import Designation, Kind, Level
from programmes.workflow import Status
from tests import factories


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # Throttle counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_for(api_client_for):
    """An APIClient authenticated with a token of the user's, or anonymous for None."""
    return api_client_for


@dataclass
class World:
    city: Region
    far_region: Region
    open_call: object
    closed_call: object
    designation_call: object
    inactive_call: object
    active_programmes: list
    inactive_programme: object
    draft: object
    submitted: object
    granted: object
    other_draft: object
    other_submitted: object
    other_granted: object
    designation: Designation

    @property
    def applications(self):
        return [
            self.draft,
            self.submitted,
            self.granted,
            self.other_draft,
            self.other_submitted,
            self.other_granted,
        ]


@pytest.fixture
def world(region, other_region, enterprise, other_enterprise, expert):
    """Jiaxing (330400) over Nanhu (applicant's) and Xiuzhou (other applicant's); Ningbo apart."""
    city = factories.RegionFactory(code="330400", name="嘉兴市", level=Region.Level.CITY)
    Region.objects.filter(pk__in=[region.pk, other_region.pk]).update(parent=city)
    ningbo = factories.RegionFactory(code="330200", name="宁波市", level=Region.Level.CITY)
    far_region = factories.RegionFactory(
        code="330225", name="象山县", level=Region.Level.COUNTY, parent=ningbo
    )
    today = timezone.localdate()
    product = factories.ProgrammeFactory(code="first-batch", kind=Kind.PRODUCT)
    designation_programme = factories.ProgrammeFactory(
        code="tech-centre", kind=Kind.DESIGNATION, level=Level.PROVINCIAL
    )
    inactive = factories.ProgrammeFactory(code="retired", is_active=False)
    open_call = factories.CallFactory(
        programme=product,
        code="open-call",
        year=today.year,
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=10),
    )
    closed_call = factories.CallFactory(
        programme=product,
        code="closed-2023",
        year=2023,
        opens_on=today.replace(year=2023, month=5, day=1),
        closes_on=today.replace(year=2023, month=6, day=30),
    )
    designation_call = factories.CallFactory(
        programme=designation_programme, code="centre-2024", year=2024
    )
    inactive_call = factories.CallFactory(programme=inactive, code="retired-call", year=2020)

    def application(enterprise, call, status, **kwargs):
        return factories.ApplicationFactory(
            enterprise=enterprise, call=call, status=status, **kwargs
        )

    draft = application(enterprise, open_call, Status.DRAFT)
    submitted = application(
        enterprise, open_call, Status.SUBMITTED, requested_amount=Decimal("500000")
    )
    granted = application(
        enterprise,
        closed_call,
        Status.GRANTED,
        requested_amount=Decimal("100000"),
        awarded_amount=Decimal("100000"),
    )
    other_draft = application(other_enterprise, open_call, Status.DRAFT)
    other_submitted = application(
        other_enterprise, open_call, Status.IN_REVIEW, requested_amount=Decimal("2000000")
    )
    other_granted = application(other_enterprise, designation_call, Status.GRANTED)
    factories.assign(other_submitted, expert)
    designation = Designation.objects.create(
        application=other_granted,
        level=Level.PROVINCIAL,
        certificate_number="ZJ-2024-001",
        designated_on=today.replace(year=2024, month=12, day=20),
        valid_from=today.replace(year=2025, month=1, day=1),
        valid_until=today.replace(year=2027, month=12, day=31),
        note="private note",
    )
    return World(
        city=city,
        far_region=far_region,
        open_call=open_call,
        closed_call=closed_call,
        designation_call=designation_call,
        inactive_call=inactive_call,
        active_programmes=[product, designation_programme],
        inactive_programme=inactive,
        draft=draft,
        submitted=submitted,
        granted=granted,
        other_draft=other_draft,
        other_submitted=other_submitted,
        other_granted=other_granted,
        designation=designation,
    )


def results(response):
    """The rows of a paginated list answer."""
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response):
    return {row["id"] for row in results(response)}
