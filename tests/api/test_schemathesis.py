"""The API fuzzed against its own OpenAPI schema by Schemathesis, in-process through WSGI.

Anonymously and signed in with a token as each role (applicant, county officer,
expert, bureau staff), every operation gets the schema's examples and a bounded
number of generated cases, valid and invalid. No answer may be a 5xx, and every
answer must match the schema: documented status code, content type and body.
Generation is deterministic so that CI runs are repeatable; the coverage phase
(every boundary of every parameter) is off because it alone takes minutes on the
applications list — test_filters.py holds the boundaries of the bounded filters instead.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests import factories

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"max-examples": 20, "database": "none", "deterministic": True},
        "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": False}},
    }
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Loaded at collection (generating the schema needs no database). The lazy
# ``schemathesis.pytest.from_fixture`` loader would do it per test, but 4.32 reads
# ``Node._nodeid``, which pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=CONFIG)


@pytest.fixture
def unthrottled(settings):
    # The fuzzer sends far more requests a minute than any client should.
    rest_framework = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {
        **rest_framework,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(
            rest_framework["DEFAULT_THROTTLE_RATES"], "100000/minute"
        ),
    }


@pytest.fixture
def in_test_transaction():
    """Serve the WSGI calls inside the test's transaction, as Django's test client does.

    Django closes "old" connections around each request; inside a test that would
    end the transaction that holds the test data.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


ROLES = [None, "applicant", "officer", "expert", "staff"]


def headers_for(user) -> dict:
    """The caller's credentials, fetched afresh for each case: a fuzzed call may revoke or
    reissue the caller's token."""
    if user is None:
        return {}
    return {"Authorization": f"Token {factories.api_key(user)}"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
@schema.parametrize()
@settings(
    deadline=None,
    # The world is built once per operation; cases only add to it, which is what we want.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, role, request, world, unthrottled, in_test_transaction):
    user = request.getfixturevalue(role) if role else None
    case.call_and_validate(headers=headers_for(user), checks=CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
@pytest.mark.parametrize(
    "path, record",
    [
        ("/api/v1/applications/{id}/", lambda world: world.granted),
        ("/api/v1/applications/{id}/", lambda world: world.other_granted),
        ("/api/v1/designations/{id}/", lambda world: world.designation),
    ],
    ids=["own-or-published application", "another's published application", "designation"],
)
def test_a_published_record_read_by_anyone_matches_the_schema(
    path, record, role, request, world, in_test_transaction
):
    # Generated ids rarely name a published record: read the world's own, as each caller.
    user = request.getfixturevalue(role) if role else None
    case = schema[path]["GET"].Case(path_parameters={"id": record(world).pk})

    response = case.call_and_validate(headers=headers_for(user), checks=CHECKS)

    assert response.status_code in {200, 404}
    if role is None:
        assert response.status_code == 200
