"""Reads of the public pages, open to everyone: the public notices and the results list.

What is public at all is ``programmes.access``'s (``public_results``); here are the
pages' own reads:

- ``published_results(...)``: the published results list (granted, warned, expired),
  narrowed by programme, year, region and search terms, shown ``RESULTS_PER_PAGE`` at
  a time by ``published_results_page(...)``;
- ``applications_in_notice(...)`` and ``notice_entry(...)``: the running notices.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.utils import timezone

from core.search import search
from enterprises.models import Region

from ..models import Application, ApplicationEvent, Call, Kind, Programme
from ..workflow import RESULTS, Status, last_notice_opened_at
from . import application_details_fetch

# --- Public notice and the published results list (portal pages /notices/, /results/) ---

PUBLIC_RELATED = (
    "enterprise",
    "region",
    "call__programme",
    "product_detail",
    "project_detail",
    "designation_detail",
)


RESULTS_PER_PAGE = 100

#: What the results page's search looks in: the columns the page shows (an application's
#: own title is not published, so it is not searched either).
RESULT_SEARCH_FIELDS = (
    "enterprise__name",
    "product_detail__product_name",
    "project_detail__project_name",
    "designation_detail__platform_name",
)


def published_results(
    *,
    programme: Programme | None = None,
    year: int | None = None,
    region: Region | None = None,
    terms: Sequence[str] = (),
):
    """The published list: granted applications, newest year first, then by programme;
    of one ``region`` (with the counties under a city) and holding every search term
    in one of ``RESULT_SEARCH_FIELDS``, when given.

    Within one programme and year (a "group" of the list) rows follow the call's
    code, the enterprise's name and the id; ``published_position`` relies on it.
    """
    queryset = (
        Application.objects.filter(status__in=RESULTS)
        .select_related("enterprise", "region", "call", "programme")
        .order_by(
            "-year",
            "programme__name",
            "programme_id",
            "call__code",
            "enterprise__name",
            "id",
        )
    )
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    if year is not None:
        queryset = queryset.filter(year=year)
    if region is not None:
        queryset = queryset.filter(region_id__in=region.self_and_descendant_ids())
    if terms:
        queryset = search(queryset, terms, RESULT_SEARCH_FIELDS)
    return queryset


def published_results_page(
    *,
    programme: Programme | None = None,
    year: int | None = None,
    region: Region | None = None,
    terms: Sequence[str] = (),
    number=None,
) -> Page:
    """Page ``number`` of the published list (the nearest page if out of range).

    Only what orders the list is joined; each row's typed detail, and a designation's
    title, are fetched for the page (nine joined tables cost PostgreSQL ~50 ms of
    planning on every page view).
    """
    paginator = Paginator(
        published_results(programme=programme, year=year, region=region, terms=terms),
        RESULTS_PER_PAGE,
    )
    page = paginator.get_page(number)
    page.object_list = application_details_fetch(page.object_list)
    designations = [row for row in page.object_list if row.kind == Kind.DESIGNATION]
    prefetch_related_objects(designations, "designation")
    return page


def published_position(application: Application, *, results: QuerySet | None = None) -> int:
    """How many results of ``application``'s programme and year precede it on the list
    (``results``: the list as narrowed, the whole list when None).

    Numbers a page's first group where it continues from the page before.
    """
    call, name = application.call, application.enterprise.name
    before = (
        Q(call__code__lt=call.code)
        | Q(call__code=call.code, enterprise__name__lt=name)
        | Q(call__code=call.code, enterprise__name=name, pk__lt=application.pk)
    )
    listed = Application.objects.all() if results is None else results
    return (
        listed.filter(
            before,
            status__in=RESULTS,
            programme_id=call.programme_id,
            year=call.year,
        )
        .order_by()
        .count()
    )


def result_regions() -> list[Region]:
    """The counties with published results and the cities above them, each city before
    its counties (for the results page filter): asked region by region, from the
    (region, status) index."""
    published = Application.objects.filter(region=OuterRef("pk"), status__in=RESULTS)
    counties = list(Region.objects.filter(Exists(published)).select_related("parent"))
    cities = {region.parent for region in counties if region.parent is not None}
    by_city = sorted(cities, key=lambda city: city.code)
    ordered = []
    for city in by_city:
        ordered.append(city)
        ordered += sorted(
            (region for region in counties if region.parent_id == city.pk),
            key=lambda region: region.code,
        )
    ordered += sorted(
        (region for region in counties if region.parent_id is None),
        key=lambda region: region.code,
    )
    return ordered


# Both filters below are semi-joins that stop at the first published application of
# each call or programme; DISTINCT over a join read every granted application (~0.5 s).


def result_years() -> list[int]:
    """Years that have published results, newest first (for the results page filter)."""
    published = Application.objects.filter(call=OuterRef("pk"), status__in=RESULTS)
    return list(
        Call.objects.filter(Exists(published))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def result_programmes() -> QuerySet[Programme]:
    """Programmes that have published results (for the results page filter).

    Asked through their calls, so that each call's question is answered from the
    (call, status) index; asked of the applications joined to their calls, SQLite
    reads every published application of the status index for a programme with none.
    """
    published = Application.objects.filter(call=OuterRef("pk"), status__in=RESULTS)
    calls = Call.objects.filter(Exists(published), programme=OuterRef("pk"))
    return Programme.objects.filter(Exists(calls))


def notice_opened_at() -> Subquery:
    """When the application's current public notice opened: its latest ``open_public_notice``."""
    return Subquery(
        ApplicationEvent.objects.filter(application=OuterRef("pk"), move="open_public_notice")
        .order_by("-at", "-id")
        .values("at")[:1]
    )


def applications_in_notice(*, call: Call | None = None) -> QuerySet[Application]:
    """Applications in public notice, annotated with ``notice_opened_at``."""
    queryset = (
        Application.objects.filter(status=Status.IN_PUBLIC_NOTICE)
        .annotate(notice_opened_at=notice_opened_at())
        .select_related(*PUBLIC_RELATED)
        .order_by("call__programme__name", "call__code", "enterprise__name", "id")
    )
    if call is not None:
        queryset = queryset.filter(call=call)
    return queryset


@dataclass
class NoticeEntry:
    application: Application
    ends_at: datetime | None
    running: bool


@dataclass
class CallNotice:
    call: Call
    entries: list[NoticeEntry] = field(default_factory=list)


def notice_entry(application: Application, *, now: datetime | None = None) -> NoticeEntry:
    """The notice period of one application (annotated by ``applications_in_notice`` or not)."""
    now = now or timezone.now()
    if hasattr(application, "notice_opened_at"):
        opened_at = application.notice_opened_at
    else:
        opened_at = last_notice_opened_at(application)
    ends_at = application.call.notice_ends_at(opened_at)
    return NoticeEntry(
        application=application, ends_at=ends_at, running=bool(ends_at and now < ends_at)
    )


def public_notices(*, now: datetime | None = None) -> list[CallNotice]:
    """Applications in public notice grouped by call, each with the end of its notice."""
    now = now or timezone.now()
    by_call: dict[int, CallNotice] = {}
    for application in applications_in_notice():
        group = by_call.setdefault(application.call_id, CallNotice(call=application.call))
        group.entries.append(notice_entry(application, now=now))
    return list(by_call.values())


def notice_application_get(*, pk) -> Application | None:
    """An application currently in public notice, or None (the objection form's target)."""
    return applications_in_notice().filter(pk=pk).first()
