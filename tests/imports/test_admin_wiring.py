"""Import and export in the desk's real admin, beside its scoping, workflow URLs and history."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.models import AuditEntry, ImportRecord
from enterprises.models import Enterprise
from programmes.models import Application
from tests import factories

pytestmark = pytest.mark.django_db


def upload(rows, name):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_enterprise_admin_imports_and_exports_with_the_mixin(client, importer, places, code):
    client.force_login(importer)
    changelist = client.get(reverse("admin:enterprises_enterprise_changelist"))
    assert changelist.status_code == 200
    assert reverse("admin:enterprises_enterprise_import") in changelist.content.decode()

    preview = client.post(
        reverse("admin:enterprises_enterprise_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": upload(
                [["统一社会信用代码", "企业名称", "所在地区"], [code(1), "甲有限公司", "南湖区"]],
                "list.xlsx",
            ),
        },
    )
    client.post(
        reverse("admin:enterprises_enterprise_process_import"),
        preview.context["confirm_form"].initial,
    )
    assert Enterprise.objects.get().name == "甲有限公司"
    assert ImportRecord.objects.filter(committed=True, user=importer).exists()

    fields = {f"enterpriseresource_{n}": "on" for n in ("unified_social_credit_code", "name")}
    export = client.post(reverse("admin:enterprises_enterprise_export"), {"format": "0", **fields})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows == [("统一社会信用代码", "企业名称"), (code(1), "甲有限公司")]
    # The export is audited with who, how many rows, from where.
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (entry.actor, entry.ip_address) == (importer, "127.0.0.1")
    assert entry.detail == "EnterpriseResource via admin, 1 rows"


def test_application_admin_keeps_its_workflow_and_gains_the_results_list_import(
    client, importer, places, calls, code
):
    client.force_login(importer)
    application = factories.ApplicationFactory(call=calls["product"])

    assert client.get(reverse("admin:programmes_application_changelist")).status_code == 200
    change = client.get(reverse("admin:programmes_application_change", args=[application.pk]))
    assert change.status_code == 200
    template = client.get(reverse("admin:programmes_application_import_template", args=[0]))
    header = [c.value for c in load_workbook(io.BytesIO(template.content))["数据"][1]]
    assert header[0] == "批次"

    preview = client.post(
        reverse("admin:programmes_application_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": upload(
                [
                    ["批次", "企业名称", "统一社会信用代码", "产品名称"],
                    ["first-batch-2023", "甲", code(1), "涂层"],
                ],
                "名单.xlsx",
            ),
        },
    )
    assert preview.context["sheet"]["totals"]["created"] == 1
    assert Application.objects.count() == 1


def test_staff_without_the_import_permission_sees_no_import(client, places, staff_without_import):
    client.force_login(staff_without_import)

    page = client.get(reverse("admin:enterprises_enterprise_changelist")).content.decode()

    assert reverse("admin:enterprises_enterprise_import") not in page
    assert client.get(reverse("admin:enterprises_enterprise_import")).status_code == 403
