"""Test helpers: valid ID numbers for a birth date and sex, a class, and a registered child."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tuoyu.children import services
from tuoyu.children.models import Child
from tuoyu.core.validators import id_check_character
from tuoyu.institutions.models import CareClass, ClassType, Room


def id_for(birth: dt.date, sex: str = "M", seq: int = 12) -> str:
    """A valid resident ID number (area 430202) with this birth date and sex."""
    digit = 1 if sex == "M" else 2
    first17 = f"430202{birth:%Y%m%d}{seq:02d}{digit}"
    return first17 + id_check_character(first17)


def months_before(day: dt.date, months: int) -> dt.date:
    """The date ``months`` months before ``day`` (same day of month; clipped to month end)."""
    import calendar

    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(y, m + 1)[1]
    return dt.date(y, m + 1, min(day.day, last))


def make_class(
    institution: Any, *, class_type: str = ClassType.TODDLER, planned_size: int = 15, name: str = "托小一班"
) -> CareClass:
    room = Room.objects.create(
        institution=institution, name=f"{name}活动室", floor=1, floor_area_m2=Decimal("60"), use="activity"
    )
    return CareClass.objects.create(
        institution=institution, name=name, class_type=class_type, room=room, planned_size=planned_size
    )


def register(
    by: Any, institution: Any, *, name: str = "王小明", birth: dt.date | None = None, **kw: Any
) -> Child:
    birth = birth or months_before(dt.date.today(), 18)
    return services.child_register(
        by=by,
        institution=institution,
        name=name,
        sex=kw.pop("sex", "M"),
        birth_date=birth,
        guardian_name=kw.pop("guardian_name", "王大明"),
        guardian_relationship=kw.pop("guardian_relationship", "father"),
        guardian_phone=kw.pop("guardian_phone", "13912345678"),
        **kw,
    )
