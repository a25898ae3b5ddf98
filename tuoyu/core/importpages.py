"""The web side of an Excel import (see core/excel.py): the spreadsheet download, and the failed import's
row report kept in the session until the user downloads it. Every import page uses these."""

from __future__ import annotations

import base64
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from tuoyu.core.excel import report_workbook

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
