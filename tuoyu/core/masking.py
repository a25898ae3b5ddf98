"""How personal data is shown on screen: enough to recognise, never enough to use."""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    """4****************X — the first and the last character kept, everything between hidden.

    What is shown may not rebuild the number together with what the same pages show beside it. An
    18-character ID number is area (6) + birth date (8) + sequence (3, the last odd for men) + check
    character. Lists show a person's birth date and sex, and the institution's county is a good guess at
    the area, so the old mask (area and last four) gave the whole number away, and even the last four alone
    leave a single candidate once the area is guessed. Keeping the first character (the province's first
    digit, known from the region anyway) and the check character leaves the sequence hidden: with birth
    date, sex and county known, about 45 numbers still fit (see test_personal_data). This is the convention
    Chinese payment and messaging apps use (前1后1).
    """
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_mobile(value: str | None) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def is_mobile(value: str | None) -> bool:
    from tuoyu.core.validators import MOBILE_RE, normalize_mobile

    return bool(value) and bool(MOBILE_RE.match(normalize_mobile(value or "")))


def mask_phone(value: str | None) -> str:
    """A contact number as it may show: a mobile number is a person's, so masked (139****5678); a landline
    (0731-22881234) is an institution's business number and shows as it is."""
    if not value:
        return ""
    if is_mobile(value):
        from tuoyu.core.validators import normalize_mobile

        return mask_mobile(normalize_mobile(value))
    return value


def mask_name(value: str | None) -> str:
    """张*明 — first character kept (and the last for names of three or more)."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
