"""The web side of an Excel import (see core/excel.py and core/imports.py): the one upload page
(``import_page``), the spreadsheet download, and the failed import's row report kept in the session until the
user downloads it. Every import page uses these; the views only say who may import and into what."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tuoyu.core.excel import ImportOutcome, Sheet, report_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """A workbook as a download, named in Chinese (RFC 6266 filename*), never sniffed as something else."""
    from tuoyu.core.downloads import content_disposition

    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(filename, as_attachment=True)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def keep_report(request: HttpRequest, key: str, outcome: Any) -> bool:
    """After an import: forget the previous report; if this one failed with rows to show, keep its row report
    under ``key`` for ``report_response``. Returns whether there is a report to download."""
    request.session.pop(key, None)
    if outcome.committed or not outcome.result.rows:
        return False
    request.session[key] = base64.b64encode(report_workbook(outcome.result)).decode()
    return True


def report_response(request: HttpRequest, key: str, filename: str) -> HttpResponse:
    """The kept row report as a download; 404 when there is none."""
    report = request.session.get(key)
    if not report:
        raise Http404
    return xlsx_response(base64.b64decode(report), filename)


def import_page(
    request: HttpRequest,
    *,
    template: str,
    sheet: Sheet,
    report_key: str,
    run: Callable[[Any], ImportOutcome],
    context: Mapping[str, Any] | None = None,
    after: Callable[[ImportOutcome], Mapping[str, Any]] | None = None,
    render_page: Callable[[HttpRequest, str, dict[str, Any]], HttpResponse] = render,
    missing_message: str | None = None,
) -> HttpResponse:
    """The upload page of an import. GET: the form. POST: ``run(upload)`` imports the file all or nothing (the
    service writes the rows and the file-level audit event in one transaction); the page shows the outcome,
    and a failed file's row report is kept for download (``report_response``). A missing or oversized file
    is refused beside the field (``file_error``) and runs nothing. ``after(outcome)`` adds to the context of
    a committed import; ``render_page`` renders (an admin's page with its institution header, say)."""
    page: dict[str, Any] = dict(context or {})
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            page["file_error"] = missing_message or _("请选择要上传的Excel文件（.xlsx）。")
        elif upload.size is not None and upload.size > sheet.max_bytes:
            page["file_error"] = _("文件过大。")
        else:
            outcome = run(upload)
            page["outcome"] = outcome
            if outcome.committed and after is not None:
                page.update(after(outcome))
            page["has_report"] = keep_report(request, report_key, outcome)
    return render_page(request, template, page)
