"""Importing published results lists: granted applications, matched enterprises, idempotent."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.models import ImportRecord
from enterprises.models import Enterprise
from programmes.models import Application, Designation, Kind, Source
from programmes.resources import (
    DesignationApplicationResource,
    ProductApplicationResource,
    ProjectApplicationResource,
    ResultListResource,
)
from programmes.workflow import Status
from tests import factories

from .conftest import write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["批次", "企业名称", "统一社会信用代码", "产品/项目/平台名称", "级别或档次", "金额（元）"]


def import_list(path, resource=ResultListResource, **kwargs):
    return resource().import_file(path, **kwargs)


def messages(result):
    return [problem.message() for problem in result.problems]


def test_results_list_creates_enterprises_and_granted_applications(
    tmp_path, places, calls, code, importer
):
    known = factories.EnterpriseFactory(
        name="嘉兴已有企业有限公司", unified_social_credit_code=code(1)
    )
    by_name = factories.EnterpriseFactory(
        name="嘉兴（中国）丝绸有限公司", unified_social_credit_code=None
    )
    path = write_xlsx(
        tmp_path / "2024年省级企业研究院名单.xlsx",
        [
            ["2024年度省级企业研究院认定名单"],
            HEADER,
            [
                "institutes-2024",
                "嘉兴已有企业有限公司",
                code(1),
                "丝绸研究院",
                "省重点企业研究院",
                None,
            ],
            [
                "2024年省级企业研究院",
                "嘉兴(中国)丝绸有限公司",
                code(2),
                "绸缎研究院",
                "provincial",
                "1,000,000",
            ],
            ["institutes-2024", "全新企业有限公司", None, "", "省级", "100万"],
        ],
        merge=["A1:F1"],
    )

    result = import_list(path, user=importer, via="admin")

    assert result.committed, messages(result)
    assert (result.created, result.updated) == (3, 0)
    first = Application.objects.get(enterprise=known)
    assert first.status == Status.GRANTED
    assert first.source == Source.IMPORT
    assert "2024年省级企业研究院名单.xlsx" in first.source_note
    assert first.awarded_amount == Decimal("3000000.00")  # from the reward rule
    assert first.designation_detail.platform_name == "丝绸研究院"
    assert Designation.objects.get(application=first).level == "provincial"
    assert first.events.get().to_status == Status.GRANTED

    by_name.refresh_from_db()
    assert by_name.unified_social_credit_code == code(2)  # matched by name, code filled in
    second = Application.objects.get(enterprise=by_name)
    assert second.awarded_amount == Decimal("1000000.00")

    new = Enterprise.objects.get(name="全新企业有限公司")
    assert new.unified_social_credit_code is None
    third = Application.objects.get(enterprise=new)
    assert third.title == "省级企业研究院"  # the programme's name when the list has none
    assert third.awarded_amount == Decimal("1000000.00")
    assert new.history.get().history_type == "+"


def test_importing_the_same_list_twice_updates_instead_of_duplicating(
    tmp_path, places, calls, code, importer
):
    rows = [
        HEADER,
        ["first-batch-2023", "甲新材料有限公司", code(1), "纳米涂层材料", "国内首批次", 500000],
        ["first-batch-2023", "甲新材料有限公司", code(1), "高性能纤维", "省内首批次", 300000],
    ]
    assert import_list(write_xlsx(tmp_path / "a.xlsx", rows), user=importer).committed

    again = import_list(write_xlsx(tmp_path / "a.xlsx", rows), user=importer)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)

    rows[1][5] = 600000
    changed = import_list(write_xlsx(tmp_path / "b.xlsx", rows), user=importer)

    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert Application.objects.count() == 2
    assert Enterprise.objects.count() == 1
    coating = Application.objects.get(title="纳米涂层材料")
    assert coating.awarded_amount == Decimal("600000.00")
    assert coating.product_detail.tier == "domestic_first"
    assert "b.xlsx" in coating.source_note
    assert coating.history.count() == 2


def test_unknown_call_and_inconsistent_rows_reject_the_whole_list(tmp_path, places, calls, code):
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            HEADER,
            ["first-batch-2023", "甲有限公司", code(1), "材料甲", "国内首批次", 1],
            ["no-such-call", "乙有限公司", code(2), "材料乙", "", 1],
            ["first-batch-2023", "丙有限公司", code(1), "材料丙", "", 1],
            ["first-batch-2023", "丁有限公司", "", "材料丁", "世界首批次", 1],
            ["first-batch-2023", "甲有限公司", code(1), "材料甲", "", 1],
        ],
    )

    result = import_list(path)

    assert not result.committed
    assert Application.objects.count() == 0 and Enterprise.objects.count() == 0
    found = messages(result)
    assert any(m.startswith("Row 3, column A “批次”: unknown call “no-such-call”") for m in found)
    assert any(m.startswith("Row 4, column C “统一社会信用代码”: row 2 gives") for m in found)
    assert any(m.startswith("Row 5, column E “级别或档次”: unknown level or tier") for m in found)
    assert any(
        m.startswith("Row 6, column D") and "duplicate within the file: row 2" in m for m in found
    )
    assert ImportRecord.objects.get().rejected_rows == 4


def test_application_already_in_the_workflow_is_not_overwritten(tmp_path, places, calls, code):
    enterprise = factories.EnterpriseFactory(unified_social_credit_code=code(1))
    factories.ApplicationFactory(enterprise=enterprise, call=calls["product"], title="材料甲")
    path = write_xlsx(
        tmp_path / "l.xlsx",
        [HEADER, ["first-batch-2023", enterprise.name, code(1), "材料甲", "", 1]],
    )

    result = import_list(path)

    assert not result.committed
    assert "decide it through the workflow" in messages(result)[0]
    assert Application.objects.get().status == Status.DRAFT


def test_amounts_in_wan_yuan_are_converted(tmp_path, places, calls, code):
    path = write_xlsx(
        tmp_path / "wan.xlsx",
        [
            ["批次", "企业名称", "项目名称", "补助金额（万元）"],
            ["silk-2025", "丝绸有限公司", "数字化改造项目", 93.5],
        ],
    )

    result = import_list(path)

    assert result.committed, messages(result)
    application = Application.objects.get()
    assert application.awarded_amount == Decimal("935000.00")
    assert application.project_detail.project_name == "数字化改造项目"


def test_kind_resources_refuse_calls_of_another_kind(tmp_path, places, calls, code):
    path = write_xlsx(
        tmp_path / "k.xlsx", [HEADER, ["silk-2025", "甲有限公司", code(1), "项目", "", 1]]
    )

    result = import_list(path, resource=ProductApplicationResource)

    assert (
        "is a call for Project funding; this sheet is for Product recognition"
        in messages(result)[0]
    )


def test_kind_resources_read_their_details(tmp_path, places, calls, code):
    product = write_xlsx(
        tmp_path / "p.xlsx",
        [
            [*HEADER, "技术成熟度", "首次销售日期"],
            ["first-batch-2023", "甲有限公司", code(1), "涂层", "国际首批次", 1, 8, "2023/03/01"],
        ],
    )
    project = write_xlsx(
        tmp_path / "j.xlsx",
        [
            [*HEADER, "项目类别", "总投资（万元）", "开始日期", "结束日期"],
            [
                "silk-2025",
                "乙有限公司",
                code(2),
                "数字织造",
                "",
                1,
                "数字化改造",
                120,
                "2025-01-01",
                "2025-12-31",
            ],
        ],
    )
    designation = write_xlsx(
        tmp_path / "d.xlsx",
        [
            [*HEADER, "研发人员数", "证书编号", "有效期至"],
            [
                "institutes-2024",
                "丙有限公司",
                code(3),
                "研究院",
                "省级",
                "",
                35,
                "ZJ-2024-001",
                "2027-12-31",
            ],
        ],
    )

    for path, resource in (
        (product, ProductApplicationResource),
        (project, ProjectApplicationResource),
        (designation, DesignationApplicationResource),
    ):
        result = import_list(path, resource=resource)
        assert result.committed, messages(result)

    detail = Application.objects.get(kind=Kind.PRODUCT).product_detail
    assert (detail.tier, detail.technology_readiness_level, str(detail.first_sold_on)) == (
        "international_first",
        8,
        "2023-03-01",
    )
    project_detail = Application.objects.get(kind=Kind.PROJECT).project_detail
    assert project_detail.category == "digital_upgrading"
    assert project_detail.total_investment == Decimal("1200000.00")
    granted = Application.objects.get(kind=Kind.DESIGNATION)
    assert granted.designation_detail.rd_staff == 35
    assert granted.awarded_amount == Decimal("1000000.00")
    assert granted.designation.certificate_number == "ZJ-2024-001"
    assert str(granted.designation.valid_until) == "2027-12-31"


def test_cli_import_of_a_results_list(tmp_path, places, calls, code):
    path = write_xlsx(
        tmp_path / "名单.xlsx", [HEADER, ["first-batch-2023", "甲有限公司", code(1), "材料", "", 1]]
    )
    out = io.StringIO()

    call_command(
        "import", "programmes.resources.ResultListResource", str(path), "--noinput", stdout=out
    )

    assert "1 created" in out.getvalue()
    assert Application.objects.get().source_note.startswith("Published results list 名单.xlsx")
    assert ImportRecord.objects.get().file_name == "名单.xlsx"
