from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tuoyu.audit.models import Event
from tuoyu.bans.imports import BAN_SHEET, ban_import
from tuoyu.bans.models import Ban, BanAlert
from tuoyu.core.excel import template_workbook
from tuoyu.testing.bans import HEBI_ID, OTHER_ID, ZZ_ID

pytestmark = pytest.mark.django_db

HEADERS = ["姓名", "身份证号", "禁入事由", "决定机关", "决定文号", "决定日期", "禁入范围"]


def _row(name: str, id_number: str, number: str, scope: str = "本市") -> list[str]:
    return [name, id_number, "虐待婴幼儿", "株洲市卫生健康委员会", number, "2026-03-02", scope]


GOOD = [_row("王禁入", ZZ_ID, "株卫禁〔2026〕1号"), _row("李禁入", OTHER_ID, "株卫禁〔2026〕2号", "全省")]


def _xlsx(rows: list[list[str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "禁入名单"
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv(rows: list[list[str]], *, bom: bool) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


@pytest.mark.parametrize(
    ("filename", "make"),
    [
        ("名单.xlsx", _xlsx),
        ("名单.csv", lambda rows: _csv(rows, bom=True)),
        ("名单.csv", lambda rows: _csv(rows, bom=False)),
    ],
)
def test_a_good_file_imports_every_row(cast, filename, make) -> None:  # noqa: ANN001
    outcome = ban_import(by=cast.zhou, filename=filename, data=make(GOOD))
    assert outcome.committed and outcome.applied == 2, outcome.report_rows()
    bans = {b.decision_number: b for b in Ban.objects.all()}
    assert bans["株卫禁〔2026〕1号"].id_number == ZZ_ID
    assert bans["株卫禁〔2026〕2号"].scope == "provincial"
    assert all(b.region.code == "430200" and b.created_by == cast.zhou for b in bans.values())
    events = Event.objects.filter(action="bans.create")
    assert events.count() == 2
    assert all(e.detail == {"source": "import"} for e in events)
    assert not any(ZZ_ID in str(e.after) or OTHER_ID in str(e.after) for e in events)


@pytest.mark.parametrize(
    ("filename", "make"), [("名单.xlsx", _xlsx), ("名单.csv", lambda rows: _csv(rows, bom=True))]
)
def test_a_bad_check_character_imports_nothing_and_reports_the_row(cast, filename, make) -> None:  # noqa: ANN001
    bad = _row("赵错号", HEBI_ID[:17] + ("0" if HEBI_ID[17] != "0" else "1"), "株卫禁〔2026〕3号")
    outcome = ban_import(by=cast.zhou, filename=filename, data=make([*GOOD, bad]))
    assert not outcome.committed
    assert not Ban.objects.exists() and not Event.objects.filter(action="bans.create").exists()
    lines = outcome.report_rows()
    assert [(line.row, line.column) for line in lines] == [(4, "身份证号")]
    assert "校验码" in lines[0].message


def test_a_row_refused_by_the_service_also_imports_nothing(cast) -> None:  # noqa: ANN001
    late = [*GOOD[:1], ["钱将来", HEBI_ID, "x", "y", "z", "2099-01-01", "本市"]]
    outcome = ban_import(by=cast.zhou, filename="a.csv", data=_csv(late, bom=False))
    assert not outcome.committed and not Ban.objects.exists()
    assert [(line.row, line.column) for line in outcome.report_rows()] == [(3, "决定日期")]


def test_a_ban_the_city_already_holds_under_the_same_decision_imports_nothing(cast) -> None:  # noqa: ANN001
    assert ban_import(by=cast.zhou, filename="a.csv", data=_csv(GOOD[:1], bom=False)).committed
    again = [_row("王禁入", ZZ_ID, "株卫禁 〔2026〕1号"), GOOD[1]]  # the same decision, typed with a space
    outcome = ban_import(by=cast.zhou, filename="b.csv", data=_csv(again, bom=False))
    assert not outcome.committed and Ban.objects.count() == 1
    (line,) = outcome.report_rows()
    assert (line.row, line.column) == (2, "决定文号") and "不必重复登记" in line.message


def test_an_import_rolls_back_its_sweep_alerts_too(cast) -> None:  # noqa: ANN001
    from tuoyu.core.validators import id_birth_date, id_sex
    from tuoyu.staff.models import Employment, Person

    person = Person.objects.create(
        name="王禁入",
        id_number=ZZ_ID,
        sex=id_sex(ZZ_ID),
        birth_date=id_birth_date(ZZ_ID),
        phone="13800138000",
    )
    Employment.objects.create(
        person=person, institution=cast.inst_a, roles=["cook"], start_date=dt.date(2025, 1, 1)
    )
    bad = _row("孙", "1234", "株卫禁〔2026〕9号")
    assert not ban_import(by=cast.zhou, filename="a.xlsx", data=_xlsx([*GOOD, bad])).committed
    assert not BanAlert.objects.exists()
    assert ban_import(by=cast.zhou, filename="a.xlsx", data=_xlsx(GOOD)).committed
    assert BanAlert.objects.get().institution == cast.inst_a


@pytest.mark.parametrize(
    "data",
    [
        "姓名,身份证号\n王,1\n".encode(),  # missing columns
        "姓名,身份证号".encode("gbk"),  # not UTF-8
        b"",  # empty
        ",".join(HEADERS).encode(),  # headers only
        b"\x00\x01binary",
    ],
)
def test_a_bad_csv_is_refused_as_a_whole(cast, data) -> None:  # noqa: ANN001
    outcome = ban_import(by=cast.zhou, filename="a.csv", data=data)
    assert not outcome.committed and outcome.result.file_errors
    assert not Ban.objects.exists()


def test_duplicate_rows_in_a_file_are_reported(cast) -> None:  # noqa: ANN001
    outcome = ban_import(by=cast.zhou, filename="a.csv", data=_csv([GOOD[0], GOOD[0]], bom=False))
    assert not outcome.committed and len(outcome.report_rows()) == 2


def test_the_template_has_the_columns(cast) -> None:  # noqa: ANN001
    ws = load_workbook(io.BytesIO(template_workbook(BAN_SHEET))).worksheets[0]
    assert [c.value for c in ws[1]] == HEADERS


def test_the_import_page_imports_and_reports(cast, login) -> None:  # noqa: ANN001
    c = login(cast.zhou)
    assert c.get("/bans/import/template.xlsx").status_code == 200
    bad = _row("孙", "1234", "株卫禁〔2026〕9号")
    upload = SimpleUploadedFile("a.csv", _csv([bad], bom=True), content_type="text/csv")
    response = c.post("/bans/import/", {"file": upload})
    assert response.status_code == 200 and "未导入任何数据" in response.content.decode()
    assert c.get("/bans/import/report.xlsx").status_code == 200
    upload = SimpleUploadedFile("a.xlsx", _xlsx(GOOD))
    response = c.post("/bans/import/", {"file": upload})
    assert "已导入2行" in response.content.decode()
    assert Ban.objects.count() == 2
    assert Event.objects.filter(action="bans.import").exists()
