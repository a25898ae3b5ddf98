"""The Excel roster: export, then import all or nothing with a row-by-row report."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tuoyu.audit.models import Event
from tuoyu.staff.imports import ROSTER_SHEET, roster_import
from tuoyu.staff.models import Employment, Person
from tuoyu.staff.tests.factories import hire, id_number

pytestmark = pytest.mark.django_db

HEADERS = [str(c.header) for c in ROSTER_SHEET.columns]


def workbook(rows):  # noqa: ANN001, ANN201
    wb = Workbook()
    ws = wb.active
    ws.title = str(ROSTER_SHEET.name)
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row(seq, name="张三", roles="保育人员", **kw):  # noqa: ANN001, ANN201
    return [
        name,
        id_number(seq=seq),
        kw.get("sex", ""),
        kw.get("birth"),
        kw.get("phone", "13912345678"),
        roles,
        "2026-01-05",
    ]


def test_a_good_file_hires_everyone(cast) -> None:
    outcome = roster_import(
        by=cast.ann, institution=cast.inst_a, file=workbook([row(1), row(2, "李四", "保安、炊事人员")])
    )
    assert outcome.committed and outcome.applied == 2
    assert sorted(e.roles for e in Employment.objects.all()) == [["caregiver"], ["guard", "cook"]]


def test_one_bad_row_imports_nothing_and_reports_every_problem(cast) -> None:
    outcome = roster_import(
        by=cast.ann,
        institution=cast.inst_a,
        file=workbook([row(1), row(2, sex="女"), row(3, roles="宇航员"), row(4, phone="123")]),
    )
    assert not outcome.committed
    assert not Person.objects.exists()
    lines = [(line.row, line.column, line.message) for line in outcome.report_rows()]
    assert {line[0] for line in lines} == {3, 4, 5}
    assert any("性别与身份证号不符" in m for _r, _c, m in lines)


def test_duplicates_in_the_file_are_reported(cast) -> None:
    outcome = roster_import(by=cast.ann, institution=cast.inst_a, file=workbook([row(1), row(1)]))
    assert not outcome.committed and not Person.objects.exists()


def test_export_then_import_page_round_trip(cast, login) -> None:
    hire(cast.ann, cast.inst_a)
    ann = login(cast.ann)
    response = ann.get("/staff/export.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in next(ws.iter_rows(min_row=2, max_row=2))]
    assert values[0] == "李保育" and values[5] == "保育人员"
    assert Event.objects.filter(action="staff.export").exists()
    assert ann.get("/staff/import/template.xlsx").status_code == 200
    upload = SimpleUploadedFile("roster.xlsx", workbook([row(5), row(6, phone="1")]))
    response = ann.post("/staff/import/", {"file": upload})
    assert "未导入任何数据" in response.content.decode()
    assert ann.get("/staff/import/report.xlsx").status_code == 200
    upload = SimpleUploadedFile("roster.xlsx", workbook([row(5)]))
    response = ann.post("/staff/import/", {"file": upload})
    assert "已导入1行" in response.content.decode()
    assert login(cast.alice).get("/staff/export.xlsx").status_code == 404


def test_a_roster_exported_in_english_imports_again(cast) -> None:
    from django.utils import translation

    from tuoyu.core.excel import export_workbook
    from tuoyu.staff.imports import roster_rows

    hire(cast.ann, cast.inst_a, roles=["caregiver", "health_worker"])
    employments = Employment.objects.select_related("person")
    with translation.override("en"):
        data = export_workbook(ROSTER_SHEET, roster_rows(employments=employments))
    ws = load_workbook(io.BytesIO(data)).active
    assert next(ws.iter_rows(min_row=2, max_row=2, values_only=True))[5] == "Caregiver、Health worker"
    Employment.objects.update(end_date=dt.date.today())
    with translation.override("en"):
        outcome = roster_import(by=cast.ann, institution=cast.inst_a, file=data)
    assert outcome.committed and outcome.applied == 1, outcome.report_rows()
    active = Employment.objects.get(end_date__isnull=True)
    assert active.roles == ["caregiver", "health_worker"]


@pytest.mark.parametrize(
    ("cell", "roles"),
    [
        ("Health worker, Guard", ["health_worker", "guard"]),
        ("保健人员；caregiver", ["health_worker", "caregiver"]),
        ("health  WORKER / 保安", ["health_worker", "guard"]),
    ],
)
def test_posts_are_read_in_either_language(cast, cell, roles) -> None:
    outcome = roster_import(by=cast.ann, institution=cast.inst_a, file=workbook([row(1, roles=cell)]))
    assert outcome.committed, outcome.report_rows()
    assert sorted(Employment.objects.get().roles) == sorted(roles)


def test_posts_split_on_spaces_are_refused(cast) -> None:
    outcome = roster_import(
        by=cast.ann, institution=cast.inst_a, file=workbook([row(1, roles="保安 炊事人员")])
    )
    assert not outcome.committed and not Person.objects.exists()


def test_the_full_time_column_is_optional_and_defaults_to_full_time(cast) -> None:
    headers = [h for h in HEADERS if h != "专职/兼职"]
    assert len(headers) == len(HEADERS) - 1  # an old roster, made before the column existed
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    ws.append(row(1))
    buffer = io.BytesIO()
    wb.save(buffer)
    outcome = roster_import(by=cast.ann, institution=cast.inst_a, file=buffer.getvalue())
    assert outcome.committed, outcome.report_rows()
    assert Employment.objects.get().full_time is True


@pytest.mark.parametrize(
    ("cell", "full_time"), [("专职", True), (" 兼职 ", False), ("", True), ("false", False), ("True", True)]
)
def test_the_full_time_column_takes_the_label_or_the_code(cast, cell, full_time) -> None:
    outcome = roster_import(
        by=cast.ann, institution=cast.inst_a, file=workbook([[*row(1, roles="保健人员"), cell]])
    )
    assert outcome.committed, outcome.report_rows()
    assert Employment.objects.get().full_time is full_time


def test_the_full_time_column_takes_the_english_label_under_the_chinese_ui(cast) -> None:
    from django.utils import translation

    from tuoyu.staff.imports import FULL_TIME_CHOICES

    with translation.override("en"):
        english = str(FULL_TIME_CHOICES[1][1])  # 兼职 in English (the msgid until it is translated)
    with translation.override("zh-hans"):
        outcome = roster_import(
            by=cast.ann,
            institution=cast.inst_a,
            file=workbook([[*row(1, roles="保健人员"), english.upper()]]),
        )
    assert outcome.committed, outcome.report_rows()
    assert Employment.objects.get().full_time is False


def test_a_full_time_cell_that_is_neither_is_refused(cast) -> None:
    outcome = roster_import(by=cast.ann, institution=cast.inst_a, file=workbook([[*row(1), "有时"]]))
    assert not outcome.committed and not Person.objects.exists()
    assert any(line.column == "专职/兼职" and "专职" in line.message for line in outcome.report_rows())


def test_the_export_says_part_time_and_imports_again(cast) -> None:
    from tuoyu.core.excel import export_workbook
    from tuoyu.staff.imports import roster_rows

    hire(cast.ann, cast.inst_a, roles=["health_worker"], full_time=False)
    data = export_workbook(ROSTER_SHEET, roster_rows(employments=Employment.objects.select_related("person")))
    assert next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True))[7] == "兼职"
    Employment.objects.update(end_date=dt.date.today())
    outcome = roster_import(by=cast.ann, institution=cast.inst_a, file=data)
    assert outcome.committed, outcome.report_rows()
    assert Employment.objects.get(end_date__isnull=True).full_time is False


def test_an_english_export_with_the_sex_column_imports_under_the_chinese_ui(cast) -> None:
    from django.utils import translation

    from tuoyu.core.excel import export_workbook
    from tuoyu.staff.imports import roster_rows

    hire(cast.ann, cast.inst_a, roles=["health_worker"], full_time=False)
    with translation.override("en"):
        data = export_workbook(
            ROSTER_SHEET, roster_rows(employments=Employment.objects.select_related("person"))
        )
    cells = next(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True))
    assert cells[2] == "Male"  # the default ID number is a man's
    Employment.objects.update(end_date=dt.date.today())
    with translation.override("zh-hans"):
        outcome = roster_import(by=cast.ann, institution=cast.inst_a, file=data)
    assert outcome.committed, outcome.report_rows()
    assert Employment.objects.get(end_date__isnull=True).full_time is False
