"""Programme, call and reward-rule texts in the reader's language, the other one when blank:
on the portal, in admin, on the dashboard and in the API; found by either language."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from programmes.management.commands.setup_demo import DOCUMENTED_FIXTURES
from programmes.models import AnnouncedFigure, Call, Programme, RewardRule
from programmes.workflow import Status
from tests import factories

pytestmark = pytest.mark.django_db

ZH = "浙江省首批次新材料"
EN = "First batch of new materials (Zhejiang)"
CALL_ZH = "2026年浙江省首批次新材料"
CALL_EN = "2026 first batch of new materials (Zhejiang)"


def programme(**texts):
    return factories.ProgrammeFactory(
        **{
            "name_zh_hans": ZH,
            "name_en": EN,
            "eligibility_zh_hans": "在浙江省注册的独立法人。",
            "eligibility_en": "An independent legal person registered in Zhejiang.",
            "required_documents_zh_hans": "申请表；第三方检测报告。",
            "required_documents_en": "Application form; third-party test report.",
            **texts,
        }
    )


def open_call(programme, **texts):
    today = timezone.localdate()
    return factories.CallFactory(
        programme=programme,
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=30),
        **{"title_zh_hans": CALL_ZH, "title_en": CALL_EN, **texts},
    )


def silk_call():
    silk = programme(code="silk", name_zh_hans="茧丝绸项目", name_en="Silk projects")
    return open_call(silk, title_zh_hans="2026年茧丝绸项目", title_en="2026 silk projects")


@pytest.fixture
def materials():
    return programme()


@pytest.fixture
def call(materials):
    return open_call(materials)


def calls_page(client, language):
    return client.get(reverse("programmes:calls"), HTTP_ACCEPT_LANGUAGE=language).content.decode()


# --- Portal -----------------------------------------------------------------------------


def test_chinese_reader_sees_the_chinese_call_programme_and_conditions(client, call):
    page = calls_page(client, "zh-hans")

    assert CALL_ZH in page and ZH in page
    assert "在浙江省注册的独立法人。" in page
    assert "申请表；第三方检测报告。" in page
    assert CALL_EN not in page and EN not in page


def test_english_reader_sees_the_english_texts(client, call):
    page = calls_page(client, "en")

    assert CALL_EN in page and EN in page
    assert "An independent legal person registered in Zhejiang." in page
    assert CALL_ZH not in page and ZH not in page


def test_the_language_switch_turns_the_calls_page_chinese(client, call):
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})

    page = client.get(reverse("programmes:calls")).content.decode()

    assert CALL_ZH in page and ZH in page


def test_a_blank_translation_falls_back_to_the_other_language(client):
    open_call(
        programme(name_zh_hans="", eligibility_en=""),
        title_zh_hans="",
        title_en="2026 English-only round",
    )
    open_call(
        programme(code="chinese-only", name_en=""), title_en="", title_zh_hans="只有中文的批次"
    )

    chinese, english = calls_page(client, "zh-hans"), calls_page(client, "en")

    # The Chinese reader gets the English name, title where no Chinese one is given ...
    assert EN in chinese and "2026 English-only round" in chinese
    # ... and the English reader the Chinese ones where no English one is given.
    assert ZH in english and "只有中文的批次" in english
    assert "在浙江省注册的独立法人。" in english  # the blank English eligibility


def test_the_application_form_names_the_programme_in_the_readers_language(client, applicant, call):
    client.force_login(applicant)

    page = client.get(
        reverse("programmes:apply", args=[call.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert CALL_ZH in page and ZH in page and "申请表；第三方检测报告。" in page


# --- Admin ------------------------------------------------------------------------------


@pytest.fixture
def desk(client, staff):
    client.force_login(staff)
    return client


def admin_list(client, model, language, **query):
    url = reverse(f"admin:programmes_{model}_changelist")
    return client.get(url, query, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_admin_lists_show_the_readers_language(desk, call):
    assert ZH in admin_list(desk, "programme", "zh-hans")
    assert EN in admin_list(desk, "programme", "en")
    assert ZH not in admin_list(desk, "programme", "en")
    calls_zh = admin_list(desk, "call", "zh-hans")
    assert CALL_ZH in calls_zh and ZH in calls_zh
    calls_en = admin_list(desk, "call", "en")
    assert CALL_EN in calls_en and CALL_ZH not in calls_en


def test_the_application_list_names_call_and_programme_in_the_readers_language(desk, call):
    factories.ApplicationFactory(call=call)
    url = reverse("admin:programmes_application_changelist")

    page = desk.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert CALL_ZH in page and ZH in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("term", ["首批次", "first batch"])
def test_admin_search_finds_a_programme_and_its_calls_by_either_language(
    desk, call, language, term
):
    other = silk_call()

    programmes = admin_list(desk, "programme", language, q=term)
    calls = admin_list(desk, "call", language, q=term)

    assert reverse("admin:programmes_programme_change", args=[call.programme.pk]) in programmes
    assert reverse("admin:programmes_call_change", args=[call.pk]) in calls
    assert reverse("admin:programmes_call_change", args=[other.pk]) not in calls


def test_admin_edits_both_languages_of_a_programme_and_its_reward_rules(desk, materials):
    RewardRule.objects.create(
        programme=materials, tier="provincial", label_en="Provincial", amount=Decimal("1000")
    )
    url = reverse("admin:programmes_programme_change", args=[materials.pk])
    page = desk.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    for field in ("name_zh_hans", "name_en", "description_zh_hans", "eligibility_en"):
        assert f'name="{field}"' in html
    assert 'name="reward_rules-0-label_zh_hans"' in html
    assert 'name="reward_rules-0-policy_en"' in html
    assert "名称 (简体中文)" in html and "名称 (英文)" in html

    data = form_data(page)
    data.update(
        {
            "name_zh_hans": "",
            "name_en": "New materials, first batch",
            "reward_rules-0-label_zh_hans": "省级",
        }
    )
    response = desk.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    materials.refresh_from_db()
    assert (materials.name_zh_hans, materials.name_en) == ("", "New materials, first batch")
    rule = materials.reward_rules.get()
    assert (rule.label_zh_hans, rule.label_en) == ("省级", "Provincial")


def test_admin_refuses_a_programme_named_in_neither_language(desk, materials):
    url = reverse("admin:programmes_programme_change", args=[materials.pk])
    data = form_data(desk.get(url))
    data.update({"name_zh_hans": "", "name_en": ""})

    response = desk.post(url, data)

    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"name_zh_hans", "name_en"}
    materials.refresh_from_db()
    assert materials.name_zh_hans == ZH


def test_export_page_and_screen_reader_headers_read_in_chinese(desk):
    export = desk.get(
        reverse("admin:programmes_application_export"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    index = desk.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "全选" in export and "Select all" not in export
    assert "表格类型" in export and "Resource" not in export
    # Each column's box is named by its title in the sheet, not by the English field name.
    assert ">批次</label>" in export and "Call (批次)" not in export
    for header, english in [
        ("模型名称", "Model name"),
        ("添加链接", "Add link"),
        ("修改或查看列表链接", "Change or view list link"),
    ]:
        assert f'<th scope="col">{header}</th>' in index and english not in index


def test_the_english_export_page_keeps_the_field_names_beside_the_titles(desk):
    export = desk.get(
        reverse("admin:programmes_application_export"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Select all" in export and "Call (批次)" in export


def form_data(response):
    """What the browser sends back from an admin change page."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = "on" if value is True else value
    return data


# --- Dashboard --------------------------------------------------------------------------


def test_dashboard_names_programmes_calls_and_figures_in_the_readers_language(desk, call):
    factories.ApplicationFactory(call=call, status=Status.GRANTED)
    AnnouncedFigure.objects.create(
        programme=call.programme,
        call=call,
        year=call.year,
        tier="release_conferences",
        count=9,
        source="China Daily",
    )

    chinese = desk.get(reverse("dashboard:index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = desk.get(reverse("dashboard:index"), HTTP_ACCEPT_LANGUAGE="en")

    chinese, english = chinese.content.decode(), english.content.decode()
    assert ZH in chinese and CALL_ZH in chinese and "新产品新技术发布会" in chinese
    assert "release_conferences" not in chinese
    assert EN in english and CALL_EN in english
    assert "Release conferences for new products and technologies" in english
    assert ZH not in english


def test_admin_lists_figures_by_the_name_of_what_they_count(desk, materials):
    AnnouncedFigure.objects.create(
        programme=materials, year=2019, tier="output_value", amount=Decimal("1"), source="x"
    )

    page = admin_list(desk, "announcedfigure", "zh-hans")

    assert "新产品产值" in page and "output_value" not in page


# --- API --------------------------------------------------------------------------------


def api_rows(path, language, **query):
    response = APIClient().get(path, query, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def test_api_gives_texts_in_the_readers_language_and_each_language_by_name(materials):
    RewardRule.objects.create(
        programme=materials,
        tier="provincial",
        label_zh_hans="省级",
        label_en="Provincial level",
        amount=Decimal("1000"),
    )

    (chinese,) = api_rows("/api/v1/programmes/", "zh-hans")
    (english,) = api_rows("/api/v1/programmes/", "en")

    assert (chinese["name"], english["name"]) == (ZH, EN)
    assert chinese["eligibility"] == "在浙江省注册的独立法人。"
    assert english["required_documents"] == "Application form; third-party test report."
    for body in (chinese, english):
        assert (body["name_zh_hans"], body["name_en"]) == (ZH, EN)
    assert chinese["reward_rules"][0]["label"] == "省级"
    assert english["reward_rules"][0]["label"] == "Provincial level"
    assert english["reward_rules"][0]["label_zh_hans"] == "省级"


def test_api_calls_carry_both_titles_and_the_programme_in_the_readers_language(call):
    (chinese,) = api_rows("/api/v1/calls/", "zh-hans")
    (english,) = api_rows("/api/v1/calls/", "en")

    assert (chinese["title"], chinese["programme_name"]) == (CALL_ZH, ZH)
    assert (english["title"], english["programme_name"]) == (CALL_EN, EN)
    assert (english["title_zh_hans"], english["title_en"]) == (CALL_ZH, CALL_EN)


def test_api_falls_back_to_the_other_language_and_gives_blank_as_empty(materials):
    programme(code="english-only", name_zh_hans="", name_en="English only")

    rows = {row["code"]: row for row in api_rows("/api/v1/programmes/", "zh-hans")}

    assert rows["english-only"]["name"] == "English only"
    assert rows["english-only"]["name_zh_hans"] == ""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("term", ["首批次", "First batch"])
def test_api_search_finds_by_either_language(call, language, term):
    silk_call()

    programmes = api_rows("/api/v1/programmes/", language, search=term)
    calls = api_rows("/api/v1/calls/", language, search=term)

    assert [row["code"] for row in programmes] == [call.programme.code]
    assert [row["code"] for row in calls] == [call.code]


# --- The documented records ---------------------------------------------------------------


@pytest.fixture
def documented():
    call_command("loaddata", *DOCUMENTED_FIXTURES, verbosity=0)


def test_documented_programmes_carry_the_official_chinese_names(documented):
    names = dict(Programme.objects.values_list("code", "name_zh_hans"))

    assert names["zj-first-batch-new-materials"] == "浙江省首批次新材料"
    assert names["enterprise-technology-centres"] == "企业技术中心"
    # The sources give this scheme no Chinese name: the English one stands for both.
    assert names["zj-new-quality-valuable-products"] == ""
    with translation.override("zh-hans"):
        scheme = Programme.objects.get(code="zj-new-quality-valuable-products")
        assert scheme.name == "Provincial-level “new, quality and highly valuable” products"
    for programme_ in Programme.objects.all():
        assert programme_.name_en and programme_.description_en and programme_.authority_en


def test_documented_calls_and_rules_read_in_chinese_and_in_english(documented):
    first_batch = Call.objects.get(code="zj-first-batch-new-materials-2023")
    rule = RewardRule.objects.get(programme__code="time-honored-brands", tier="national")

    with translation.override("zh-hans"):
        assert first_batch.title == "2023年浙江省首批次新材料"
        assert "57个产品" in first_batch.announcement
        assert first_batch.programme.authority == "浙江省经济和信息化厅"
        assert rule.label == "国家级老字号企业"
        # The policy's Chinese title is not in the sources: its English one is shown.
        assert rule.policy.startswith("Jiaxing “Implementation Opinions")
    with translation.override("en"):
        assert first_batch.title == "2023 first batch of new materials (Zhejiang)"
        assert "57 products selected" in first_batch.announcement
        assert rule.label == "National-level time-honored brand enterprise"


def test_documented_records_load_again_over_edited_translations(documented):
    Programme.objects.filter(code="enterprise-technology-centres").update(name_zh_hans="改过的名称")

    call_command("loaddata", *DOCUMENTED_FIXTURES, verbosity=0)

    centres = Programme.objects.get(code="enterprise-technology-centres")
    assert (centres.name_zh_hans, Programme.objects.count()) == ("企业技术中心", 9)
