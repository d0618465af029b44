"""One rule, one message, every door: a phone number or a contact typed into the portal's
enterprise form, the admin's, an enterprise sheet, the public notice's objection form or
the admin's objection page is refused the same way, by ``core.values``."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import values
from enterprises.models import Enterprise
from enterprises.resources import EnterpriseResource
from programmes.models import ApplicationEvent, Objection
from programmes.workflow import Status
from tests import factories
from tests.imports.conftest import write_xlsx

pytestmark = pytest.mark.django_db

#: What the portal's form saved as a phone number, what imports and the objection form
#: took, and what was refused with a message asking for digits.
BAD = ["-------", "abc", "12345"]


def message(parse, value) -> str:
    with pytest.raises(ValidationError) as caught:
        parse(value)
    return caught.value.messages[0]


def admin_form_data(response) -> dict:
    """What the admin's change page would post back unchanged, inlines included."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return data


@pytest.fixture
def industry():
    return factories.IndustryFactory()


@pytest.mark.parametrize("value", BAD)
def test_the_portal_enterprise_form_refuses_it_with_the_rules_message(
    client, enterprise, applicant, region, industry, value
):
    client.force_login(applicant)

    response = client.post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        {
            "region": region.code,
            "industry": industry.code,
            "legal_representative": "王五",
            "contact_name": "赵六",
            "contact_phone": value,
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["contact_phone"] == [message(values.parse_phone, value)]
    enterprise.refresh_from_db()
    assert enterprise.contact_phone == ""


def test_the_portal_enterprise_form_stores_a_phone_number_one_way(
    client, enterprise, applicant, region, industry
):
    client.force_login(applicant)

    response = client.post(
        reverse("enterprises:edit", args=[enterprise.pk]),
        {
            "region": region.code,
            "industry": industry.code,
            "legal_representative": "王五",
            "contact_name": "赵六",
            "contact_phone": "（０５７３）８２３４ ５６７８ 转 801",
            "contact_email": "Office＠Example.CN",
        },
    )

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.contact_phone == "0573-82345678-801"
    assert enterprise.contact_email == "Office@example.cn"


@pytest.mark.parametrize("value", BAD)
def test_the_admin_enterprise_page_refuses_it_with_the_rules_message(
    client, staff, enterprise, value
):
    client.force_login(staff)
    url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    data = admin_form_data(client.get(url))

    response = client.post(url, {**data, "contact_phone": value})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["contact_phone"] == [message(values.parse_phone, value)]
    enterprise.refresh_from_db()
    assert enterprise.contact_phone == ""


def test_the_admin_enterprise_page_refuses_a_bad_email_and_stores_a_good_phone(
    client, staff, enterprise
):
    client.force_login(staff)
    url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    data = admin_form_data(client.get(url))

    refused = client.post(url, {**data, "contact_email": "abc"})
    accepted = client.post(url, {**data, "contact_phone": "+86 138-1234-5678"})

    assert refused.context["adminform"].form.errors["contact_email"] == [
        message(values.parse_email, "abc")
    ]
    assert accepted.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.contact_phone == "13812345678"


@pytest.mark.parametrize("value", BAD)
def test_an_enterprise_sheet_refuses_the_row_with_the_rules_message(tmp_path, region, value):
    code = factories.make_credit_code(1)
    path = write_xlsx(
        tmp_path / "list.xlsx",
        [["统一社会信用代码", "企业名称", "联系电话"], [code, "甲有限公司", value]],
    )

    result = EnterpriseResource().import_file(path)

    assert [problem.message() for problem in result.problems] == [
        f"Row 2, column C “联系电话”: {message(values.parse_phone, value)}"
    ]
    assert not Enterprise.objects.exists()


def test_an_enterprise_sheet_refuses_a_bad_email_and_reads_numbers_as_phones(tmp_path, region):
    path = write_xlsx(
        tmp_path / "list.xlsx",
        [
            ["统一社会信用代码", "企业名称", "联系电话", "电子邮箱"],
            [factories.make_credit_code(1), "甲有限公司", 13812345678, "abc"],
            # A landline typed as a number has lost its leading 0.
            [factories.make_credit_code(2), "乙有限公司", 57382345678, "li＠example.cn"],
        ],
    )

    refused = EnterpriseResource().import_file(path)
    write_xlsx(
        path,
        [
            ["统一社会信用代码", "企业名称", "联系电话", "电子邮箱"],
            [factories.make_credit_code(1), "甲有限公司", 13812345678, ""],
            [factories.make_credit_code(2), "乙有限公司", 57382345678, "li＠example.cn"],
        ],
    )
    imported = EnterpriseResource().import_file(path)

    assert [problem.message() for problem in refused.problems] == [
        f"Row 2, column D “电子邮箱”: {message(values.parse_email, 'abc')}"
    ]
    assert imported.committed
    phones = dict(Enterprise.objects.values_list("name", "contact_phone"))
    assert phones == {"甲有限公司": "13812345678", "乙有限公司": "0573-82345678"}
    assert Enterprise.objects.get(name="乙有限公司").contact_email == "li@example.cn"


# --- The objection form and the admin's objection page ----------------------------------


@pytest.fixture
def in_notice(enterprise):
    call = factories.CallFactory(public_notice_days=5)
    application = factories.ApplicationFactory(
        enterprise=enterprise, call=call, status=Status.IN_PUBLIC_NOTICE
    )
    ApplicationEvent.objects.create(
        application=application,
        at=timezone.now() - timedelta(days=1),
        move="open_public_notice",
        from_status=Status.APPROVED,
        to_status=Status.IN_PUBLIC_NOTICE,
    )
    return application


@pytest.mark.parametrize("value", BAD)
def test_the_objection_form_refuses_a_contact_with_the_rules_message(client, in_notice, value):
    response = client.post(
        reverse("review:notice-objection", args=[in_notice.pk]),
        {"name": "张三", "contact": value, "text": "The sales contract is not genuine."},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["contact"] == [message(values.parse_contact, value)]
    assert not Objection.objects.exists()


def test_the_objection_form_stores_a_contact_one_way(client, in_notice):
    response = client.post(
        reverse("review:notice-objection", args=[in_notice.pk]),
        {"name": "张三", "contact": "+86 138 1234 5678", "text": "Doubt."},
    )

    assert response.status_code == 302
    assert Objection.objects.get().contact == "13812345678"


@pytest.mark.parametrize("value", BAD)
def test_the_admin_objection_page_refuses_a_contact_with_the_rules_message(
    client, staff, in_notice, value
):
    client.force_login(staff)

    response = client.post(
        reverse("admin:programmes_objection_add"),
        {"application": in_notice.pk, "name": "王先生", "contact": value, "text": "数据不实"},
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["contact"] == [message(values.parse_contact, value)]
    assert not Objection.objects.exists()


# --- Money, dates and percentages in admin -------------------------------------------


def test_the_admin_call_page_reads_dates_and_amounts_as_people_write_them(client, staff):
    call = factories.CallFactory()
    client.force_login(staff)
    url = reverse("admin:programmes_call_change", args=[call.pk])
    data = admin_form_data(client.get(url))

    refused = client.post(url, {**data, "opens_on": "2025-02-30", "budget": "-5"})
    accepted = client.post(url, {**data, "opens_on": "2025年5月20日", "budget": "12.5万元"})

    errors = refused.context["adminform"].form.errors
    assert errors["opens_on"] == [message(values.parse_date, "2025-02-30")]
    assert errors["budget"] == [message(values.parse_money, "-5")]
    assert accepted.status_code == 302
    call.refresh_from_db()
    assert (str(call.opens_on), call.budget) == ("2025-05-20", Decimal("125000.00"))


@pytest.mark.parametrize(("weight", "stored"), [("70%", "70.00"), ("0.7", None)])
def test_the_admin_programme_page_reads_a_criterions_weight_in_per_cent(
    client, staff, weight, stored
):
    programme = factories.ProgrammeFactory()
    client.force_login(staff)
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    data = admin_form_data(client.get(url))
    data.update({"criteria-TOTAL_FORMS": "1", "criteria-0-name": "技术先进性"})
    data["criteria-0-weight"] = weight
    data["criteria-0-position"] = "1"

    response = client.post(url, data)

    if stored is None:
        formset = next(
            inline.formset
            for inline in response.context["inline_admin_formsets"]
            if inline.formset.prefix == "criteria"
        )
        assert formset.errors[0]["weight"] == [message(values.parse_percentage, weight)]
        assert not programme.criteria.exists()
    else:
        assert response.status_code == 302
        assert str(programme.criteria.get().weight) == stored
