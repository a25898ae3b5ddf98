"""Excel import/export (tuoyu.core.excel): templates, row-by-row validation, all-or-nothing import."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import time
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tuoyu.core.excel import (
    Column,
    Kind,
    Row,
    Sheet,
    export_workbook,
    read_rows,
    report_workbook,
    template_workbook,
)
from tuoyu.core.validators import validate_mobile, validate_uscc
from tuoyu.testing.fixtures import with_check

LEGAL_KINDS = ["事业单位", "社会服务机构", "企业", "个体工商户"]
TEXT_HINT = "请将该列设置为文本格式后重新填写"


def region_code(value: str) -> str:
    if not re.fullmatch(r"\d{9}|\d{12}", value):
        raise ValidationError("应为9位街道或12位社区区划代码。")
    return value


REGISTRATION = Sheet(
    "机构登记",
    [
        Column("name", "机构名称", required=True, max_length=200, example="荷塘区小太阳托育中心"),
        Column("uscc", "统一社会信用代码", required=True, parse=validate_uscc, example="91430202MA4L0XXB16"),
        Column("legal_kind", "法人类型", required=True, choices=LEGAL_KINDS, help="按登记证书填写"),
        Column("region", "所在街道代码", required=True, parse=region_code, example="430202001"),
        Column("registered_on", "登记日期", kind=Kind.DATE, example="2024-03-01"),
        Column("capacity", "托位数", kind=Kind.INTEGER, example="60"),
        Column("puhui", "是否普惠", kind=Kind.BOOLEAN),
        Column("fee", "月收费（元）", kind=Kind.DECIMAL),
        Column("phone", "联系电话", parse=validate_mobile, example="13800138000"),
        Column("note", "备注"),
    ],
    max_rows=100,
)
HEADERS = [str(c.header) for c in REGISTRATION.columns]


def code(n: int) -> str:
    return with_check(f"91430202{n:09d}")


def good_row(n: int, **changes: object) -> list[object]:
    values = {
        "name": f"托育中心{n}",
        "uscc": code(n),
        "legal_kind": "企业",
        "region": "430202001",
        "registered_on": dt.date(2024, 3, 1),
        "capacity": 60,
        "puhui": "是",
        "fee": 1800.5,
        "phone": "13800138000",
        "note": None,
    }
    values.update(changes)
    return [values[c.key] for c in REGISTRATION.columns]


def filled(rows: list[list[object]], *, sheet: Sheet = REGISTRATION) -> bytes:
    """The downloaded template with ``rows`` typed in, as a user's upload."""
    wb = load_workbook(io.BytesIO(template_workbook(sheet)))
    ws = wb[sheet.name]
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def workbook(rows: list[list[object]], *, title: str = "机构登记") -> bytes:
    """A workbook made from scratch (not from the template)."""
    wb = Workbook()
    wb.active.title = title
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def errors_of(row: Row) -> dict[str, str]:
    return {e.column: e.message for e in row.errors}


# --- the template ----------------------------------------------------------------------------------


def test_template_has_a_frozen_bold_header_and_no_example_row_to_be_imported():
    wb = load_workbook(io.BytesIO(template_workbook(REGISTRATION)))
    ws = wb["机构登记"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.max_row == 1
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1])
    assert ws["A1"].font.color.rgb == "FFC00000"  # required
    assert ws["J1"].font.color is None or ws["J1"].font.color.rgb != "FFC00000"
    assert ws.column_dimensions["B"].number_format == "@"  # codes stay text when typed
    assert ws.column_dimensions["E"].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions["B"].width >= 20  # 8 Chinese characters are readable


def test_template_explains_every_column_on_a_second_sheet():
    wb = load_workbook(io.BytesIO(template_workbook(REGISTRATION)))
    guide = wb["填写说明"]
    rows = {r[0]: r for r in guide.iter_rows(values_only=True) if r and r[0] in HEADERS}
    assert set(rows) == set(HEADERS)
    assert rows["统一社会信用代码"][1:4] == ("必填", "文本", "91430202MA4L0XXB16")
    assert rows["登记日期"][1:3] == ("选填", "日期（YYYY-MM-DD）")
    assert rows["法人类型"][4] == "、".join(LEGAL_KINDS)
    assert rows["法人类型"][5] == "按登记证书填写"
    assert rows["是否普惠"][4] == "是、否"


def test_template_offers_dropdowns_for_columns_with_choices():
    ws = load_workbook(io.BytesIO(template_workbook(REGISTRATION)))["机构登记"]
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert validations == {"C2:C101": '"事业单位,社会服务机构,企业,个体工商户"', "G2:G101": '"是,否"'}


def test_long_choice_lists_come_from_a_hidden_sheet():
    many = [f"选项{i:03d}" for i in range(80)]
    sheet = Sheet("名单", [Column("k", "类别", choices=many)])
    wb = load_workbook(io.BytesIO(template_workbook(sheet)))
    assert wb["选项"].sheet_state == "hidden"
    assert wb["名单"].data_validations.dataValidation[0].formula1 == "'选项'!$A$1:$A$80"
    assert wb["选项"]["A80"].value == "选项079"


# --- reading: the round trip and each kind of cell ------------------------------------------------


def test_template_filled_with_three_rows_reads_back_parsed_values():
    upload = filled(
        [
            good_row(1),
            good_row(2, name="  芦淞区托育点\u3000", puhui="否", capacity=5.0, fee="2,000", note="周末不开"),
            good_row(3, registered_on="2023-12-31", puhui=None, fee=None, phone=None, capacity=None),
        ]
    )
    result = read_rows(upload, REGISTRATION)
    assert result.ok, result.report_rows()
    assert [r.number for r in result.rows] == [2, 3, 4]
    first, second, third = (r.values for r in result.rows)
    assert first == {
        "name": "托育中心1",
        "uscc": code(1),
        "legal_kind": "企业",
        "region": "430202001",
        "registered_on": dt.date(2024, 3, 1),
        "capacity": 60,
        "puhui": True,
        "fee": Decimal("1800.5"),
        "phone": "13800138000",
        "note": None,
    }
    assert (second["name"], second["puhui"], second["capacity"], second["fee"]) == (
        "芦淞区托育点",
        False,
        5,
        2000,
    )
    assert second["note"] == "周末不开"
    assert third["registered_on"] == dt.date(2023, 12, 31)
    assert (third["puhui"], third["capacity"], third["phone"]) == (None, None, None)


def test_a_django_upload_is_read_like_bytes():
    upload = SimpleUploadedFile("登记.xlsx", filled([good_row(1)]))
    upload.read(10)  # a view may have peeked at it
    assert read_rows(upload, REGISTRATION).ok


def test_codes_typed_as_numbers_keep_their_digits_or_ask_for_a_text_column():
    upload = workbook(
        [
            HEADERS,
            good_row(1, uscc=914302020000000000),  # what Excel keeps of an 18-digit code: 15 digits
            good_row(2, phone=13800138000, region=430202001),  # short enough to be exact
            good_row(3, uscc="9.14302E+17"),  # the same, pasted as displayed
            good_row(4, uscc=9.14302020000000e17),
        ]
    )
    rows = read_rows(upload, REGISTRATION).rows
    assert TEXT_HINT in errors_of(rows[0])["统一社会信用代码"]
    assert rows[1].ok
    assert (rows[1]["phone"], rows[1]["region"]) == ("13800138000", "430202001")
    assert TEXT_HINT in errors_of(rows[2])["统一社会信用代码"]
    assert TEXT_HINT in errors_of(rows[3])["统一社会信用代码"]


def test_required_cells_left_empty_say_so():
    upload = filled([good_row(1, name="   ", uscc=None, legal_kind="")])
    [row] = read_rows(upload, REGISTRATION).rows
    assert errors_of(row) == {"机构名称": "必填", "统一社会信用代码": "必填", "法人类型": "必填"}
    assert row.message() == "机构名称：必填；统一社会信用代码：必填；法人类型：必填"


def test_a_value_outside_the_choices_lists_the_allowed_ones():
    [row] = read_rows(filled([good_row(1, legal_kind="有限公司")]), REGISTRATION).rows
    assert errors_of(row) == {"法人类型": "应为以下之一：事业单位、社会服务机构、企业、个体工商户"}


def test_the_parsers_own_message_is_reported_in_chinese():
    wrong = code(1)[:-1] + ("0" if code(1)[-1] != "0" else "1")
    [row] = read_rows(filled([good_row(1, uscc=wrong, phone="12345")]), REGISTRATION).rows
    assert "校验码" in errors_of(row)["统一社会信用代码"]
    assert set(errors_of(row)) == {"统一社会信用代码", "联系电话"}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.datetime(2024, 3, 1, 0, 0), dt.date(2024, 3, 1)),
        ("2024-03-01", dt.date(2024, 3, 1)),
        ("2024/3/1", dt.date(2024, 3, 1)),
        ("2024年3月1日", dt.date(2024, 3, 1)),
        ("2024-02-30", "日期不存在：2024-02-30。"),
        ("下周一", "应为日期，格式为 YYYY-MM-DD（如 2024-03-01）。"),
        (45000, "应为日期，格式为 YYYY-MM-DD（如 2024-03-01）。"),
    ],
)
def test_dates_accept_excel_dates_and_iso_text(cell, expected):
    [row] = read_rows(filled([good_row(1, registered_on=cell)]), REGISTRATION).rows
    if isinstance(expected, dt.date):
        assert row.ok and row["registered_on"] == expected
    else:
        assert errors_of(row) == {"登记日期": expected}


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        ("capacity", "六十", "应为整数。"),
        ("capacity", 60.5, "应为整数。"),
        ("fee", "一千", "应为数字。"),
        ("fee", "NaN", "应为数字。"),
        ("puhui", "Y", "应填写“是”或“否”。"),
        ("name", "#N/A", "单元格是错误值 #N/A，请检查公式。"),
        ("name", "托" * 201, "不能超过200个字（当前201个）。"),
    ],
)
def test_cells_of_the_wrong_kind_are_named(column, cell, message):
    [row] = read_rows(filled([good_row(1, **{column: cell})]), REGISTRATION).rows
    assert [e.message for e in row.errors] == [message]
    assert row.values[column] is None


def test_fully_empty_rows_are_skipped_and_rows_keep_their_excel_numbers():
    blank = [None] * len(HEADERS)
    spaces = ["  "] * len(HEADERS)
    upload = filled([good_row(1), blank, spaces, good_row(2), blank])
    result = read_rows(upload, REGISTRATION)
    assert result.ok
    assert [r.number for r in result.rows] == [2, 5]


def test_headers_marked_required_with_an_asterisk_are_accepted():
    upload = workbook([[f"*{h}" if i < 4 else h for i, h in enumerate(HEADERS)], good_row(1)])
    assert read_rows(upload, REGISTRATION).ok


def test_duplicates_within_the_file_are_flagged_on_every_copy():
    upload = filled([good_row(1), good_row(2), good_row(3, uscc=code(1).lower()), good_row(4, uscc=code(1))])
    result = read_rows(upload, REGISTRATION)
    assert result.flag_duplicates("uscc") == 3
    assert [errors_of(r).get("统一社会信用代码") for r in result.rows] == [
        "与第4、5行重复",
        None,
        "与第2、5行重复",
        "与第2、4行重复",
    ]
    assert not result.ok


def test_duplicates_can_be_a_combination_of_columns():
    same_name_other_street = [good_row(1), good_row(2, name="托育中心1", region="430202002")]
    result = read_rows(filled(same_name_other_street), REGISTRATION)
    assert result.flag_duplicates("name", "region", message="同一街道的机构名称重复") == 0
    result = read_rows(filled([good_row(1), good_row(2, name="托育中心1")]), REGISTRATION)
    assert result.flag_duplicates("name", "region", message="同一街道的机构名称重复") == 2
    assert errors_of(result.rows[0]) == {"机构名称": "同一街道的机构名称重复"}


# --- reading: files refused as a whole -----------------------------------------------------------


def assert_refused(result, *fragments: str) -> None:
    assert result.rows == []
    assert len(result.file_errors) == 1, result.file_errors
    for fragment in fragments:
        assert fragment in result.file_errors[0]
    assert [(line.row, line.message) for line in result.report_rows()] == [(None, result.file_errors[0])]


def test_wrong_template_names_the_missing_and_unexpected_columns():
    headers = ["备注2" if h == "统一社会信用代码" else h for h in HEADERS]
    result = read_rows(workbook([headers, good_row(1)]), REGISTRATION)
    assert_refused(result, "缺少列：统一社会信用代码；多余列：备注2")


def test_a_repeated_column_is_refused():
    result = read_rows(workbook([[*HEADERS, "机构名称"], good_row(1)]), REGISTRATION)
    assert_refused(result, "重复列：机构名称")


def test_data_typed_under_no_header_is_refused():
    result = read_rows(workbook([HEADERS, [*good_row(1), None, "忘了写列名"]]), REGISTRATION)
    assert_refused(result, "L列有数据但没有列名")


def test_a_template_with_no_data_rows_is_refused():
    assert_refused(read_rows(template_workbook(REGISTRATION), REGISTRATION), "没有数据")


def test_more_rows_than_allowed_are_refused():
    small = Sheet("机构登记", REGISTRATION.columns, max_rows=3)
    assert read_rows(filled([good_row(i) for i in range(3)], sheet=small), small).ok
    assert_refused(read_rows(filled([good_row(i) for i in range(4)], sheet=small), small), "每次最多导入3行")


def test_a_file_larger_than_allowed_is_refused_unread():
    small = Sheet("机构登记", REGISTRATION.columns, max_bytes=1024)
    assert_refused(read_rows(filled([good_row(1)], sheet=small), small), "文件过大")


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    bomb = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"\0" * (30 * 1024 * 1024),
        }
    )
    assert len(bomb) < 100 * 1024
    sheet = Sheet("机构登记", REGISTRATION.columns, max_uncompressed_bytes=20 * 1024 * 1024)
    assert_refused(read_rows(bomb, sheet), "解压后过大")


def test_an_absurd_sheet_dimension_is_refused():
    upload = filled([good_row(1)])
    with zipfile.ZipFile(io.BytesIO(upload)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    sheet_xml = entries["xl/worksheets/sheet1.xml"].decode()
    entries["xl/worksheets/sheet1.xml"] = re.sub(
        r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', sheet_xml
    ).encode()
    assert_refused(read_rows(_zip(entries), REGISTRATION), "工作表范围过大")


def _truncated() -> bytes:
    data = filled([good_row(1)])
    return data[: len(data) // 2]


def _docx_like() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})


def _damaged_workbook() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<not-a-workbook"})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"", "文件为空", id="empty"),
        pytest.param(
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF", "不是 Excel 工作簿", id="pdf"
        ),
        pytest.param(os.urandom(4096), "不是 Excel 工作簿", id="random-bytes"),
        pytest.param(
            "机构名称,统一社会信用代码\n托育中心,91430202MA4L0XXB16\n".encode("gbk"),
            "不是 Excel 工作簿",
            id="csv",
        ),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "旧版 Excel（.xls）", id="xls"),
        pytest.param(_docx_like(), "不是 Excel 工作簿", id="word-document"),
        pytest.param(_truncated(), "不是 Excel 工作簿", id="truncated"),
        pytest.param(_damaged_workbook(), "文件已损坏", id="damaged"),
    ],
)
def test_what_is_not_an_xlsx_is_refused_with_a_message(content, message, tmp_path):
    path = tmp_path / "登记.xlsx"  # the name says xlsx; the content decides
    path.write_bytes(content)
    assert_refused(read_rows(path, REGISTRATION), message)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_never_crash_read_rows(data):
    result = read_rows(data, REGISTRATION)
    assert result.file_errors and not result.rows


cell_text = st.text(max_size=40).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))
cell_value = st.one_of(
    st.none(),
    cell_text,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell_value, min_size=len(HEADERS), max_size=len(HEADERS) + 2), max_size=4))
def test_arbitrary_cells_never_crash_read_rows(rows):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("机构登记")
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    result = read_rows(buffer.getvalue(), REGISTRATION)
    for row in result.rows:
        assert set(row.values) == {c.key for c in REGISTRATION.columns}
        for e in row.errors:
            assert e.column in HEADERS and e.message
    report_workbook(result)  # and the report of it can be written


# --- export ---------------------------------------------------------------------------------------


def test_an_export_can_be_edited_and_imported_again():
    records = [
        {
            "name": '=HYPERLINK("http://evil")',  # stays text: no formula reaches the file
            "uscc": code(7),
            "legal_kind": "社会服务机构",
            "region": "430202001",
            "registered_on": dt.date(2020, 2, 29),
            "capacity": 0,
            "puhui": False,
            "fee": Decimal("1234.50"),
            "phone": "13900139000",
            "note": "  留 空格 ",
        },
        {"name": "家庭托育点", "uscc": code(8), "legal_kind": "个体工商户", "region": 430202001},
    ]
    data = export_workbook(REGISTRATION, iter(records))
    ws = load_workbook(io.BytesIO(data))["机构登记"]
    assert ws["A2"].data_type == "s" and ws["A2"].value == '=HYPERLINK("http://evil")'
    assert ws["D3"].data_type == "s"  # a code given as a number is exported as text
    result = read_rows(data, REGISTRATION)
    assert result.ok, result.report_rows()
    first, second = (r.values for r in result.rows)
    assert first["name"] == '=HYPERLINK("http://evil")'
    assert (first["registered_on"], first["puhui"], first["fee"]) == (
        dt.date(2020, 2, 29),
        False,
        Decimal("1234.5"),
    )
    assert first["note"] == "留 空格"
    assert (second["region"], second["puhui"], second["registered_on"]) == ("430202001", None, None)


def test_an_export_uses_each_columns_format():
    sheet = Sheet(
        "名单", [Column("kind", "类别", choices=["甲类", "乙类"], format={"a": "甲类", "b": "乙类"}.get)]
    )
    data = export_workbook(sheet, [{"kind": "a"}, {"kind": "b"}, {"kind": None}])
    assert [r.values["kind"] for r in read_rows(data, sheet).rows] == ["甲类", "乙类"]


printable = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30
).filter(lambda s: s.strip() not in {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})


@settings(max_examples=50, deadline=None)
@given(st.lists(printable, min_size=1, max_size=5))
def test_text_survives_export_and_import_unchanged_but_stripped(texts):
    sheet = Sheet("名单", [Column("text", "内容"), Column("n", "序号", kind=Kind.INTEGER, required=True)])
    rows = [{"text": t, "n": i} for i, t in enumerate(texts)]
    result = read_rows(export_workbook(sheet, rows), sheet)
    assert result.ok
    expected = [t.strip().strip("\u200b\u200c\u200d\ufeff").strip() or None for t in texts]
    assert [r.values["text"] for r in result.rows] == expected


# --- the report -----------------------------------------------------------------------------------


def test_report_workbook_adds_the_result_column_and_highlights_bad_cells():
    result = read_rows(filled([good_row(1), good_row(2, legal_kind="公司", capacity="很多")]), REGISTRATION)
    ws = load_workbook(io.BytesIO(report_workbook(result)))["机构登记"]
    assert [c.value for c in ws[1]] == [*HEADERS, "校验结果"]
    assert ws["K2"].value == "✓"
    assert (
        ws["K3"].value
        == "法人类型：应为以下之一：事业单位、社会服务机构、企业、个体工商户；托位数：应为整数。"
    )
    assert ws["C3"].value == "公司" and ws["C3"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws["F3"].value == "很多" and ws["F3"].fill.fgColor.rgb == "FFFFC7CE"
    assert ws["A3"].fill.fgColor.rgb != "FFFFC7CE"
    assert ws["B2"].value == code(1) and ws["E2"].value == dt.datetime(2024, 3, 1)


def test_a_corrected_report_can_be_uploaded_again():
    result = read_rows(filled([good_row(1), good_row(2, legal_kind="公司")]), REGISTRATION)
    wb = load_workbook(io.BytesIO(report_workbook(result)))
    wb["机构登记"]["C3"] = "企业"
    buffer = io.BytesIO()
    wb.save(buffer)
    again = read_rows(buffer.getvalue(), REGISTRATION)
    assert again.ok
    assert [r.values["legal_kind"] for r in again.rows] == ["企业", "企业"]


def test_the_report_of_a_refused_file_says_why():
    result = read_rows(b"not a workbook", REGISTRATION)
    wb = load_workbook(io.BytesIO(report_workbook(result)))
    messages = [r[0] for r in wb["校验结果"].iter_rows(values_only=True)]
    assert messages[1] == result.file_errors[0]


# --- performance ----------------------------------------------------------------------------------


def test_five_thousand_rows_of_twenty_columns_parse_in_seconds():
    columns = [
        *REGISTRATION.columns,
        *(Column(f"extra{i}", f"附加信息{i}", max_length=50) for i in range(8)),
        Column("id_phone", "负责人电话", parse=validate_mobile),
        Column("since", "开办日期", kind=Kind.DATE),
    ]
    sheet = Sheet("机构登记", columns, max_rows=5000)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("机构登记")
    ws.append([str(c.header) for c in columns])
    for n in range(5000):
        ws.append([*good_row(n), *(f"说明文字{n}-{i}" for i in range(8)), "13900139000", "2019-09-01"])
    buffer = io.BytesIO()
    wb.save(buffer)
    started = time.perf_counter()
    result = read_rows(buffer.getvalue(), sheet)
    result.flag_duplicates("uscc")
    elapsed = time.perf_counter() - started
    assert result.ok and len(result.rows) == 5000
    print(
        f"\nexcel: read 5,000 rows x {len(columns)} columns in {elapsed:.2f} s ({5000 / elapsed:,.0f} rows/s)"
    )


# --- choice columns in either language ------------------------------------------------------------------


def _bilingual_sheet() -> Sheet:
    from django.utils.translation import gettext_lazy

    from tuoyu.staff.models import Sex

    return Sheet(
        "名单",
        [
            Column("name", gettext_lazy("姓名"), required=True),
            Column("sex", gettext_lazy("性别"), choices=Sex.choices),
            Column("flag", "是否普惠", kind=Kind.BOOLEAN),
            Column("extra", "备注", may_be_absent=True),
        ],
    )


@pytest.mark.parametrize("ui", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("cell", "code"), [("男", "M"), ("女", "F"), ("Male", "M"), ("  FEMALE ", "F"), ("M", "M")]
)
def test_a_choice_column_takes_the_code_or_the_label_in_either_language(ui, cell, code):
    from django.utils import translation

    with translation.override(ui):
        [row] = read_rows(
            workbook([["姓名", "Sex", "是否普惠"], ["张三", cell, "Yes"]], title="名单"), _bilingual_sheet()
        ).rows
    assert row.ok, row.errors
    assert row["sex"] == code and row["flag"] is True and row.get("extra") is None


def test_a_choice_outside_every_language_is_refused_with_the_ui_languages_labels():
    from django.utils import translation

    with translation.override("en"):
        upload = workbook([["Full name", "性别", "是否普惠"], ["张三", "Man", None]], title="名单")
        [row] = read_rows(upload, _bilingual_sheet()).rows
        assert list(errors_of(row)) == ["Sex"] and "Male、Female" in errors_of(row)["Sex"]
    with translation.override("zh-hans"):
        upload = workbook([["姓名", "性别", "是否普惠"], ["张三", "男人", None]], title="名单")
        [row] = read_rows(upload, _bilingual_sheet()).rows
        assert errors_of(row) == {"性别": "应为以下之一：男、女"}


def test_the_dropdown_stays_in_the_ui_language():
    from django.utils import translation

    for ui, formula in (("zh-hans", '"男,女"'), ("en", '"Male,Female"')):
        with translation.override(ui):
            ws = load_workbook(io.BytesIO(template_workbook(_bilingual_sheet())))["名单"]
        validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
        assert validations["B2:B5001"] == formula


def test_a_column_that_may_be_absent_is_not_missing_but_the_others_are():
    result = read_rows(
        workbook([["姓名", "性别", "是否普惠"], ["张三", "男", "否"]], title="名单"), _bilingual_sheet()
    )
    assert result.ok and result.rows[0]["flag"] is False
    result = read_rows(
        workbook([["姓名", "是否普惠", "备注"], ["张三", "否", "x"]], title="名单"), _bilingual_sheet()
    )
    assert result.file_errors and "缺少列：性别" in result.file_errors[0]


def test_bare_label_choices_take_their_english_label_too():
    from django.utils import translation

    with translation.override("en"):
        english = translation.gettext("是")
    sheet = Sheet("名单", [Column("k", "类别", choices=["是", "否"])])
    [row] = read_rows(workbook([["类别"], [english]], title="名单"), sheet).rows
    assert row.ok and row["k"] == "是"
