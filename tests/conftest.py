import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the settings' language: a request that switched language
    (set_language, a zh-hans page) leaves it active in the thread otherwise."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def api_client_for():
    """``api_client_for(user)``: an APIClient sending a new API token of ``user``'s
    (``factories.api_key``); anonymous for None."""

    def make(user, *, name="tests"):
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_key(user, name=name)}")
        return client

    return make


@pytest.fixture
def region():
    return factories.RegionFactory(code="330402", name="南湖区")


@pytest.fixture
def other_region():
    return factories.RegionFactory(code="330411", name="秀洲区")


@pytest.fixture
def enterprise(region):
    return factories.EnterpriseFactory(region=region)


@pytest.fixture
def other_enterprise(other_region):
    return factories.EnterpriseFactory(region=other_region)


@pytest.fixture
def staff():
    return factories.staff_user(username="staff")


@pytest.fixture
def applicant(enterprise):
    return factories.applicant_for(enterprise, username="applicant")


@pytest.fixture
def other_applicant(other_enterprise):
    return factories.applicant_for(other_enterprise, username="other-applicant")


@pytest.fixture
def officer(region):
    return factories.county_officer(region, username="officer")


@pytest.fixture
def other_officer(other_region):
    return factories.county_officer(other_region, username="other-officer")


@pytest.fixture
def expert():
    return factories.expert_user(username="expert")


@pytest.fixture
def quota_full(enterprise, officer):
    """A call whose one place in the county is taken, and a second application waiting."""
    from programmes.services.workflow import application_move
    from programmes.workflow import Status

    call = factories.CallFactory(recommendation_quota=1)
    first, waiting = (
        factories.ApplicationFactory(enterprise=enterprise, call=call, status=Status.SUBMITTED)
        for _ in range(2)
    )
    application_move(application=first, actor=officer, move="recommend")
    return waiting
