"""Concurrency on PostgreSQL: two people acting on the same thing at the same moment.

Each side runs in its own thread with its own database connection, released by
a barrier at the same instant. Row locks (``select_for_update``) and the unique
constraint on the credit code decide who wins; the loser gets a clear refusal
and nothing of theirs is half-written. SQLite serialises writers differently
and is skipped.
"""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from core.models import AuditEntry, ImportRecord
from enterprises.models import Enterprise
from enterprises.resources import EnterpriseResource
from programmes.exceptions import MoveRefused
from programmes.models import ApplicationEvent
from programmes.services import application_move
from programmes.workflow import Status
from tests import factories

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are meaningful on PostgreSQL only"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def race(*jobs):
    """Run the jobs at the same instant, one thread and one connection each; their outcomes."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = job()
        except Exception as error:  # noqa: BLE001  (the outcome is the error)
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.parametrize(
    "status, move",
    [(Status.REVIEWED, "approve"), (Status.REVIEWED, "reject"), (Status.IN_PUBLIC_NOTICE, "grant")],
)
def test_two_staff_deciding_at_once_record_exactly_one_decision(enterprise, status, move):
    application = factories.ApplicationFactory(enterprise=enterprise, status=status)
    if move == "grant":
        factories.notice_opened(application, days_ago=application.call.public_notice_days + 1)
    deciders = [factories.staff_user(username=f"decider-{n}") for n in range(2)]

    def decide(user, move):
        return lambda: application_move(
            application=type(application).objects.get(pk=application.pk),
            actor=user,
            move=move,
            comment="decided at the meeting",
        )

    outcomes = race(*(decide(user, move) for user in deciders))

    refused = [o for o in outcomes if isinstance(o, MoveRefused)]
    decided = [o for o in outcomes if not isinstance(o, Exception)]
    assert (len(decided), len(refused)) == (1, 1), outcomes
    assert "is not possible while the application is" in refused[0].messages[0]
    application.refresh_from_db()
    assert application.status == decided[0].status
    assert ApplicationEvent.objects.filter(application=application, move=move).count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DECISION).count() == 1


def test_two_imports_of_the_same_sheet_at_once_create_no_duplicates(tmp_path):
    codes = [factories.make_credit_code(700 + n) for n in range(30)]
    sheet = tmp_path / "enterprises.csv"
    sheet.write_text(
        "统一社会信用代码,企业名称\n"
        + "".join(f"{code},并发导入测试企业{n}有限公司\n" for n, code in enumerate(codes)),
        encoding="utf-8",
    )

    def run_import():
        return EnterpriseResource().import_file(sheet, via="cli")

    outcomes = race(run_import, run_import)

    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert Enterprise.objects.count() == len(codes)
    assert sorted(
        Enterprise.objects.values_list("unified_social_credit_code", flat=True)
    ) == sorted(codes)
    # Each run committed all its rows or none: one wrote the sheet; the other either
    # found every row already there or was refused as a whole and wrote nothing.
    records = list(ImportRecord.objects.order_by("id"))
    assert len(records) == 2
    assert sum(record.created_rows for record in records) == len(codes)
    assert all(record.created_rows in {0, len(codes)} for record in records)
    loser = next(o for o in outcomes if not (o.committed and o.created == len(codes)))
    if loser.committed:
        assert loser.created == 0  # it ran after the winner and found every row there
    else:
        # Refused as a whole, saying why: by the database's unique constraints, or by
        # the check that finds a name already registered under the same code.
        assert loser.problems


def test_an_approve_and_a_reject_sent_at_once_with_the_same_etag_record_one_decision(enterprise):
    application = factories.ApplicationFactory(enterprise=enterprise, status=Status.REVIEWED)
    deciders = [factories.staff_user(username=f"decider-{n}") for n in range(2)]
    clients = []
    for user in deciders:
        client = APIClient()
        client.force_authenticate(user)
        clients.append(client)
    version = clients[0].get(f"/api/v1/applications/{application.pk}/")["ETag"]

    def decide(client, move):
        return lambda: client.post(
            f"/api/v1/applications/{application.pk}/transitions/",
            {"transition": move, "comment": "decided at the meeting"},
            format="json",
            HTTP_IF_MATCH=version,
        )

    outcomes = race(decide(clients[0], "approve"), decide(clients[1], "reject"))

    assert sorted(response.status_code for response in outcomes) == [200, 412], outcomes
    stale = next(response for response in outcomes if response.status_code == 412)
    assert stale.json()["code"] == "precondition_failed"
    assert ApplicationEvent.objects.filter(application=application).count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DECISION).count() == 1
