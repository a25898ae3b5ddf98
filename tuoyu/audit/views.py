"""The auditor's view of the trail: search and CSV export (the export is itself audited)."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from tuoyu.audit import selectors
from tuoyu.audit.forms import EventFilterForm
from tuoyu.audit.models import Event
from tuoyu.audit.services import audit_record
from tuoyu.core.scoping import scope_filter

CSV_COLUMNS = [
    "id",
    "at",
    "actor_username",
    "ip",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "before",
    "after",
    "detail",
    "prev_hash",
    "hash",
]


def _require(request: HttpRequest, action: str) -> None:
    if scope_filter(request.user, action, Event) is None:
        raise Http404


@login_required
def events(request: HttpRequest) -> HttpResponse:
    _require(request, "view")
    form = EventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.event_list(viewer=request.user, filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "audit/_events_table.html" if request.htmx else "audit/events.html"
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def events_export(request: HttpRequest) -> HttpResponse:
    _require(request, "export")
    form = EventFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.event_list(viewer=request.user, filters=filters, action="export")
    audit_record("audit.export", object_type="audit.event", detail={"filters": filters, "rows": qs.count()})
    writer = csv.writer(_Echo())

    def rows():  # noqa: ANN202
        yield "\ufeff"  # BOM so Excel opens the Chinese text as UTF-8
        yield writer.writerow(CSV_COLUMNS)
        for e in qs.iterator(chunk_size=2000):
            yield writer.writerow([getattr(e, c) if c != "at" else e.at.isoformat() for c in CSV_COLUMNS])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
