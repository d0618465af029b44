"""One rule per kind of value: phone numbers, email addresses, credit codes, money, dates
and percentages, read as people write them and refused with one message per failure.

Each ``parse_*`` function takes what a form, a sheet cell or an API call gives,
returns the value to store (``""`` or ``None`` for a blank) and raises a
``ValidationError`` whose message is the one every channel shows: the portal and
admin forms (``core.forms``, through the model fields of ``core.fields``), the
sheet imports (``core.sheets.cells``) and the API (``core.serializers``).

* **Phone**: a mainland mobile number (``1[3-9]`` and nine digits, stored as
  ``13812345678``, a ``+86``/``0086`` prefix dropped) or a landline with its area
  code (``0573-82345678``; 010 and 02x have three digits, every other area code
  four), with an optional extension (``0573-82345678-801``; also written
  ``转801``, ``ext. 801``, ``x801``, ``#801``), or a 400/800 service number
  (``400-123-4567``). Full-width digits, brackets, dashes and blanks are read.
* **Email**: Django's rule; full-width forms read, the domain lower-cased.
* **Contact** (an objection's "phone or email"): an email address when it has an
  ``@``, else a phone number.
* **Credit code**: GB 32100-2015, 18 characters with the mod-31 check character;
  blanks and full-width forms removed, upper-cased.
* **Money**: yuan as a ``Decimal`` to the fen. ``125000``, ``125,000元``,
  ``¥125000`` and ``12.5万元`` are all 125,000 yuan; a unit written in the value
  wins over the unit of the column (``unit=WAN`` for columns headed 万元). Negative
  amounts, fractions of a fen and more than 999,999,999,999.99 yuan are refused.
* **Date**: ``2025-05-20``, ``2025/5/20``, ``2025.5.20``, ``2025年5月20日``,
  ``20250520``; Excel's serial numbers (``45797``) where the caller says the value
  comes from a sheet cell; from 1900 to 2100.
* **Percentage**: in per cent, stored as percentage points (``Decimal("70.00")``):
  ``70%`` and ``70`` are seventy per cent. A bare number above 0 and up to 1 is
  refused as ambiguous, since ``0.7`` may be a percent-formatted Excel cell showing
  70 % or 0.7 %: write ``70%`` or ``0.7%``.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email as django_validate_email
from django.utils.translation import gettext_lazy as _

#: Characters that forms and sheets carry as blanks besides ASCII whitespace.
BLANKS = "\u3000\u00a0\ufeff\u200b\u200c\u200d\u2060"
_BLANK_RE = re.compile(f"[\\s{BLANKS}]+")
#: Dashes people type between groups of digits, besides the hyphen-minus.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63", "-"))


def _text(value) -> str:
    """``value`` as text: NFKC (full-width digits, letters and signs made ASCII), trimmed."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).translate(_DASHES)
    return text.strip(" \t\r\n\f\v" + BLANKS)


def _shown(value) -> str:
    """How a refused value is quoted in a message."""
    return _text(value)[:60]


def _refused(message, code: str, value, **params) -> ValidationError:
    return ValidationError(message, code=code, params={"value": _shown(value), **params})


# --- Phone numbers -----------------------------------------------------------

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_SUBSCRIBER_RE = re.compile(r"^[2-9]\d{6,7}$")
_SERVICE_RE = re.compile(r"^[48]00\d{7}$")
_EXTENSION_RE = re.compile(
    r"^(?P<main>.*?)\s*(?:转|分机|ext\.?|x|#)\s*(?P<ext>\d{1,6})$", re.IGNORECASE
)
_PHONE_CHARS_RE = re.compile(r"^\+?[\d\s\-().]+$")

PHONE_INVALID = _(
    "“%(value)s” is not a phone number: give a mobile number (11 digits beginning with 1) "
    "or a landline with its area code (0573-82345678)."
)
PHONE_AREA_CODE = _("“%(value)s” has no area code: write the landline as 0573-82345678.")
MOBILE_INVALID = _(
    "“%(value)s” is not a mainland China mobile number (11 digits beginning with 1)."
)


def _phone_error(value, code: str = "phone_invalid") -> ValidationError:
    message = PHONE_AREA_CODE if code == "phone_area_code" else PHONE_INVALID
    return ValidationError(message, code=code, params={"value": _shown(value)})


def _landline(digits: str) -> tuple[str, str] | None:
    """``(area code, subscriber number)`` of a landline written with its leading 0."""
    if len(digits) < 3 or digits[0] != "0" or digits[1] == "0":
        return None
    area = digits[:3] if digits[1] in "12" else digits[:4]
    subscriber = digits[len(area) :]
    return (area, subscriber) if _SUBSCRIBER_RE.match(subscriber) else None


def _phone_digits(main: str, value) -> tuple[str, bool]:
    """The digits of a number without its country prefix, and whether one was given."""
    if not _PHONE_CHARS_RE.match(main) or not re.search(r"\d", main):
        raise _phone_error(value)
    international = main.startswith("+")
    digits = re.sub(r"\D", "", main)
    if international:
        if not digits.startswith("86"):
            raise _phone_error(value)  # a number outside the mainland
        digits = digits[2:]
    elif digits.startswith("0086"):
        international, digits = True, digits[4:]
    elif len(digits) == 13 and digits.startswith("861"):
        international, digits = True, digits[2:]
    if international and digits and digits[0] not in "01":
        digits = "0" + digits  # +86 573 … drops the area code's leading 0
    return digits, international


def parse_phone(value) -> str:
    """A mobile, landline or service number as stored: ``13812345678``, ``0573-82345678``,
    ``0573-82345678-801``, ``400-123-4567``; ``""`` for a blank."""
    text = _text(value) if value is not None else ""
    if not text:
        return ""
    extension = ""
    match = _EXTENSION_RE.match(text)
    if match:
        text, extension = match.group("main"), match.group("ext")
    digits, _international = _phone_digits(text, value)
    if MOBILE_RE.match(digits) and not extension:
        return digits
    if _SERVICE_RE.match(digits) and not extension:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    landline = _landline(digits)
    if landline is None and not extension:
        # 0573-82345678-801: the last group of digits is an extension.
        groups = [group for group in re.split(r"[\s\-]+", text) if group]
        if len(groups) >= 3 and re.fullmatch(r"\d{1,6}", groups[-1]):
            landline = _landline(re.sub(r"\D", "", "".join(groups[:-1])))
            extension = groups[-1] if landline else ""
    if landline is not None:
        number = f"{landline[0]}-{landline[1]}"
        return f"{number}-{extension}" if extension else number
    if _SUBSCRIBER_RE.match(digits):
        raise _phone_error(value, "phone_area_code")
    raise _phone_error(value)


def parse_mobile(value) -> str:
    """A mainland mobile number as stored (``13812345678``); ``""`` for a blank."""
    text = _text(value) if value is not None else ""
    if not text:
        return ""
    try:
        number = parse_phone(text)
    except ValidationError:
        number = ""
    if not MOBILE_RE.match(number):
        raise ValidationError(MOBILE_INVALID, code="mobile_invalid", params={"value": _shown(text)})
    return number


def is_mobile(value) -> bool:
    try:
        return bool(parse_mobile(value))
    except ValidationError:
        return False


# --- Email addresses and contacts ----------------------------------------------

EMAIL_INVALID = _("“%(value)s” is not an email address.")
CONTACT_INVALID = _(
    "“%(value)s” is neither a phone number nor an email address: give a mobile number, "
    "a landline with its area code (0573-82345678) or an email address."
)


def parse_email(value) -> str:
    """An email address with its domain in lower case; ``""`` for a blank."""
    text = _text(value) if value is not None else ""
    if not text:
        return ""
    local, at, domain = text.rpartition("@")
    address = f"{local}@{domain.lower()}" if at else text
    try:
        django_validate_email(address)
    except ValidationError:
        raise ValidationError(
            EMAIL_INVALID, code="email_invalid", params={"value": _shown(value)}
        ) from None
    return address


def parse_contact(value) -> str:
    """A phone number or an email address, as ``parse_phone`` or ``parse_email`` stores it."""
    text = _text(value) if value is not None else ""
    if not text:
        return ""
    if "@" in text:
        return parse_email(text)
    if re.search(r"\d", text):
        return parse_phone(text)
    raise ValidationError(CONTACT_INVALID, code="contact_invalid", params={"value": _shown(value)})


# --- Unified social credit code (GB 32100-2015) ----------------------------------

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]
REGISTERING_DEPARTMENTS = set("123456789ANY")

CREDIT_CODE_LENGTH = _("A unified social credit code has 18 characters; %(code)s has %(length)s.")
CREDIT_CODE_CHARS = _("%(code)s contains characters a credit code never uses: %(chars)s.")
CREDIT_CODE_DEPARTMENT = _("%(code)s does not begin with a registering department's code.")
CREDIT_CODE_CHECKSUM = _(
    "%(code)s fails the GB 32100-2015 checksum: the last character should be %(expected)s."
)


def credit_code_check_character(first17: str) -> str:
    """The 18th character that makes ``first17`` a valid code."""
    total = sum(
        CREDIT_CODE_CHARSET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def normalise_credit_code(value) -> str:
    """Full-width forms made ASCII, every blank removed, upper case."""
    if value is None:
        return ""
    return _BLANK_RE.sub("", unicodedata.normalize("NFKC", str(value))).upper()


def parse_credit_code(value) -> str:
    """A valid code, normalised; ``""`` for a blank."""
    code = normalise_credit_code(value)
    if not code:
        return ""
    if len(code) != 18:
        raise ValidationError(
            CREDIT_CODE_LENGTH,
            code="credit_code_length",
            params={"code": code[:40], "length": len(code)},
        )
    # The check character is left to the checksum test below, whose message names
    # the right one: "…Y4Z" is a wrong check character, not a stray letter.
    bad = sorted({char for char in code[:17] if char not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationError(
            CREDIT_CODE_CHARS,
            code="credit_code_charset",
            params={"code": code, "chars": ", ".join(bad)},
        )
    if code[0] not in REGISTERING_DEPARTMENTS:
        raise ValidationError(
            CREDIT_CODE_DEPARTMENT, code="credit_code_department", params={"code": code}
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            CREDIT_CODE_CHECKSUM,
            code="credit_code_checksum",
            params={"code": code, "expected": expected},
        )
    return code


# --- Money ---------------------------------------------------------------------

YUAN, WAN = Decimal(1), Decimal(10000)
MAX_MONEY = Decimal("999999999999.99")  # the largest value of a 14-digit, 2-place column
FEN = Decimal("0.01")

MONEY_INVALID = _(
    "“%(value)s” is not an amount of money: write it as 125000, 125,000元 or 12.5万元."
)
MONEY_NEGATIVE = _("“%(value)s”: an amount cannot be negative.")
MONEY_FEN = _("“%(value)s” is more precise than the fen (0.01 yuan).")
MONEY_TOO_LARGE = _("“%(value)s” is more than 999,999,999,999.99 yuan.")

_MONEY_RE = re.compile(
    r"^(?P<sign>[-+]?)(?:¥|RMB|CNY|人民币)?(?P<sign2>[-+]?)"
    r"(?P<number>\d+(?:\.\d*)?|\.\d+)(?P<unit>万元|万|元)?$",
    re.IGNORECASE,
)


def _number(value) -> Decimal | None:
    """A number given as a number (sheet cells, JSON), or None for text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        # 15 significant digits, as Excel keeps them: 1234.5600000000001 is 1234.56.
        return Decimal(f"{value:.15g}")
    return None


def parse_money(value, *, unit: Decimal = YUAN) -> Decimal | None:
    """An amount in yuan to the fen; ``None`` for a blank. ``unit`` is the column's unit
    (``YUAN`` or ``WAN``), which a unit written in the value overrides."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise _refused(MONEY_INVALID, "money_invalid", value)
    number = _number(value)
    if number is None:
        text = _BLANK_RE.sub("", _text(value)).replace(",", "")
        if not text:
            return None
        match = _MONEY_RE.match(text)
        if match is None:
            raise _refused(MONEY_INVALID, "money_invalid", value)
        try:
            number = Decimal(match.group("number"))
        except InvalidOperation:
            raise _refused(MONEY_INVALID, "money_invalid", value) from None
        if "-" in (match.group("sign"), match.group("sign2")) and number:
            raise _refused(MONEY_NEGATIVE, "money_negative", value)
        written = match.group("unit")
        if written:
            unit = WAN if written.startswith("万") else YUAN
    if not number.is_finite():
        raise _refused(MONEY_INVALID, "money_invalid", value)
    if number < 0:
        raise _refused(MONEY_NEGATIVE, "money_negative", value)
    number *= unit
    if number % FEN:
        raise _refused(MONEY_FEN, "money_fen", value)
    if number > MAX_MONEY:
        raise _refused(MONEY_TOO_LARGE, "money_too_large", value)
    return number.quantize(FEN)


# --- Dates ---------------------------------------------------------------------

FIRST_DATE = datetime.date(1900, 1, 1)
LAST_DATE = datetime.date(2100, 12, 31)
EXCEL_EPOCH = datetime.date(1899, 12, 30)

DATE_INVALID = _("“%(value)s” is not a date: write it as 2025-05-20, 2025/5/20 or 2025年5月20日.")
DATE_NO_SUCH_DAY = _("There is no such day as “%(value)s”.")
DATE_RANGE = _("“%(value)s” is not between 1900 and 2100.")

_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+0{1,2}:00(?::00(?:\.0+)?)?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _in_range(day: datetime.date, value) -> datetime.date:
    if not FIRST_DATE <= day <= LAST_DATE:
        raise _refused(DATE_RANGE, "date_range", value)
    return day


def parse_date(value, *, serial: bool = False) -> datetime.date | None:
    """A date; ``None`` for a blank. ``serial``: the value comes from a sheet cell, where a
    number is Excel's count of days (45797 is 2025-05-20)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return _in_range(value.date(), value)
    if isinstance(value, datetime.date):
        return _in_range(value, value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if not serial:
            raise _refused(DATE_INVALID, "date_invalid", value)
        if 1 <= value < 2958466:
            return _in_range(EXCEL_EPOCH + datetime.timedelta(days=int(value)), value)
        # Otherwise read as text: 20250520 typed into a number cell.
    text = _text(value)
    if not text:
        return None
    match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if match is None:
        raise _refused(DATE_INVALID, "date_invalid", value)
    try:
        day = datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise _refused(DATE_NO_SUCH_DAY, "date_no_such_day", value) from None
    return _in_range(day, value)


# --- Percentages ---------------------------------------------------------------

PERCENTAGE_INVALID = _("“%(value)s” is not a percentage: write it as 70%%.")
PERCENTAGE_AMBIGUOUS = _(
    "“%(value)s” may mean a fraction or per cent: write 70%% for seventy per cent "
    "or 0.7%% for less than one."
)
PERCENTAGE_RANGE = _("“%(value)s” is not between 0%% and %(maximum)s%%.")
PERCENTAGE_PLACES = _("“%(value)s” has more than two decimal places.")

_PERCENT_RE = re.compile(r"^(?P<number>\d+(?:\.\d*)?|\.\d+)(?P<sign>%)?$")


def parse_percentage(value, *, maximum: Decimal = Decimal(100)) -> Decimal | None:
    """Percentage points to two places (``70%`` → ``Decimal("70.00")``); ``None`` for a
    blank. A bare number in (0, 1] is refused as ambiguous; see the module docstring."""
    if value is None:
        return None
    params = {"value": _shown(value), "maximum": maximum}
    number, signed = _number(value), False
    if number is None:
        if isinstance(value, bool):
            raise ValidationError(PERCENTAGE_INVALID, code="percentage_invalid", params=params)
        text = _BLANK_RE.sub("", _text(value))
        if not text:
            return None
        negative = text.startswith("-")
        match = _PERCENT_RE.match(text.lstrip("+-"))
        if match is None:
            raise ValidationError(PERCENTAGE_INVALID, code="percentage_invalid", params=params)
        number, signed = Decimal(match.group("number")), bool(match.group("sign"))
        if negative and number:
            raise ValidationError(PERCENTAGE_RANGE, code="percentage_range", params=params)
    if not number.is_finite():
        raise ValidationError(PERCENTAGE_INVALID, code="percentage_invalid", params=params)
    if not signed and 0 < number <= 1:
        raise ValidationError(PERCENTAGE_AMBIGUOUS, code="percentage_ambiguous", params=params)
    if not 0 <= number <= maximum:
        raise ValidationError(PERCENTAGE_RANGE, code="percentage_range", params=params)
    if number % FEN:
        raise ValidationError(PERCENTAGE_PLACES, code="percentage_places", params=params)
    return number.quantize(FEN)


# --- Validators, for model fields and forms that store the value as given ---------


def validate_phone(value) -> None:
    parse_phone(value)


def validate_email(value) -> None:
    parse_email(value)


def validate_contact(value) -> None:
    parse_contact(value)


def validate_credit_code(value) -> None:
    """A validator: unlike ``parse_credit_code``, a blank is 0 characters, not no value."""
    if not normalise_credit_code(value):
        raise ValidationError(
            CREDIT_CODE_LENGTH, code="credit_code_length", params={"code": "", "length": 0}
        )
    parse_credit_code(value)
