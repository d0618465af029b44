"""Regions, industries, calls and users for the spreadsheet tests, and a sheet writer."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from openpyxl import Workbook

from core import roles
from enterprises.models import Enterprise, Industry, Region
from programmes.models import Application, Kind, Level, RewardRule
from tests import factories


def write_xlsx(path: Path, rows, *, merge=()) -> Path:
    """Write ``rows`` (lists of cell values, None for an empty cell) to a real xlsx file."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    for cell_range in merge:
        sheet.merge_cells(cell_range)
    workbook.save(path)
    return path


def grant_import(user, model):
    """The import permission of ``IMPORT_EXPORT_IMPORT_PERMISSION_CODE`` ("import")."""
    content_type = ContentType.objects.get_for_model(model)
    codename = f"import_{model._meta.model_name}"
    permission, _ = Permission.objects.get_or_create(
        codename=codename,
        content_type=content_type,
        defaults={"name": f"Can import {model._meta.verbose_name_plural}"},
    )
    user.user_permissions.add(permission)
    return user


@pytest.fixture
def places(db):
    """Zhejiang › Jiaxing › Nanhu, Xiuzhou and the Zhapu zone; silk industries."""
    province = Region.objects.create(code="330000", name="浙江省", level=Region.Level.PROVINCE)
    city = Region.objects.create(
        code="330400", name="嘉兴市", level=Region.Level.CITY, parent=province
    )
    regions = {
        "nanhu": Region.objects.create(
            code="330402", name="南湖区", name_en="Nanhu District", level="district", parent=city
        ),
        "xiuzhou": Region.objects.create(
            code="330411", name="秀洲区", level="district", parent=city
        ),
        "zhapu": Region.objects.create(
            code="330400ZP",
            name="浙江乍浦经济开发区(嘉兴港区)",
            level="zone",
            parent=city,
            is_statistical_code=False,
        ),
    }
    section = Industry.objects.create(code="C", name="制造业", level="section")
    division = Industry.objects.create(code="17", name="纺织业", level="division", parent=section)
    group = Industry.objects.create(
        code="174", name="丝绢纺织及印染精加工", level="group", parent=division
    )
    industries = {
        "1741": Industry.objects.create(code="1741", name="缫丝加工", level="class", parent=group),
        "1742": Industry.objects.create(
            code="1742", name="绢纺和丝织加工", level="class", parent=group
        ),
    }
    return {"regions": regions, "industries": industries, "city": city}


@pytest.fixture
def importer(db):
    """Bureau staff with the import permission on enterprises and applications."""
    user = factories.staff_user(username="importer")
    grant_import(user, Enterprise)
    grant_import(user, Application)
    return user


@pytest.fixture
def calls(db):
    """A product call with tiers, a project call and a designation call with reward rules."""
    materials = factories.ProgrammeFactory(
        code="zj-first-batch", name="浙江省首批次新材料", kind=Kind.PRODUCT, level=Level.PROVINCIAL
    )
    silk = factories.ProgrammeFactory(
        code="cocoon-silk", name="茧丝绸项目", kind=Kind.PROJECT, level=Level.PROVINCIAL
    )
    institutes = factories.ProgrammeFactory(
        code="research-institutes",
        name="省级企业研究院",
        kind=Kind.DESIGNATION,
        level=Level.PROVINCIAL,
    )
    RewardRule.objects.create(
        programme=institutes, tier="provincial_key", label="省重点企业研究院", amount=3000000
    )
    RewardRule.objects.create(
        programme=institutes, tier="provincial", label="省级企业研究院", amount=1000000
    )
    return {
        "product": factories.CallFactory(
            programme=materials, code="first-batch-2023", title="2023年首批次新材料", year=2023
        ),
        "project": factories.CallFactory(
            programme=silk, code="silk-2025", title="2025年茧丝绸项目", year=2025
        ),
        "designation": factories.CallFactory(
            programme=institutes, code="institutes-2024", title="2024年省级企业研究院", year=2024
        ),
    }


@pytest.fixture
def code():
    """The n-th valid credit code of a Nanhu enterprise."""
    return lambda n: factories.make_credit_code(n, "330402")


@pytest.fixture(autouse=True)
def import_store(tmp_path, settings):
    """Admin uploads, previews and rejected-rows files go to this test's own storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "store"},
        },
    }
    return tmp_path / "store"


@pytest.fixture
def staff_without_import(db):
    """Bureau staff from whose group the import permissions have been taken away."""
    group = Group.objects.get(name=roles.BUREAU_STAFF)
    group.permissions.remove(
        *Permission.objects.filter(codename__in=["import_enterprise", "import_application"])
    )
    return factories.staff_user(username="staff-no-import")
