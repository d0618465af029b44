"""Counts of applications by call, status and kind, read from ``ApplicationTally``.

A list filtered by programme and status is counted on every page view (its footer and
page links). Counting a programme's 70,000 granted applications reads 70,000 index
entries, 7–10 ms at a million applications, and more every year. PostgreSQL keeps the
tally as the applications change (statement triggers, migration 0011), so the same
number is the sum of a few rows, whatever the size of the table.

The tally is exact: a statement's rows are appended within the statement's own
transaction, so a reader's snapshot sees in the tally exactly the changes it sees in
the applications.
``differences`` compares the two; ``rebuild`` recounts. Only PostgreSQL keeps it: on
SQLite (development) every count is counted.
"""

from django.db import connections, router, transaction
from django.db.models import Sum

from .models import Application, ApplicationTally

TALLY = ApplicationTally._meta.db_table
APPLICATIONS = Application._meta.db_table

# The models' own table names, not input.
ROWS_SQL = f"SELECT COUNT(*) FROM {TALLY}"  # noqa: S608
COMPACT_SQL = (
    f"WITH folded AS (DELETE FROM {TALLY} RETURNING call_id, status, kind, count) "  # noqa: S608
    f"INSERT INTO {TALLY} (call_id, status, kind, count) "
    "SELECT call_id, status, kind, SUM(count) FROM folded "
    "GROUP BY call_id, status, kind HAVING SUM(count) <> 0"
)
RECOUNT_SQL = (
    f"INSERT INTO {TALLY} (call_id, status, kind, count) "  # noqa: S608
    f"SELECT call_id, status, kind, COUNT(*) FROM {APPLICATIONS} "
    "GROUP BY call_id, status, kind"
)
DIFFERENCES_SQL = (
    "SELECT call_id, status, kind, SUM(tallied), SUM(counted) FROM ("  # noqa: S608
    f" SELECT call_id, status, kind, count AS tallied, 0 AS counted FROM {TALLY}"
    " UNION ALL"
    f" SELECT call_id, status, kind, 0, COUNT(*) FROM {APPLICATIONS}"
    " GROUP BY call_id, status, kind"
    ") AS both_sides GROUP BY call_id, status, kind"
    " HAVING SUM(tallied) <> SUM(counted) ORDER BY call_id, status, kind"
)

#: The filters the tally answers: lookups that read the same on the tally as on the
#: applications (the call and what the call belongs to, the status, the kind).
LOOKUPS = frozenset(
    {
        "status__exact",
        "kind__exact",
        "call__id__exact",
        "call__year__exact",
        "call__programme__id__exact",
        "call__programme__level__exact",
    }
)


def kept(using: str | None = None) -> bool:
    """Whether the database keeps the tally (PostgreSQL, through its triggers); by
    default the database the tally is read from."""
    using = using or router.db_for_read(ApplicationTally)
    return connections[using].vendor == "postgresql"


def count(lookups: dict, *, using: str | None = None) -> int | None:
    """How many applications match ``lookups`` (field lookup → value, each in
    ``LOOKUPS``), or None when the tally cannot say and the rows must be counted."""
    if not kept(using) or not set(lookups) <= LOOKUPS:
        return None
    rows = ApplicationTally.objects.db_manager(using).filter(**lookups)
    return rows.aggregate(total=Sum("count"))["total"] or 0


def counts_by_call(*, statuses, using: str | None = None) -> list[dict]:
    """``{"call_id", "status", "count"}`` for every call with applications in ``statuses``."""
    rows = (
        ApplicationTally.objects.db_manager(using)
        .filter(status__in=statuses)
        .values("call_id", "status")
        .annotate(total=Sum("count"))
        .filter(total__gt=0)
        .order_by()
    )
    return [
        {"call_id": row["call_id"], "status": row["status"], "count": row["total"]} for row in rows
    ]


def compact(*, using: str = "default") -> tuple[int, int]:
    """Fold the tally into one row per call, status and kind; (rows before, rows after).

    One statement: it folds the rows committed when it starts, and rows that writers
    append meanwhile stay as they are, so the sums never change.
    """
    with connections[using].cursor() as cursor:
        cursor.execute(ROWS_SQL)
        before = cursor.fetchone()[0]
        cursor.execute(COMPACT_SQL)
        return before, cursor.rowcount


def rebuild(*, using: str = "default") -> int:
    """Count the applications again into the tally (writers wait meanwhile); its rows."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"LOCK TABLE {APPLICATIONS} IN SHARE MODE")
        cursor.execute(f"TRUNCATE {TALLY}")
        cursor.execute(RECOUNT_SQL)
        return cursor.rowcount


def differences(*, using: str = "default") -> list[tuple]:
    """(call id, status, kind, tallied, counted) wherever the tally and the rows disagree;
    none when the tally is right. Both are read in one statement, one snapshot."""
    with connections[using].cursor() as cursor:
        cursor.execute(DIFFERENCES_SQL)
        return cursor.fetchall()
