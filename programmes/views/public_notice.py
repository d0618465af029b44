"""Public pages (no sign-in): applications in public notice, objections, published results."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.search import admin_search_terms
from enterprises.models import Region

from ..forms_review import ObjectionForm
from ..models import Kind, Programme
from ..selectors.public import (
    notice_application_get,
    notice_entry,
    public_notices,
    published_position,
    published_results,
    published_results_page,
    result_programmes,
    result_regions,
    result_years,
)
from ..services.public import objection_lodge


def level_or_tier(application) -> str:
    """What a published list prints in its level column, by kind of programme."""
    if application.kind == Kind.DESIGNATION:
        designation = getattr(application, "designation", None)
        if designation is not None:
            return designation.get_level_display()
    detail = application.detail
    if detail is None:
        return ""
    for name in ("tier", "level_sought", "category"):
        if getattr(detail, name, ""):
            return getattr(detail, f"get_{name}_display")()
    return ""


def notices_view(request):
    groups = public_notices()
    for group in groups:
        for entry in group.entries:
            entry.level = level_or_tier(entry.application)
    return render(request, "portal/public/notices.html", {"groups": groups})


def objection_view(request, pk):
    application = notice_application_get(pk=pk)
    if application is None:
        raise Http404
    entry = notice_entry(application)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection_lodge(application=application, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your objection is received. The bureau will look into it and may contact you."),
            )
            return redirect("review:notices")
    return render(
        request,
        "portal/public/objection.html",
        {
            "application": application,
            "entry": entry,
            "level": level_or_tier(application),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def results_view(request):
    """The published results, a page at a time, grouped by programme and year; narrowed
    by programme, year, region (a city with its counties) and words searched for in the
    enterprise's name and the product, project or platform.

    Each group is numbered from 1; a group continued from the page before goes on
    counting where that page stopped (in the list as narrowed).
    """
    programmes = result_programmes()
    programme = None
    if request.GET.get("programme"):
        programme = Programme.objects.filter(code=request.GET["programme"]).first()
    year = _int_or_none(request.GET.get("year"))
    region = None
    if request.GET.get("region"):
        region = Region.objects.filter(code=request.GET["region"]).first()
    search_text = request.GET.get("q", "").strip()[:200]
    terms = admin_search_terms(search_text)
    page = published_results_page(
        programme=programme,
        year=year,
        region=region,
        terms=terms,
        number=request.GET.get("page"),
    )
    narrowed = (
        published_results(programme=programme, year=year, region=region, terms=terms)
        if region is not None or terms
        else None
    )
    groups: list[dict] = []
    for application in page.object_list:
        key = (application.programme_id, application.year)
        if not groups or groups[-1]["key"] != key:
            offset = 0
            if not groups and page.has_previous():
                offset = published_position(application, results=narrowed)
            groups.append(
                {
                    "key": key,
                    "programme": application.programme,
                    "year": application.year,
                    "offset": offset,
                    "rows": [],
                }
            )
        groups[-1]["rows"].append(
            {
                "enterprise": application.enterprise.name,
                "region": application.region.name if application.region else "",
                "subject": application.headline,
                "level": level_or_tier(application),
                "amount": application.awarded_amount,
                "call": application.call.title,
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/public/results.html",
        {
            "groups": groups,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "query": query.urlencode(),
            "programmes": programmes,
            "years": result_years(),
            "regions": result_regions(),
            "selected_programme": programme,
            "selected_year": year,
            "selected_region": region,
            "search_text": search_text,
            "narrowed": bool(programme or year or region or terms),
        },
    )
