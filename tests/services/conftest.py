import pytest
from django.utils import timezone

from services.models import Problem, ServiceCase


@pytest.fixture
def problem(enterprise):
    return Problem.objects.create(
        enterprise=enterprise,
        category=Problem.Category.FINANCING,
        title="Short of working capital for a new line",
        raised_on=timezone.localdate(),
    )


@pytest.fixture
def other_problem(other_enterprise):
    return Problem.objects.create(
        enterprise=other_enterprise,
        category=Problem.Category.VENUE,
        title="Needs a larger workshop",
        raised_on=timezone.localdate(),
    )


@pytest.fixture
def case(enterprise):
    return ServiceCase.objects.create(
        kind=ServiceCase.Kind.INSPECTION,
        enterprise=enterprise,
        held_on=timezone.localdate(),
        department="Science and technology section",
        conducted_by="Two officers of the county bureau",
    )
