"""Writes to the holiday table. Only the system admin changes it; each write is one audited transaction.

The usual yearly task: the State Council publishes next year's schedule (usually in November); the system
admin pastes its dates (one ``YYYY-MM-DD,kind,name`` line each), checks the year page, and publishes it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import User
from tuoyu.audit.services import audit_record
from tuoyu.calendars.models import FIRST_YEAR, LAST_YEAR, DayKind, HolidayDate, HolidayYear
from tuoyu.core import scoping
from tuoyu.core.errors import DomainError, PermissionDenied

NAME_MAX = 50
SOURCE_MAX = 200
IMPORT_MAX_LINES = 200
# Accepted spellings of a kind in pasted lines: the codes, and the words of the State Council's notices.
KIND_WORDS = {
    "holiday": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
    "调休": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class LineError:
    line: int
    text: str
    message: str


class ImportRefused(DomainError):
    """A pasted schedule with at least one bad line: nothing was saved; ``errors`` says which and why."""

    status = 422

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__(
            "holiday_import_invalid",
            _("有%(count)d行未通过校验，未导入任何日期。") % {"count": len(errors)},
            field="text",
        )
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    holiday_year: HolidayYear
    created: int
    replaced: int


def _require_admin(by: User) -> None:
    if scoping.scope_filter(by, "change", HolidayYear) is None:
        raise PermissionDenied("not_calendar_admin", _("只有系统管理员可以维护节假日安排。"))


def _check_year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(
            "year_out_of_range",
            _("年份须在%(first)d年至%(last)d年之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field="year",
        )
    return year


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", _("请填写节日名称。"), field="name")
    if len(name) > NAME_MAX or _CONTROL.search(name):
        raise DomainError(
            "name_invalid", _("节日名称须为%(max)d个字以内的文字。") % {"max": NAME_MAX}, field="name"
        )
    return name


def _check_kind(date: dt.date, kind: str) -> str:
    if kind not in DayKind.values:
        raise DomainError("kind_invalid", _("类型须为放假或调休上班。"), field="kind")
    if kind == DayKind.WORKDAY and date.weekday() < 5:
        raise DomainError(
            "workday_on_weekday",
            _("%(date)s是工作日，调休上班日须为周六或周日。") % {"date": date},
            field="date",
        )
    return kind


def _year_for_update(year: int) -> HolidayYear:
    holiday_year, _created = HolidayYear.objects.select_for_update().get_or_create(year=year)
    return holiday_year


def _snapshot(day: HolidayDate) -> dict[str, str]:
    return {"date": day.date.isoformat(), "kind": day.kind, "name": day.name}


@transaction.atomic
def holiday_date_add(*, by: User, date: dt.date, kind: str, name: str) -> HolidayDate:
    """Add one day to its year's schedule (the year is created as a draft when it is new)."""
    _require_admin(by)
    _check_year(date.year)
    kind = _check_kind(date, kind)
    name = _clean_name(name)
    holiday_year = _year_for_update(date.year)
    if HolidayDate.objects.filter(date=date).exists():
        raise DomainError(
            "date_exists", _("%(date)s已录入，请先删除再重新录入。") % {"date": date}, field="date"
        )
    day = HolidayDate(holiday_year=holiday_year, date=date, kind=kind, name=name)
    day.full_clean(validate_unique=False)
    try:
        with (
            transaction.atomic()
        ):  # writers of one year are serialised by the year's row lock; belt and braces
            day.save()
    except IntegrityError as exc:
        raise DomainError("date_exists", _("%(date)s已录入。") % {"date": date}, field="date") from exc
    audit_record(
        "holiday_date.add",
        obj=day,
        actor=by,
        after=_snapshot(day),
        detail={"year": holiday_year.year, "published": holiday_year.published},
    )
    return day


@transaction.atomic
def holiday_date_remove(*, by: User, date_id: int) -> HolidayYear:
    """Remove one day from the table; a published year's deadlines change at once (the event says so)."""
    _require_admin(by)
    day = scoping.get_scoped_or_404(
        by, "change", HolidayDate.objects.select_for_update().select_related("holiday_year"), pk=date_id
    )
    holiday_year = day.holiday_year
    before = _snapshot(day)
    day.delete()
    audit_record(
        "holiday_date.remove",
        object_type="calendars.holidaydate",
        object_id=date_id,
        actor=by,
        before=before,
        detail={"year": holiday_year.year, "published": holiday_year.published},
    )
    return holiday_year


def _parse_date(text: str) -> dt.date | None:
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


@dataclass(frozen=True)
class ScheduleRow:
    line: int
    text: str
    date: dt.date
    kind: str
    name: str


def parse_schedule(text: str, *, year: int) -> tuple[list[ScheduleRow], list[LineError]]:
    """Lines ``2027-01-01,holiday,元旦`` → (rows, errors). Blank lines and ``#`` comments are skipped;
    full-width commas and tabs separate too; kinds may be written 放假 / 调休上班."""
    rows: list[ScheduleRow] = []
    errors: list[LineError] = []
    seen: dict[dt.date, int] = {}
    lines = (text or "").splitlines()
    if len(lines) > IMPORT_MAX_LINES:
        return [], [LineError(0, "", _("一次最多导入%(max)d行。") % {"max": IMPORT_MAX_LINES})]
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        shown = _CONTROL.sub("", line)[:100]
        parts = [p.strip() for p in re.split(r"[,，\t]", line)]
        message = ""
        if len(parts) != 3:
            message = _("每行应为“日期,类型,名称”三项，如 2027-01-01,holiday,元旦。")
        elif (date := _parse_date(parts[0])) is None:
            message = _("日期“%(text)s”无法识别，应为YYYY-MM-DD。") % {
                "text": _CONTROL.sub("", parts[0])[:20]
            }
        elif date.year != year:
            message = _("%(date)s不在%(year)d年。") % {"date": date, "year": year}
        elif (kind := KIND_WORDS.get(parts[1].lower())) is None:
            message = _("类型“%(text)s”无法识别，应为holiday（放假）或workday（调休上班）。") % {
                "text": _CONTROL.sub("", parts[1])[:20]
            }
        elif date in seen:
            message = _("%(date)s与第%(line)d行重复。") % {"date": date, "line": seen[date]}
        else:
            try:
                _check_kind(date, kind)
                name = _clean_name(parts[2])
            except DomainError as exc:
                message = exc.message
        if message:
            errors.append(LineError(number, shown, message))
            continue
        seen[date] = number
        rows.append(ScheduleRow(number, shown, date, kind, name))
    if not rows and not errors:
        errors.append(LineError(0, "", _("没有可导入的日期。")))
    return rows, errors


@transaction.atomic
def holiday_import(*, by: User, year: int, text: str, replace: bool = False) -> ImportResult:
    """Import a year's schedule from pasted lines, all or nothing.

    With ``replace`` the year's existing dates are removed first (to re-enter a corrected schedule);
    without it a date already in the table is an error on its line. Any error refuses the whole paste
    with a line-by-line report (``ImportRefused``) and nothing is saved.
    """
    _require_admin(by)
    _check_year(year)
    rows, errors = parse_schedule(text, year=year)
    holiday_year = _year_for_update(year)
    if not replace:
        existing = set(
            HolidayDate.objects.filter(date__in=[r.date for r in rows]).values_list("date", flat=True)
        )
        errors += [
            LineError(
                r.line, r.text, _("%(date)s已录入；如需整体替换请勾选“替换已录入日期”。") % {"date": r.date}
            )
            for r in rows
            if r.date in existing
        ]
    if errors:
        raise ImportRefused(sorted(errors, key=lambda e: e.line))  # rolls back the new year row too
    replaced = 0
    if replace:
        replaced, _detail = holiday_year.dates.all().delete()
    HolidayDate.objects.bulk_create(
        [HolidayDate(holiday_year=holiday_year, date=r.date, kind=r.kind, name=r.name) for r in rows]
    )
    audit_record(
        "holiday_year.import",
        obj=holiday_year,
        actor=by,
        after={"dates": [{"date": r.date.isoformat(), "kind": r.kind, "name": r.name} for r in rows]},
        detail={"created": len(rows), "replaced": replaced, "published": holiday_year.published},
    )
    return ImportResult(holiday_year=holiday_year, created=len(rows), replaced=replaced)


@transaction.atomic
def holiday_year_publish(*, by: User, year: int, source: str) -> HolidayYear:
    """Publish a year: from now on deadlines touching it are exact, counted with the table's dates."""
    _require_admin(by)
    _check_year(year)
    source = (source or "").strip()
    if not source:
        raise DomainError(
            "source_required",
            _("请填写依据（通知名称与文号），如“国务院办公厅关于2027年部分节假日安排的通知”。"),
            field="source",
        )
    if len(source) > SOURCE_MAX or _CONTROL.search(source):
        raise DomainError(
            "source_invalid", _("依据须为%(max)d个字以内的文字。") % {"max": SOURCE_MAX}, field="source"
        )
    holiday_year = HolidayYear.objects.select_for_update().filter(year=year).first()
    if holiday_year is None or not holiday_year.dates.exists():
        raise DomainError(
            "year_empty", _("%(year)d年尚未录入任何日期，不能发布。") % {"year": year}, field="year"
        )
    if holiday_year.published:
        raise DomainError("year_published", _("%(year)d年已发布。") % {"year": year}, field="year")
    holiday_year.published = True
    holiday_year.source = source
    holiday_year.published_at = timezone.now()
    holiday_year.published_by = by
    holiday_year.full_clean()
    holiday_year.save()
    audit_record(
        "holiday_year.publish",
        obj=holiday_year,
        actor=by,
        after={"year": year, "source": source, "dates": holiday_year.dates.count()},
    )
    return holiday_year
