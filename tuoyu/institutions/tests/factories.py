"""Valid registration data for tests and demos: codes with correct check characters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tuoyu.core.validators import id_check_character, uscc_check_character

ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_for(seq: int, *, area: str = "430202", kind: str = "91") -> str:
    """An 18-character code: registration kind, the area code, an organisation code from seq, check char."""
    body = ""
    n = seq
    for _ in range(8):
        body = ORG_ALPHABET[n % len(ORG_ALPHABET)] + body
        n //= len(ORG_ALPHABET)
    first17 = f"{kind}{area[:6]}MA{body[-7:]}"
    return first17 + uscc_check_character(first17)


def id_number_for(seq: int, *, area: str = "430202", born: dt.date = dt.date(1985, 6, 1)) -> str:
    first17 = f"{area[:6]}{born:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_character(first17)


def registration_payload(seq: int = 1, region: str = "430202001", **overrides: Any) -> dict[str, Any]:
    payload = {
        "source_event_id": f"SAMR-{region}-{seq:06d}",
        "name": f"测试托育中心{seq}号",
        "uscc": uscc_for(seq, area=region[:6]),
        "kind": "center",
        "legal_person_kind": "enterprise",
        "is_for_profit": True,
        "authority": "market_regulation",
        "registration_date": "2026-03-02",
        "business_scope": "托育服务；3岁以下婴幼儿照护服务",
        "legal_rep_name": "张伟",
        "legal_rep_id_number": id_number_for(seq, area=region[:6]),
        "address": "建设中路88号",
        "region": region,
        "phone": "0731-22881234",
    }
    payload.update(overrides)
    return payload
