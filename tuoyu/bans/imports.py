"""Importing bans from Excel (.xlsx) or CSV (same columns, UTF-8 with or without BOM): all or nothing.

Each row goes through the same validation (``services._clean``) as the form; the whole file is one transaction
(``tuoyu.core.imports``) holding the bans, their audit events, the sweep for people employed now (its alerts)
and the file-level ``bans.import`` event — a failure of any of them imports nothing.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.bans import services
from tuoyu.bans.actions import AuditAction
from tuoyu.bans.models import BanScope
from tuoyu.core import excel
from tuoyu.core.excel import Column, ImportOutcome, Kind, ParseResult, Row, Sheet
from tuoyu.core.imports import SpreadsheetImport
from tuoyu.core.validators import validate_id_number
from tuoyu.regions.models import Region

MAX_CSV_BYTES = 5 * 1024 * 1024


_SCOPE_LABELS: dict[str | None, dict[str, str]] = {}


def _scope_labels() -> dict[str, str]:
    """The scopes by label in the active language, worked out once per language (not once per row)."""
    language = translation.get_language()
    labels = _SCOPE_LABELS.get(language)
    if labels is None:
        labels = _SCOPE_LABELS[language] = {str(c.label): c.value for c in BanScope}
    return labels


def _scope(cell: Any) -> str:
    text = str(cell).strip()
    if text in BanScope.values:
        return text
    by_label = _scope_labels()
    if text in by_label:
        return by_label[text]
    raise ValidationError(_("应为以下之一：%(choices)s") % {"choices": "、".join(by_label)}, code="choice")


def _id_number(cell: Any) -> str:
    return validate_id_number(str(cell))


BAN_SHEET = Sheet(
    name="禁入名单",
    max_rows=2000,
    columns=[
        Column("name", gettext_lazy("姓名"), required=True, max_length=50, example="张三"),
        Column(
            "id_number",
            gettext_lazy("身份证号"),
            required=True,
            max_length=30,
            parse=_id_number,
            help=gettext_lazy("18位居民身份证号，请以文本格式填写"),
        ),
        Column("reason", gettext_lazy("禁入事由"), required=True, max_length=2000),
        Column("decision_authority", gettext_lazy("决定机关"), required=True, max_length=100),
        Column("decision_number", gettext_lazy("决定文号"), required=True, max_length=100),
        Column(
            "decision_date", gettext_lazy("决定日期"), required=True, kind=Kind.DATE, example="2026-03-02"
        ),
        Column(
            "scope",
            gettext_lazy("禁入范围"),
            required=True,
            choices=BanScope.choices,
            parse=_scope,
        ),
    ],
)


def read_csv(data: bytes) -> ParseResult:
    """The CSV counterpart of ``excel.read_rows``: same headers, same cell checks, never raises."""
    result = ParseResult(sheet=BAN_SHEET)
    if len(data) > MAX_CSV_BYTES:
        result.file_errors.append(_("文件过大：CSV文件不能超过5MB。"))
        return result
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.file_errors.append(_("CSV文件应为UTF-8编码（可带BOM），请另存为“CSV UTF-8”后重新上传。"))
        return result
    if "\x00" in text:
        result.file_errors.append(_("文件不是CSV文本文件。"))
        return result
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        result.file_errors.append(_("CSV文件格式错误，无法读取。"))
        return result
    if not lines:
        result.file_errors.append(_("表格中没有数据：请从第二行起填写，每行一条记录。"))
        return result
    header = lines[0]
    try:
        positions = excel._match_headers(header, BAN_SHEET)
    except excel._FileError as exc:
        result.file_errors.append(str(exc))
        return result
    positions.pop(excel.RESULT_KEY, None)
    columns = [(c, positions[c.key], c.choice_lookup() if c.choices else None) for c in BAN_SHEET.columns]
    width = len(header)
    for number, values in enumerate(lines[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > width and any(v.strip() for v in values[width:]):
            result.rows.append(excel.Row(number=number, values={}, cells={}))
            result.add_error(result.rows[-1], None, _("该行的列数多于表头，请检查逗号。"))
            continue
        padded = list(values) + [None] * (width - len(values))
        if len(result.rows) >= BAN_SHEET.max_rows:
            result.file_errors.append(
                _("数据行数超过上限：每次最多导入%(max)d行，请分批上传。") % {"max": BAN_SHEET.max_rows}
            )
            result.rows = []
            return result
        result.rows.append(excel._parse_row(number, padded, columns))
    if not result.rows:
        result.file_errors.append(_("表格中没有数据：请从第二行起填写，每行一条记录。"))
    return result


def read_upload(*, filename: str, data: bytes) -> ParseResult:
    if filename.lower().endswith(".csv"):
        return read_csv(data)
    return excel.read_rows(data, BAN_SHEET)


class BanImport(SpreadsheetImport[dict[str, Any]]):
    """Bans for the keeper's city (see tuoyu.core.imports): each row through the service's own ``_clean``,
    then all of them through ``ban_create_many`` in the import's transaction."""

    sheet = BAN_SHEET
    audit_action = AuditAction.IMPORT
    unique_within_file = [("id_number", "decision_number")]

    def __init__(self, *, by: Any, city: Region) -> None:
        super().__init__(by=by)
        self.city = city

    def read(self, file: Any, filename: str) -> ParseResult:
        return read_upload(filename=filename, data=file if isinstance(file, bytes) else file.read())

    def check(self, rows: list[Row]) -> list[dict[str, Any] | None]:
        plans = self.each(rows, lambda row: services._clean(_ban_data(row)))
        # A ban the city already holds under the same decision is refused as the form refuses it.
        cleaned = [position for position, plan in enumerate(plans) if plan is not None]
        duplicates = services.already_recorded(self.city, [plans[position] for position in cleaned])
        for i, ban in duplicates.items():
            position = cleaned[i]
            self.reject(rows[position], "decision_number", services.duplicate_message(ban))
            plans[position] = None
        return plans

    def write(self, plans: list[tuple[Row, dict[str, Any]]]) -> None:
        services.ban_create_many(by=self.by, city=self.city, values=[values for _row, values in plans])

    def audit_target(self) -> dict[str, Any]:
        return {"object_type": "bans.ban"}


def _ban_data(row: Row) -> services.BanData:
    return services.BanData(**{k: row.values[k] for k in services.BanData.__dataclass_fields__})


def ban_import(*, by: Any, filename: str, data: bytes, region: Region | None = None) -> ImportOutcome:
    """Import a file of bans for the user's city. Any bad row (or a file-level problem) imports nothing."""
    city = services._city_for(by, region)
    return BanImport(by=by, city=city).run(data, filename=filename)
