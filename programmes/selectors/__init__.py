"""Reads. Every list starts from the scoped lists of ``programmes.access``.

Admin ``get_queryset``, the API, the portal and exports call these functions,
so a user sees the same rows wherever they look.
"""

from collections.abc import Iterable

from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects

from .. import tally
from ..access import application_list, application_scope
from ..models import DETAIL_RELATIONS, Application, Call, Programme
from ..workflow import OPEN, Status


def applications_in_order(queryset: QuerySet[Application], pks: list[int]) -> list[Application]:
    """The rows of ``pks`` from ``queryset`` (with its joins), in the order of ``pks``.

    For lists that cut a page from the applications' ids alone, then read its rows.
    """
    rows = queryset.in_bulk(pks)
    return [rows[pk] for pk in pks if pk in rows]


def application_details_fetch(
    applications: Iterable[Application], *, querysets: dict[str, QuerySet] | None = None
) -> list[Application]:
    """Load the typed detail of every application in one query per kind present.

    A page of one programme's applications (one kind) costs one query rather than
    three; never more than three, whatever the page size. ``querysets`` may narrow
    what is read, by relation (``{"product_detail": ProductDetail.objects.only(...)}``).
    """
    applications = list(applications)
    querysets = querysets or {}
    for kind, relation in DETAIL_RELATIONS.items():
        of_kind = [application for application in applications if application.kind == kind]
        if of_kind:
            prefetch_related_objects(of_kind, Prefetch(relation, querysets.get(relation)))
    return applications


def open_work_by_programme(*, user) -> list[dict]:
    """Counts by status for each programme, of the applications open to ``user``.

    Counted by call, then summed by programme here. For a user who sees every
    application, PostgreSQL's tally answers (``programmes.tally``: a few hundred rows,
    ~1 ms at a million applications); otherwise ``COUNT(*)`` with no join, which
    PostgreSQL reads from the (status, kind) index that carries the call (~17 ms).
    """
    if application_scope(user) is None and tally.kept():
        by_call = tally.counts_by_call(statuses=OPEN)
    else:
        by_call = list(
            application_list(user=user)
            .filter(status__in=OPEN)
            .values("call_id", "status")
            .annotate(count=Count("*"))
            .order_by()
        )
    programme_of = dict(
        Call.objects.filter(pk__in={row["call_id"] for row in by_call}).values_list(
            "pk", "programme_id"
        )
    )
    by_programme: dict[int, dict[str, int]] = {}
    for row in by_call:
        counts = by_programme.setdefault(programme_of[row["call_id"]], {})
        counts[row["status"]] = counts.get(row["status"], 0) + row["count"]
    programmes = Programme.objects.in_bulk(list(by_programme))
    labels = dict(Status.choices)
    return [
        {
            "programme": programmes[pk],
            "counts": [
                {"status": status, "label": labels[status], "count": counts[status]}
                for status in Status.values
                if status in counts
            ],
            "total": sum(counts.values()),
        }
        for pk, counts in sorted(by_programme.items(), key=lambda item: programmes[item[0]].name)
    ]
