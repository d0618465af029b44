"""The unified social credit code validator (GB 32100-2015)."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from enterprises.validators import (
    CREDIT_CODE_CHARSET,
    CREDIT_CODE_WEIGHTS,
    credit_code_check_character,
    normalise_credit_code,
    validate_credit_code,
)

DOCUMENTED_VALID = ["91350100M000100Y43", "91110000600037341L", "91110108551385082Q"]
DEPARTMENTS = "123456789ANY"


def refusal(code: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(code)
    return caught.value


def with_check(first17: str) -> str:
    return first17 + credit_code_check_character(first17)


def test_charset_and_weights_are_the_documented_ones():
    assert CREDIT_CODE_CHARSET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert len(CREDIT_CODE_CHARSET) == 31
    assert CREDIT_CODE_WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def test_every_weight_is_invertible_mod_31():
    # 31 is prime, so a weight that is not 0 mod 31 turns every change of one
    # character (a value difference of 1..30) into a different checksum.
    for weight in CREDIT_CODE_WEIGHTS:
        assert weight % 31 != 0
        assert all((difference * weight) % 31 != 0 for difference in range(1, 31))


@pytest.mark.parametrize("code", DOCUMENTED_VALID)
def test_documented_valid_codes_pass(code):
    validate_credit_code(code)
    assert credit_code_check_character(code[:17]) == code[17]


def test_documented_invalid_code_fails_the_checksum():
    error = refusal("91350100M000100Y4Z")
    assert error.code == "credit_code_checksum"
    assert "checksum" in error.messages[0]
    assert "should be 3" in error.messages[0]


@pytest.mark.parametrize(
    "code",
    ["", "9135010", "91350100M000100Y4", "91350100M000100Y433", "91350100M000100Y43" * 2],
)
def test_wrong_length_is_refused_with_the_length(code):
    error = refusal(code)
    assert error.code == "credit_code_length"
    assert "18 characters" in error.messages[0]
    assert f"has {len(code)}" in error.messages[0]


@pytest.mark.parametrize("char", ["I", "O", "S", "V", "Z"])
def test_letters_the_standard_leaves_out_are_refused(char):
    code = "91350100M000100" + char + "43"
    error = refusal(code)
    assert error.code == "credit_code_charset"
    assert error.messages[0].endswith(f": {char}.")


@pytest.mark.parametrize("char", ["I", "O", "S", "V", "Z", "-"])
def test_a_forbidden_check_character_is_refused_naming_the_right_one(char):
    error = refusal("91350100M000100Y4" + char)
    assert error.code == "credit_code_checksum"
    assert "should be 3" in error.messages[0]


@pytest.mark.parametrize("position", range(18))
def test_a_forbidden_letter_anywhere_is_refused(position):
    code = DOCUMENTED_VALID[1]
    for char in "IOSVZ":
        with pytest.raises(ValidationError):
            validate_credit_code(code[:position] + char + code[position + 1 :])


def test_punctuation_is_refused_and_named():
    error = refusal("91350100M-00100Y43")
    assert error.code == "credit_code_charset"
    assert "-" in error.messages[0]


@pytest.mark.parametrize("first", ["0", "B", "C", "X", "W"])
def test_first_character_must_be_a_registering_department(first):
    # The check character is right, so only the department rule can refuse it.
    code = with_check(first + "1350100M000100Y4")
    error = refusal(code)
    assert error.code == "credit_code_department"
    assert "registering department" in error.messages[0]


@pytest.mark.parametrize("first", ["A", "N", "Y"])
def test_codes_of_departments_a_n_y_are_accepted_with_a_right_checksum(first):
    code = with_check(first + "1330402MA2B3C4D5")
    validate_credit_code(code)
    wrong = code[:17] + CREDIT_CODE_CHARSET[(CREDIT_CODE_CHARSET.index(code[17]) + 1) % 31]
    assert refusal(wrong).code == "credit_code_checksum"


@pytest.mark.parametrize(
    "raw",
    [
        "91350100m000100y43",
        " 91350100M000100Y43 ",
        "9135 0100 M000 100Y 43",
        "\u300091350100M000100Y43\u3000",
        "913501\u300000M000100Y43",
        "91350100M000100Y43\t\n",
    ],
)
def test_lower_case_and_blanks_are_normalised(raw):
    assert normalise_credit_code(raw) == "91350100M000100Y43"
    validate_credit_code(raw)


first_seventeen = st.tuples(
    st.sampled_from(DEPARTMENTS),
    st.text(alphabet=CREDIT_CODE_CHARSET, min_size=16, max_size=16),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(first17=first_seventeen)
def test_generated_codes_with_computed_check_are_valid(first17):
    validate_credit_code(with_check(first17))


@settings(max_examples=300, deadline=None)
@given(
    first17=first_seventeen,
    position=st.integers(min_value=0, max_value=17),
    replacement=st.sampled_from(CREDIT_CODE_CHARSET),
)
def test_changing_any_one_character_is_refused(first17, position, replacement):
    code = with_check(first17)
    if code[position] == replacement:
        replacement = CREDIT_CODE_CHARSET[(CREDIT_CODE_CHARSET.index(replacement) + 1) % 31]
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(changed)
    expected = (
        {"credit_code_department", "credit_code_checksum"}
        if position == 0
        else {"credit_code_checksum"}
    )
    assert caught.value.code in expected


@pytest.mark.parametrize("code", DOCUMENTED_VALID)
def test_every_single_character_change_of_a_documented_code_is_refused(code):
    for position in range(18):
        for replacement in CREDIT_CODE_CHARSET:
            if replacement == code[position]:
                continue
            changed = code[:position] + replacement + code[position + 1 :]
            with pytest.raises(ValidationError):
                validate_credit_code(changed)
