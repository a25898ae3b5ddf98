"""The auditor's view of the trail: search and CSV export (the export is itself audited). Actions read by
their label, with the code beside it (tuoyu.audit.registry)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from tuoyu.audit import registry, selectors
from tuoyu.audit.forms import EventFilterForm
from tuoyu.audit.models import Event
from tuoyu.audit.services import audit_record
from tuoyu.core.exports import csv_lines, spreadsheet_safe
from tuoyu.core.scoping import scope_filter

CSV_COLUMNS = [
    "id",
    "at",
    "actor_username",
    "ip",
    "action",
    "action_label",  # what the action is called, in the language of the one exporting
    "object_type",
    "object_id",
    "outcome",
    "before",
    "after",
    "detail",
    "prev_hash",
    "hash",
    "mac_key",  # which audit key the hash is a MAC under (empty: plain SHA-256, from before keyed hashes)
]


def _require(request: HttpRequest, action: str) -> None:
    if scope_filter(request.user, action, Event) is None:
        raise Http404


def _render_events(request: HttpRequest, form: EventFilterForm, *, status: int = 200) -> HttpResponse:
    # A search the form refuses lists nothing (not everything), with the errors next to its fields.
    qs = selectors.event_list(viewer=request.user, filters=form.cleaned_data)
    if form.errors:
        qs = qs.none()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "audit/_events_table.html" if request.htmx else "audit/events.html"
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()}, status=status)


@require_safe  # the trail is read-only here: nothing but GET and HEAD
@login_required
def events(request: HttpRequest) -> HttpResponse:
    _require(request, "view")
    form = EventFilterForm(request.GET)
    form.is_valid()
    return _render_events(request, form)


JSON_COLUMNS = {"before", "after", "detail"}


def _cell(event: Event, column: str, labels: dict[str, str]) -> str:
    if column == "action_label":
        return labels.get(event.action, "")
    value: Any = getattr(event, column)
    if column == "at":
        return value.isoformat()
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True) if column in JSON_COLUMNS else str(value)
    # Usernames as typed at a failed login end up here: never let a spreadsheet run one as a formula.
    return spreadsheet_safe(text)


@require_safe
@login_required
def events_export(request: HttpRequest) -> HttpResponse:
    _require(request, "export")
    form = EventFilterForm(request.GET)
    if not form.is_valid():
        # Never fall back to exporting everything because the filter was mistyped.
        return _render_events(request, form, status=400)
    filters = form.cleaned_data
    qs = selectors.event_list(viewer=request.user, filters=filters, action="export")
    audit_record("audit.export", object_type="audit.event", detail={"filters": filters, "rows": qs.count()})
    # Labels now, in the request's language: the rows are written after the view has returned.
    labels = registry.labels()
    rows = ([_cell(e, c, labels) for c in CSV_COLUMNS] for e in qs.iterator(chunk_size=2000))
    response = StreamingHttpResponse(csv_lines(CSV_COLUMNS, rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response
