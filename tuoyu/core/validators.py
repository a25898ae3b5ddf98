"""Validators for Chinese identifiers. Each error names the part of the value that is wrong.

- 居民身份证号 (GB 11643-1999): 6-digit area code, 8-digit birth date, 3-digit sequence (odd = male),
  check character from ISO 7064 MOD 11-2 over the first 17 digits.
- 统一社会信用代码 (GB 32100-2015): registration authority (1 char), organisation kind (1), area code
  (6 digits), organisation code (9), check character (MOD 31 over the first 17 characters).
- Mobile number: 11 digits beginning 1[3-9] (MIIT numbering plan), optionally +86 in front.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


# GB/T 2260 province-level codes (tuoyu/regions/data/provinces.csv, 国家统计局 2023), 71 台湾省, and 81/82/83:
# the area codes of 港澳台居民居住证 numbers (国务院办公厅《港澳台居民居住证申领发放办法》, 2018), which follow
# GB 11643. ENR-08: an ID number whose first two digits are none of these is refused.
ID_PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)
# GB 11643-1999 writes the birth date as YYYYMMDD and its own example number is of a person born in 1880.
ID_EARLIEST_BIRTH_YEAR = 1800
ID_FORM = re.compile(r"[0-9]{17}[0-9X]")


def _nfkc(value: str | None) -> str:
    """Full-width and other compatibility forms as their plain characters (１ → 1, ² → 2, ｘ → x), with
    every kind of white space removed: one written form per number, so validation and the blind index agree
    however it was typed."""
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def normalize_id_number(value: str) -> str:
    return _nfkc(value).upper()


# A pure function, asked several times per row of an import (the column, the form, the model): memoised.
@functools.lru_cache(maxsize=16384)
def id_check_character(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def id_birth_date(value: str) -> dt.date:
    value = normalize_id_number(value)
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


class Sex(models.TextChoices):
    """性别 as GB 11643 encodes it (the 17th digit: odd male, even female); staff and children share it."""

    MALE = "M", _("男")
    FEMALE = "F", _("女")


def id_sex(value: str) -> str:
    """'M' or 'F' from the sequence digit (odd = male)."""
    return "M" if int(normalize_id_number(value)[16]) % 2 else "F"


def validate_id_number(value: str, *, today: dt.date | None = None) -> str:
    """Validate a resident ID number and return it normalised."""
    v = normalize_id_number(value)
    if len(v) != 18:
        raise ValidationError(_("身份证号应为18位，当前为%(n)d位。"), code="id_length", params={"n": len(v)})
    if not ID_FORM.fullmatch(v):
        raise ValidationError(_("身份证号前17位应为数字，末位应为数字或X。"), code="id_characters")
    if v[:2] not in ID_PROVINCE_CODES:
        raise ValidationError(_("身份证号前2位不是有效的省级行政区划代码（ENR-08）。"), code="id_area")
    try:
        born = id_birth_date(v)
    except ValueError:
        raise ValidationError(_("身份证号第7–14位出生日期无效。"), code="id_birth_date") from None
    today = today or dt.date.today()
    if born > today or born.year < ID_EARLIEST_BIRTH_YEAR:
        raise ValidationError(_("身份证号第7–14位出生日期不在合理范围内。"), code="id_birth_date")
    expected = id_check_character(v[:17])
    if v[17] != expected:
        raise ValidationError(
            _("身份证号末位校验码错误（应为%(expected)s）。"), code="id_check", params={"expected": expected}
        )
    return v


# A pure function, asked several times per row of an import (the column, the form, the model): memoised.
@functools.lru_cache(maxsize=16384)
def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


USCC_AUTHORITIES = set("123456789ANY")


def normalize_uscc(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def validate_uscc(value: str) -> str:
    """Validate a unified social credit code and return it normalised."""
    v = normalize_uscc(value)
    if len(v) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，当前为%(n)d位。"), code="uscc_length", params={"n": len(v)}
        )
    bad = [c for c in v if c not in USCC_ALPHABET]
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用I、O、Z、S、V）。"),
            code="uscc_characters",
            params={"chars": "".join(sorted(set(bad)))},
        )
    if v[0] not in USCC_AUTHORITIES:
        raise ValidationError(_("统一社会信用代码第1位登记管理部门代码无效。"), code="uscc_authority")
    if not v[2:8].isdigit():
        raise ValidationError(_("统一社会信用代码第3–8位应为行政区划代码（数字）。"), code="uscc_area")
    expected = uscc_check_character(v[:17])
    if v[17] != expected:
        raise ValidationError(
            _("统一社会信用代码末位校验码错误（应为%(expected)s）。"),
            code="uscc_check",
            params={"expected": expected},
        )
    return v


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(value: str) -> str:
    v = _nfkc(value).replace("-", "")
    if v.startswith("+86"):
        v = v[3:]
    elif v.startswith("0086"):
        v = v[4:]
    return v


def validate_mobile(value: str) -> str:
    """Validate a mainland mobile number and return its 11 digits."""
    v = normalize_mobile(value)
    if not v.isascii() or not v.isdigit():
        raise ValidationError(_("手机号只能包含数字。"), code="mobile_characters")
    if len(v) != 11:
        raise ValidationError(
            _("手机号应为11位，当前为%(n)d位。"), code="mobile_length", params={"n": len(v)}
        )
    if not MOBILE_RE.match(v):
        raise ValidationError(_("手机号号段无效：应以13–19开头。"), code="mobile_prefix")
    return v


# Official names (机构名称, 房间名称, 班级名称, the name on a ban): what a registration certificate or a decision
# prints — Chinese and other letters, digits, punctuation and spaces. Emoji and other pictographs (Unicode
# "So"), modifier symbols such as skin tones ("Sk"), control and invisible format characters (zero-width
# joiners, variation selectors: "Cc", "Cf", "Mn" selectors) and private-use or unassigned code points have no
# place there and would not survive a printed register or a search.
_NOT_IN_OFFICIAL_NAMES = frozenset({"So", "Sk", "Cc", "Cf", "Co", "Cs", "Cn"})


def _variation_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or code == 0x20E3  # incl. the keycap


def validate_official_name(value: str) -> None:
    """Refuse emoji, pictographs and invisible characters in an official name, naming the first one."""
    for char in value or "":
        if unicodedata.category(char) in _NOT_IN_OFFICIAL_NAMES or _variation_selector(char):
            shown = char if unicodedata.category(char) in {"So", "Sk"} else f"U+{ord(char):04X}"
            raise ValidationError(
                _("名称不能包含表情符号、图形符号或不可见字符（“%(char)s”）。"),
                code="official_name",
                params={"char": shown},
            )
