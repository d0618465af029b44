"""Cells as real sheets carry them: blanks of every width, codes stored as numbers,
amounts with separators, 元 or 万, dates in any of the usual forms or as Excel serials.

Money, dates, phone numbers, email addresses and percentages are read by the rules
of ``core.values``, the same that forms and the API use; a refusal becomes a
``CellError`` with that rule's message.
"""

import datetime
import re
import unicodedata
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import values
from ..exports import strip_neutralisation
from ..values import BLANKS

_BLANK_RE = re.compile(f"[\\s{BLANKS}]+")
#: Excel keeps 15 significant digits: a longer code typed as a number has lost some.
EXCEL_DIGITS = 15


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message is for the user."""


_STRIP = " \t\r\n\f\v" + BLANKS


def clean_text(value) -> str:
    """The text of a cell: trimmed of every kind of blank, numbers without a trailing ``.0``."""
    if type(value) is str:  # the common case first: this runs for every cell
        text = value.strip(_STRIP)
        return strip_neutralisation(text) if text[:1] == "'" else text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        value = int(value) if value.is_integer() else value
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip(_STRIP)


def clean_code(value) -> str:
    """A code: no blanks anywhere, full-width letters and digits made ASCII, upper case."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _BLANK_RE.sub("", unicodedata.normalize("NFKC", clean_text(value))).upper()


def match_key(value) -> str:
    """How names and titles are compared: NFKC (full-width brackets = half-width), no blanks."""
    return _BLANK_RE.sub("", unicodedata.normalize("NFKC", clean_text(value))).casefold()


def name_variants(name: str) -> set[str]:
    """The spellings of a legal name that differ only by full- or half-width brackets."""
    return {
        name,
        name.replace("（", "(").replace("）", ")"),
        name.replace("(", "（").replace(")", "）"),
    }


def number_as_code(value) -> str | None:
    """A problem message when a long code has been stored as a number and lost digits."""
    if isinstance(value, float) and abs(value) >= 10**EXCEL_DIGITS:
        return _(
            "the code was stored as a number and Excel kept only its first 15 digits; "
            "format the column as text and type the code again"
        )
    return None


def _cell(parse, value, **kwargs):
    """``parse`` (a ``core.values`` rule) on a cell; its refusal as a ``CellError``."""
    if type(value) is str:
        value = clean_text(value)  # without the quote that exports put before "-5"
    try:
        return parse(value, **kwargs)
    except ValidationError as error:
        raise CellError(error.messages[0]) from None


def parse_decimal(value, *, wan: bool = False) -> Decimal | None:
    """An amount of money (``values.parse_money``); ``wan`` says the column is in 万元."""
    return _cell(values.parse_money, value, unit=values.WAN if wan else values.YUAN)


def parse_date(value) -> datetime.date | None:
    """A date (``values.parse_date``), Excel's serial numbers included."""
    return _cell(values.parse_date, value, serial=True)


def parse_phone(value) -> str:
    """A phone number (``values.parse_phone``). A landline typed as a number has lost
    its leading 0 (57382345678): it is read with the 0 put back."""
    if type(value) is str:
        value = clean_text(value)
    try:
        return values.parse_phone(value)
    except ValidationError as error:
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            try:
                return values.parse_phone(f"0{value:.0f}")
            except ValidationError:
                pass
        raise CellError(error.messages[0]) from None


def parse_email(value) -> str:
    return _cell(values.parse_email, value)


def parse_contact(value) -> str:
    return _cell(values.parse_contact, value)


def parse_percentage(value) -> Decimal | None:
    return _cell(values.parse_percentage, value)


_WHOLE_RE = re.compile(r"^\d+$")


def parse_int(value) -> int | None:
    """A whole number, not negative (a count of staff, a readiness level)."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": clean_text(value)})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and value >= 0:
        return value
    text = _BLANK_RE.sub("", unicodedata.normalize("NFKC", clean_text(value))).replace(",", "")
    if not text:
        return None
    if not _WHOLE_RE.match(text):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": clean_text(value)})
    return int(text)


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "规上", "对"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "不是", "规下"}


def parse_bool(value) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    key = match_key(value)
    if not key:
        return None
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(
        _("“%(value)s” is neither 是 (yes) nor 否 (no).") % {"value": clean_text(value)}
    )


PARSERS = {
    "text": clean_text,
    "code": clean_code,
    "lookup": clean_text,
    "decimal": parse_decimal,
    "wan": lambda value: parse_decimal(value, wan=True),
    "int": parse_int,
    "bool": parse_bool,
    "date": parse_date,
    "phone": parse_phone,
    "email": parse_email,
    "contact": parse_contact,
    "percentage": parse_percentage,
}
