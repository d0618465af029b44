"""Admin import and export through the mixins: permission, preview pages, errors, audit."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.models import ImportRecord
from enterprises.models import Enterprise
from programmes.models import Application
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.imports.admin_site")]

HEADER = ["统一社会信用代码", "企业名称", "所在地区"]


def xlsx_upload(rows, name="企业名单.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def url(name, *args):
    return reverse(f"imports_admin:enterprises_enterprise_{name}", args=args)


@pytest.fixture
def desk(client, importer):
    client.force_login(importer)
    return client


def upload(client, rows, **extra):
    return client.post(
        url("import"), {"resource": "0", "format": "0", "import_file": xlsx_upload(rows, **extra)}
    )


def test_import_pages_need_the_import_permission(client, places, staff_without_import):
    client.force_login(staff_without_import)

    assert client.get(url("import")).status_code == 403
    assert client.get(url("import_template", 0)).status_code == 403
    changelist = client.get(url("changelist"))
    assert changelist.status_code == 200
    assert url("import") not in changelist.content.decode()


def test_import_page_lists_columns_and_offers_the_template(desk):
    page = desk.get(url("import")).content.decode()
    template = desk.get(url("import_template", 0))

    assert "统一社会信用代码" in page and "unified_social_credit_code" in page
    assert url("import_template", 0) in page
    header = [c.value for c in load_workbook(io.BytesIO(template.content))["数据"][1]]
    assert header[:3] == HEADER


def test_preview_summarises_and_paginates_then_confirm_writes(desk, places, code, importer):
    rows = [["嘉兴市南湖区企业名单"], HEADER] + [
        [code(n), f"企业{n:03d}有限公司", "南湖区"] for n in range(1, 121)
    ]

    preview = upload(desk, rows)

    assert preview.status_code == 200
    sheet = preview.context["sheet"]
    assert sheet["totals"] == {"created": 120, "updated": 0, "unchanged": 0, "rejected": 0}
    assert "120 would be created" in sheet["summary"]
    assert len(sheet["row_page"]) == 50 and sheet["row_page"].paginator.num_pages == 3
    content = preview.content.decode()
    assert content.count('<tr class="new">') == 50
    assert "企业001有限公司" in content and "企业051有限公司" not in content
    assert Enterprise.objects.count() == 0
    assert ImportRecord.objects.get().dry_run

    page_two = desk.get(sheet["report_url"], {"rows": 2})
    assert "企业051有限公司" in page_two.content.decode()
    assert page_two.context["confirm_form"] is not None

    confirm = preview.context["confirm_form"].initial
    done = desk.post(url("process_import"), confirm)

    assert done.status_code == 302
    assert Enterprise.objects.count() == 120
    record = ImportRecord.objects.get(committed=True)
    assert (record.user, record.file_name, record.created_rows, record.via) == (
        importer,
        "企业名单.xlsx",
        120,
        "admin",
    )
    assert Enterprise.history.filter(history_user=importer).count() == 120


def test_bad_rows_are_listed_and_downloadable_and_nothing_is_written(desk, places, code):
    rows = [
        HEADER,
        [code(1), "甲有限公司", "南湖区"],
        [code(2)[:17] + "Z", "乙有限公司", "南湖区"],
        [code(3), "丙有限公司", "火星区"],
    ]

    response = upload(desk, rows)

    content = response.content.decode()
    assert response.context.get("confirm_form") is None
    assert "Nothing was imported: 2 rows were rejected." in content
    assert 'id="import-preview"' not in content
    problems = list(response.context["sheet"]["problem_page"])
    assert problems[0][:3] == [3, "A", "统一社会信用代码"]
    assert problems[1] == [4, "C", "所在地区", problems[1][3]]
    assert "火星区" in problems[1][3]
    assert Enterprise.objects.count() == 0

    rejected = desk.get(response.context["sheet"]["rejected_url"])
    assert rejected["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%8D%95-rejected.xlsx"
    )
    sheet = list(load_workbook(io.BytesIO(rejected.content)).active.iter_rows(values_only=True))
    assert sheet[0] == ("原行号", *HEADER, "错误原因")
    assert [row[0] for row in sheet[1:]] == [3, 4]
    assert "checksum" in sheet[1][-1] or "never uses" in sheet[1][-1]


def test_reports_belong_to_the_user_who_imported(client, desk, places, code):
    response = upload(desk, [HEADER, [code(1), "甲有限公司", "火星区"]])
    sheet = response.context["sheet"]
    other = factories.staff_user(username="other-importer")
    from .conftest import grant_import

    grant_import(other, Enterprise)
    client.force_login(other)

    assert client.get(sheet["report_url"]).status_code == 403
    assert client.get(sheet["rejected_url"]).status_code == 403
    assert client.get(url("import_report", "not-a-token")).status_code == 404


def test_export_of_the_filtered_changelist_is_neutralised(desk, places, code):
    factories.EnterpriseFactory(name="=cmd有限公司", region=places["regions"]["nanhu"])
    factories.EnterpriseFactory(name="秀洲企业有限公司", region=places["regions"]["xiuzhou"])
    fields = {
        f"enterpriseresource_{name}": "on"
        for name in ("unified_social_credit_code", "name", "region")
    }

    response = desk.post(
        url("export") + f"?region__id__exact={places['regions']['nanhu'].pk}",
        {"format": "0", "resource": "0", **fields},
    )

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("统一社会信用代码", "企业名称", "所在地区")
    assert rows[1:] == [(rows[1][0], "'=cmd有限公司", "南湖区")]


def test_results_list_imports_through_the_application_admin(client, importer, places, calls, code):
    client.force_login(importer)
    import_url = reverse("imports_admin:programmes_application_import")
    rows = [
        ["批次", "企业名称", "统一社会信用代码", "产品名称"],
        ["first-batch-2023", "甲有限公司", code(1), "涂层"],
    ]

    preview = client.post(
        import_url,
        {"resource": "0", "format": "0", "import_file": xlsx_upload(rows, name="名单.xlsx")},
    )
    client.post(
        reverse("imports_admin:programmes_application_process_import"),
        preview.context["confirm_form"].initial,
    )

    application = Application.objects.get()
    assert application.status == "granted" and application.created_by == importer


def test_bureau_staff_are_given_the_import_permission_by_their_role(client, places):
    client.force_login(factories.staff_user(username="bureau-staff"))

    assert client.get(url("import")).status_code == 200


def test_reports_are_kept_private_under_the_private_media_root(
    desk, places, code, settings, tmp_path
):
    # Without STORAGES["imports"], the default storage: the private media root.
    settings.STORAGES = {
        name: options for name, options in settings.STORAGES.items() if name != "imports"
    } | {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        }
    }

    upload(desk, [HEADER, [code(1), "甲有限公司", "火星区"]])

    folder = tmp_path / "private" / "import-reports"
    files = sorted(folder.iterdir())
    assert [path.suffix for path in files] == [".json", ".xlsx"]
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {path.stat().st_mode & 0o777 for path in files} == {0o600}


def test_preview_on_one_server_is_confirmed_on_another(
    client, importer, places, code, tmp_path, monkeypatch
):
    """Preview and confirmation are two requests a load balancer may send to two app
    servers: no temporary folder, process memory or cache is shared between them, only
    the storage (here the test's STORAGES["imports"])."""
    import tempfile

    from django.core.cache import cache
    from django.test import Client

    first_server, second_server = client, Client()
    first_server.force_login(importer)
    second_server.force_login(importer)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "first-tmp"))
    (tmp_path / "first-tmp").mkdir()
    good = upload(
        first_server, [HEADER] + [[code(n), f"企业{n}有限公司", "南湖区"] for n in (1, 2)]
    )
    bad = upload(first_server, [HEADER, [code(3), "丙有限公司", "火星区"]])

    # The second server: its own /tmp, its own cache.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "second-tmp"))
    (tmp_path / "second-tmp").mkdir()
    cache.clear()
    page = second_server.get(good.context["sheet"]["report_url"])
    rejected = second_server.get(bad.context["sheet"]["rejected_url"])
    done = second_server.post(url("process_import"), good.context["confirm_form"].initial)

    assert page.status_code == 200 and page.context["confirm_form"] is not None
    assert rejected.status_code == 200
    assert load_workbook(io.BytesIO(rejected.content)).active["C2"].value == "丙有限公司"
    assert done.status_code == 302
    assert Enterprise.objects.count() == 2
    assert not any((tmp_path / "first-tmp").iterdir())  # nothing was left in a server's /tmp


def test_the_confirmation_reads_only_an_upload_of_its_own(desk, places, code, import_store):
    """The confirmation form carries the upload's name back; any other name is refused."""
    secret = import_store / "import-reports"
    secret.mkdir(parents=True, exist_ok=True)
    (secret / "x.json").write_text("{}")
    confirm = upload(desk, [HEADER, [code(1), "甲有限公司", "南湖区"]]).context["confirm_form"]

    for name in ("../import-reports/x.json", "x.json", "/etc/passwd"):
        response = desk.post(url("process_import"), {**confirm.initial, "import_file_name": name})
        assert response.status_code == 302 and response.url == url("import")

    assert (secret / "x.json").exists()
    assert Enterprise.objects.count() == 0
    assert desk.post(url("process_import"), confirm.initial).status_code == 302
    assert Enterprise.objects.count() == 1
    again = desk.post(url("process_import"), confirm.initial, follow=True)
    assert "This preview is no longer available" in again.content.decode()
    assert Enterprise.objects.count() == 1


def test_the_export_page_binds_select_all_without_an_inline_handler(desk, places):
    page = desk.get(url("export")).content.decode()

    assert 'class="select-toggle"' in page
    assert "onchange=" not in page and "onSelectToggleChange(event)" not in page
    assert "js/admin_export.js" in page
