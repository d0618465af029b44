"""Service cases and events as spreadsheets: real xlsx files, headed in Chinese or English,
imported whole or not at all, on the command line and in admin, and exported back."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from core.models import ImportRecord
from enterprises.models import Region
from services import access
from services.models import Event, EventPresentation, Plan, ServiceCase
from services.resources import EventResource, ServiceCaseResource
from tests import factories

pytestmark = pytest.mark.django_db

CASE_HEADER = [
    "序号",
    "服务类型",
    "统一社会信用代码",
    "企业名称",
    "服务日期",
    "服务部门",
    "服务人员",
    "情况摘要",
]
CASE_FIELDS = [
    "kind",
    "unified_social_credit_code",
    "enterprise_name",
    "held_on",
    "department",
    "conducted_by",
    "summary",
]
EVENT_HEADER = [
    "活动类型",
    "活动名称",
    "举办日期",
    "所在地区",
    "主办单位",
    "企业名称",
    "发布产品和技术",
]
FIRST_DAY = date(2024, 3, 1)


def write_xlsx(path: Path, rows) -> Path:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    workbook.save(path)
    return path


def run_import(resource: str, path: Path, *args) -> tuple[int, str]:
    """``manage.py import`` as staff run it: exit status and everything printed."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", resource, str(path), "--noinput", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


@pytest.fixture
def enterprises(region):
    return [factories.EnterpriseFactory(region=region) for _ in range(20)]


def visit_rows(enterprises, count=200):
    """``count`` visits, ten per enterprise on ten different days, as a county sends them:
    a title row, then the header, then the data."""
    rows = [["2024年象山县企业走访情况表"], list(CASE_HEADER)]
    for n in range(count):
        enterprise = enterprises[n % len(enterprises)]
        day = FIRST_DAY + timedelta(days=n // len(enterprises))
        rows.append(
            [
                n + 1,
                "走访",
                enterprise.unified_social_credit_code,
                enterprise.name,
                day.isoformat(),
                "县经信局企业服务科",
                "张三、李四",
                f"第{n + 1}次走访：了解用工和融资情况",
            ]
        )
    return rows


def test_a_200_row_sheet_of_visits_imports_whole(tmp_path, enterprises):
    path = write_xlsx(tmp_path / "走访情况.xlsx", visit_rows(enterprises))

    status, output = run_import("service-cases", path)

    assert status == 0, output
    assert "200 created" in output
    assert ServiceCase.objects.count() == 200
    case = ServiceCase.objects.get(summary="第117次走访：了解用工和融资情况")
    assert (case.kind, case.enterprise, case.held_on, case.department) == (
        ServiceCase.Kind.VISIT,
        enterprises[116 % 20],
        FIRST_DAY + timedelta(days=5),
        "县经信局企业服务科",
    )
    record = ImportRecord.objects.get()
    assert (record.created_rows, record.committed, record.file_name) == (200, True, "走访情况.xlsx")


@pytest.mark.parametrize(
    ("column", "value", "letter", "title", "reason"),
    [
        ("credit code", "91330402MA2B3C4D5X", "C", "统一社会信用代码", "checksum"),
        ("credit code", None, "C", "统一社会信用代码", "no enterprise is registered"),
        ("date", "2024-02-30", "E", "服务日期", "no such day"),
        ("kind", "座谈", "B", "服务类型", "unknown value “座谈”"),
    ],
)
def test_one_bad_row_writes_nothing_and_names_its_row_and_column(
    tmp_path, enterprises, column, value, letter, title, reason
):
    rows = visit_rows(enterprises)
    sheet_row = 117  # Excel's row: the title, the header, then visit 115
    bad = rows[sheet_row - 1]
    if column == "credit code":
        # A valid code of an enterprise nobody registered, or a broken check character.
        bad[2] = value or factories.make_credit_code(99999, "330402")
    elif column == "date":
        bad[4] = value
    else:
        bad[1] = value
    path = write_xlsx(tmp_path / "走访情况.xlsx", rows)

    status, output = run_import("service-cases", path)

    assert status == 1
    assert f"Row {sheet_row}, column {letter} “{title}”" in output
    assert reason in output
    assert "Nothing was imported: 1 row was rejected." in output
    assert not ServiceCase.objects.exists()
    rejected = load_workbook(tmp_path / "走访情况.rejected.xlsx").active
    assert [rejected.cell(2, 1).value, rejected.max_row] == [sheet_row, 2]


def test_english_headers_and_names_without_codes_are_read(tmp_path, enterprises):
    enterprise = enterprises[0]
    plan = Plan.objects.create(
        code="jinhua-2020", title="金华市三年行动计划", region=enterprise.region
    )
    path = write_xlsx(
        tmp_path / "cases.xlsx",
        [
            ["kind", "enterprise_name", "held_on", "department", "conducted_by", "plan"],
            [
                "diagnosis",
                enterprise.name,
                "2024年5月20日",
                "智能化诊断服务组",
                "专家组",
                "jinhua-2020",
            ],
            [
                "inspection",
                enterprise.name,
                "2024/5/21",
                "安全生产科",
                "王五",
                "金华市三年行动计划",
            ],
        ],
    )

    status, output = run_import("services.resources.ServiceCaseResource", path)

    assert status == 0, output
    kinds = sorted(ServiceCase.objects.values_list("kind", "held_on", "plan"))
    assert kinds == [
        ("diagnosis", date(2024, 5, 20), plan.pk),
        ("inspection", date(2024, 5, 21), plan.pk),
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_programme_is_read_by_its_name_in_either_language_whatever_the_importer_reads(
    tmp_path, enterprises, language
):
    programme = factories.ProgrammeFactory(name_zh_hans="茧丝绸项目", name_en="Silk projects")
    path = write_xlsx(
        tmp_path / "cases.xlsx",
        [
            ["kind", "enterprise_name", "held_on", "department", "conducted_by", "programme"],
            ["visit", enterprises[0].name, "2024-05-20", "企业服务科", "张三", "茧丝绸项目"],
            ["visit", enterprises[1].name, "2024-05-20", "企业服务科", "张三", "Silk projects"],
        ],
    )

    with translation.override(language):
        status, output = run_import("service-cases", path)

    assert status == 0, output
    assert set(ServiceCase.objects.values_list("programme", flat=True)) == {programme.pk}


def test_a_sheet_imported_again_adds_nothing_and_a_changed_cell_updates(tmp_path, enterprises):
    rows = visit_rows(enterprises, count=40)
    path = write_xlsx(tmp_path / "visits.xlsx", rows)
    assert run_import("service-cases", path)[0] == 0

    rows[5][7] = "补充：已对接银行"
    status, output = run_import("service-cases", write_xlsx(tmp_path / "again.xlsx", rows))

    assert status == 0, output
    assert "0 created, 1 updated, 39 unchanged" in output
    assert ServiceCase.objects.count() == 40
    assert ServiceCase.objects.filter(summary="补充：已对接银行").count() == 1


def test_a_row_two_cases_on_record_answer_is_refused_and_neither_is_changed(tmp_path, enterprises):
    rows = visit_rows(enterprises, count=3)
    assert run_import("service-cases", write_xlsx(tmp_path / "visits.xlsx", rows))[0] == 0
    twin = ServiceCase.objects.get(summary="第2次走访：了解用工和融资情况")
    twin.pk = None
    twin.summary = "另一条同日记录"
    twin.save()

    rows[3][7] = "补充：已对接银行"
    status, output = run_import("service-cases", write_xlsx(tmp_path / "again.xlsx", rows))

    assert status == 1
    assert "Row 4" in output and "two cases on record" in output
    assert not ServiceCase.objects.filter(summary="补充：已对接银行").exists()


def test_a_row_two_events_on_record_answer_is_refused(tmp_path, jiaxing, enterprises):
    for _ in range(2):
        Event.objects.create(
            kind=Event.Kind.CHAIN_DOCKING,
            title="New Materials Chain Docking",
            held_on=date(2020, 5, 8),
            region=jiaxing,
        )
    rows = [
        ["kind", "title", "held_on", "region", "deals_signed", "enterprise_name"],
        ["chain_docking", "New Materials Chain Docking", "2020-05-08", "嘉兴市", 12, ""],
    ]

    status, output = run_import("events", write_xlsx(tmp_path / "docking.xlsx", rows))

    assert status == 1
    assert "two events on record" in output
    assert set(Event.objects.values_list("deals_signed", flat=True)) == {None}


def test_duplicate_rows_and_empty_required_cells_are_refused(tmp_path, enterprises):
    rows = visit_rows(enterprises, count=3)
    rows.append(list(rows[2]))  # the first visit (row 3) again, as row 6
    rows[4][5] = None  # row 5 has no department
    status, output = run_import("service-cases", write_xlsx(tmp_path / "dup.xlsx", rows))

    assert status == 1
    assert "Row 6, column E “服务日期”: duplicate within the file: row 3" in output
    assert "Row 5, column F “服务部门”: this cell is empty" in output
    assert not ServiceCase.objects.exists()


def as_xlsx(dataset: tablib.Dataset, path: Path) -> Path:
    path.write_bytes(dataset.export("xlsx"))
    return path


KEPT = ("kind", "enterprise", "held_on", "place", "department", "conducted_by", "plan", "summary")


def export_command(resource: str) -> bytes:
    """``manage.py export xlsx RESOURCE``, as the docs give it."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    call_command("export", "xlsx", resource, stdout=out)
    out.flush()
    return out.buffer.getvalue()


def test_cases_export_and_import_back_unchanged(tmp_path, enterprises):
    rows = visit_rows(enterprises)
    plan = Plan.objects.create(
        code="xiangshan-2020", title="象山计划", region=enterprises[0].region
    )
    rows[1] += ["服务计划", "地点"]
    rows[2] += ["xiangshan-2020", "-B座会议室"]  # a cell an exported sheet must not run
    status, output = run_import("service-cases", write_xlsx(tmp_path / "in.xlsx", rows))
    assert status == 0, output
    before = sorted(ServiceCase.objects.values_list(*KEPT))
    assert ServiceCase.objects.get(plan=plan).place == "-B座会议室"

    exported = ServiceCaseResource().export()
    assert exported.headers[:4] == ["服务类型", "统一社会信用代码", "企业名称", "服务日期"]
    assert exported[0][0] == "走访"
    path = tmp_path / "out.xlsx"
    path.write_bytes(export_command("services.resources.ServiceCaseResource"))
    assert "'-B座会议室" in [cell.value for cell in load_workbook(path).active[2]]
    assert run_import("service-cases", path)[1].count("200 unchanged") == 1
    ServiceCase.objects.all().delete()
    status, output = run_import("service-cases", path)

    assert status == 0, output
    after = sorted(ServiceCase.objects.values_list(*KEPT))
    assert after == before and len(after) == 200


@pytest.fixture
def jiaxing(region):
    province = Region.objects.create(code="330000", name="浙江省", level=Region.Level.PROVINCE)
    city = Region.objects.create(
        code="330400", name="嘉兴市", level=Region.Level.CITY, parent=province
    )
    region.parent = city
    region.save()
    return city


def event_rows(enterprises):
    return [
        list(EVENT_HEADER),
        [
            "新产品新技术发布会",
            "2020年4月新产品新技术发布会",
            "2020-04-16",
            "嘉兴市",
            "嘉兴市经信局",
            enterprises[0].name,
            "碳纤维复合材料",
        ],
        [
            "新产品新技术发布会",
            "2020年4月新产品新技术发布会",
            "2020-04-16",
            "嘉兴市",
            None,
            enterprises[1].name,
            "高性能膜材料",
        ],
        ["产业链对接", "新材料产业链对接会", "2020-05-08", "330400", "嘉兴市经信局", None, None],
    ]


def test_events_read_one_row_per_enterprise_presented_and_export_back(
    tmp_path, jiaxing, enterprises
):
    status, output = run_import(
        "events", write_xlsx(tmp_path / "发布会.xlsx", event_rows(enterprises))
    )

    assert status == 0, output
    conference = Event.objects.get(kind=Event.Kind.RELEASE_CONFERENCE)
    assert (conference.held_on, conference.region, conference.organiser) == (
        date(2020, 4, 16),
        jiaxing,
        "嘉兴市经信局",
    )
    assert sorted(conference.presentations.values_list("enterprise__name", "products")) == [
        (enterprises[0].name, "碳纤维复合材料"),
        (enterprises[1].name, "高性能膜材料"),
    ]
    assert Event.objects.get(kind=Event.Kind.CHAIN_DOCKING).presentations.count() == 0

    exported = EventResource().export()
    assert len(exported) == 3
    path = as_xlsx(exported, tmp_path / "events-out.xlsx")
    status, output = run_import("events", path)
    assert status == 0, output
    assert "0 created, 0 updated, 3 unchanged" in output

    Event.objects.all().delete()
    assert run_import("events", path)[0] == 0
    assert Event.objects.count() == 2 and EventPresentation.objects.count() == 2


def test_an_event_on_record_is_found_by_its_title_whatever_its_spacing_and_case(
    tmp_path, jiaxing, enterprises
):
    Event.objects.create(
        kind=Event.Kind.CHAIN_DOCKING,
        title="New Materials Chain Docking",
        held_on=date(2020, 5, 8),
        region=jiaxing,
    )
    rows = [
        ["kind", "title", "held_on", "region", "deals_signed", "enterprise_name", "products"],
        [
            "chain_docking",
            "new materials  chain docking",
            "2020-05-08",
            "嘉兴市",
            12,
            enterprises[0].name,
            "膜材料",
        ],
    ]
    status, output = run_import("events", write_xlsx(tmp_path / "docking.xlsx", rows))

    assert status == 0, output
    event = Event.objects.get()
    assert (event.title, event.deals_signed) == ("New Materials Chain Docking", 12)
    assert event.presentations.get().products == "膜材料"


def test_rows_of_one_event_that_disagree_are_refused(tmp_path, jiaxing, enterprises):
    rows = event_rows(enterprises)
    rows[2][4] = "南湖区经信局"  # the second row names another organiser for the same event
    status, output = run_import("events", write_xlsx(tmp_path / "bad.xlsx", rows))

    assert status == 1
    assert "Row 3, column E “主办单位”: row 2 gives this event" in output
    assert not Event.objects.exists()


def test_only_staff_import_service_sheets(staff, officer, applicant, expert):
    assert access.can_import(staff, ServiceCase)
    for user in (officer, applicant, expert):
        assert not access.can_import(user, ServiceCase)
        assert not access.can_import(user, Event)


def xlsx_upload(rows, name):
    buffer = io.BytesIO()
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def import_store(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "store"},
        },
    }


def test_staff_import_cases_in_admin_with_a_preview_and_officers_may_not(
    client, staff, officer, enterprises, import_store
):
    url = reverse("admin:services_servicecase_import")
    client.force_login(officer)
    assert client.get(url).status_code == 403

    client.force_login(staff)
    preview = client.post(
        url,
        {
            "resource": "0",
            "format": "0",
            "import_file": xlsx_upload(visit_rows(enterprises, 60), "visits.xlsx"),
        },
    )
    assert preview.status_code == 200
    assert preview.context["sheet"]["totals"]["created"] == 60
    assert not ServiceCase.objects.exists()

    done = client.post(
        reverse("admin:services_servicecase_process_import"),
        preview.context["confirm_form"].initial,
    )
    assert done.status_code == 302
    assert ServiceCase.objects.count() == 60


def test_admin_export_of_cases_holds_only_the_officers_county(
    client, officer, enterprise, other_enterprise
):
    for target in (enterprise, other_enterprise):
        ServiceCase.objects.create(
            kind="visit",
            enterprise=target,
            held_on=FIRST_DAY,
            department="科室",
            conducted_by="某人",
        )
    client.force_login(officer)
    response = client.post(
        reverse("admin:services_servicecase_export"),
        {
            "format": "0",
            "servicecaseresource_enterprise_name": "on",
            "servicecaseresource_kind": "on",
        },
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [enterprise.name]


@pytest.mark.parametrize(
    ("model", "first_column"), [("servicecase", "服务类型"), ("event", "活动类型")]
)
def test_the_lists_offer_import_to_staff_and_export_to_officers(
    client, staff, officer, model, first_column
):
    changelist = reverse(f"admin:services_{model}_changelist")
    imports = reverse(f"admin:services_{model}_import")
    exports = reverse(f"admin:services_{model}_export")
    client.force_login(staff)
    page = client.get(changelist).content.decode()
    assert imports in page and exports in page
    assert first_column in client.get(imports).content.decode()

    client.force_login(officer)
    page = client.get(changelist).content.decode()
    assert imports not in page and exports in page
