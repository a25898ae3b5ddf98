from __future__ import annotations

from typing import Any

from django import template

from tuoyu.accounts.models import Role
from tuoyu.core.masking import mask_id_number, mask_mobile

register = template.Library()


@register.filter
def population(region: Any, year: int = 2020) -> str:
    value = region.population(year)
    return "" if value is None else f"{value:,}"


@register.filter
def thousands(value: int | None) -> str:
    """A count with thousands separators ("1,234,567"); "" for None (so ``|default`` applies)."""
    return "" if value is None else f"{value:,}"


@register.filter
def role_label(value: str) -> str:
    try:
        return str(Role(value).label)
    except ValueError:
        return value


register.filter("mask_id", mask_id_number)
register.filter("mask_phone", mask_mobile)


@register.filter
def grouped(value: int | None) -> str:
    """3902738 → 3,902,738 (the grouping Chinese statistical tables use)."""
    return "" if value in (None, "") else f"{int(value):,}"
