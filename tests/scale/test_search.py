"""Application search through one subquery per table finds exactly the stock search's rows,
in the admin and the API, and on PostgreSQL a term of three letters is served by a
trigram index."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.admin.options import ModelAdmin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.filters import SearchFilter as StockSearchFilter
from rest_framework.request import Request
from rest_framework.test import APIClient

from core.search import INDEXED, search
from programmes.api.filters import SubquerySearchFilter
from programmes.api.views import ApplicationViewSet, DesignationViewSet
from programmes.models import Application, Designation, Kind, ProductDetail
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

TERMS = [
    "丰帆",  # two characters: no trigram
    "丰帆智能",  # an enterprise's name
    "FengFan",  # Latin, as filed
    "fengfan",  # another case
    "MA38",  # part of a credit code
    "纳米",  # a product name (detail of one kind)
    "数字化改造",  # a project name (another kind)
    "技术中心",  # a platform name (the third kind)
    "涂层 丰帆",  # two terms: both must be found
    '"Smart Coating"',  # a phrase in quotes
    "smart 数字化",  # terms found in different tables
    "50%",  # LIKE's wildcards are text here
    "a_b",
    "ab",
    "0%",  # two characters, one of them LIKE's
    "丰",  # one character
    "%",
    "无此企业",  # nothing
]


@pytest.fixture
def searchable(region):
    fengfan = factories.EnterpriseFactory(
        region=region,
        name="宁波丰帆智能制造有限公司 FengFan",
        unified_social_credit_code="91330200MA38925Y3H",
    )
    other = factories.EnterpriseFactory(region=region, name="嘉兴纳科塑胶有限公司")
    made = []
    for enterprise in (fengfan, other):
        for kind, title in (
            (Kind.PRODUCT, "Smart Coating 50% lighter"),
            (Kind.PROJECT, "a_b line retrofit"),
            (Kind.DESIGNATION, "丰帆 research centre"),
        ):
            call = factories.CallFactory(programme=factories.ProgrammeFactory(kind=kind))
            made.append(
                factories.ApplicationFactory(
                    enterprise=enterprise, call=call, title=title, status=Status.SUBMITTED
                )
            )
    made.append(factories.ApplicationFactory(enterprise=other, title="abc 100 percent"))
    for number, application in enumerate(made[2::3]):  # the designation applications
        Designation.objects.create(
            application=application,
            level=application.call.programme.level,
            designated_on=date(2025, 6, 1),
            certificate_number=f"JX-2025-{number:03}",
        )
    ProductDetail.objects.filter(application=made[0]).update(product_name="纳米涂层 abx")
    return made


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("term", TERMS)
def test_admin_search_finds_the_stock_searchs_rows(searchable, staff, term):
    model_admin = admin.site._registry[Application]
    request = RequestFactory().get("/")
    request.user = staff
    queryset = model_admin.get_queryset(request)

    ours, duplicates = model_admin.get_search_results(request, queryset, term)
    stock, _ = ModelAdmin.get_search_results(model_admin, request, queryset, term)

    assert pks(ours) == pks(stock)
    assert duplicates is False


@pytest.mark.parametrize(
    ("viewset", "fields"),
    [
        (ApplicationViewSet, "scoped_search_fields"),
        (ApplicationViewSet, "public_search_fields"),
        (DesignationViewSet, "scoped_search_fields"),
    ],
)
@pytest.mark.parametrize("term", TERMS)
def test_api_search_finds_the_stock_searchs_rows(searchable, term, viewset, fields):
    view = SimpleNamespace(search_fields=getattr(viewset, fields))
    request = Request(RequestFactory().get("/", {"search": term.strip('"')}))
    model = Designation if viewset is DesignationViewSet else Application
    queryset = model.objects.all()

    ours = SubquerySearchFilter().filter_queryset(request, queryset, view)
    stock = StockSearchFilter().filter_queryset(request, queryset, view)

    assert pks(ours) == pks(stock)


def test_search_found_something_in_each_table(searchable):
    """The cases above are not all empty: each table the search reads answers a term."""
    fields = ApplicationViewSet.scoped_search_fields
    everything = Application.objects.all()

    assert len(pks(search(everything, ["丰帆智能"], fields))) == 3  # enterprise name
    assert len(pks(search(everything, ["MA38"], fields))) == 3  # credit code
    assert len(pks(search(everything, ["smart"], fields))) == 2  # title
    assert len(pks(search(everything, ["abx"], fields))) == 1  # product name
    assert len(pks(search(everything, ["数字化改造"], fields))) == 2  # project name
    assert len(pks(search(everything, ["技术中心"], fields))) == 2  # platform name
    assert pks(search(everything, ["50%"], fields)) == {searchable[0].pk, searchable[3].pk}


def test_admin_search_page_lists_the_matches_in_as_many_queries_however_many(
    client, staff, searchable
):
    client.force_login(staff)
    url = reverse("admin:programmes_application_changelist")
    client.get(url, {"q": "有限公司"})  # sessions, permissions and content types read once
    with CaptureQueriesContext(connection) as everything:
        client.get(url, {"q": "有限公司"})

    with CaptureQueriesContext(connection) as few:
        response = client.get(url, {"q": "丰帆智能"})

    assert response.status_code == 200
    listed = {application.pk for application in response.context["cl"].result_list}
    assert listed == {a.pk for a in searchable if a.enterprise.name.startswith("宁波丰帆")}
    assert len(few) == len(everything)


def test_api_search_is_scoped_and_pages_by_cursor(searchable, applicant, enterprise):
    """An applicant's search finds only their enterprise's rows; the cursor carries on."""
    mine = [
        factories.ApplicationFactory(enterprise=enterprise, title=f"丰帆 joint work {n}")
        for n in range(3)
    ]
    api = APIClient()
    api.force_authenticate(applicant)

    first = api.get("/api/v1/applications/", {"search": "丰帆", "page_size": 2}).json()
    second = api.get(first["next"]).json()

    found = [row["id"] for row in first["results"] + second["results"]]
    assert sorted(found) == sorted(a.pk for a in mine)
    assert second["next"] is None


def test_anonymous_search_finds_published_rows_and_not_by_credit_code(searchable):
    fengfan = searchable[0].enterprise
    published = factories.ApplicationFactory(
        enterprise=fengfan, title="Published 丰帆 work", status=Status.GRANTED
    )
    api = APIClient()

    by_name = api.get("/api/v1/applications/", {"search": "丰帆智能"})
    by_code = api.get("/api/v1/applications/", {"search": fengfan.unified_social_credit_code})

    assert [row["id"] for row in by_name.json()["results"]] == [published.pk]
    assert by_name.json()["results"][0]["enterprise_name"] == fengfan.name
    assert by_code.json()["results"] == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
@pytest.mark.parametrize(
    ("field", "term", "index"),
    [
        ("title", "coating", "programmes_application_title_trgm"),
        ("enterprise__name", "丰帆智能", "enterprises_enterprise_name_trgm"),
        (
            "enterprise__unified_social_credit_code",
            "MA38925",
            "enterprises_enterprise_unified_social_credit_code_trgm",
        ),
        ("product_detail__product_name", "纳米涂层", "programmes_productdetail_product_name_trgm"),
        ("project_detail__project_name", "数字化", "programmes_projectdetail_project_name_trgm"),
        (
            "designation_detail__platform_name",
            "技术中心",
            "programmes_designationdetail_platform_name_trgm",
        ),
    ],
)
def test_a_term_of_three_letters_is_served_by_a_trigram_index(searchable, field, term, index):
    queryset = search(Application.objects.all(), [term], [field])

    plan = plan_of(queryset)

    assert index in plan
    assert pks(queryset)


def plan_of(queryset):
    with connection.cursor() as cursor:
        # A test database is small enough to read whole; the question is whether the
        # index can answer the query at all: reading a table, whole or in index order,
        # is priced out.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        return queryset.explain()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pair index is PostgreSQL's")
@pytest.mark.parametrize(
    ("field", "term", "index"),
    [
        ("title", "丰帆", "programmes_application_title_bigram"),
        ("enterprise__name", "纳科", "enterprises_enterprise_name_bigram"),
        (
            "enterprise__unified_social_credit_code",
            "MA",
            "enterprises_enterprise_unified_social_credit_code_bigram",
        ),
        ("product_detail__product_name", "涂层", "programmes_productdetail_product_name_bigram"),
        ("project_detail__project_name", "改造", "programmes_projectdetail_project_name_bigram"),
        (
            "designation_detail__platform_name",
            "中心",
            "programmes_designationdetail_platform_name_bigram",
        ),
        ("title", "a_b", "programmes_application_title_bigram"),  # 3 characters, no trigram
    ],
)
def test_a_term_without_a_trigram_is_served_by_the_pair_index(searchable, field, term, index):
    queryset = search(Application.objects.all(), [term], [field])

    plan = plan_of(queryset)

    assert index in plan
    assert "_trgm" not in plan  # read whole, the trigram index would cost more than the table
    assert pks(queryset)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_a_single_character_asks_no_index(searchable):
    queryset = search(Application.objects.all(), ["丰"], ["title"])

    assert "ILIKE" not in str(queryset.query)
    assert "desk_bigrams" not in str(queryset.query)
    assert len(pks(queryset)) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the indexes are PostgreSQL's")
def test_the_columns_search_writes_for_are_the_indexed_ones():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'")
        names = {(table, index) for table, index in cursor.fetchall()}
    for suffix in ("trgm", "bigram"):
        indexed = {
            (table, index.removeprefix(f"{table}_").removesuffix(f"_{suffix}"))
            for table, index in names
            if index.endswith(f"_{suffix}")
        }
        assert indexed == INDEXED, suffix


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pair function is PostgreSQL's")
def test_the_pair_function_is_priced_so_that_the_planner_prefers_its_index():
    # At PostgreSQL's default cost (100) the planner evaluated it on every enterprise
    # (2–3 s at 100,000) instead of reading the index of pairs (a few milliseconds).
    with connection.cursor() as cursor:
        cursor.execute("SELECT procost FROM pg_proc WHERE proname = 'desk_bigrams'")
        [(cost,)] = cursor.fetchall()
    assert cost >= 1000
