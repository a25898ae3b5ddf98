"""Public disclosure pages (信息公示): the list of filed institutions, one institution, its QR code, and the
list as open data (CSV, JSON). No login: anonymous visitors and signed-in users see the same."""

from __future__ import annotations

import functools
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tuoyu.core.documents import qr_data_uri, qr_png
from tuoyu.core.exports import csv_lines
from tuoyu.core.lists import BoundList
from tuoyu.core.problems import problem_response
from tuoyu.disclosure import selectors
from tuoyu.disclosure.lists import PUBLIC
from tuoyu.fees import selectors as fee_selectors
from tuoyu.filings.selectors import published_notices
from tuoyu.institutions.models import ServiceType


def _bound(request: HttpRequest) -> BoundList:
    """The public list for the request's filters (disclosure.lists: one FilterSet for page, downloads and API)."""
    return PUBLIC.bind(request.GET, selectors.public_institutions())


def _region_options(selected: Any) -> list[tuple[str, str, bool]]:
    """(code, indented name, selected) for the region filter: some 300 options, built once here."""
    regions = selectors.filter_regions()
    indent = {"street": "\u3000\u3000", "county": "\u3000", "functional_zone": "\u3000"}
    return [(r.code, indent.get(r.level, "") + r.name, r.code == selected) for r in regions]


@require_safe
def institution_list(request: HttpRequest) -> HttpResponse:
    """The page, or only its results for an htmx request; a filter it refuses lists nothing (never everything),
    with the message next to its field (400)."""
    bound = _bound(request)
    form = bound.form
    context = {
        # A callable: the template calls it for the whole page; the htmx refresh (the results) never reads it
        # and so costs no region queries.
        "region_options": functools.partial(_region_options, form["region"].value()),
        "select_fields": [form[name] for name in ("service_type", "kind", "affordable", "sort")],
    }
    return bound.render(request, "disclosure/list.html", context)


@require_safe
def institution_detail(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = selectors.public_institution_get(institution_id=institution_id)
    record = selectors.public_record(institution)
    url = request.build_absolute_uri(reverse("disclosure:detail", kwargs={"institution_id": institution.pk}))
    context = {
        "record": record,
        "services": [ServiceType(v).label for v in record.service_types],
        "fees": fee_selectors.current_schedule(institution=institution),
        "notices": list(published_notices(institution)),
        "qr_image": qr_data_uri(url),
        "page_url": url,
    }
    return render(request, "disclosure/detail.html", context)


@require_safe
def institution_qr(request: HttpRequest, institution_id: int) -> HttpResponse:
    institution = selectors.public_institution_get(institution_id=institution_id)
    url = request.build_absolute_uri(reverse("disclosure:detail", kwargs={"institution_id": institution.pk}))
    response = HttpResponse(qr_png(url), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="institution-{institution.pk}-qr.png"'
    return response


@require_safe
def institutions_csv(request: HttpRequest) -> HttpResponse:
    bound = _bound(request)
    if not bound.valid:
        return institution_list(request)  # the page, with the message next to the field (400)
    rows = (selectors.csv_row(r) for r in selectors.iter_public_records(bound.qs))
    response = StreamingHttpResponse(
        csv_lines(selectors.CSV_COLUMNS, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="institutions.csv"'
    return response


def _form_problem(bound: BoundList) -> HttpResponse:
    errors = [
        {"field": name, "code": e.code or "invalid", "message": " ".join(e.messages)}
        for name, errs in bound.form.errors.as_data().items()
        for e in errs
    ]
    return problem_response(
        422, _("输入有误"), _("请求中有字段未通过校验。"), errors=errors, code="validation"
    )


@require_safe
def institutions_json(request: HttpRequest) -> HttpResponse:
    bound = _bound(request)
    if not bound.valid:
        return _form_problem(bound)
    items = [selectors.json_record(r) for r in selectors.iter_public_records(bound.qs)]
    body = {
        "schema_version": selectors.SCHEMA_VERSION,
        "generated_at": timezone.now().isoformat(),
        "count": len(items),
        "items": items,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, cls=DjangoJSONEncoder),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="institutions.json"'
    return response
