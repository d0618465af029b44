"""The unified social credit code (统一社会信用代码) of GB 32100-2015.

The rule is ``core.values.parse_credit_code``, the one every channel uses; the
names stay importable from here because migrations refer to
``enterprises.validators.validate_credit_code``.
"""

from core.values import (
    CREDIT_CODE_CHARSET,
    CREDIT_CODE_WEIGHTS,
    REGISTERING_DEPARTMENTS,
    credit_code_check_character,
    normalise_credit_code,
    parse_credit_code,
    validate_credit_code,
)

__all__ = [
    "CREDIT_CODE_CHARSET",
    "CREDIT_CODE_WEIGHTS",
    "REGISTERING_DEPARTMENTS",
    "credit_code_check_character",
    "normalise_credit_code",
    "parse_credit_code",
    "validate_credit_code",
]
