"""Changes the benchmark recommends for modules owned elsewhere, applied as patches.

``bench/pages.py --proposed-fixes`` applies them before the first request, so that
their effect is measured on the same data before anyone changes the real modules.
Each function names the file and the exact change; none of this runs in the project.
"""

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef


def apply():
    api_status_filter_without_distinct()
    api_detail_serializers_built_once()
    api_details_prefetched_not_joined()
    api_status_label_from_a_dict()
    results_page_paginated()


def api_status_filter_without_distinct():
    """programmes/api/filters.py: ``status = MultipleChoiceFilter(..., distinct=False)``.

    django-filter's MultipleChoiceFilter adds ``SELECT DISTINCT`` by default. A filter
    on a column of the row itself cannot produce duplicates, and DISTINCT over every
    selected column makes PostgreSQL read and sort *all* matching rows (70,000 for one
    programme's granted applications) before it can return the first page.
    Applies to ApplicationFilter, PublicApplicationFilter and DesignationFilter.
    """
    from programmes.api import filters

    for filterset in (
        filters.PublicApplicationFilter,
        filters.ApplicationFilter,
        filters.DesignationFilter,
    ):
        status = filterset.base_filters.get("status")
        if status is not None:
            status.distinct = False


def api_detail_serializers_built_once():
    """programmes/api/serializers.py, ``ApplicationSerializer._detail``: reuse one detail
    serializer per kind instead of building ``ProductDetailSerializer(detail)`` per row.

    Instantiating a ModelSerializer introspects the model to build its fields; per row
    that was half the time of a 100-row page. Replacement::

        def _detail(self, application, kind, serializer_class):
            if application.kind != kind or application.detail is None:
                return None
            serializers = self.__dict__.setdefault("_detail_serializers", {})
            if serializer_class not in serializers:
                serializers[serializer_class] = serializer_class()
            return serializers[serializer_class].to_representation(application.detail)
    """
    from programmes.api import serializers

    def _detail(self, application, kind, serializer_class):
        if application.kind != kind or application.detail is None:
            return None
        built = self.__dict__.setdefault("_detail_serializers", {})
        if serializer_class not in built:
            built[serializer_class] = serializer_class()
        return built[serializer_class].to_representation(application.detail)

    serializers.ApplicationSerializer._detail = _detail


DETAILS = ("product_detail", "project_detail", "designation_detail")


def api_details_prefetched_not_joined():
    """programmes/api/views.py: drop the three details from ``APPLICATION_RELATED`` and
    ``prefetch_related`` them in ``ApplicationViewSet.get_queryset``.

    Eight joined tables cost PostgreSQL ~30 ms of *planning* per list request (it weighs
    every join order); three prefetch queries of 100 ids cost ~3 ms together.
    """
    from programmes.api import views

    views.APPLICATION_RELATED = tuple(
        name for name in views.APPLICATION_RELATED if name not in DETAILS
    )
    original = views.ApplicationViewSet.get_queryset

    def get_queryset(self):
        return original(self).prefetch_related(*DETAILS)

    views.ApplicationViewSet.get_queryset = get_queryset


def api_status_label_from_a_dict():
    """programmes/api/serializers.py: ``status_label`` of ApplicationSerializer and
    PublicApplicationSerializer from a dict built once per response, not
    ``get_status_display``.

    Django's ``get_FOO_display`` rebuilds ``dict(make_hashable(field.flatchoices))`` on
    every call, hashing each lazy label (a translation lookup each): 17 labels × 100 rows
    was a quarter of a list's time. Replacement::

        status_label = serializers.SerializerMethodField()

        def get_status_label(self, application) -> str:
            labels = self.__dict__.get("_status_labels")
            if labels is None:  # once per response, in the request's language
                labels = self._status_labels = {v: str(label) for v, label in Status.choices}
            return labels.get(application.status, application.status)
    """
    from rest_framework import serializers as drf

    from programmes.api import serializers
    from programmes.workflow import Status

    def get_status_label(self, application) -> str:
        labels = self.__dict__.get("_status_labels")
        if labels is None:
            labels = self._status_labels = {value: str(label) for value, label in Status.choices}
        return labels.get(application.status, application.status)

    for serializer in (serializers.ApplicationSerializer, serializers.PublicApplicationSerializer):
        serializer._declared_fields["status_label"] = drf.SerializerMethodField()
        serializer.get_status_label = get_status_label


RESULTS_PER_PAGE = 100


def results_page_paginated():
    """programmes/views/public_notice.py ``results_view`` and programmes/selectors/public.py.

    * The page renders every published result in one response (9,000 rows, 4.5 MB for one
      programme and year at a million applications; all 320,000 unfiltered). Paginate:
      ``Paginator(published_results(...), 100).get_page(request.GET.get("page"))``, build
      the groups from ``page.object_list``, and link to the other pages in the template.
    * ``published_results()``: join only what the order needs (enterprise, region,
      call, programme) and ``prefetch_related`` the three details and the designation:
      nine joined tables cost ~50 ms of PostgreSQL planning per page.
    * ``result_programmes()``: ``SELECT DISTINCT`` over a join with every granted
      application (~0.5 s). Use a semi-join that stops at the first row per programme::

          Programme.objects.filter(Exists(Application.objects.filter(
              call__programme=OuterRef("pk"), status__in=RESULT_STATUSES)))

    * ``result_years()``: the same, over calls: ``Call.objects.filter(Exists(
      Application.objects.filter(call=OuterRef("pk"), status__in=RESULT_STATUSES)))
      .values_list("year", flat=True).distinct().order_by("-year")``.
    """
    from programmes.models import Application, Call, Programme
    from programmes.selectors import public
    from programmes.views import public_notice

    def result_programmes():
        published = Application.objects.filter(
            call__programme=OuterRef("pk"), status__in=public.RESULT_STATUSES
        )
        return Programme.objects.filter(Exists(published))

    def result_years():
        published = Application.objects.filter(
            call=OuterRef("pk"), status__in=public.RESULT_STATUSES
        )
        return list(
            Call.objects.filter(Exists(published))
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )

    original_published = public_notice.published_results

    def published_page(*, programme=None, year=None, page=None):
        queryset = (
            original_published(programme=programme, year=year)
            .select_related(None)
            .select_related("enterprise", "region", "call__programme")
            .prefetch_related(*DETAILS, "designation")
        )
        return Paginator(queryset, RESULTS_PER_PAGE).get_page(page).object_list

    public_notice.result_programmes = result_programmes
    public_notice.result_years = result_years

    original_view = public_notice.results_view

    def results_view(request):
        def published(**kwargs):
            return published_page(page=request.GET.get("page"), **kwargs)

        public_notice.published_results = published
        try:
            return original_view(request)
        finally:
            public_notice.published_results = original_published

    # The URL conf holds the view function itself: point its pattern at the new one.
    from programmes import review_urls

    public_notice.results_view = results_view
    for pattern in review_urls.urlpatterns:
        if getattr(pattern, "name", None) == "results":
            pattern.callback = results_view
