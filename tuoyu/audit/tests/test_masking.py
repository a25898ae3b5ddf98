"""A guard in audit_record: a full ID number or mobile number that a caller let through into before, after
or detail is masked before the event is written (and hashed), never kept in clear."""

from __future__ import annotations

import pytest

from tuoyu.audit.models import Event
from tuoyu.audit.services import audit_record, audit_verify
from tuoyu.core.validators import id_check_character

pytestmark = pytest.mark.django_db

ID_NUMBER = "43020219900307451" + id_check_character("43020219900307451")
ID_WITH_X = next(
    first17 + "X" for n in range(100, 999) if id_check_character(first17 := f"43020220230101{n}") == "X"
)


def test_id_and_mobile_numbers_anywhere_in_before_after_and_detail_are_masked() -> None:
    event = audit_record(
        "test.write",
        before={"phone": "13812345678", "guardians": [{"mobile": "+86 13987654321", "id_number": ID_NUMBER}]},
        after={"note": f"家长电话15012345678，身份证{ID_NUMBER}。", "phone_as_number": 18612345678},
        detail={"ids": [ID_WITH_X.lower(), ID_WITH_X]},
    )
    stored = Event.objects.get(pk=event.pk)
    assert stored.before == {
        "phone": "138****5678",
        "guardians": [{"mobile": "+86 139****4321", "id_number": "4****************" + ID_NUMBER[-1]}],
    }
    assert stored.after == {
        "note": f"家长电话150****5678，身份证4****************{ID_NUMBER[-1]}。",
        "phone_as_number": "186****5678",
    }
    assert stored.detail == {"ids": ["4****************X", "4****************X"]}
    assert ID_NUMBER not in str(stored.before) + str(stored.after)
    assert audit_verify().ok  # masked before hashing


def test_lookalikes_are_left_alone() -> None:
    wrong_check = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    values = {
        "not_an_id": wrong_check,  # 18 digits whose check character is wrong
        "landline": "073122345678",  # 12 digits
        "too_long": "138123456789",
        "not_mobile": "12812345678",
        "hash": "ab13812345678cd" + "0" * 49,
        "serial": f"X{ID_NUMBER}Y",
        "count": 12_345_678_901,
        "flag": True,
        "short": "1381234",
    }
    event = audit_record("test.write", detail=values)
    assert Event.objects.get(pk=event.pk).detail == values
