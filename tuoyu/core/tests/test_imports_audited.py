"""Every import (tuoyu.core.imports) writes its file-level audit event inside the import's transaction: if that
event cannot be written, nothing of the file is imported — rows, their own events, nothing. And a committed
import leaves one file-level event with the rows' count and digest, on an intact chain."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook

from tuoyu.audit import receivers
from tuoyu.audit.models import Event
from tuoyu.audit.services import audit_verify
from tuoyu.bans.imports import BAN_SHEET, ban_import
from tuoyu.bans.models import Ban
from tuoyu.children.imports import ROSTER_SHEET as CHILD_SHEET
from tuoyu.children.imports import roster_import as child_import
from tuoyu.children.models import Child, Enrollment
from tuoyu.children.tests.helpers import make_class, months_before
from tuoyu.core.excel import template_workbook
from tuoyu.core.imports import rows_digest
from tuoyu.institutions.imports import REGISTRATION_SHEET, registration_import
from tuoyu.institutions.models import Institution
from tuoyu.institutions.tests.factories import registration_payload
from tuoyu.staff.imports import ROSTER_SHEET as STAFF_SHEET
from tuoyu.staff.imports import roster_import as staff_import
from tuoyu.staff.models import Employment, Person
from tuoyu.staff.tests.factories import id_number
from tuoyu.testing.bans import OTHER_ID, ZZ_ID

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


class AuditStoreDown(Exception):
    pass


def _filled(sheet: Any, rows: list[dict[str, Any]]) -> bytes:
    """The sheet's template with ``rows`` (dicts by column key) typed in."""
    wb = load_workbook(io.BytesIO(template_workbook(sheet)))
    ws = wb[str(sheet.name)]
    keys = [c.key for c in sheet.columns]
    for r, row in enumerate(rows, start=2):
        for c, key in enumerate(keys, start=1):
            if row.get(key) is not None:
                ws.cell(row=r, column=c, value=row[key])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclasses.dataclass
class Case:
    action: str
    run: Callable[[Any], Any]
    imported: Callable[[], int]


def _registrations(cast: Any) -> Case:
    rows = []
    for seq in (701, 702, 703):
        payload = registration_payload(seq=seq)
        payload["kind"], payload["legal_person_kind"] = "托育机构", "企业"
        payload["is_for_profit"], payload["authority"] = "营利性", "市场监管部门"
        rows.append(payload)
    data = _filled(REGISTRATION_SHEET, rows)
    return Case(
        "registration.import",
        lambda: registration_import(by=cast.clerk, file=data),
        lambda: Institution.objects.filter(name__startswith="测试托育中心70").count(),
    )


def _staff(cast: Any) -> Case:
    rows = [
        {"name": name, "id_number": id_number(seq=seq), "phone": "13912345678", "roles": "保育人员"}
        | {"start_date": dt.date(2026, 1, 5)}
        for seq, name in ((11, "张三"), (12, "李四"), (13, "王五"))
    ]
    data = _filled(STAFF_SHEET, rows)
    return Case(
        "staff.import",
        lambda: staff_import(by=cast.ann, institution=cast.inst_a, file=data),
        lambda: Employment.objects.filter(institution=cast.inst_a).count() + Person.objects.count(),
    )


def _children(cast: Any) -> Case:
    make_class(cast.inst_a)
    birth = months_before(TODAY, 20)
    rows = [
        {
            "name": name,
            "sex": "男",
            "birth_date": birth,
            "guardian_name": "家长",
            "guardian_relationship": "父亲",
            "guardian_phone": "13912345678",
            "class_name": "托小一班",
            "start_date": TODAY,
        }
        for name in ("张一", "张二", "张三")
    ]
    data = _filled(CHILD_SHEET, rows)
    return Case(
        "child.import",
        lambda: child_import(by=cast.ann, institution=cast.inst_a, file=data),
        lambda: Child.objects.count() + Enrollment.objects.count(),
    )


def _bans(cast: Any) -> Case:
    rows = [
        {
            "name": name,
            "id_number": number,
            "reason": "虐待婴幼儿",
            "decision_authority": "株洲市卫生健康委员会",
            "decision_number": f"株卫禁〔2026〕{i}号",
            "decision_date": dt.date(2026, 3, 2),
            "scope": "本市",
        }
        for i, (name, number) in enumerate((("王禁入", ZZ_ID), ("李禁入", OTHER_ID)), start=1)
    ]
    data = _filled(BAN_SHEET, rows)
    return Case(
        "bans.import",
        lambda: ban_import(by=cast.zhou, filename="禁入.xlsx", data=data),
        lambda: Ban.objects.count(),
    )


CASES = {"registrations": _registrations, "staff": _staff, "children": _children, "bans": _bans}


@pytest.mark.parametrize("name", CASES)
def test_an_import_whose_file_level_audit_event_fails_imports_nothing(
    cast: Any, monkeypatch: Any, name: str
) -> None:
    case = CASES[name](cast)
    events = Event.objects.count()
    real = receivers.audit_record

    def refuse_the_file_event(action: str, **fields: Any) -> Any:
        if action == case.action:
            raise AuditStoreDown("the audit table is unavailable")
        return real(action, **fields)

    monkeypatch.setattr(receivers, "audit_record", refuse_the_file_event)
    with pytest.raises(AuditStoreDown):
        case.run()
    assert case.imported() == 0
    assert Event.objects.count() == events  # the rows' own events rolled back with them


@pytest.mark.parametrize("name", CASES)
def test_a_committed_import_leaves_one_file_event_with_the_rows_digest(cast: Any, name: str) -> None:
    case = CASES[name](cast)
    outcome = case.run()
    assert outcome.committed, outcome.report_rows()
    assert case.imported() > 0
    event = Event.objects.get(action=case.action)
    assert event.detail["rows"] == outcome.applied
    assert event.detail["digest"] == rows_digest(outcome.result.rows)
    assert Event.objects.order_by("-id").first() == event  # written last, after the rows' events
    assert audit_verify().ok
