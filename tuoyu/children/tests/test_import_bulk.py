"""The roster import writes in bulk but keeps child_register's rules and trail: class sizes counted across
the file's own rows, the same audit events per child in the same order, and the chain intact."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tuoyu.audit.models import Event
from tuoyu.audit.services import audit_verify
from tuoyu.children.imports import ROSTER_SHEET, roster_import
from tuoyu.children.models import Child, Enrollment
from tuoyu.children.tests.helpers import id_for, make_class, months_before, register
from tuoyu.core.excel import template_workbook

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def _file(n: int, *, class_name: str = "托小一班", consent: bool = False) -> bytes:
    wb = load_workbook(io.BytesIO(template_workbook(ROSTER_SHEET)))
    ws = wb.worksheets[0]
    for i in range(n):
        ws.append(
            [f"幼儿{i:03d}", "男", months_before(TODAY, 20), "家长", "父亲", "13912345678"]
            + (["是", "2026-01"] if consent else ["否", ""])
            + ["", class_name, TODAY]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_child_whose_id_number_the_institution_has_already_registered_imports_nothing(cast: Any) -> None:
    birth = months_before(TODAY, 20)
    register(
        cast.ann,
        cast.inst_a,
        name="王小明",
        birth=birth,
        id_number=id_for(birth),
        consent_scope=["basic"],
        consent_text_version="2026-01",
    )
    wb = load_workbook(io.BytesIO(template_workbook(ROSTER_SHEET)))
    ws = wb.worksheets[0]
    ws.append(["王晓明", "男", birth, "家长", "父亲", "13912345678", "是", "2026-01", id_for(birth), "", ""])
    out = io.BytesIO()
    wb.save(out)
    outcome = roster_import(by=cast.ann, institution=cast.inst_a, file=out.getvalue())
    assert not outcome.committed and Child.objects.count() == 1
    (line,) = outcome.report_rows()
    assert line.row == 2 and "重复登记" in line.message


def test_a_class_filled_by_the_file_itself_refuses_the_rows_beyond_its_size(cast: Any) -> None:
    make_class(cast.inst_a, planned_size=3)
    outcome = roster_import(by=cast.ann, institution=cast.inst_a, file=_file(5))
    assert not outcome.committed
    assert [line.row for line in outcome.report_rows()] == [
        5,
        6,
    ]  # the 4th and 5th children (Excel rows 5, 6)
    assert all("班额已满" in line.message for line in outcome.report_rows())
    assert not Child.objects.exists() and not Enrollment.objects.exists()


def test_a_bulk_import_writes_the_trail_child_register_writes_in_a_few_statements(cast: Any) -> None:
    make_class(cast.inst_a, planned_size=15)
    with CaptureQueriesContext(connection) as queries:
        outcome = roster_import(by=cast.ann, institution=cast.inst_a, file=_file(12, consent=True))
    assert outcome.committed and outcome.applied == 12
    inserts = [q["sql"] for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) <= 10, len(inserts)  # children, guardians, consents, enrollments, events: not per row
    children = list(Child.objects.order_by("id"))
    assert [c.name for c in children] == [f"幼儿{i:03d}" for i in range(12)]
    assert Enrollment.objects.filter(child__in=children).count() == 12
    events = list(Event.objects.filter(actor=cast.ann).order_by("id"))
    per_child = ["child.register", "child.consent_record", "child.enrollment_start"]
    assert [e.action for e in events] == per_child * 12 + ["child.import"]
    assert [e.object_id for e in events[:3]] == [str(children[0].pk)] * 3
    assert events[2].after["class"] == Enrollment.objects.get(child=children[0]).care_class_id
    assert audit_verify().ok
