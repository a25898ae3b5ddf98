import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tuoyu.core.validators import (
    USCC_ALPHABET,
    id_birth_date,
    id_check_character,
    id_sex,
    normalize_id_number,
    normalize_mobile,
    uscc_check_character,
    validate_id_number,
    validate_mobile,
    validate_official_name,
    validate_uscc,
)

dates = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2025, 12, 31))
areas = st.sampled_from(["430202", "410602", "420112", "320902", "530902", "110101"])


@given(area=areas, born=dates, seq=st.integers(0, 999))
def test_any_id_with_its_computed_check_character_is_valid(area, born, seq):
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    value = first17 + id_check_character(first17)
    assert validate_id_number(value.lower()) == value
    assert id_birth_date(value) == born
    assert id_sex(value) == ("M" if seq % 2 else "F")


@given(area=areas, born=dates, seq=st.integers(0, 999), wrong=st.sampled_from("0123456789X"))
def test_any_other_check_character_is_refused_and_named(area, born, seq, wrong):
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    if wrong == id_check_character(first17):
        return
    with pytest.raises(ValidationError) as exc:
        validate_id_number(first17 + wrong)
    assert exc.value.code == "id_check"
    assert "校验码" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("43020219900101123", "id_length"),
        ("4302021990010112345", "id_length"),
        ("43020219900101123A", "id_characters"),
        ("93020219900101123X", "id_area"),
        ("72020219900101123X", "id_area"),
        ("40020219900101123X", "id_area"),
        ("4302021990010112³4", "id_check"),
        ("43020219900101123٤", "id_characters"),
        ("430202179901011234", "id_birth_date"),
        ("430202199013011234", "id_birth_date"),
        ("430202199002301234", "id_birth_date"),
        ("430202209901011234", "id_birth_date"),
    ],
)
def test_id_number_errors_name_the_wrong_part(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert exc.value.code == code


def test_known_id_number_from_the_standard_is_valid():
    # GB 11643-1999 appendix examples: one born in 1949, one in 1880.
    assert validate_id_number("11010519491231002X") == "11010519491231002X"
    assert validate_id_number("440524188001010014") == "440524188001010014"


@pytest.mark.parametrize(
    "typed",
    [
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and X, as a Chinese IME types them
        "11010519491231002ｘ",
        "110105 1949 1231 002x",
        "\u3000110105194912310 02X\u3000",  # ideographic spaces
    ],
)
def test_an_id_number_typed_in_any_width_is_one_number_with_one_blind_index(typed):
    from tuoyu.core.crypto import blind_index

    assert validate_id_number(typed) == "11010519491231002X"
    assert normalize_id_number(typed) == "11010519491231002X"
    assert blind_index(normalize_id_number(typed), context="t") == blind_index(
        "11010519491231002X", context="t"
    )


def test_a_superscript_digit_is_read_as_its_digit_and_never_raises_anything_but_a_validation_error():
    # NFKC reads ² as 2; characters that are digits to str.isdigit but not ASCII digits are refused.
    assert validate_id_number("11010519491231002X".replace("2", "²", 1)) == "11010519491231002X"
    for odd in ("1101051949123100²", "110105194912310０²", "११०१०५१९४९१२३१००२X"):
        with pytest.raises(ValidationError):
            validate_id_number(odd)


def test_a_mobile_typed_in_full_width_is_the_same_number():
    assert validate_mobile("１３８００１３８０００") == "13800138000"
    assert normalize_mobile("+86 138-0013-8000") == "13800138000"


@given(body=st.text(alphabet=USCC_ALPHABET, min_size=15, max_size=15), authority=st.sampled_from("159"))
def test_any_uscc_with_its_computed_check_character_is_valid(body, authority):
    first17 = authority + "1430202" + body[:9]
    value = first17 + uscc_check_character(first17)
    assert validate_uscc(value.lower()) == value


@given(body=st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_a_changed_uscc_check_character_is_refused(body):
    first17 = "9143020" + "2" + body[:9]
    good = uscc_check_character(first17)
    bad = "0" if good != "0" else "1"
    with pytest.raises(ValidationError) as exc:
        validate_uscc(first17 + bad)
    assert exc.value.code == "uscc_check"


def test_real_uscc_examples():
    assert validate_uscc("91350100M000100Y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("9135010", "uscc_length"),
        ("91350100M000100I43", "uscc_characters"),
        ("Z1350100M000100Y43", "uscc_characters"),
        ("B1350100M000100Y43", "uscc_authority"),
        ("9135A100M000100Y43", "uscc_area"),
    ],
)
def test_uscc_errors_name_the_wrong_part(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_uscc(value)
    assert exc.value.code == code


@given(
    prefix=st.sampled_from(["13", "14", "15", "16", "17", "18", "19"]),
    rest=st.text("0123456789", min_size=9, max_size=9),
)
def test_any_mainland_mobile_is_valid(prefix, rest):
    assert validate_mobile(f"+86 {prefix}{rest}") == prefix + rest


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1380013800", "mobile_length"),
        ("138001380001", "mobile_length"),
        ("12800138000", "mobile_prefix"),
        ("1380013800a", "mobile_characters"),
    ],
)
def test_mobile_errors_name_the_wrong_part(value, code):
    with pytest.raises(ValidationError) as exc:
        validate_mobile(value)
    assert exc.value.code == code


@pytest.mark.parametrize(
    "name",
    [
        "荷塘区小星星托育中心",
        "株洲市A+托育服务有限公司（芦淞分公司）",
        "阿依古丽·买买提",
        "托小一班",
        "Little Stars 托育 No.2",
        "〇〇幼儿托育园",
    ],
)
def test_official_names_keep_letters_digits_punctuation_and_spaces(name):
    validate_official_name(name)


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("小星星托育中心😊", "😊"),
        ("托小⭐班", "⭐"),
        ("小星星👍🏽托育", "👍"),
        ("小星星\u200d托育", "U+200D"),  # a zero-width joiner: invisible
        ("小星星\ufe0f托育", "U+FE0F"),  # a variation selector
        ("小星星\u0007托育", "U+0007"),
        ("小星星\ue000托育", "U+E000"),  # private use
    ],
)
def test_official_names_refuse_emoji_pictographs_and_invisible_characters(name, shown):
    with pytest.raises(ValidationError) as exc:
        validate_official_name(name)
    assert exc.value.code == "official_name"
    assert f"“{shown}”" in exc.value.messages[0]
