"""Staff import an enterprise sheet in admin (preview, then confirm) and export the list,
in a real browser under the site's Content-Security-Policy."""

import pytest
from openpyxl import Workbook, load_workbook

from enterprises.models import Enterprise, Region
from tests import factories
from tests.browser.conftest import PASSWORD
from tests.imports.conftest import grant_import

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sheet(path, rows):
    workbook = Workbook()
    workbook.active.append(["嘉兴市企业名单（2026）"])  # a title row above the header
    workbook.active.append(["统一社会信用代码", "企业名称", "所在地区", "联系电话", "地址"])
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def importer(role_groups):
    city = Region.objects.create(code="330400", name="嘉兴市", level="city")
    Region.objects.create(code="330402", name="南湖区", level="county", parent=city)
    user = factories.staff_user(username="sheet-staff", password=PASSWORD)
    return grant_import(user, Enterprise)


def admin_log_in(page, user):
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()


def test_import_previews_refuses_a_bad_sheet_then_imports_and_exports(
    new_page, shoot, importer, tmp_path
):
    page = new_page()
    blocked = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and blocked.append(f"{page.url}: {message.text} {message.location}")
        ),
    )
    admin_log_in(page, importer)
    good = [factories.make_credit_code(n) for n in (711, 712)]
    bad = good[1][:-1] + ("0" if good[1][-1] != "0" else "1")

    # One bad check character: the preview names the row and column, and nothing is written.
    page.goto("/admin/enterprises/enterprise/import/")
    page.set_input_files(
        "#id_import_file",
        str(
            sheet(
                tmp_path / "bad.xlsx",
                [
                    [good[0], "嘉兴甲材料有限公司", "南湖区", "0573-82345671"],
                    [bad, "嘉兴乙纺织有限公司", "330402", "0573-82345672"],
                ],
            )
        ),
    )
    # django-import-export's script picks the format from the file name.
    assert page.locator("#id_format").input_value() == "0"
    with page.expect_navigation():
        page.locator("#import-form input[type=submit]").click()
    problems = page.locator("#import-problems").inner_text()
    assert "4" in problems and "统一社会信用代码" in problems
    assert page.locator("#import-confirm").count() == 0
    shoot(page, "admin-import-refused")
    assert Enterprise.objects.count() == 0

    # The corrected sheet: a summary, then Confirm writes both rows.
    page.goto("/admin/enterprises/enterprise/import/")
    page.set_input_files(
        "#id_import_file",
        str(
            sheet(
                tmp_path / "good.xlsx",
                [
                    [good[0], "嘉兴甲材料有限公司", "南湖区", "0573-82345671"],
                    [good[1], "嘉兴乙纺织有限公司", "330402", "13812345678", '=HYPERLINK("x")'],
                ],
            )
        ),
    )
    # django-import-export's script picks the format from the file name.
    assert page.locator("#id_format").input_value() == "0"
    with page.expect_navigation():
        page.locator("#import-form input[type=submit]").click()
    assert page.locator(".import-created").inner_text() == "2"
    shoot(page, "admin-import-preview")
    with page.expect_navigation():
        page.locator("#import-confirm input[name=confirm]").click()
    assert Enterprise.objects.count() == 2

    # Export: "Select all" works under the CSP, and the file neutralises formulas.
    page.goto("/admin/enterprises/enterprise/export/")
    toggle = page.locator("input.select-toggle")
    fields = page.locator(".selectable-field-export-row input[type=checkbox]")
    toggle.uncheck()
    assert not fields.first.is_checked() and not fields.last.is_checked()
    toggle.check()
    assert fields.first.is_checked() and fields.last.is_checked()
    page.select_option("#id_format", label="xlsx")
    with page.expect_download() as download:
        page.locator("input[type=submit]").click()
    exported = tmp_path / "export.xlsx"
    download.value.save_as(exported)
    cells = [c for row in load_workbook(exported).active.iter_rows(values_only=True) for c in row]
    assert "嘉兴乙纺织有限公司" in cells
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)
    assert not blocked, blocked
