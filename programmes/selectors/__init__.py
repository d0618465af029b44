"""Reads. Every list of applications, designations or attachments is scoped here.

Admin ``get_queryset``, the API, the portal and exports call these functions,
so a user sees the same rows wherever they look.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)

from enterprises.models import Enterprise
from enterprises.roles import is_applicant, is_bureau_staff, is_county_officer, is_expert

from .. import tally
from ..models import (
    DETAIL_RELATIONS,
    Application,
    ApplicationEvent,
    Attachment,
    Call,
    Designation,
    Programme,
)
from ..permissions import jurisdiction_region_ids, member_enterprise_ids
from ..workflow import OPEN, Status

# Never filed: a draft, or a draft the applicant withdrew before submitting it.
# County officers see neither (``permissions.is_unfiled`` says the same for one row).
UNFILED = Q(status=Status.DRAFT) | Q(status=Status.WITHDRAWN, submitted_at__isnull=True)


def application_scope(user, *, files: bool = False) -> Q | None:
    """The condition that limits applications to ``user``; None means everything.

    With ``files`` the expert branch narrows to assignments whose no-conflict
    declaration is made: an expert opens no document before declaring.
    """
    if is_bureau_staff(user):
        return None
    condition = Q(pk__in=[])
    if is_applicant(user):
        condition |= Q(enterprise_id__in=member_enterprise_ids(user))
    if is_county_officer(user):
        condition |= Q(region_id__in=jurisdiction_region_ids(user)) & ~UNFILED
    if is_expert(user):
        if files:
            condition |= Q(
                assignments__expert=user, assignments__no_conflict_declared_at__isnull=False
            )
        else:
            condition |= Q(assignments__expert=user)
    return condition


def application_list(
    *, user, filters: dict | None = None, files: bool = False
) -> QuerySet[Application]:
    queryset = Application.objects.all()
    scope = application_scope(user, files=files)
    if scope is not None:
        # The expert branch joins assignments; filter on ids to keep rows unique.
        queryset = queryset.filter(pk__in=Application.objects.filter(scope).values("pk"))
    if filters:
        queryset = queryset.filter(**filters)
    return queryset


#: ``created_at`` as an expression no index provides. Ordering a year's applications by it
#: makes PostgreSQL sort that year's rows instead of walking the ``created_at`` index from
#: today back to the year, assuming the year's rows spread over it (a year's applications
#: were all created in that year): 2 s for the oldest year at a million applications.
CREATED_BY_SORTING = ExpressionWrapper(
    F("created_at") + Value(timedelta(0)), output_field=DateTimeField()
)


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


def application_get(*, user, pk) -> Application | None:
    return application_list(user=user).filter(pk=pk).first()


def enterprise_list(*, user) -> QuerySet[Enterprise]:
    """Staff see every enterprise; applicants their own; officers those in their regions."""
    queryset = Enterprise.objects.all()
    if is_bureau_staff(user):
        return queryset
    condition = Q(pk__in=[])
    if is_applicant(user):
        condition |= Q(pk__in=member_enterprise_ids(user))
    if is_county_officer(user):
        condition |= Q(region_id__in=jurisdiction_region_ids(user))
    if is_expert(user):
        condition |= Q(applications__assignments__expert=user)
    return queryset.filter(pk__in=Enterprise.objects.filter(condition).values("pk"))


def _of_scoped_applications(queryset: QuerySet, *, user, files: bool = False) -> QuerySet:
    """``queryset`` (rows with an ``application``) narrowed to the applications ``user`` sees.

    Unscoped users (bureau staff) get it unfiltered: ``application__in`` the whole
    application table would be a semi-join with a million rows for nothing.
    """
    if application_scope(user, files=files) is None:
        return queryset
    return queryset.filter(application__in=application_list(user=user, files=files))


def designation_list(*, user) -> QuerySet[Designation]:
    return _of_scoped_applications(Designation.objects.all(), user=user)


def attachment_list(*, user) -> QuerySet[Attachment]:
    return _of_scoped_applications(Attachment.objects.all(), user=user, files=True)


def event_list(*, user) -> QuerySet[ApplicationEvent]:
    return _of_scoped_applications(ApplicationEvent.objects.all(), user=user)


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
