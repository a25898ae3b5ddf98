"""Public disclosure pages (信息公示): the list of filed institutions, one institution, its QR code, and the
list as open data (CSV, JSON). No login: anonymous visitors and signed-in users see the same."""

from __future__ import annotations

import json
from typing import Any

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tuoyu.core.documents import qr_data_uri, qr_png
from tuoyu.core.exports import csv_lines
from tuoyu.core.problems import problem_response
from tuoyu.disclosure import selectors
from tuoyu.disclosure.forms import PublicFilterForm
from tuoyu.fees import selectors as fee_selectors
from tuoyu.filings.selectors import published_notices
from tuoyu.institutions.models import ServiceType

PAGE_SIZE = 30


def _form(request: HttpRequest) -> PublicFilterForm:
    form = PublicFilterForm(request.GET)
    form.is_valid()
    return form


def _query(request: HttpRequest, *, drop: tuple[str, ...] = ("page",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


def _rows(records: list[selectors.PublicRecord]) -> list[dict[str, Any]]:
    """What each result shows, formatted here once rather than by ``{% url %}``, ``|date`` and
    ``{% blocktranslate %}`` in the template's row loop (45–90 µs a use, thirty rows a page)."""
    placeholder = 2**62
    detail = reverse("disclosure:detail", kwargs={"institution_id": placeholder}).replace(
        str(placeholder), "{}"
    )
    labels = {t.value: str(t.label) for t in ServiceType}
    rows = []
    for r in records:
        facts = ["、".join(labels[v] for v in r.service_types)]
        if r.min_age_months is not None and r.max_age_months is not None:
            facts.append(_("%(a)s–%(b)s个月") % {"a": r.min_age_months, "b": r.max_age_months})
        if r.capacity is not None:
            facts.append(_("托位 %(n)s 个") % {"n": r.capacity})
        if r.filed_on:
            facts.append(_("%(d)s 备案") % {"d": r.filed_on.isoformat()})
        rows.append({"record": r, "url": detail.format(r.id), "facts": " · ".join(f for f in facts if f)})
    return rows


def _region_options(regions: list[Any], selected: Any) -> list[tuple[str, str, bool]]:
    """(code, indented name, selected) for the region filter: some 300 options, built once here."""
    indent = {"street": "\u3000\u3000", "county": "\u3000", "functional_zone": "\u3000"}
    return [(r.code, indent.get(r.level, "") + r.name, r.code == selected) for r in regions]


@require_safe
def institution_list(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    # A filter the form refuses lists nothing (never everything), with the message next to its field.
    qs = (
        selectors.public_institutions(filters=form.filters())
        if form.is_valid()
        else selectors.public_institutions().none()
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": _rows(selectors.public_records(page)),
        "region_options": _region_options(selectors.filter_regions(), form["region"].value()),
        "select_fields": [form[name] for name in ("service_type", "kind", "affordable", "sort")],
        "query": _query(request),
    }
    return render(request, "disclosure/list.html", context, status=200 if form.is_valid() else 400)


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


def _records(form: PublicFilterForm) -> Any:
    qs = selectors.public_institutions(filters=form.filters())
    return selectors.iter_public_records(qs)


@require_safe
def institutions_csv(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        return institution_list(request)  # the page, with the message next to the field (400)
    rows = (selectors.csv_row(r) for r in _records(form))
    response = StreamingHttpResponse(
        csv_lines(selectors.CSV_COLUMNS, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="institutions.csv"'
    return response


def _form_problem(form: PublicFilterForm) -> HttpResponse:
    errors = [
        {"field": name, "code": e.code or "invalid", "message": " ".join(e.messages)}
        for name, errs in form.errors.as_data().items()
        for e in errs
    ]
    return problem_response(
        422, _("输入有误"), _("请求中有字段未通过校验。"), errors=errors, code="validation"
    )


@require_safe
def institutions_json(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        return _form_problem(form)
    items = [selectors.json_record(r) for r in _records(form)]
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
