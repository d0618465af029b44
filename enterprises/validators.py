"""The unified social credit code (统一社会信用代码) of GB 32100-2015."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]
REGISTERING_DEPARTMENTS = set("123456789ANY")


def credit_code_check_character(first17: str) -> str:
    """The 18th character that makes ``first17`` a valid code."""
    total = sum(
        CREDIT_CODE_CHARSET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    """Upper-case and strip the blanks (including full-width ones) that sheets carry."""
    return "".join(str(value).split()).replace("\u3000", "").upper()


def validate_credit_code(value: str) -> None:
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; %(code)s has %(length)s."),
            code="credit_code_length",
            params={"code": code, "length": len(code)},
        )
    # The check character is left to the checksum test below, whose message names
    # the right one: "…Y4Z" is a wrong check character, not a stray letter.
    bad = sorted({char for char in code[:17] if char not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationError(
            _("%(code)s contains characters a credit code never uses: %(chars)s."),
            code="credit_code_charset",
            params={"code": code, "chars": ", ".join(bad)},
        )
    if code[0] not in REGISTERING_DEPARTMENTS:
        raise ValidationError(
            _("%(code)s does not begin with a registering department's code."),
            code="credit_code_department",
            params={"code": code},
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "%(code)s fails the GB 32100-2015 checksum: "
                "the last character should be %(expected)s."
            ),
            code="credit_code_checksum",
            params={"code": code, "expected": expected},
        )
