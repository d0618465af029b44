"""Naive baselines: the same pages as a first version would build them.

Each shows the same rows with the same columns as its real counterpart (the naive
admin site lists the same models in its navigation), set up as Django's and DRF's
documentation advise for large tables and left at their defaults everywhere else:
the admin with the real list's filters and search, ``raw_id_fields`` for the large foreign keys and
``show_full_result_count = False`` (its paginator still counts the filtered rows,
which stock Django cannot avoid), no ``list_select_related`` beyond what the admin
adds by itself; the API with DRF's cursor pagination (no count) and plain
querysets without ``select_related``, as the portal pages. The benchmark measures
both in the same run and reports the ratio.

Mounted only by ``bench/urls.py`` (the benchmark's URL conf), never by the project.
"""

from django.contrib import admin
from django.shortcuts import render
from rest_framework import pagination, permissions, viewsets

from enterprises.access import member_enterprise_ids
from programmes.admin.applications import ApplicationAdmin
from programmes.models import Application, Programme
from programmes.workflow import RESULTS

naive_site = admin.AdminSite(name="naive_admin")


class NaiveApplicationAdmin(admin.ModelAdmin):
    """A stock ModelAdmin with the real one's columns, filters and search."""

    list_display = [
        "title",
        "subject",
        "enterprise",
        "programme",
        "call",
        "status",
        "region",
        "submitted_at",
        "requested_amount",
        "awarded_amount",
    ]
    # The real list's filters, so that both pages offer and compute the same sidebar.
    list_filter = ApplicationAdmin.list_filter
    # Django's advice for foreign keys to large tables: an id box, not a select of every row.
    raw_id_fields = ["enterprise", "call", "region", "created_by"]
    # No second COUNT(*) of the whole table for "(n total)".
    show_full_result_count = False
    # The real list's search fields, searched as Django does (one joined OR).
    search_fields = ApplicationAdmin.search_fields
    list_per_page = 50

    @admin.display(description="product, project or platform")
    def subject(self, obj):
        return getattr(obj.detail, "subject", "")


naive_site.register(Application, NaiveApplicationAdmin)
# Every other model the real site shows, with a stock ModelAdmin: every admin page carries
# a navigation sidebar listing them (built per request), and a naive site of one model
# would be spared that part of the page's cost.
for _model in admin.site._registry:
    if _model is not Application:
        naive_site.register(_model)


class NaivePagination(pagination.CursorPagination):
    """DRF's cursor pagination as its documentation advises for large tables: no count,
    in the real list's order."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-id")


def naive_api_view():
    """A plain ModelViewSet over every application, built when first routed.

    The serializer and FilterSet are the real ones, so that the rows, fields and
    filters are the same: what differs is the queryset (no ``select_related``) and
    the pagination.
    """
    from programmes.api.filters import ApplicationFilter
    from programmes.api.serializers import ApplicationSerializer
    from programmes.api.views import ApplicationViewSet

    class NaiveApplicationViewSet(viewsets.ReadOnlyModelViewSet):
        queryset = Application.objects.all()
        serializer_class = ApplicationSerializer
        filterset_class = ApplicationFilter
        # The real list's search fields, with DRF's SearchFilter (one joined OR).
        search_fields = ApplicationViewSet.scoped_search_fields
        pagination_class = NaivePagination
        permission_classes = [permissions.IsAuthenticated]

    return NaiveApplicationViewSet


def naive_my_applications(request):
    """The portal's "My applications", through the real page, from a queryset without
    select_related."""
    from programmes.views.applicant import application_list_page

    # The model's ordering (newest first), as the real page.
    applications = Application.objects.filter(enterprise_id__in=member_enterprise_ids(request.user))
    return application_list_page(request, applications)


def naive_results(request):
    """The public results page's rows without select_related, through its own template.

    Uses the real view's row-building code on a plain queryset of the same rows.
    """
    from programmes.views import public_notice

    queryset = Application.objects.filter(status__in=RESULTS).order_by(
        "-year", "programme__name", "programme_id", "call__code", "enterprise__name", "id"
    )
    programme = None
    if request.GET.get("programme"):
        programme = Programme.objects.filter(code=request.GET["programme"]).first()
        queryset = queryset.filter(programme=programme)
    if request.GET.get("year"):
        queryset = queryset.filter(year=int(request.GET["year"]))
    limit = int(request.GET.get("limit", "0") or 0)
    if limit:
        queryset = queryset[:limit]
    rows = [
        {
            "enterprise": application.enterprise.name,
            "region": application.region.name if application.region else "",
            "subject": application.headline,
            "level": public_notice.level_or_tier(application),
            "amount": application.awarded_amount,
            "call": application.call.title,
        }
        for application in queryset
    ]
    groups = [{"programme": programme, "year": request.GET.get("year"), "rows": rows}]
    return render(
        request,
        "portal/public/results.html",
        {"groups": groups, "programmes": Programme.objects.all(), "years": []},
    )
