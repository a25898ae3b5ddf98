"""The sheet reader of tuoyu.core.excel (``_sheet_rows``, ``_shared_strings``) against openpyxl's own read-only
reader: cell for cell the same values, on workbooks openpyxl writes and on hand-written sheet XML with what
other programs write (inline and rich-text strings, rows and cells without references, gaps, repeated rows,
booleans, error values, cached formula results, date and time styles, the 1904 date system)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tuoyu.core import excel
from tuoyu.core.excel import Column, Kind, Sheet, read_rows

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _saved(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _base(*, date1904: bool = False) -> bytes:
    """A workbook with a date style (s="1") and a time style (s="2") and one sheet, to rewrite."""
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws["A1"] = dt.date(2024, 3, 1)
    ws["A1"].number_format = "yyyy-mm-dd"
    ws["B1"] = dt.time(8, 30)
    ws["B1"].number_format = "hh:mm"
    ws["C1"] = "x"
    if date1904:
        wb.epoch = openpyxl.utils.datetime.MAC_EPOCH
    return _saved(wb)


def _rewritten(data: bytes, *, sheet_data: str, strings: list[str] | None = None) -> bytes:
    """``data`` with the first sheet's ``<sheetData>`` (and, if given, the shared strings' ``<si>`` bodies)
    replaced."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml = re.sub(r"<dimension [^>]*/>", "", xml)
    xml = re.sub(
        r"<sheetData>.*</sheetData>|<sheetData\s*/>", f"<sheetData>{sheet_data}</sheetData>", xml, flags=re.S
    )
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    if strings is not None:
        body = "".join(f"<si>{s}</si>" for s in strings)
        parts["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="{len(strings)}"'
            f' uniqueCount="{len(strings)}">{body}</sst>'
        ).encode()
        types = parts["[Content_Types].xml"].decode()
        if "sharedStrings" not in types:
            override = (
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            )
            parts["[Content_Types].xml"] = types.replace("</Types>", override + "</Types>").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _openpyxl_rows(
    data: bytes, *, min_row: int, max_row: int | None, width: int | None
) -> list[tuple[int, list]]:
    """What openpyxl's read-only worksheet gives (its made-up empty rows dropped, each row numbered)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        rows = []
        for number, values in enumerate(
            ws.iter_rows(min_row=min_row, max_row=max_row, max_col=width, values_only=True), start=min_row
        ):
            rows.append((number, list(values)))
        return rows
    finally:
        wb.close()


def _ours(data: bytes, *, min_row: int, max_row: int | None, width: int | None) -> list[tuple[int, list]]:
    wb = excel.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return list(excel._sheet_rows(wb.worksheets[0], min_row=min_row, max_row=max_row, max_col=width))
    finally:
        wb.close()


def _typed(values: list) -> list:
    return [(type(v), v) for v in values]  # True is not 1, 1.0 is not 1


def assert_same_as_openpyxl(data: bytes) -> None:
    for min_row, max_row, width in ((1, 1, None), (2, None, 8), (1, None, 3)):
        theirs = _openpyxl_rows(data, min_row=min_row, max_row=max_row, width=width)
        ours = dict(_ours(data, min_row=min_row, max_row=max_row, width=width))
        width_of_empty = width or 0
        for number, values in theirs:
            # openpyxl fills the rows a file leaves out with empty rows; ours leaves them out.
            mine = ours.pop(number, [None] * width_of_empty)
            assert _typed(mine) == _typed(values), (number, min_row, max_row)
        assert ours == {}


@pytest.mark.filterwarnings("ignore:Cell C6 is marked as a date")  # openpyxl's own, as the reference
def test_values_of_every_kind_are_those_openpyxl_reads():
    sheet_data = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="D1" t="s"><v>2</v></c></row>'
        '<row r="2"><c r="A2" s="1"><v>45352</v></c><c r="B2" s="2"><v>0.5</v></c><c r="C2"><v>1.5E+3</v></c>'
        '<c r="D2"><v>914302021234567890</v></c><c r="E2" t="b"><v>1</v></c><c r="F2" t="e"><v>#N/A</v></c>'
        '<c r="G2" t="str"><f>A1&amp;B1</f><v>a&amp;b</v></c><c r="H2" t="inlineStr"><is><t> 内联 </t></is></c>'
        '<c r="I2" t="s"><v>3</v></c></row>'
        # no references at all: the cells follow each other, the row follows the last one
        '<row><c><v>7</v></c><c t="s"><v>4</v></c><c/><c><v></v></c><c t="inlineStr"/></row>'
        # a gap (rows 4-5 absent), then a row repeated and one out of order: openpyxl keeps neither
        '<row r="6"><c r="B6" s="1"><v>1</v></c><c r="C6" s="1"><v>2958466</v></c><c r="D6" t="d"><v>2024-03-01T08:00:00</v></c></row>'
        '<row r="6"><c r="A6"><v>99</v></c></row>'
        '<row r="5"><c r="A5"><v>98</v></c></row>'
        # cells beyond the width asked, and a rich-text inline string
        '<row r="8"><c r="A8" t="inlineStr"><is><r><t>粗</t></r><r><rPr><b/></rPr><t>体</t></r></is></c>'
        '<c r="Z8"><v>5</v></c></row>'
    )
    strings = [
        "<t>机构名称</t>",
        '<t xml:space="preserve">  spaced  </t>',
        "<r><t>rich</t></r><r><rPr><b/></rPr><t> text</t></r>",
        '<t>拼音</t><rPh sb="0" eb="2"><t>pinyin</t></rPh>',
        "<t>a_x005F_x000D_b</t>",
    ]
    data = _rewritten(_base(), sheet_data=sheet_data, strings=strings)
    assert_same_as_openpyxl(data)
    rows = dict(_ours(data, min_row=2, max_row=None, width=9))
    assert rows[2][:6] == [dt.datetime(2024, 3, 1), dt.time(12, 0), 1500.0, 914302021234567890, True, "#N/A"]
    assert rows[2][6:] == ["a&b", " 内联 ", "拼音"]
    assert rows[6][2] == "#VALUE!"  # a date serial past 9999-12-31, as openpyxl reads it


def test_the_1904_date_system_is_honoured():
    data = _rewritten(
        _base(date1904=True),
        sheet_data='<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row><row r="2"><c r="A2" s="1"><v>1</v></c></row>',
    )
    assert_same_as_openpyxl(data)
    assert dict(_ours(data, min_row=2, max_row=None, width=1))[2] == [dt.datetime(1904, 1, 2)]


@pytest.mark.parametrize(
    "sheet_data",
    [
        '<row r="1"><c r="1A"><v>1</v></c></row>',
        '<row r="1"><c r="A1" t="s"><v>99</v></c></row>',
        '<row r="1"><c r="A1" t="b"><v>yes</v></c></row>',
        '<row r="x"><c><v>1</v></c></row>',
    ],
    ids=["bad-reference", "missing-shared-string", "bad-boolean", "bad-row-number"],
)
def test_damage_openpyxl_would_trip_on_refuses_the_file(sheet_data):
    sheet = Sheet("名单", [Column("a", "a")])
    data = _rewritten(_base(), sheet_data=sheet_data, strings=["<t>a</t>"])
    result = read_rows(data, sheet)
    assert result.rows == [] and len(result.file_errors) == 1
    assert "文件已损坏" in result.file_errors[0]


CELL = st.one_of(
    st.none(),
    st.integers(min_value=-(10**17), max_value=10**17),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(["#N/A", "=1+1", " 是 ", "2024/3/1"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=0, max_size=6), min_size=1, max_size=8))
def test_any_workbook_openpyxl_writes_reads_the_same(rows):
    wb = Workbook()
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = wb.active.cell(row=number * 2 - 1, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # "=1+1" stays text, as the report writes it
    assert_same_as_openpyxl(_saved(wb))


def test_rows_read_through_the_sheet_are_those_of_openpyxl_end_to_end():
    """read_rows on a sheet with gaps keeps the Excel row numbers and the kinds' normalising."""
    sheet = Sheet(
        "名单",
        [Column("name", "姓名", required=True), Column("born", "出生日期", kind=Kind.DATE)],
    )
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["姓名", "出生日期"])
    ws.append(["张三", dt.date(2024, 3, 1)])
    ws["A7"] = "李四"
    ws["B7"] = "2024年3月2日"
    result = read_rows(_saved(wb), sheet)
    assert [(r.number, r.values) for r in result.rows] == [
        (2, {"name": "张三", "born": dt.date(2024, 3, 1)}),
        (7, {"name": "李四", "born": dt.date(2024, 3, 2)}),
    ]
