"""Two documents issued at the same instant never share a number (PostgreSQL: each in
its own thread and connection, as tests/security/test_concurrency.py races them)."""

from datetime import date

import pytest
from django.db import connection

from documents.compose import Subject
from documents.models import Document, Kind
from documents.services import document_issue
from tests.security.test_concurrency import race

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are meaningful on PostgreSQL only"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("counter_exists", [False, True], ids=["first-of-year", "later"])
def test_documents_issued_at_once_get_consecutive_distinct_numbers(
    bureau, in_notice, counter_exists
):
    def issue():
        return document_issue(
            subject=Subject(kind=Kind.APPROVAL_NOTICE, on=date(2026, 9, 28), application=in_notice),
            actor=None,
        ).number

    if counter_exists:
        issue()
    outcomes = race(issue, issue, issue)

    assert not any(isinstance(outcome, Exception) for outcome in outcomes), outcomes
    start = 2 if counter_exists else 1
    assert sorted(outcomes) == sorted(f"嘉经信〔2026〕{n}号" for n in range(start, start + 3))
    assert sorted(Document.objects.values_list("sequence", flat=True)) == list(range(1, start + 3))
