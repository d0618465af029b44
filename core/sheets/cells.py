"""Cells as real sheets carry them: blanks of every width, codes stored as numbers,
amounts with separators, 元 or 万, dates in any of the usual forms or as Excel serials.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ..exports import strip_neutralisation

#: Characters that sheets use as blanks besides ASCII whitespace.
BLANKS = "\u3000\u00a0\ufeff\u200b\u200c\u200d\u2060"
_BLANK_RE = re.compile(f"[\\s{BLANKS}]+")
#: Excel keeps 15 significant digits: a longer code typed as a number has lost some.
EXCEL_DIGITS = 15
EXCEL_EPOCH = datetime.date(1899, 12, 30)


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


_NUMBER_JUNK = re.compile(r"[,，\s¥￥元" + BLANKS + "]")


def parse_decimal(value, *, wan: bool = False) -> Decimal | None:
    """An amount; ``万`` (ten thousand) is understood, and ``wan`` says the column is in 万元."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = _NUMBER_JUNK.sub("", unicodedata.normalize("NFKC", clean_text(value)))
        if not text:
            return None
        multiplier = 1
        if text.endswith("万"):
            text, multiplier = text[:-1], 10000
        try:
            number = Decimal(text) * multiplier
        except InvalidOperation:
            raise CellError(
                _("“%(value)s” is not a number.") % {"value": clean_text(value)}
            ) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": clean_text(value)})
    if wan:
        number *= 10000
    if number < 0:
        raise CellError(_("The amount cannot be negative."))
    return number.quantize(Decimal("0.01"))


def parse_int(value) -> int | None:
    number = parse_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": clean_text(value)})
    return int(number)


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


_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_date(value) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return EXCEL_EPOCH + datetime.timedelta(days=int(value))
    text = unicodedata.normalize("NFKC", clean_text(value))
    if not text:
        return None
    match = _DATE_RE.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise CellError(
        _("“%(value)s” is not a date; write it as 2024-06-30.") % {"value": clean_text(value)}
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
}
