"""A changelist paginator that does not count a million rows to draw the page links.

Django's admin asks the paginator for ``count`` on every changelist page. For an
unfiltered list of a large table that is a ``COUNT(*)`` over every row: on
PostgreSQL a sequential or index-only scan that grows with the table (~100 ms
at a million applications, more with bloat), on every page view. PostgreSQL
already keeps an estimate of each table's rows (``pg_class.reltuples``, refreshed
by autovacuum's ``ANALYZE``); a changelist footer that says "about 1,000,000"
needs nothing better.

The estimate is used only where it answers the same question as the count:
PostgreSQL, a queryset that reads one table without any WHERE, DISTINCT,
GROUP BY or slicing (joins for ``list_select_related`` do not change the number
of rows), and a table the estimate puts above ``exact_below`` rows. Everything
else — a filtered list, a county officer's scoped list, a small table, SQLite —
is counted exactly, as Django would. A count known beforehand (``count=``: the
applications' tally, see ``ApplicationAdmin.get_paginator``) answers before either.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


def table_estimate(queryset) -> int | None:
    """PostgreSQL's estimate of the rows of ``queryset``'s table, if it answers the count.

    None when the database is not PostgreSQL, when the queryset is filtered (or
    distinct, grouped, sliced, combined), or when the table was never analysed.
    """
    query = getattr(queryset, "query", None)
    if query is None:  # a list, not a queryset
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    if query.where or query.distinct or query.group_by or query.combinator or query.is_sliced:
        return None
    table = queryset.model._meta.db_table
    with connection.cursor() as cursor:
        # to_regclass: no error (just NULL) if the name is not a table here.
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
    if row is None or row[0] is None or row[0] < 0:  # -1: never vacuumed or analysed
        return None
    return int(row[0])


class EstimatedCountPaginator(Paginator):
    """``count`` from PostgreSQL's statistics for a large unfiltered table, else exact."""

    # Below this many rows an exact count is cheap, and an estimate of a small,
    # freshly changed table is visibly wrong ("3 applications" when there are 5).
    exact_below = 10_000

    def __init__(self, *args, count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = count

    @cached_property
    def count(self):
        # Already known exactly and cheaply (the applications' tally): no estimate needed.
        if self.known_count is not None:
            return self.known_count
        estimate = table_estimate(self.object_list)
        if estimate is not None and estimate >= self.exact_below:
            return estimate
        return super().count
