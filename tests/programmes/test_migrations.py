"""Migration 0018: existing texts move into the column of their language, and back."""

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from programmes.models import Call, Programme, RewardRule

texts = import_module("programmes.migrations.0018_texts_in_two_languages")

BEFORE = ("programmes", "0017_bigram_function_cost")
AFTER = ("programmes", "0018_texts_in_two_languages")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("浙江省首批次新材料", "zh_hans"),
        ("2019 省级工业新产品（新技术）", "zh_hans"),
        ("嘉兴市经济和信息化局 (municipal review)", "zh_hans"),
        ("年产5万吨PET薄膜项目", "zh_hans"),
        ("First batch of new materials (Zhejiang)", "en"),
        (
            "The article does not name the registering authority; 浙江省经济和信息化厅 is assumed.",
            "en",
        ),
        ("2025 cocoon-and-silk projects — Jiaxing", "en"),
        ("2024", "en"),
    ],
)
def test_language_of_a_text(text, language):
    assert texts.language_of(text) == language


@pytest.fixture(scope="module")
def historical_apps():
    """The models as migration 0018 leaves them: every column, no translation machinery."""
    return MigrationLoader(None, ignore_no_migrations=True).project_state(AFTER).apps


def historical_programme(apps, **fields):
    return apps.get_model("programmes", "Programme").objects.create(
        **{"kind": "product", "level": "provincial", "authority": "", **fields}
    )


@pytest.mark.django_db
def test_forwards_moves_each_text_into_its_language_and_keeps_the_english_name(
    historical_apps,
):
    chinese = historical_programme(
        historical_apps,
        code="first-batch",
        name="浙江省首批次新材料",
        name_en="First batch of new materials (Zhejiang)",
        authority="浙江省经济和信息化厅",
        description="Zhejiang recognises new-material products in three tiers.",
        eligibility="在浙江省注册的独立法人。",
    )
    english = historical_programme(
        historical_apps,
        code="valuable",
        name="Provincial-level “new, quality and highly valuable” products",
        name_en="Provincial-level “new, quality and highly valuable” products",
    )
    renamed = historical_programme(
        historical_apps, code="renamed", name="Time-honored brands", name_en="Old brands"
    )
    call = historical_apps.get_model("programmes", "Call").objects.create(
        programme_id=chinese.pk,
        code="first-batch-2023",
        title="2023年浙江省首批次新材料",
        year=2023,
        announcement="57 products selected, 15 of them from Jiaxing.",
    )
    rule = historical_apps.get_model("programmes", "RewardRule").objects.create(
        programme_id=chinese.pk,
        tier="national",
        label="National-level time-honored brand enterprise",
        amount=300000,
        policy="嘉兴市传统产业政策",
    )

    texts.forwards(historical_apps, None)

    chinese.refresh_from_db()
    assert (chinese.name_zh_hans, chinese.name_en) == (
        "浙江省首批次新材料",
        "First batch of new materials (Zhejiang)",
    )
    assert (chinese.authority_zh_hans, chinese.authority_en) == ("浙江省经济和信息化厅", "")
    assert chinese.description_en == "Zhejiang recognises new-material products in three tiers."
    assert chinese.description_zh_hans == ""
    assert (chinese.eligibility_zh_hans, chinese.eligibility_en) == ("在浙江省注册的独立法人。", "")
    assert chinese.required_documents_zh_hans == chinese.required_documents_en == ""
    english.refresh_from_db()
    assert (english.name_zh_hans, english.name_en) == ("", english.name)
    # A name in English that differs from the English name is what Chinese readers saw.
    renamed.refresh_from_db()
    assert (renamed.name_zh_hans, renamed.name_en) == ("Time-honored brands", "Old brands")
    call.refresh_from_db()
    assert (call.title_zh_hans, call.title_en) == ("2023年浙江省首批次新材料", "")
    assert (call.announcement_zh_hans, call.announcement_en) == (
        "",
        "57 products selected, 15 of them from Jiaxing.",
    )
    rule.refresh_from_db()
    assert (rule.label_zh_hans, rule.label_en) == ("", rule.label)
    assert (rule.policy_zh_hans, rule.policy_en) == ("嘉兴市传统产业政策", "")
    # The original columns keep their texts, and a second run changes nothing.
    assert (chinese.name, call.title) == ("浙江省首批次新材料", "2023年浙江省首批次新材料")
    texts.forwards(historical_apps, None)
    renamed.refresh_from_db()
    assert (renamed.name_zh_hans, renamed.name_en) == ("Time-honored brands", "Old brands")


@pytest.mark.django_db
def test_backwards_puts_the_chinese_text_else_the_english_one_back(historical_apps):
    programme = historical_programme(
        historical_apps,
        code="first-batch",
        name="",
        name_zh_hans="浙江省首批次新材料",
        name_en="First batch of new materials (Zhejiang)",
        description_en="Only in English.",
        eligibility_zh_hans="中文条件",
        eligibility_en="English conditions",
    )

    texts.backwards(historical_apps, None)

    programme.refresh_from_db()
    assert programme.name == "浙江省首批次新材料"
    assert programme.name_en == "First batch of new materials (Zhejiang)"
    assert (programme.description, programme.eligibility) == ("Only in English.", "中文条件")


# serialized_rollback: migrating back and forth empties the tables of the test database,
# and the roles come from a data migration.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_a_database_with_rows_forwards_and_back_loses_no_text():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state(BEFORE).apps
    programme = old.get_model("programmes", "Programme").objects.create(
        code="centres",
        name="企业技术中心",
        name_en="Enterprise technology centres",
        kind="designation",
        level="municipal",
        authority="嘉兴市经济和信息化局",
        description="Recognised at State, provincial and municipal level.",
        required_documents="申请表",
    )
    old.get_model("programmes", "Call").objects.create(
        programme_id=programme.pk,
        code="centres-2020",
        title="2020 technology centres",
        year=2020,
        announcement="625 centres.",
    )
    old.get_model("programmes", "RewardRule").objects.create(
        programme_id=programme.pk, tier="municipal", label="市级", amount=0, policy="Policy"
    )

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    centres = Programme.objects.get(code="centres")
    columns = (
        centres.name_zh_hans,
        centres.name_en,
        centres.authority_zh_hans,
        centres.description_en,
        centres.required_documents_zh_hans,
    )
    assert columns == (
        "企业技术中心",
        "Enterprise technology centres",
        "嘉兴市经济和信息化局",
        "Recognised at State, provincial and municipal level.",
        "申请表",
    )
    call = Call.objects.get(code="centres-2020")
    assert (call.title_en, call.announcement_en, call.title_zh_hans) == (
        "2020 technology centres",
        "625 centres.",
        "",
    )
    rule = RewardRule.objects.get()
    assert (rule.label_zh_hans, rule.policy_en) == ("市级", "Policy")

    executor.loader.build_graph()
    executor.migrate([BEFORE])
    back = executor.loader.project_state(BEFORE).apps.get_model("programmes", "Programme")
    row = back.objects.get(code="centres")
    assert (row.name, row.name_en, row.required_documents) == (
        "企业技术中心",
        "Enterprise technology centres",
        "申请表",
    )

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
