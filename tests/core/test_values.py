"""The rules of ``core.values``: what each kind of value accepts, how it is stored, and the
one message of each failure."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core import values


def refusal(parse, value, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse(value, **kwargs)
    return caught.value


# --- Phone numbers -------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        (13812345678, "13812345678"),
        ("0573-82345678", "0573-82345678"),
        ("0573 8234 5678", "0573-82345678"),
        ("(0573)82345678", "0573-82345678"),
        ("（０５７３）８２３４５６７８", "0573-82345678"),
        ("０５７３－８２３４５６７８", "0573-82345678"),
        ("0573—82345678", "0573-82345678"),
        ("+86 573 8234 5678", "0573-82345678"),
        ("010-62345678", "010-62345678"),
        ("0571-8765432", "0571-8765432"),
        ("0573-82345678-801", "0573-82345678-801"),
        ("0573-82345678转801", "0573-82345678-801"),
        ("0573-82345678 ext. 801", "0573-82345678-801"),
        ("400-123-4567", "400-123-4567"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_phone_numbers_are_read_as_written_and_stored_one_way(given, stored):
    assert values.parse_phone(given) == stored
    assert values.parse_phone(stored) == stored  # the stored form reads back as itself


@pytest.mark.parametrize(
    "given", ["-------", "abc", "12345", "1381234567", "23812345678", "0573-1234567", "+1 212 555"]
)
def test_what_is_not_a_phone_number_is_refused_saying_what_one_looks_like(given):
    error = refusal(values.parse_phone, given)

    assert error.code == "phone_invalid"
    assert error.messages == [
        f"“{given}” is not a phone number: give a mobile number (11 digits beginning with 1) "
        "or a landline with its area code (0573-82345678)."
    ]


def test_a_landline_without_its_area_code_is_refused_asking_for_it():
    error = refusal(values.parse_phone, "82345678")

    assert error.code == "phone_area_code"
    assert error.messages == ["“82345678” has no area code: write the landline as 0573-82345678."]


def test_a_mobile_number_is_a_mobile_number_only():
    assert values.parse_mobile("+86 139-0573-0000") == "13905730000"
    assert values.is_mobile("13905730000") and not values.is_mobile("0573-82345678")
    assert refusal(values.parse_mobile, "0573-82345678").code == "mobile_invalid"


# --- Email and contact -----------------------------------------------------------


def test_email_addresses_are_read_with_full_width_forms_and_a_lower_case_domain():
    assert values.parse_email(" Li.Si＠Example．CN ") == "Li.Si@example.cn"
    error = refusal(values.parse_email, "abc")
    assert (error.code, error.messages) == ("email_invalid", ["“abc” is not an email address."])


@pytest.mark.parametrize(
    ("given", "stored"),
    [("li@example.cn", "li@example.cn"), ("0573 8234 5678", "0573-82345678")],
)
def test_a_contact_is_a_phone_number_or_an_email_address(given, stored):
    assert values.parse_contact(given) == stored


def test_a_contact_that_is_neither_names_both():
    assert refusal(values.parse_contact, "abc").code == "contact_invalid"
    assert refusal(values.parse_contact, "12345").code == "phone_invalid"
    assert refusal(values.parse_contact, "li@").code == "email_invalid"


# --- Credit codes ----------------------------------------------------------------


def test_credit_codes_are_normalised_from_full_width_and_blanks():
    assert values.parse_credit_code("９１３５ ０１００\u3000m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("9135010", "credit_code_length"),
        ("91350100M00010OY43", "credit_code_charset"),
        ("B1350100M000100Y43", "credit_code_department"),
        ("91350100M000100Y4Z", "credit_code_checksum"),
    ],
)
def test_each_credit_code_failure_has_its_own_message(given, code):
    assert refusal(values.parse_credit_code, given).code == code


# --- Money -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "yuan"),
    [
        ("125000", Decimal("125000.00")),
        ("125,000元", Decimal("125000.00")),
        ("12.5万元", Decimal("125000.00")),
        ("12.5万", Decimal("125000.00")),
        ("￥ 125，000", Decimal("125000.00")),
        ("RMB 99.9", Decimal("99.90")),
        (125000, Decimal("125000.00")),
        (1234.5600000000002, Decimal("1234.56")),
        (Decimal("0"), Decimal("0.00")),
        ("", None),
        (None, None),
    ],
)
def test_money_is_yuan_to_the_fen_whether_written_in_yuan_or_wan(given, yuan):
    assert values.parse_money(given) == yuan


def test_a_column_in_wan_multiplies_unless_the_cell_names_its_unit():
    assert values.parse_money("12.5", unit=values.WAN) == Decimal("125000.00")
    assert values.parse_money(93.5, unit=values.WAN) == Decimal("935000.00")
    assert values.parse_money("12.5万元", unit=values.WAN) == Decimal("125000.00")
    assert values.parse_money("125000元", unit=values.WAN) == Decimal("125000.00")


@pytest.mark.parametrize(
    ("given", "code", "message"),
    [
        (
            "abc",
            "money_invalid",
            "“abc” is not an amount of money: write it as 125000, 125,000元 or 12.5万元.",
        ),
        ("1e5", "money_invalid", None),
        (True, "money_invalid", None),
        ("-5", "money_negative", "“-5”: an amount cannot be negative."),
        ("¥-5", "money_negative", None),
        (-1, "money_negative", None),
        ("12.345", "money_fen", "“12.345” is more precise than the fen (0.01 yuan)."),
        (
            "1000000000000",
            "money_too_large",
            "“1000000000000” is more than 999,999,999,999.99 yuan.",
        ),
    ],
)
def test_garbage_negative_and_impossible_amounts_are_refused(given, code, message):
    error = refusal(values.parse_money, given)

    assert error.code == code
    if message:
        assert error.messages == [message]


# --- Dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [
        "2025-05-20",
        "2025/5/20",
        "2025.5.20",
        "2025年5月20日",
        "２０２５年５月２０日",
        "20250520",
        "2025/5/20 0:00:00",
        datetime.date(2025, 5, 20),
        datetime.datetime(2025, 5, 20, 0, 0),
    ],
)
def test_dates_are_read_in_the_forms_people_write_them(given):
    assert values.parse_date(given) == datetime.date(2025, 5, 20)


def test_excel_serial_numbers_are_dates_only_in_sheet_cells():
    assert values.parse_date(45797, serial=True) == datetime.date(2025, 5, 20)
    assert values.parse_date(45797.0, serial=True) == datetime.date(2025, 5, 20)
    assert refusal(values.parse_date, 45797).code == "date_invalid"


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("abc", "date_invalid"),
        ("30/06/2024", "date_invalid"),
        ("2025-02-30", "date_no_such_day"),
        ("1800-01-01", "date_range"),
    ],
)
def test_what_is_not_a_date_is_refused(given, code):
    assert refusal(values.parse_date, given).code == code


# --- Percentages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "points"),
    [
        ("70%", Decimal("70.00")),
        ("70 ％", Decimal("70.00")),
        ("70", Decimal("70.00")),
        ("0.7%", Decimal("0.70")),
        ("0", Decimal("0.00")),
        ("100%", Decimal("100.00")),
        (35, Decimal("35.00")),
    ],
)
def test_percentages_are_points_written_with_or_without_the_sign(given, points):
    assert values.parse_percentage(given) == points


@pytest.mark.parametrize("given", ["0.7", 0.7, "1", 1.0])
def test_a_bare_fraction_is_refused_as_ambiguous(given):
    error = refusal(values.parse_percentage, given)

    assert error.code == "percentage_ambiguous"
    assert "write 70% for seventy per cent or 0.7% for less than one" in error.messages[0]


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("abc", "percentage_invalid"),
        ("150%", "percentage_range"),
        ("-5%", "percentage_range"),
        ("33.333%", "percentage_places"),
    ],
)
def test_what_is_not_a_percentage_is_refused(given, code):
    assert refusal(values.parse_percentage, given).code == code
