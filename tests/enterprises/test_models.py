"""The Enterprise model's credit code: optional, unique when present, always valid."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from enterprises.models import Enterprise, Region
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return factories.RegionFactory(code="330402", name="南湖区")


def valid_code(n: int) -> str:
    return factories.make_credit_code(n)


def new_enterprise(region, **kwargs) -> Enterprise:
    fields = {"name": "嘉兴测试丝绸有限公司", "region": region}
    fields.update(kwargs)
    return Enterprise(**fields)


@pytest.mark.parametrize("empty", ["", None])
def test_empty_code_is_stored_as_null(region, empty):
    enterprise = new_enterprise(region, unified_social_credit_code=empty)
    enterprise.save()
    assert Enterprise.objects.filter(pk=enterprise.pk, unified_social_credit_code=None).exists()


def test_two_enterprises_without_a_code_may_coexist(region):
    new_enterprise(region, name="甲公司", unified_social_credit_code="").save()
    second = new_enterprise(region, name="乙公司", unified_social_credit_code=None)
    second.full_clean()
    second.save()
    new_enterprise(region, name="丙公司", unified_social_credit_code="").save()
    assert Enterprise.objects.filter(unified_social_credit_code__isnull=True).count() == 3


def test_blank_code_passes_full_clean(region):
    new_enterprise(region, unified_social_credit_code="").full_clean()


def test_duplicate_code_is_refused_by_full_clean(region):
    code = valid_code(1)
    new_enterprise(region, name="甲公司", unified_social_credit_code=code).save()
    duplicate = new_enterprise(region, name="乙公司", unified_social_credit_code=code)
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert "unified_social_credit_code" in caught.value.message_dict


def test_duplicate_code_is_refused_by_the_database(region):
    code = valid_code(1)
    new_enterprise(region, name="甲公司", unified_social_credit_code=code).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        new_enterprise(region, name="乙公司", unified_social_credit_code=code).save()
    assert Enterprise.objects.count() == 1


def test_full_clean_rejects_a_code_with_a_wrong_check_character(region):
    enterprise = new_enterprise(region, unified_social_credit_code="91350100M000100Y4Z")
    with pytest.raises(ValidationError) as caught:
        enterprise.full_clean()
    [message] = caught.value.message_dict["unified_social_credit_code"]
    assert "checksum" in message


def test_full_clean_rejects_a_code_with_a_forbidden_letter(region):
    enterprise = new_enterprise(region, unified_social_credit_code="91350100MO00100Y43")
    with pytest.raises(ValidationError) as caught:
        enterprise.full_clean()
    assert "unified_social_credit_code" in caught.value.message_dict


def test_lower_case_code_is_stored_upper_case(region):
    enterprise = new_enterprise(region, unified_social_credit_code="91350100m000100y43")
    enterprise.full_clean()
    enterprise.save()
    enterprise.refresh_from_db()
    assert enterprise.unified_social_credit_code == "91350100M000100Y43"


def test_duplicate_code_differing_only_in_case_is_refused_by_full_clean(region):
    new_enterprise(region, name="甲公司", unified_social_credit_code="91350100M000100Y43").save()
    duplicate = new_enterprise(
        region, name="乙公司", unified_social_credit_code="91350100m000100y43"
    )
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_code_with_blanks_passes_full_clean(region):
    enterprise = new_enterprise(region, unified_social_credit_code="9135 0100 M000 100Y 43")
    enterprise.full_clean()


def test_database_refuses_a_code_of_the_wrong_length(region):
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.bulk_create(
            [new_enterprise(region, unified_social_credit_code="91350100M000100")]
        )


def test_factory_codes_are_valid_and_distinct(region):
    codes = [factories.make_credit_code(n) for n in range(1, 200)]
    assert len(set(codes)) == len(codes)
    for code in codes:
        new_enterprise(region, name=code, unified_social_credit_code=code).full_clean()


def test_region_descendants_cover_a_city_and_its_counties():
    province = factories.RegionFactory(code="330000", name="浙江省", level=Region.Level.PROVINCE)
    city = factories.RegionFactory(
        code="330400", name="嘉兴市", level=Region.Level.CITY, parent=province
    )
    county = factories.RegionFactory(code="330421", name="嘉善县", parent=city)
    elsewhere = factories.RegionFactory(code="330225", name="象山县")
    assert set(city.self_and_descendant_ids()) == {city.pk, county.pk}
    assert set(province.self_and_descendant_ids()) == {province.pk, city.pk, county.pk}
    assert elsewhere.pk not in set(province.self_and_descendant_ids())
