"""Test helpers for the ban list (终身禁入): valid ID numbers and a small world of bans and alerts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tuoyu.bans.models import AlertKind, Ban, BanAlert, BanScope
from tuoyu.bans.services import BanData, _raise_alert, ban_create
from tuoyu.core.validators import id_check_character


def id_number(first17: str) -> str:
    """A valid resident ID number from its first 17 digits."""
    return first17 + id_check_character(first17)


# Distinct people: 荷塘区-born, 芦淞区-born, 淇滨区-born.
ZZ_ID = id_number("43020219850312002")
HEBI_ID = id_number("41061119900101003")
OTHER_ID = id_number("43020319920202004")


def ban_data(**over: Any) -> BanData:
    values = {
        "name": "王禁入",
        "id_number": ZZ_ID,
        "reason": "虐待婴幼儿，情节严重",
        "decision_authority": "株洲市卫生健康委员会",
        "decision_number": "株卫禁〔2026〕1号",
        "decision_date": dt.date(2026, 3, 2),
        "scope": BanScope.CITY,
    }
    values.update(over)
    return BanData(**values)


@dataclass
class BanWorld:
    ban_zz: Ban  # 株洲's (zhou keeps it)
    ban_hebi: Ban  # 鹤壁's (carol keeps it)
    alert_a: BanAlert  # at inst_a (荷塘区)
    alert_b: BanAlert  # at inst_b (芦淞区)
    alert_hebi: BanAlert  # at inst_hebi (淇滨区)


def ban_world(cast: Any) -> BanWorld:
    """Two city bans and an alert at each cast institution; made once per test."""
    existing = Ban.objects.filter(decision_number="株卫禁〔2026〕1号").first()
    if existing is None:
        ban_zz = ban_create(by=cast.zhou, data=ban_data())
        ban_hebi = ban_create(
            by=cast.carol,
            data=ban_data(
                name="赵禁入",
                id_number=HEBI_ID,
                decision_authority="鹤壁市卫生健康委员会",
                decision_number="鹤卫禁〔2026〕7号",
            ),
        )
        for institution, ban in ((cast.inst_a, ban_zz), (cast.inst_b, ban_zz), (cast.inst_hebi, ban_hebi)):
            _raise_alert(
                ban=ban, institution=institution, kind=AlertKind.HIRE_ATTEMPT, name=ban.name, by=None
            )
    ban_zz = Ban.objects.get(decision_number="株卫禁〔2026〕1号")
    ban_hebi = Ban.objects.get(decision_number="鹤卫禁〔2026〕7号")
    alerts = {a.institution_id: a for a in BanAlert.objects.all()}
    return BanWorld(
        ban_zz=ban_zz,
        ban_hebi=ban_hebi,
        alert_a=alerts[cast.inst_a.pk],
        alert_b=alerts[cast.inst_b.pk],
        alert_hebi=alerts[cast.inst_hebi.pk],
    )
