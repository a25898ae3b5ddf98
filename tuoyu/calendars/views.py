"""Holiday-table pages: the system admin enters and publishes each year's schedule; regulators read it.
Everyone else gets 404, the same as a page that does not exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.calendars import selectors, services
from tuoyu.calendars.forms import DateForm, ImportForm, PublishForm
from tuoyu.calendars.models import FIRST_YEAR, LAST_YEAR
from tuoyu.core.errors import DomainError


def _require_editor(request: HttpRequest) -> None:
    if not selectors.calendar_editor(viewer=request.user):
        raise Http404


def _add_error(form: forms.Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def calendar_index(request: HttpRequest) -> HttpResponse:
    rows = selectors.year_rows(viewer=request.user)
    wanted = request.GET.get("year", "").strip()
    if wanted:
        if wanted.isdigit() and FIRST_YEAR <= int(wanted) <= LAST_YEAR:
            return redirect("calendars:year", year=int(wanted))
        messages.error(
            request, _("年份须在%(first)d年至%(last)d年之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    context = {
        "rows": rows,
        "unknown_years": selectors.unknown_upcoming_years(rows=rows),
        "can_edit": selectors.calendar_editor(viewer=request.user),
        "next_year": dt.date.today().year + 1,
    }
    return render(request, "calendars/index.html", context)


def _year_page(request: HttpRequest, year: int, **forms_: Any) -> HttpResponse:
    row, dates, builtin = selectors.year_get(viewer=request.user, year=year)
    context = {
        "row": row,
        "dates": dates,
        "builtin": builtin,
        "unknown_years": selectors.unknown_upcoming_years(),
        "can_edit": selectors.calendar_editor(viewer=request.user),
        "date_form": forms_.get("date_form") or DateForm(),
        "import_form": forms_.get("import_form") or ImportForm(),
        "publish_form": forms_.get("publish_form") or PublishForm(),
        "import_errors": forms_.get("import_errors") or [],
    }
    return render(request, "calendars/year.html", context)


@login_required
def year_detail(request: HttpRequest, year: int) -> HttpResponse:
    return _year_page(request, year)


@login_required
@require_POST
def date_add(request: HttpRequest, year: int) -> HttpResponse:
    _require_editor(request)
    form = DateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if data["date"].year != year:
            form.add_error("date", _("日期须在%(year)d年内。") % {"year": year})
        else:
            try:
                services.holiday_date_add(by=request.user, **data)
            except DomainError as exc:
                _add_error(form, exc)
            else:
                messages.success(request, _("已录入 %(date)s。") % {"date": data["date"]})
                return redirect("calendars:year", year=year)
    return _year_page(request, year, date_form=form)


@login_required
@require_POST
def date_remove(request: HttpRequest, year: int, date_id: int) -> HttpResponse:
    _require_editor(request)
    services.holiday_date_remove(by=request.user, date_id=date_id)
    messages.success(request, _("已删除该日期。"))
    return redirect("calendars:year", year=year)


@login_required
@require_POST
def year_import(request: HttpRequest, year: int) -> HttpResponse:
    _require_editor(request)
    form = ImportForm(request.POST)
    errors: list[services.LineError] = []
    if form.is_valid():
        try:
            result = services.holiday_import(by=request.user, year=year, **form.cleaned_data)
        except services.ImportRefused as exc:
            form.add_error("text", exc.message)
            errors = exc.errors
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(
                request,
                _("已导入%(created)d个日期（替换%(replaced)d个）。")
                % {"created": result.created, "replaced": result.replaced},
            )
            return redirect("calendars:year", year=year)
    return _year_page(request, year, import_form=form, import_errors=errors)


@login_required
@require_POST
def year_publish(request: HttpRequest, year: int) -> HttpResponse:
    _require_editor(request)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.holiday_year_publish(by=request.user, year=year, source=form.cleaned_data["source"])
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("%(year)d年节假日安排已发布，期限按此计算。") % {"year": year})
            return redirect("calendars:year", year=year)
    return _year_page(request, year, publish_form=form)
