"""Excel (.xlsx) import and export: declared once, validated row by row, imported all or nothing.

A feature declares its spreadsheet once as a :class:`Sheet` of :class:`Column` s and gets from it:

- :func:`template_workbook` — the template users download: one header row (bold, frozen, required
  headers in red), text columns formatted as text so codes and ID numbers stay text, dropdowns for
  columns with choices, and a second sheet “填写说明” with each column's format, example and allowed
  values (examples never go on the data sheet: they would be imported);
- :func:`read_rows` — reads an upload into a :class:`ParseResult`. It never raises on bad input: a
  file that is not an xlsx, too large (also once uncompressed: zip bombs), of an absurd size, of the
  wrong template, empty or too long gives a file-level error; otherwise every row comes back with its
  Excel row number, its parsed values and a Chinese message per bad cell;
- the import itself is :class:`tuoyu.core.imports.SpreadsheetImport` (the whole file checked at once, every row
  written in one transaction with the file-level audit event, or nothing), which reads with :func:`read_rows`;
- :func:`report_workbook` — the uploaded rows with a “校验结果” column and the bad cells highlighted,
  which the user corrects and uploads again as it is (the result column is ignored on reading);
- :func:`export_workbook` — rows written in the same layout (streaming, write-only), so an export can
  be edited and imported again.

Cells are normalised before a column's ``parse`` sees them: strings are stripped and empty ones are
empty; a number in a text column becomes its exact integer string, unless Excel has already rounded
it (more than 15 significant digits — an 18-digit credit code or ID number typed as a number), which
is an error asking to format the column as text; dates accept real Excel dates and ``YYYY-MM-DD``
text. ``parse`` raises :class:`django.core.exceptions.ValidationError` (or
:class:`tuoyu.core.errors.DomainError`) with a message for people; anything else it raises is a bug
and propagates.

Strings are always written as strings, never as formulas: a value starting with ``=`` (a name, or an
attack — “CSV injection”) stays the text it was.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse as xml_iterparse

from tuoyu.core.errors import DomainError

__all__ = [
    "Column",
    "Kind",
    "Sheet",
    "Row",
    "CellError",
    "ReportLine",
    "ParseResult",
    "ImportOutcome",
    "template_workbook",
    "read_rows",
    "report_workbook",
    "export_workbook",
]

# Names of the sheets and the column this module adds, in Chinese; the UI language's version is used
# when writing (see _guide_title() and _result_header()) and both are recognised when reading.
GUIDE_SHEET = "填写说明"
LISTS_SHEET = "选项"  # hidden sheet holding long dropdown lists; never translated (formulas name it)
RESULT_HEADER = "校验结果"
RESULT_OK = "✓"
RESULT_KEY = "\0result"  # position of the report's result column in a re-uploaded report

# Excel's own limits; a declared dimension beyond them is not a workbook Excel wrote.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
# Blank rows tolerated among and after the data before the sheet counts as absurdly long.
MAX_BLANK_ROWS = 10_000
# Columns read to the right of the last header, to notice data typed under no header.
EXTRA_COLUMNS_SCANNED = 20
# Excel keeps 15 significant digits of a number; anything longer was rounded when typed.
EXCEL_DIGITS = 15

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected .xlsx
EXCEL_ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)
SCIENTIFIC_RE = re.compile(r"^[+-]?\d(?:\.\d+)?[eE][+]\d+$")
DATE_TEXT_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
STRIP_CHARS = "\u200b\u200c\u200d\ufeff"  # zero-width characters that str.strip() keeps

HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="FFC00000")
HEADER_FILL = PatternFill("solid", fgColor="FFDDEBF7")
ERROR_FILL = PatternFill("solid", fgColor="FFFFC7CE")
ERROR_FONT = Font(color="FF9C0006")
WRAP = Alignment(wrap_text=True, vertical="top")
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"


class Kind(enum.StrEnum):
    """What a column holds, which decides how a cell is normalised before ``parse``."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"  # 是 / 否


def _identity(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    ``header`` is what the user sees (Chinese; may be a lazy translation: files in any of the platform's
    languages are accepted whatever the UI language). ``parse`` turns the normalised, non-empty cell into the value the
    import wants and raises ``ValidationError`` with a message for people. ``format`` is its inverse
    for exports (model value → cell value). ``choices`` restricts the (text) value and gives the
    template a dropdown: each is a ``(code, label)`` pair (``Sex.choices``) or a bare label. A cell may
    hold the code or the label in any of the platform's languages (a file exported in English imports
    under the Chinese UI and vice versa); ``parse`` then sees the code (a bare label: its Chinese
    spelling). The dropdown and the messages show the labels in the UI language.
    """

    key: str
    header: Any
    required: bool = False
    parse: Callable[[Any], Any] = _identity
    kind: Kind = Kind.TEXT
    help: Any = ""
    example: Any = ""
    choices: Sequence[Any] | None = None
    width: float | None = None
    max_length: int | None = None
    format: Callable[[Any], Any] | None = None
    # The whole column may be left out of a file (one added after files were made): its cells are empty.
    may_be_absent: bool = False

    def headers_accepted(self) -> set[str]:
        """The header in the UI language and in each of the platform's languages (Chinese is the msgid): a
        file exported in English imports under the Chinese UI, and vice versa."""
        names = {_clean_header(str(self.header))}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.add(_clean_header(str(self.header)))
        return names

    def format_text(self) -> str:
        if self.kind is Kind.DATE:
            return _("日期（YYYY-MM-DD）")
        if self.kind is Kind.INTEGER:
            return _("整数")
        if self.kind is Kind.DECIMAL:
            return _("数字")
        if self.kind is Kind.BOOLEAN:
            return _("是 / 否")
        if self.max_length:
            return _("文本（不超过%(n)d字）") % {"n": self.max_length}
        return _("文本")

    def _choice_pairs(self) -> list[tuple[Any, Any]]:
        """(code or None, label) for each choice."""
        return [c if isinstance(c, tuple | list) else (None, c) for c in self.choices or ()]

    def allowed_values(self) -> list[str]:
        if self.choices:
            return [str(label) for _code, label in self._choice_pairs()]
        if self.kind is Kind.BOOLEAN:
            return [_("是"), _("否")]
        return []

    def choice_lookup(self) -> dict[str, Any]:
        """Every spelling a cell may hold (case- and space-insensitive) → the value ``parse`` sees: the
        code, and the label in each of the platform's languages (a bare label is translated as a msgid)."""
        lookup: dict[str, Any] = {}
        for code, label in self._choice_pairs():
            with translation.override("zh-hans"):
                value = code if code is not None else _translated(label)
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    lookup.setdefault(_choice_key(_translated(label)), value)
            lookup.setdefault(_choice_key(str(label)), value)
            if code is not None:
                lookup.setdefault(_choice_key(str(code)), value)
        return lookup


@dataclass(frozen=True)
class Sheet:
    """A spreadsheet layout: the data sheet's name, its columns, and the limits of one upload."""

    name: Any  # a str, or a lazy translation
    columns: Sequence[Column]
    max_rows: int = 5000
    max_bytes: int = 20 * 1024 * 1024
    # Uncompressed size allowed, all parts together (an xlsx is a zip; sheet XML compresses 10–50×, a bomb
    # far more); never more than settings.XLSX_MAX_TOTAL_BYTES, which also limits each part (see
    # _check_container).
    max_uncompressed_bytes: int = 400 * 1024 * 1024
    instructions: Sequence[Any] = ()

    def __post_init__(self) -> None:
        # Only what can be checked without translating (sheets are often declared at import time).
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate column keys in sheet {self.name!r}")
        headers = [_clean_header(c.header) for c in self.columns if isinstance(c.header, str)]
        if len(set(headers)) != len(headers) or RESULT_HEADER in headers:
            raise ValueError(f"duplicate or reserved headers in sheet {self.name!r}")
        name = self.name if isinstance(self.name, str) else ""
        if len(name) > 31 or set(name) & set("[]:*?/\\") or name in (GUIDE_SHEET, LISTS_SHEET, RESULT_HEADER):
            raise ValueError(f"invalid sheet name {self.name!r}")
        if not self.columns or len(self.columns) > 1000:
            raise ValueError("a sheet needs between 1 and 1000 columns")

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)


@dataclass
class CellError:
    """A message about one row; ``key`` is the column (None: about the whole row)."""

    key: str | None
    column: str
    message: str


@dataclass
class Row:
    """One data row of an upload: its Excel row number, parsed values, the cells as read, its errors."""

    number: int
    values: dict[str, Any]
    cells: dict[str, Any]
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value

    def has_error(self, key: str) -> bool:
        return any(e.key == key for e in self.errors)

    def message(self) -> str:
        """All messages of the row in one line, as in the report's result column."""
        return "；".join(f"{e.column}：{e.message}" if e.column else e.message for e in self.errors)


@dataclass(frozen=True)
class ReportLine:
    """One line of the validation report: Excel row (None: about the file), column header, message."""

    row: int | None
    column: str
    message: str


@dataclass
class ParseResult:
    """What :func:`read_rows` found: file-level errors, or the rows with their errors."""

    sheet: Sheet
    file_errors: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(r.ok for r in self.rows)

    @property
    def bad_rows(self) -> list[Row]:
        return [r for r in self.rows if not r.ok]

    def add_error(self, row: Row, key: str | None, message: str) -> None:
        header = _header(self.sheet.column(key)) if key in {c.key for c in self.sheet.columns} else ""
        row.errors.append(CellError(key if header else None, header, str(message)))

    def flag_duplicates(self, key: str, *more_keys: str, message: str | None = None) -> int:
        """Mark every row whose value (or combination of values) repeats within the file.

        Empty values and cells already in error are not compared. The error is put on the first
        key's column and names the other rows (“与第3、7行重复”). Returns the rows marked.
        """
        keys = (key, *more_keys)
        groups: dict[tuple[Any, ...], list[Row]] = {}
        for row in self.rows:
            if any(row.values.get(k) is None or row.has_error(k) for k in keys):
                continue
            value = tuple(_comparable(row.values[k]) for k in keys)
            groups.setdefault(value, []).append(row)
        marked = 0
        for rows in groups.values():
            if len(rows) < 2:
                continue
            for row in rows:
                numbers = [str(r.number) for r in rows if r is not row]
                others = "、".join(numbers[:10]) + ("…" if len(numbers) > 10 else "")
                text = message or _("与第%(rows)s行重复") % {"rows": others}
                self.add_error(row, key, text)
                marked += 1
        return marked

    def report_rows(self) -> list[ReportLine]:
        """Every message, file-level first, then by row and column order — for an HTML table."""
        lines = [ReportLine(None, "", m) for m in self.file_errors]
        order = {c.key: i for i, c in enumerate(self.sheet.columns)}
        for row in self.rows:
            for e in sorted(row.errors, key=lambda e: -1 if e.key is None else order[e.key]):
                lines.append(ReportLine(row.number, e.column, e.message))
        return lines

    def summary(self) -> str:
        if self.file_errors:
            return "；".join(self.file_errors)
        bad = len(self.bad_rows)
        if bad:
            return _("共%(total)d行，其中%(bad)d行有错误，未导入任何数据。") % {
                "total": len(self.rows),
                "bad": bad,
            }
        return _("共%(total)d行，全部通过校验。") % {"total": len(self.rows)}


@dataclass
class ImportOutcome:
    """The result of an import (``core.imports.SpreadsheetImport.run``): committed (every row applied) or nothing
    written."""

    result: ParseResult
    committed: bool
    applied: int = 0

    @property
    def ok(self) -> bool:
        return self.committed

    def report_rows(self) -> list[ReportLine]:
        return self.result.report_rows()

    def summary(self) -> str:
        if self.committed:
            return _("已导入%(n)d行。") % {"n": self.applied}
        return self.result.summary()


class _FileError(Exception):
    """Internal: the upload is refused as a whole with this message."""


# --- helpers ---------------------------------------------------------------------------------------


def _guide_title() -> str:
    return _("填写说明")


def _result_header() -> str:
    return _("校验结果")


def _clean_header(value: str) -> str:
    # A leading or trailing asterisk marks required columns in many templates; accept it.
    return value.strip().strip("*＊").strip()


def _header(column: Column) -> str:
    return str(column.header)


def _translated(label: Any) -> str:
    """``label`` in the active language: a lazy translation, or a plain string looked up as a msgid."""
    return str(label) if not isinstance(label, str) else _(label) if label else label


def _choice_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _comparable(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_width(column: Column) -> float:
    if column.width:
        return column.width
    longest = max(_display_width(_header(column)), _display_width(str(column.example or "")), 8)
    return min(longest + 4, 60)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)} KB"


def _safe_text(value: str) -> str:
    """A string Excel accepts: no control characters, at most 32,767 characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]


def _text_cell(ws: Any, value: str, **style: Any) -> WriteOnlyCell:
    """A cell holding ``value`` as text — never a formula or an error code, whatever it starts with."""
    cell = WriteOnlyCell(ws, value=None)
    cell._value = _safe_text(value)
    cell.data_type = "s"
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def _integer_text(value: int | float) -> str:
    """The exact integer string of a number typed into a text column; an error if Excel rounded it."""
    if isinstance(value, float) and not value.is_integer():
        # 3.5 in a text column: keep what was shown, without binary noise.
        return format(Decimal(repr(value)).normalize(), "f")
    number = int(value)
    # An integer typed in Excel keeps at most 15 significant digits; a longer one was rounded (an
    # 18-digit code ends in zeros) — or, if it was written exactly by a program, cannot be told apart.
    if len(str(abs(number))) > EXCEL_DIGITS:
        raise ValidationError(
            _(
                "该单元格是数字格式，超过15位的数字已被 Excel 改写（%(value)s），请将该列设置为文本格式后重新填写。"
            ),
            params={"value": f"{number:.6g}"},
        )
    return str(number)


def _messages(exc: ValidationError | DomainError) -> str:
    if isinstance(exc, DomainError):
        return str(exc.message)
    return "；".join(str(m) for m in exc.messages)


# --- normalising one cell --------------------------------------------------------------------------


def _strip(value: str) -> str:
    value = value.strip()
    while value and (value[0] in STRIP_CHARS or value[-1] in STRIP_CHARS):
        value = value.strip(STRIP_CHARS).strip()
    return value


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not _strip(value))


def _normalise(column: Column, value: Any, allowed: Mapping[str, Any] | None) -> Any:
    """The cell as ``parse`` sees it, or None when empty. Raises ValidationError for a bad cell.

    ``allowed`` is the column's :meth:`Column.choice_lookup`, worked out once per file.
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = _strip(value)
        if not value:
            return None
        if value in EXCEL_ERRORS:
            raise ValidationError(_("单元格是错误值 %(value)s，请检查公式。"), params={"value": value})
    kind = column.kind
    if kind is Kind.TEXT:
        value = _to_text(value)
        if column.max_length and len(value) > column.max_length:
            raise ValidationError(
                _("不能超过%(max)d个字（当前%(n)d个）。"), params={"max": column.max_length, "n": len(value)}
            )
        if allowed is not None:
            key = _choice_key(value)
            if key not in allowed:
                raise ValidationError(
                    _("应为以下之一：%(choices)s"), params={"choices": "、".join(column.allowed_values())}
                )
            return allowed[key]
        return value
    if kind is Kind.INTEGER:
        return _to_integer(value)
    if kind is Kind.DECIMAL:
        return _to_decimal(value)
    if kind is Kind.DATE:
        return _to_date(value)
    if kind is Kind.BOOLEAN:
        return _to_boolean(value)
    raise AssertionError(kind)  # pragma: no cover


def _to_text(value: Any) -> str:
    if isinstance(value, str):
        if SCIENTIFIC_RE.match(value):
            # "9.14302E+17" typed or pasted as text: the digits are already gone.
            raise ValidationError(
                _("“%(value)s”是科学计数法，原来的数字已丢失，请将该列设置为文本格式后重新填写。"),
                params={"value": value},
            )
        return value
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, int | float):
        return _integer_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _to_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise ValidationError(_("应为整数。"))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.replace(",", "").replace("，", "")
        if re.fullmatch(r"[+-]?\d{1,18}", text):
            return int(text)
    raise ValidationError(_("应为整数。"))


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError(_("应为数字。"))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and len(value) <= 40:
        try:
            number = Decimal(value.replace(",", "").replace("，", ""))
        except InvalidOperation:
            pass
        else:
            if number.is_finite():
                return number
    raise ValidationError(_("应为数字。"))


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = DATE_TEXT_RE.match(value)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                raise ValidationError(_("日期不存在：%(value)s。"), params={"value": value}) from None
    raise ValidationError(_("应为日期，格式为 YYYY-MM-DD（如 2024-03-01）。"))


def _to_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        key = _choice_key(value)
        for language, _name in settings.LANGUAGES:  # 是/否 in any language, whatever the UI's
            with translation.override(language):
                if key in (_choice_key(_("是")), "是"):
                    return True
                if key in (_choice_key(_("否")), "否"):
                    return False
    raise ValidationError(_("应填写“是”或“否”。"))


# --- template --------------------------------------------------------------------------------------


def template_workbook(sheet: Sheet) -> bytes:
    """The empty template for ``sheet``: header row, formats, dropdowns, and the “填写说明” sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = str(sheet.name)
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index, value=_safe_text(_header(column)))
        cell.data_type = "s"
        cell.font = REQUIRED_FONT if column.required else HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        note = _column_note(column)
        if note:
            cell.comment = Comment(note, "tuoyu", width=300, height=120)
        dim = ws.column_dimensions[letter]
        dim.width = _column_width(column)
        # A column style: cells the user types into get it, so codes stay text and dates stay dates.
        if column.kind is Kind.TEXT:
            dim.number_format = TEXT_FORMAT
        elif column.kind is Kind.DATE:
            dim.number_format = DATE_FORMAT
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 30
    _add_validations(wb, ws, sheet, last_row=sheet.max_rows + 1)
    _write_guide(wb.create_sheet(_guide_title()[:31]), sheet)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _column_note(column: Column) -> str:
    parts = [_("必填") if column.required else _("选填"), column.format_text()]
    if column.help:
        parts.append(str(column.help))
    if column.example:
        parts.append(_("示例：%(example)s") % {"example": column.example})
    return "；".join(parts)[:1000]


def _add_validations(wb: Workbook, ws: Any, sheet: Sheet, *, last_row: int) -> None:
    """Dropdowns for columns with choices (inline when short, else from a hidden “选项” sheet).

    Works on normal and write-only workbooks alike (only ``append`` is used on the lists sheet).
    """
    long_lists: list[list[str]] = []
    for index, column in enumerate(sheet.columns, start=1):
        allowed = column.allowed_values()
        if not allowed:
            continue
        inline = ",".join(allowed)
        if len(inline) <= 250 and not any("," in v or '"' in v for v in allowed):
            formula = f'"{inline}"'
        else:
            long_lists.append(allowed)
            letter = get_column_letter(len(long_lists))
            formula = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(allowed)}"
        dv = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=not column.required,
            showErrorMessage=True,
            errorTitle=_("输入值无效")[:32],
            error=(_("请从下拉列表中选择：") + "、".join(allowed))[:255],
            showInputMessage=bool(column.help),
            promptTitle=_header(column)[:32],
            prompt=str(column.help)[:255],
        )
        letter = get_column_letter(index)
        dv.add(f"{letter}2:{letter}{max(last_row, 2)}")
        ws.data_validations.append(dv)
    if long_lists:
        lists_ws = wb.create_sheet(LISTS_SHEET)
        lists_ws.sheet_state = "hidden"
        for r in range(max(len(values) for values in long_lists)):
            lists_ws.append([_safe_text(values[r]) if r < len(values) else None for values in long_lists])


def _write_guide(ws: Any, sheet: Sheet) -> None:
    lines = [
        _guide_title(),
        _("1. 请在“%(sheet)s”工作表中填写，第一行是列名，请勿修改或删除列名。") % {"sheet": sheet.name},
        _("2. 从第二行起每行填写一条记录，每次最多%(n)d行；红色列名为必填项。") % {"n": sheet.max_rows},
        _("3. 代码、证件号码、电话等请按文本填写（模板已将这些列设置为文本格式），不要使用科学计数法。"),
        _("4. 日期请填写为 YYYY-MM-DD（如 2024-03-01）或使用 Excel 日期。"),
        _("5. 全部行通过校验后才会导入；任何一行有错误，都不会导入任何数据，并给出逐行的校验结果。"),
        *(str(x) for x in sheet.instructions),
    ]
    for text in lines:
        ws.append([_safe_text(text)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    headers = [_("列名"), _("是否必填"), _("格式"), _("示例"), _("可选值"), _("说明")]
    ws.append(headers)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    for column in sheet.columns:
        values = [
            _header(column),
            _("必填") if column.required else _("选填"),
            column.format_text(),
            str(column.example or ""),
            "、".join(column.allowed_values()),
            str(column.help or ""),
        ]
        ws.append([_safe_text(v) for v in values])
        for cell in ws[ws.max_row]:
            cell.data_type = "s"  # an example such as "=..." or "#N/A" stays text
            cell.alignment = WRAP
        if column.required:
            ws.cell(row=ws.max_row, column=1).font = REQUIRED_FONT
    for letter, width in zip("ABCDEF", (24, 10, 20, 28, 30, 50), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


# --- reading ---------------------------------------------------------------------------------------


def read_rows(file: bytes | IO[bytes] | str | Path, sheet: Sheet) -> ParseResult:
    """Read an upload against ``sheet``. Never raises on bad input: see :class:`ParseResult`.

    ``file`` is the bytes, a binary file object (a Django ``UploadedFile``) or a path.
    """
    result = ParseResult(sheet=sheet)
    try:
        data = _read_bytes(file, sheet)
        _check_container(data, sheet)
        _read_workbook(data, sheet, result)
    except _FileError as exc:
        result.file_errors.append(str(exc))
        result.rows.clear()
    return result


def _read_bytes(file: bytes | IO[bytes] | str | Path, sheet: Sheet) -> bytes:
    if isinstance(file, bytes | bytearray | memoryview):
        data = bytes(file)
    elif isinstance(file, str | Path):
        with open(file, "rb") as fh:
            data = fh.read(sheet.max_bytes + 1)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(sheet.max_bytes + 1)
    if not data:
        raise _FileError(_("文件为空。"))
    if len(data) > sheet.max_bytes:
        raise _FileError(_("文件过大，上限为 %(limit)s。") % {"limit": _size(sheet.max_bytes)})
    return data


def _check_container(data: bytes, sheet: Sheet) -> None:
    """Refuse what is not an xlsx before openpyxl sees it, including zip bombs.

    An xlsx is a zip of XML parts, and a small upload can declare gigabytes once inflated (openpyxl then
    burns CPU on it, and keeps every shared string in memory even in read-only mode). So, from the zip's
    directory alone: the number of parts, each part's declared size (the shared strings, a worksheet and
    any other part have their own limit), their total, and the compression ratio of large parts. Then
    every part is inflated once through a counting, capped stream (:func:`_inflate_capped`) — the
    directory may lie about sizes — and the shared strings' declared and actual count is held to what
    the sheet's row limit can need. The limits are settings (``XLSX_*`` in settings.py).
    """
    if data.startswith(OLE_MAGIC):
        raise _FileError(
            _(
                "这是旧版 Excel（.xls）文件或设置了密码的文件。请在 Excel 中“另存为”.xlsx 格式（并取消密码）后重新上传。"
            )
        )
    not_xlsx = _("文件不是 Excel 工作簿（.xlsx）。请下载模板，填写后保存为 .xlsx 格式再上传。")
    if not data.startswith(b"PK"):
        raise _FileError(not_xlsx)
    zip_errors = (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        NotImplementedError,
        ValueError,
        OSError,
        EOFError,
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zip_errors:
        raise _FileError(not_xlsx) from None
    with archive:
        entries = archive.infolist()
        names = {e.filename for e in entries}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise _FileError(not_xlsx)
        _check_declared(entries, sheet)
        try:
            for entry in entries:
                _inflate_capped(archive, entry, sheet)
        except zip_errors:
            # A damaged part — or one whose directory entry lies about its size (its CRC then fails).
            raise _FileError(_damaged()) from None


def _damaged() -> str:
    return _("文件已损坏，无法读取。请用 Excel 打开后重新保存为 .xlsx 再上传。")


def _too_big(size: int) -> _FileError:
    return _FileError(_("文件解压后过大（%(size)s），不是正常的填写结果，已拒绝。") % {"size": _size(size)})


def _member_limit(entry: zipfile.ZipInfo) -> int:
    name = entry.filename.lower()
    if name.endswith("sharedstrings.xml"):
        return settings.XLSX_MAX_SHARED_STRINGS_BYTES
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        return settings.XLSX_MAX_SHEET_BYTES
    return settings.XLSX_MAX_PART_BYTES


def _shared_strings_limit(sheet: Sheet) -> int:
    """The shared strings a workbook of this sheet can need: one per cell of the rows allowed (the
    report's result column included), and the template's own (headers, the instructions sheet)."""
    return (sheet.max_rows + 1) * (len(sheet.columns) + 1) + settings.XLSX_SHARED_STRINGS_SLACK


def _check_declared(entries: list[zipfile.ZipInfo], sheet: Sheet) -> None:
    """What the zip's directory declares, before anything is inflated."""
    if len(entries) > settings.XLSX_MAX_MEMBERS:
        raise _FileError(
            _("文件内部结构异常（包含%(n)d个部件），不是正常的 Excel 工作簿，已拒绝。") % {"n": len(entries)}
        )
    total = sum(e.file_size for e in entries)
    if total > min(sheet.max_uncompressed_bytes, settings.XLSX_MAX_TOTAL_BYTES):
        raise _too_big(total)
    for entry in entries:
        if entry.file_size > _member_limit(entry):
            raise _too_big(entry.file_size)
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size >= settings.XLSX_RATIO_FROM_BYTES and ratio > settings.XLSX_MAX_RATIO:
            raise _FileError(
                _("文件压缩比异常（%(ratio)d:1），可能是恶意构造的文件，已拒绝。") % {"ratio": ratio}
            )


SST_TAG_RE = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
SST_COUNT_RE = re.compile(rb"""\b(?:count|uniqueCount)\s*=\s*["'](\d+)["']""")
SI_RE = re.compile(rb"<(?:\w+:)?si[\s>/]")
INFLATE_CHUNK = 256 * 1024
SI_TAG = f"{{{SHEET_MAIN_NS}}}si"
ROW_TAG = f"{{{SHEET_MAIN_NS}}}row"
VALUE_TAG = f"{{{SHEET_MAIN_NS}}}v"
INLINE_STRING_TAG = f"{{{SHEET_MAIN_NS}}}is"


def _inflate_capped(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, sheet: Sheet) -> None:
    """Inflate one part, counting: stop as soon as it passes its limit, whatever its header declared
    (zipfile also stops at the declared size and then fails the CRC check: a lying header is refused
    as damaged). For the shared strings, hold both the declared ``count``/``uniqueCount`` and the
    ``<si>`` elements actually present to the sheet's limit — openpyxl keeps every one in memory."""
    limit = _member_limit(entry)
    strings = entry.filename.lower().endswith("sharedstrings.xml")
    most = _shared_strings_limit(sheet)
    inflated = found = 0
    tail = b""
    with archive.open(entry) as stream:
        while chunk := stream.read(INFLATE_CHUNK):
            inflated += len(chunk)
            if inflated > limit:
                raise _too_big(inflated)
            if not strings:
                continue
            window = tail + chunk
            if not inflated - len(chunk):  # the first chunk holds the root element and its counts
                root = SST_TAG_RE.search(window)
                declared = (
                    max((int(n) for n in SST_COUNT_RE.findall(root.group(0))), default=0) if root else 0
                )
                if declared > most:
                    raise _too_many_strings(declared, most)
            found += sum(1 for m in SI_RE.finditer(window) if m.end() > len(tail))
            if found > most:
                raise _too_many_strings(found, most)
            tail = window[-16:]


def _too_many_strings(n: int, most: int) -> _FileError:
    return _FileError(
        _("文件包含的文字条目过多（%(n)d条，上限%(max)d条），不是正常的填写结果，已拒绝。")
        % {"n": n, "max": most}
    )


class _Reader(ExcelReader):
    """openpyxl's read-only workbook reader with the shared strings read by :func:`_shared_strings`: the same
    strings as openpyxl's ``read_string_table``, in a fifth of the time (a 5,000-row file holds tens of
    thousands of them)."""

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as src:
                self.shared_strings = _shared_strings(src)


def load_workbook(file: IO[bytes], *, read_only: bool, data_only: bool) -> Any:
    """openpyxl's ``load_workbook``, with the faster shared strings (:class:`_Reader`)."""
    reader = _Reader(file, read_only=read_only, data_only=data_only)
    reader.read()
    return reader.wb


def _localname(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _text_content(node: Any) -> str:
    """What openpyxl's ``Text.from_tree(node).content`` gives for an ``<si>`` or ``<is>`` element: the last
    ``<t>`` child's text, then each ``<r>`` run's (last) ``<t>`` text; phonetic runs are left out. Tags are
    matched by local name, as openpyxl does."""
    plain: str | None = None
    runs: list[str] = []
    for child in node:
        name = _localname(child.tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            text = None
            for part in child:
                if _localname(part.tag) == "t":
                    text = part.text
            if text is not None:
                runs.append(text)
    if plain is not None:
        runs.insert(0, plain)
    return "".join(runs)


def _shared_strings(src: IO[bytes]) -> list[str]:
    """The shared strings table, as openpyxl's ``read_string_table`` reads it."""
    strings: list[str] = []
    for _event, node in xml_iterparse(src):
        if node.tag == SI_TAG:
            strings.append(_text_content(node).replace("x005F_", ""))
            node.clear()
    return strings


_COLUMN_SPLIT_RE = re.compile(r"([^0-9]*)(.*)", re.DOTALL)


def _column_index(letters: str, cache: dict[str, int] = {}) -> int:  # noqa: B006 — a memo for the process
    index = cache.get(letters)
    if index is None:
        index = cache[letters] = column_index_from_string(letters)
    return index


def _sheet_rows(
    ws: Any, *, min_row: int, max_row: int | None, max_col: int | None
) -> Iterable[tuple[int, list[Any]]]:
    """The rows of a read-only worksheet as ``ws.iter_rows(min_row=…, max_row=…, max_col=…, values_only=True)``
    gives them (after ``reset_dimensions``) — the same values, cell by cell — but with each row's Excel number
    and without the empty rows openpyxl makes up for rows absent from the file (the caller counts them from
    the numbers). Each row is a list of ``max_col`` values (``None`` for the header: up to the last cell's
    column). Parses the sheet's XML with the same parser and the same conversions as openpyxl's
    ``WorkSheetParser`` (shared strings, inline strings, booleans, error values, cached formula values,
    numbers as int or float, date styles through ``from_excel``), in about a quarter of its time: only the
    rows are looked at, and no per-cell dictionary is made."""
    wb = ws.parent
    strings = ws._shared_strings
    date_formats = wb._date_formats
    timedelta_formats = wb._timedelta_formats
    epoch = wb.epoch
    split = _COLUMN_SPLIT_RE.match
    counter = min_row
    row_counter = 0
    with wb._archive.open(ws._worksheet_path) as src:
        for _event, element in xml_iterparse(src):
            if element.tag != ROW_TAG:
                continue
            number = element.get("r")
            if number is not None:
                try:
                    row_counter = int(number)
                except ValueError:
                    as_float = float(number)
                    if not as_float.is_integer():
                        raise ValueError(f"{number} is not a valid row number") from None
                    row_counter = int(as_float)
            else:
                row_counter += 1
            if max_row is not None and row_counter > max_row:
                break
            if row_counter < counter:  # a row repeated or out of order: openpyxl skips it too
                element.clear()
                continue
            counter = row_counter + 1
            cells: list[tuple[int, Any]] = []
            column = 0
            for cell in element:
                coordinate = cell.get("r")
                if coordinate:
                    letters, digits = split(coordinate).groups()
                    int(digits)  # as openpyxl's coordinate_to_tuple: a malformed reference is damage
                    column = _column_index(letters)
                else:
                    column += 1
                kind = cell.get("t", "n")
                if kind == "inlineStr":
                    child = cell.find(INLINE_STRING_TAG)
                    cells.append((column, _text_content(child) if child is not None else None))
                    continue
                v = cell.find(VALUE_TAG)
                value = v.text if v is not None else None
                if not value:
                    cells.append((column, None))
                    continue
                if kind == "n":
                    value = float(value) if "." in value or "E" in value or "e" in value else int(value)
                    style = cell.get("s", 0)
                    if style:
                        style = int(style)
                    if style in date_formats:
                        try:
                            value = from_excel(value, epoch, timedelta=style in timedelta_formats)
                        except (OverflowError, ValueError):
                            value = "#VALUE!"  # openpyxl's value for a date serial out of range
                elif kind == "s":
                    value = strings[int(value)]
                elif kind == "b":
                    value = bool(int(value))
                elif kind == "d":
                    value = from_ISO8601(value)
                cells.append((column, value))
            element.clear()
            width = max_col if max_col is not None else (cells[-1][0] if cells else 0)
            values: list[Any] = [None] * width
            for index, value in cells:
                if 1 <= index <= width:
                    values[index - 1] = value
            yield row_counter, values


def _read_workbook(data: bytes, sheet: Sheet, result: ParseResult) -> None:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file; all mean the same to the user
        raise _FileError(_("文件已损坏，无法读取。请用 Excel 打开后重新保存为 .xlsx 再上传。")) from None
    try:
        ws = _pick_worksheet(wb, sheet)
        _read_sheet(ws, sheet, result)
    except _FileError:
        raise
    except Exception:  # noqa: BLE001 — rows are parsed lazily, so damage can surface here too
        raise _FileError(_("文件已损坏，无法读取。请用 Excel 打开后重新保存为 .xlsx 再上传。")) from None
    finally:
        wb.close()


def _pick_worksheet(wb: Any, sheet: Sheet) -> Any:
    worksheets = [ws for ws in wb.worksheets if hasattr(ws, "iter_rows")]  # not chart sheets
    for ws in worksheets:
        if ws.title == str(sheet.name):
            return ws
    # Renamed (or written in another UI language): the first visible sheet that is not ours.
    ours = {GUIDE_SHEET, LISTS_SHEET, RESULT_HEADER, _guide_title(), _result_header()}
    for ws in worksheets:
        if ws.title not in ours and ws.sheet_state == "visible":
            return ws
    raise _FileError(_("找不到工作表“%(sheet)s”。请使用下载的模板填写。") % {"sheet": sheet.name})


def _read_sheet(ws: Any, sheet: Sheet, result: ParseResult) -> None:
    row_limit = sheet.max_rows + MAX_BLANK_ROWS + 1
    declared_rows, declared_cols = ws.max_row or 0, ws.max_column or 0
    if declared_rows > min(row_limit, EXCEL_MAX_ROWS) or declared_cols > EXCEL_MAX_COLUMNS:
        raise _FileError(_too_large(declared_rows, declared_cols))
    # The declared dimension may be wrong either way; read by our own bounds instead.
    ws.reset_dimensions()

    header_row = next((values for _n, values in _sheet_rows(ws, min_row=1, max_row=1, max_col=None)), [])
    positions = _match_headers(header_row, sheet)
    result_index = positions.pop(RESULT_KEY, None)
    named = {i for i, v in enumerate(header_row) if _cell_text(v)}
    width = min((max(named) + 1 if named else 0) + EXTRA_COLUMNS_SCANNED, EXCEL_MAX_COLUMNS)
    columns = [
        (c, positions.get(c.key), c.choice_lookup() if c.kind is Kind.TEXT and c.choices else None)
        for c in sheet.columns
    ]
    # Whether a row is empty is decided by the data columns (and stray cells), not the result column.
    checked = [i for i in range(width) if i != result_index]
    unnamed: set[int] = set()

    # Rows absent from the file count as blank rows scanned (the numbers go on), as openpyxl yields them.
    for number, values in _sheet_rows(ws, min_row=2, max_row=None, max_col=width):
        if number - 1 > row_limit:
            raise _FileError(_too_large(row_limit + 2, width))
        filled = [i for i in checked if values[i] is not None and not _is_blank(values[i])]
        if not filled:
            continue
        unnamed.update(i for i in filled if i not in named)
        if len(result.rows) >= sheet.max_rows:
            raise _FileError(
                _("数据行数超过上限：每次最多导入%(max)d行，请分批上传。") % {"max": sheet.max_rows}
            )
        result.rows.append(_parse_row(number, values, columns))
    if unnamed:
        letters = "、".join(get_column_letter(i + 1) for i in sorted(unnamed))
        raise _FileError(_("%(letters)s列有数据但没有列名，请使用下载的模板填写。") % {"letters": letters})
    if not result.rows:
        raise _FileError(_("表格中没有数据：请从第二行起填写，每行一条记录。"))


def _too_large(rows: int, cols: int) -> str:
    return _(
        "工作表范围过大（%(rows)d行 × %(cols)d列）。请删除多余的行和列（包括只设置了格式的空行）后重新上传。"
    ) % {
        "rows": rows,
        "cols": cols,
    }


def _cell_text(value: Any) -> str:
    return "" if value is None else _strip(str(value))


def _match_headers(header_row: Sequence[Any], sheet: Sheet) -> dict[str, int]:
    """Column key → index in the row. A missing, unexpected or repeated header refuses the file."""
    result_headers = {RESULT_HEADER, _result_header()}
    for language, _name in settings.LANGUAGES:  # a report made under another UI language
        with translation.override(language):
            result_headers.add(_result_header())
    by_name: dict[str, Column] = {}
    for column in sheet.columns:
        for name in column.headers_accepted():
            by_name[name] = column
    positions: dict[str, int] = {}
    extra: list[str] = []
    repeated: list[str] = []
    for index, value in enumerate(header_row):
        name = _clean_header(_cell_text(value))
        if not name:
            continue
        if name in result_headers:  # the report's own column, when a corrected report is uploaded
            positions[RESULT_KEY] = index
            continue
        column = by_name.get(name)
        if column is None:
            extra.append(name)
        elif column.key in positions:
            repeated.append(name)
        else:
            positions[column.key] = index
    # RESULT_KEY is never a key
    missing = [_header(c) for c in sheet.columns if c.key not in positions and not c.may_be_absent]
    problems = []
    if missing:
        problems.append(_("缺少列：%(names)s") % {"names": "、".join(missing)})
    if extra:
        problems.append(_("多余列：%(names)s") % {"names": "、".join(extra[:20])})
    if repeated:
        problems.append(_("重复列：%(names)s") % {"names": "、".join(repeated)})
    if problems:
        hint = _("请使用下载的模板，不要修改第一行的列名。")
        raise _FileError("；".join(problems) + "。" + hint)
    return positions


def _parse_row(
    number: int, values: Sequence[Any], columns: list[tuple[Column, int | None, Mapping[str, Any] | None]]
) -> Row:
    row = Row(number=number, values={}, cells={})
    for column, index, allowed in columns:
        raw = values[index] if index is not None else None
        row.cells[column.key] = raw
        try:
            value = _normalise(column, raw, allowed)
            if value is None:
                if column.required:
                    raise ValidationError(_("必填"))
            else:
                value = column.parse(value)
        except (ValidationError, DomainError) as exc:
            row.errors.append(CellError(column.key, _header(column), _messages(exc)))
            value = None
        row.values[column.key] = value
    return row


# --- row errors (core.imports reports through this) -------------------------------------------------------------------------------------


def _add_validation_error(result: ParseResult, row: Row, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            key = None if name == NON_FIELD_ERRORS else name
            for message in errors:
                result.add_error(row, key, message)
    else:
        for message in exc.messages:
            result.add_error(row, None, message)


# --- writing: report and export ----------------------------------------------------------------------


def report_workbook(result: ParseResult) -> bytes:
    """The uploaded rows with a “校验结果” column (✓ or the messages) and the bad cells highlighted.

    The user corrects it and uploads it again as it is: the result column is ignored on reading.
    """
    sheet = result.sheet
    wb = Workbook(write_only=True)
    if result.file_errors:
        errors_ws = wb.create_sheet(_result_header()[:31])
        errors_ws.column_dimensions["A"].width = 100
        errors_ws.append([_text_cell(errors_ws, _("文件未通过校验，未导入任何数据："), font=HEADER_FONT)])
        for message in result.file_errors:
            errors_ws.append([_text_cell(errors_ws, message, alignment=WRAP)])
    ws = wb.create_sheet(str(sheet.name))
    _prepare_columns(ws, sheet, extra_width=60)
    ws.append(_header_cells(ws, sheet, with_result=True))
    for row in result.rows:
        bad = {e.key for e in row.errors}
        cells = []
        for column in sheet.columns:
            cell = _value_cell(ws, column, row.cells.get(column.key), raw=True)
            if column.key in bad:
                cell.fill = ERROR_FILL
                cell.font = ERROR_FONT
            cells.append(cell)
        if row.ok:
            cells.append(_text_cell(ws, RESULT_OK))
        else:
            cells.append(_text_cell(ws, row.message(), font=ERROR_FONT, alignment=WRAP))
        ws.append(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_workbook(sheet: Sheet, rows: Iterable[dict[str, Any]]) -> bytes:
    """Rows (dicts keyed by column key) in the template's layout, streamed through a write-only book.

    Each value goes through the column's ``format`` (the inverse of ``parse``) when it has one, so
    the file can be edited and imported again.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(sheet.name))
    _prepare_columns(ws, sheet)
    ws.append(_header_cells(ws, sheet, with_result=False))
    count = 0
    for item in rows:
        cells = []
        for column in sheet.columns:
            value = item.get(column.key)
            if column.format is not None and value is not None:
                value = column.format(value)
            cells.append(_value_cell(ws, column, value, raw=False))
        ws.append(cells)
        count += 1
    _add_validations(wb, ws, sheet, last_row=max(count + 1, sheet.max_rows + 1))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _prepare_columns(ws: Any, sheet: Sheet, *, extra_width: float | None = None) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = _column_width(column)
    if extra_width:
        ws.column_dimensions[get_column_letter(len(sheet.columns) + 1)].width = extra_width
    ws.freeze_panes = "A2"


def _header_cells(ws: Any, sheet: Sheet, *, with_result: bool) -> list[WriteOnlyCell]:
    cells = [
        _text_cell(ws, _header(c), font=REQUIRED_FONT if c.required else HEADER_FONT, fill=HEADER_FILL)
        for c in sheet.columns
    ]
    if with_result:
        cells.append(_text_cell(ws, _result_header(), font=HEADER_FONT, fill=HEADER_FILL))
    return cells


def _value_cell(ws: Any, column: Column, value: Any, *, raw: bool) -> WriteOnlyCell:
    """A cell for ``value``: text as text, dates as dates, booleans as 是/否."""
    if value is None:
        cell = WriteOnlyCell(ws, value=None)
    elif isinstance(value, str):
        cell = _text_cell(ws, value)
    elif isinstance(value, bool):
        cell = _text_cell(ws, _("是") if value else _("否"))
    elif isinstance(value, dt.datetime | dt.date):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT if column.kind is Kind.DATE else "yyyy-mm-dd hh:mm"
        return cell
    elif isinstance(value, int | float | Decimal):
        if column.kind is Kind.TEXT and not raw:
            cell = _text_cell(ws, str(value))
        else:
            cell = WriteOnlyCell(ws, value=value)
            return cell
    elif isinstance(value, dt.time | dt.timedelta):
        cell = _text_cell(ws, str(value))
    else:
        cell = _text_cell(ws, str(value))
    if column.kind is Kind.TEXT:
        cell.number_format = TEXT_FORMAT
    return cell
