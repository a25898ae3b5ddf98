"""Declared lists: one declaration per list gives its page, its htmx refresh, its CSV/XLSX export and its API.

A list is a :class:`ListSpec`: a django-filter ``FilterSet`` (the filters the web page and the API operation
both accept, validated the same way), the :class:`Column` s (label, value, sort key, export value), the
default ordering and the page size. The view hands it the queryset it has already scoped (``core.scoping`` or
the app's selector); the list layer only filters, sorts, pages, renders and exports it::

    INSTITUTIONS = ListSpec(
        name="institutions",
        title=_("托育机构"),
        filterset=InstitutionFilterSet,
        columns=(
            Column("name", _("机构名称"), "name", sort=("name",), link=("institutions:detail", "pk")),
            Column("region", _("所在区划"), "region.name", sort=("region_prefix",)),
        ),
        ordering=("name", "id"),
        export_action="institution.export",
    )

    def institution_list(request):  # the page, its htmx refresh and ?format=csv|xlsx
        if fmt := export_format(request):
            rows = selectors.institution_list(viewer=request.user, action="export")
            return INSTITUTIONS.bind(request.GET, rows).export(fmt)
        bound = INSTITUTIONS.bind(request.GET, selectors.institution_list(viewer=request.user))
        return bound.render(request, "institutions/list.html")

    @router.get("/institutions", response=list[InstitutionOut])
    @paginate(LimitOffset)
    def institution_list(request, filters: Query[INSTITUTIONS.query_schema]):  # the same FilterSet
        return INSTITUTIONS.api_queryset(request, selectors.institution_list(viewer=request.user))

The page template includes ``core/list_filters.html`` (the FilterSet's form, refreshing the table by htmx) and
``core/list_table.html`` (count, export links, sortable headers with aria-sort, rows, paging).

A list whose page is more than a plain table declares it too: ``row_template`` (a row's whole ``<tr>``) or
``row_html`` (the same made in Python: the staff roster's marks), ``group_by``/``group_order`` with its own ``template`` (the children roster by class),
``hidden_filters`` (an id the API names but the page's form does not show), ``auto_id`` (a page that also holds
an add form with the same field names: rooms, classes); ``bind(..., carry={...})`` keeps a page's own
parameters that are not filters (which institution's roster) in its links. ``IdFilter`` takes a database id.
A row (and a row template) reads its cells in order (``row.cells``) or by column key (``row.by_key.name``).

A list sorted by a few preset orders rather than by its columns (the public list: newest filing first, by
name, by capacity …) declares them as ``sort_choices`` (:class:`SortChoice`: the ``?sort=`` value, its label,
its order_by); the first is the default. ``sort`` is then a choice field of the filter form (shown with the
filters, its error beside it), and no column may declare a ``sort`` of its own::

    sort_choices=(
        SortChoice("-filed_on", _("最新备案在前"), (F("filed_at").desc(nulls_last=True), "-id")),
        SortChoice("name", _("按名称"), ("name", "id")),
    ),

Query parameters: the FilterSet's fields, ``sort`` (a declared sortable column's key, ``-`` before it for
descending; anything else is a field error), ``page`` (web) or ``limit``/``offset`` (API, ``LimitOffset``),
and ``format=csv|xlsx`` for the export. Bad filter values never fall back to the whole list: the page answers
400 with the message beside the field, the export 400, the API a 422 problem with field errors.
"""

from __future__ import annotations

import datetime as dt
import html
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from pydantic import create_model

from tuoyu.core import excel
from tuoyu.core.apitypes import BIGINT_MAX
from tuoyu.core.downloads import content_disposition
from tuoyu.core.exports import csv_lines
from tuoyu.core.importpages import xlsx_response
from tuoyu.core.signals import request_audit

SORT_PARAM = "sort"
FORMAT_PARAM = "format"
EXPORT_FORMATS = ("csv", "xlsx")
# Parameters that are not filters: the list layer's own, and the API's paging.
NOT_FILTERS = {SORT_PARAM, FORMAT_PARAM, "page", "limit", "offset"}
TABLE_TEMPLATE = "core/list_table.html"


# Every declared list by name (declared at import time, in each app's lists.py): the audit registry's test
# checks each export action is declared, and the names stay unique.
DECLARED: dict[str, ListSpec] = {}


class FilterSet(django_filters.FilterSet):
    """The base of every list's filters (django-filter): a FilterSet's form validates the query string.

    It is always bound (to an empty query too), so ``filter_queryset`` runs for every request: a FilterSet
    may filter by default there (the ban list hides lifted bans unless asked).
    """

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """django-filter's, but only the form's fields that are filters: the list layer adds its own (a preset
        ``sort``), which orders the rows and filters nothing."""
        for name, value in self.form.cleaned_data.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset


# A search text with a control character is refused (a field error), never passed to the query.
NO_CONTROL_CHARACTERS = RegexValidator(r"^[^\x00-\x1f]*$", gettext_lazy("不能包含控制字符。"))

TRUE_VALUES = {"true", "1", "on"}
FALSE_VALUES = {"false", "0"}


class _FlagInput(forms.CheckboxInput):
    input_type = "checkbox"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)  # the text as sent: the field decides (CheckboxInput takes "maybe" as True)


class FlagField(forms.Field):
    """A yes/no parameter: true/1/on or false/0 (any case), absent or empty for "not given"; else an error."""

    widget = _FlagInput

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise ValidationError(_("请填写 true 或 false。"), code="invalid")


class FlagFilter(django_filters.Filter):
    """A yes/no filter (a checkbox on the page, ``true``/``false`` in the API); ``method`` decides what it means."""

    field_class = FlagField


class IdField(forms.Field):
    """A database id: digits only, 1…2**63-1; anything else (a sign, a decimal, past 64 bits) is an error."""

    def to_python(self, value: Any) -> int | None:
        if value in (None, ""):
            return None
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 19 or not 1 <= int(text) <= BIGINT_MAX:
            raise ValidationError(_("请输入有效的编号。"), code="invalid")
        return int(text)


class IdFilter(django_filters.Filter):
    """An exact filter on an id field (``field_name``): ``?institution_id=7``; a bad id is a field error."""

    field_class = IdField


def _accessor(spec: str | Callable[[Any], Any]) -> Callable[[Any], Any]:
    if callable(spec):
        return spec
    getter = operator.attrgetter(spec)

    def get(obj: Any) -> Any:
        try:
            return getter(obj)
        except AttributeError:  # a nullable relation on the way ("region.name" of no region)
            return None

    return get


@dataclass(frozen=True)
class Column:
    """One column of a list.

    ``value``: an attribute path (``"region.name"``) or a callable of the row, shown in the table;
    ``export``: the same for the CSV/XLSX cell (by default ``value``; personal data: the masked form);
    ``sort``: the order_by fields when the list is sorted by this column (None: not sortable);
    ``link``: a callable giving the cell's link; ``cell_template``: a template for a cell that is more than
    text (it sees ``obj``, ``value`` and ``column``); ``format``: instead, a function of the value giving the
    cell's escaped HTML (:func:`code`, :func:`small`, :func:`date` — made in Python, no template per cell);
    ``css``: the cells' class (``num`` for numbers);
    ``in_table`` / ``in_export``: where the column appears; ``kind``: the XLSX cell kind.
    """

    key: str
    label: Any
    value: str | Callable[[Any], Any]
    sort: tuple[str, ...] | None = None
    export: str | Callable[[Any], Any] | None = None
    # A callable of the row, or (url name, attribute): the URL reversed once per page with a placeholder
    # and formatted per row (``{% url %}`` or ``reverse`` per row costs 30–90 µs each).
    link: Callable[[Any], str] | tuple[str, str] | None = None
    cell_template: str = ""
    format: Callable[[Any], str] | None = None
    css: str = ""
    in_table: bool = True
    in_export: bool = True
    kind: excel.Kind = excel.Kind.TEXT

    @cached_property
    def get(self) -> Callable[[Any], Any]:
        return _accessor(self.value)

    @cached_property
    def get_export(self) -> Callable[[Any], Any]:
        return _accessor(self.export) if self.export is not None else self.get


@dataclass(frozen=True)
class SortChoice:
    """A preset order of a list (``ListSpec.sort_choices``): ``?sort=<key>``, shown as ``label``, ordered by
    ``order_by`` (field names or expressions, with their own tie-break)."""

    key: str
    label: Any
    order_by: tuple[Any, ...]


@dataclass(frozen=True)
class ListSpec:
    """A list's declaration (see the module's docstring). ``export_action`` is the audit action written for
    each export (empty: the list has no export); ``export_object_type`` the audited object type."""

    name: str
    title: Any
    filterset: type[django_filters.FilterSet]
    columns: Sequence[Column]
    ordering: tuple[str, ...]
    page_size: int = 50
    empty: Any = gettext_lazy("没有符合条件的记录。")
    submit: Any = gettext_lazy("查询")  # the filter form's button
    count: Any = gettext_lazy("共 %(n)s 条")  # the count above the table (%(n)s: the number of rows)
    export_action: str = ""
    export_object_type: str = ""
    table_id: str = "list-table"
    template: str = TABLE_TEMPLATE
    # An export is one response: more rows than this are refused (narrow the filters), never cut.
    max_export_rows: int = 50_000
    # Called with the rows of a page (or of an export) before their cells are read: computes, for all of them
    # at once, what a cell would otherwise query per row (a calendar, a count).
    prepare: Callable[[list[Any]], None] | None = None
    # Filters whose values the export's audit event leaves out (a search that may be an ID number).
    private_filters: tuple[str, ...] = ()
    # Filters the API and links use but the page's form does not show (an id): kept as hidden fields, their
    # errors still shown.
    hidden_filters: tuple[str, ...] = ()
    # The filter fields' HTML ids: another on a page that also holds a form with the same field names.
    auto_id: str = "id_%s"
    # A template for each row (it sees ``row``: ``obj`` and ``cells``; it writes the whole ``<tr>``): a row
    # whose look is more than its cells (a row class, a data attribute, marks across cells).
    row_template: str = ""
    # The same made in Python: a function of a row (``obj``, ``cells``) giving its whole ``<tr>`` as escaped
    # HTML (``format_html``) — a template per row costs ~100 µs (the staff roster's marks).
    row_html: Callable[[dict[str, Any]], str] | None = None
    # Rows grouped on the page (the children by class): ``group_by`` gives each row's group key, the groups
    # follow ``group_order`` of their keys (by default first seen); within a group the list's order. The
    # table template must render ``groups`` (see children/_roster_table.html).
    group_by: Callable[[Any], Any] | None = None
    group_order: Callable[[Any], Any] | None = None
    # Preset orders instead of sortable columns (see the module's docstring); the first is the default and
    # ``ordering`` follows as the tie-break. ``sort_label``: the sort field's label in the filter form.
    sort_choices: Sequence[SortChoice] = ()
    sort_label: Any = gettext_lazy("排序")

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate column keys in list {self.name!r}")
        clash = set(self.filterset.base_filters) & NOT_FILTERS
        if clash:
            raise ValueError(f"list {self.name!r}: filters named like the list's own parameters: {clash}")
        if self.sort_choices and any(c.sort for c in self.columns):
            raise ValueError(f"list {self.name!r}: sort choices and sortable columns are two ways to sort")
        sort_keys = [c.key for c in self.sort_choices]
        if len(set(sort_keys)) != len(sort_keys):
            raise ValueError(f"duplicate sort choices in list {self.name!r}")
        if self.name in DECLARED:
            raise ValueError(f"two lists named {self.name!r}")
        DECLARED[self.name] = self

    @property
    def sortable(self) -> dict[str, tuple[str, ...]]:
        return {c.key: c.sort for c in self.columns if c.sort}

    def bind(
        self,
        data: QueryDict | Mapping[str, Any],
        queryset: QuerySet[Any],
        *,
        carry: Mapping[str, Any] | None = None,
        **filterset_kwargs: Any,
    ) -> BoundList:
        """The list for these query parameters, over ``queryset`` (already scoped by the caller).
        ``carry``: the page's own parameters that are not filters (which institution's roster), kept in the
        paging, sorting and export links and in the filter form."""
        return BoundList(self, data, queryset, filterset_kwargs, carry=carry)

    # --- the API ------------------------------------------------------------------------------------

    @cached_property
    def query_schema(self) -> type[Schema]:
        """A ninja Schema naming the filters and ``sort`` for the OpenAPI document. The values are checked
        by the FilterSet (:meth:`api_queryset`), not by this schema: one validation for web and API."""
        fields: dict[str, Any] = {}
        for name, f in self.filterset.base_filters.items():
            description = str(f.label or name)
            choices = getattr(f, "extra", {}).get("choices")
            if choices and not callable(choices):
                description += " (" + ", ".join(str(v) for v, _label in choices if v != "") + ")"
            fields[name] = (str | None, Field(None, description=description))
        if self.sort_choices:
            keys = ", ".join(c.key for c in self.sort_choices)
            fields[SORT_PARAM] = (str | None, Field(None, description=f"排序 / sort by: {keys}"))
        elif self.sortable:
            keys = ", ".join(f"{k}, -{k}" for k in self.sortable)
            fields[SORT_PARAM] = (str | None, Field(None, description=f"排序 / sort by: {keys}"))
        model = f"{self.name.title().replace('_', '')}ListQuery"
        return create_model(model, __base__=Schema, **fields)

    def api_queryset(
        self, request: HttpRequest, queryset: QuerySet[Any], **filterset_kwargs: Any
    ) -> QuerySet[Any]:
        """The filtered, sorted queryset for an API operation (page it with ``@paginate(LimitOffset)``);
        bad filters raise ``ValidationError`` with one entry per field (the API answers a 422 problem)."""
        bound = self.bind(request.GET, queryset, request=request, **filterset_kwargs)
        if not bound.valid:
            raise ValidationError(bound.error_list())
        return bound.qs


class BoundList:
    """A :class:`ListSpec` with its query parameters and its queryset: validated, filtered, sorted."""

    def __init__(
        self,
        spec: ListSpec,
        data: QueryDict | Mapping[str, Any],
        queryset: QuerySet[Any],
        kwargs: dict[str, Any],
        *,
        carry: Mapping[str, Any] | None = None,
    ) -> None:
        self.spec = spec
        self.data = data
        self.carried = [(str(k), str(v)) for k, v in (carry or {}).items()]
        self.filterset = spec.filterset(data=data, queryset=queryset, **kwargs)
        if spec.auto_id != "id_%s":
            self.filterset.form.auto_id = spec.auto_id
        if (
            spec.sort_choices
        ):  # the sort is a field of the form: validated, shown and reported with the filters
            self.filterset.form.fields[SORT_PARAM] = forms.ChoiceField(
                label=spec.sort_label, choices=[(c.key, c.label) for c in spec.sort_choices], required=False
            )
        self.sort_errors: list[str] = []
        self.sort = self._sort(data.get(SORT_PARAM) or "")

    def _sort(self, value: str) -> str:
        if not value:
            return ""
        if self.spec.sort_choices:  # a wrong one is the form's field error
            return value if any(c.key == value for c in self.spec.sort_choices) else ""
        key = value.removeprefix("-")
        if key not in self.spec.sortable or len(value) > 50:
            self.sort_errors.append(_("不能按“%(value)s”排序。") % {"value": value[:50]})
            return ""
        return value

    @cached_property
    def valid(self) -> bool:
        return self.filterset.is_valid() and not self.sort_errors

    def error_list(self) -> dict[str, list[str]]:
        """Field → messages, for the API's problem and the page."""
        errors: dict[str, list[str]] = {
            name: list(messages) for name, messages in self.filterset.errors.items()
        }
        if self.sort_errors:
            errors[SORT_PARAM] = list(self.sort_errors)
        return errors

    @property
    def form(self) -> Any:
        return self.filterset.form

    @cached_property
    def qs(self) -> QuerySet[Any]:
        """Filtered and sorted; empty when a parameter is wrong (never the whole list by mistake)."""
        if not self.valid:
            return self.filterset.queryset.none()
        qs = self.filterset.qs
        if self.spec.sort_choices:
            choice = next(
                (c for c in self.spec.sort_choices if c.key == self.sort), self.spec.sort_choices[0]
            )
            return qs.order_by(*choice.order_by, *self.spec.ordering)
        if self.sort:
            fields = self.spec.sortable[self.sort.removeprefix("-")]
            desc = self.sort.startswith("-")
            order = [(f[1:] if f.startswith("-") else "-" + f) if desc else f for f in fields]
            return qs.order_by(*order, *self.spec.ordering)
        return qs.order_by(*self.spec.ordering)

    def query(self, *, sort: str | None = None) -> str:
        """The query string of the filters (and sort) in force, for the paging, sorting and export links."""
        params: list[tuple[str, str]] = list(self.carried)
        for name in self.filterset.base_filters:
            for value in _values(self.data, name):
                if value != "":
                    params.append((name, value))
        sort = self.sort if sort is None else sort
        if sort:
            params.append((SORT_PARAM, sort))
        return urlencode(params)

    def audited_filters(self) -> dict[str, Any]:
        """The filters and sort in force, as the export's audit event records them (private ones masked)."""
        out: dict[str, Any] = {}
        for name, value in self.filterset.form.cleaned_data.items():
            if value in (None, "", [], ()):
                continue
            out[name] = "***" if name in self.spec.private_filters else str(value)[:100]
        if self.sort:
            out[SORT_PARAM] = self.sort
        return out

    # --- the web page -----------------------------------------------------------------------------------

    def page(self, number: Any) -> Page:
        return Paginator(self.qs, self.spec.page_size).get_page(number)

    def context(self, request: HttpRequest) -> dict[str, Any]:
        page = self.page(request.GET.get("page"))
        objects = list(page.object_list)
        if self.spec.prepare is not None:
            self.spec.prepare(objects)
        columns = [c for c in self.spec.columns if c.in_table]
        links = {c.key: _linker(c.link) for c in columns if c.link}
        rows = []
        for obj in objects:
            cells = [
                {"column": c, "value": c.get(obj), "href": links[c.key](obj) if c.key in links else ""}
                for c in columns
            ]
            rows.append(
                {
                    "obj": obj,
                    "cells": cells,
                    "by_key": {c.key: cell for c, cell in zip(columns, cells, strict=True)},
                }
            )
        if self.spec.row_html is not None:
            for row in rows:
                row["html"] = self.spec.row_html(row)
        elif not self.spec.row_template and not any(c.cell_template for c in columns):
            for row in rows:  # the whole <tr> made here: the table template writes it as it is
                row["html"] = _row_html(row["cells"])
        groups: list[dict[str, Any]] = []
        if self.spec.group_by is not None:
            by_key: dict[Any, list[dict[str, Any]]] = {}
            for row in rows:
                by_key.setdefault(self.spec.group_by(row["obj"]), []).append(row)
            keys = list(by_key)
            if self.spec.group_order is not None:
                keys.sort(key=self.spec.group_order)
            groups = [{"key": key, "rows": by_key[key]} for key in keys]
        headers = []
        for c in columns:
            sort_url = ""
            direction = ""
            if c.sort:
                if self.sort == c.key:
                    direction, target = "ascending", "-" + c.key
                elif self.sort == "-" + c.key:
                    direction, target = "descending", c.key
                else:
                    target = c.key
                sort_url = "?" + self.query(sort=target)
            headers.append({"column": c, "sort_url": sort_url, "direction": direction})
        return {
            "header_html": _header_html(headers, self.spec.table_id),
            "list": self,
            "spec": self.spec,
            "form": self.form,
            "page": page,
            "rows": rows,
            "groups": groups,
            "headers": headers,
            "query": self.query(),
            "errors": self.error_list(),
            "exportable": bool(self.spec.export_action),
            "count_text": self.spec.count % {"n": page.paginator.count} if self.spec.count else "",
        }

    def render(
        self, request: HttpRequest, template: str, context: Mapping[str, Any] | None = None
    ) -> HttpResponse:
        """The whole page, or only the table for an htmx request (the filter form's refresh); 400 with the
        messages beside the fields when a parameter is wrong."""
        if export_format(request):  # the view answers exports before it renders; a list without one: 404
            raise Http404
        ctx = {**(context or {}), **self.context(request)}
        status = 200 if self.valid else 400
        if getattr(request, "htmx", False) and not getattr(request.htmx, "boosted", False):
            return render(request, self.spec.template, ctx, status=status)
        return render(request, template, ctx, status=status)

    # --- the export ------------------------------------------------------------------------------------

    def export(self, fmt: str, *, detail: Mapping[str, Any] | None = None) -> HttpResponse:
        """The rows (all pages, same filters and order) as CSV or XLSX, from the columns' export values;
        the export is audited (``spec.export_action``: filters, format, row count)."""
        if not self.spec.export_action or fmt not in EXPORT_FORMATS:
            raise Http404
        if not self.valid:
            body = "\n".join(f"{k}: {' '.join(v)}" for k, v in self.error_list().items())
            return HttpResponse(body, status=400, content_type="text/plain; charset=utf-8")
        if self.qs.count() > self.spec.max_export_rows:  # never a silently cut file
            message = _("导出超过%(n)s行，请缩小筛选范围后再导出。") % {"n": self.spec.max_export_rows}
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        objects = list(self.qs)
        if self.spec.prepare is not None:
            self.spec.prepare(objects)
        request_audit(  # the action is declared with the list (checked by the audit registry's test)
            self.spec.export_action,
            object_type=self.spec.export_object_type,
            detail={"format": fmt, "filters": self.audited_filters(), "rows": len(objects), **(detail or {})},
        )
        columns = [c for c in self.spec.columns if c.in_export]
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        filename = f"{self.spec.title}-{stamp}.{fmt}"
        if fmt == "csv":
            header = [str(c.label) for c in columns]
            rows = ([_export_cell(c.get_export(o)) for c in columns] for o in objects)
            response: HttpResponse = StreamingHttpResponse(
                csv_lines(header, rows), content_type="text/csv; charset=utf-8"
            )
        else:
            sheet = excel.Sheet(
                name=str(self.spec.title)[:31],
                columns=[excel.Column(key=c.key, header=c.label, kind=c.kind) for c in columns],
            )
            data = excel.export_workbook(sheet, ({c.key: c.get_export(o) for c in columns} for o in objects))
            return xlsx_response(data, filename)
        response["Content-Disposition"] = content_disposition(filename, as_attachment=True)
        response["X-Content-Type-Options"] = "nosniff"
        return response


def export_format(request: HttpRequest) -> str:
    """``?format=`` of a list page: "" for the page itself, "csv"/"xlsx" for an export; else 404."""
    fmt = request.GET.get(FORMAT_PARAM, "")
    if fmt and fmt not in EXPORT_FORMATS:
        raise Http404
    return fmt


PLACEHOLDER = 2**62


def _linker(link: Callable[[Any], str] | tuple[str, str]) -> Callable[[Any], str]:
    if callable(link):
        return link
    name, attribute = link
    pattern = reverse(name, args=[PLACEHOLDER]).replace(str(PLACEHOLDER), "{}")
    get = operator.attrgetter(attribute)
    return lambda obj: pattern.format(get(obj))


def _values(data: QueryDict | Mapping[str, Any], name: str) -> Iterator[str]:
    if isinstance(data, QueryDict):
        yield from data.getlist(name)
    elif name in data and data[name] is not None:
        yield str(data[name])


def _export_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


# --- cells made in Python ---------------------------------------------------------------------------------
# A row of a plain table is made here rather than by the table template: a template's per-cell lookups,
# ``{% if %}`` s and ``{% include %}`` s cost tens of µs per cell, hundreds of cells a page. The output is the
# template's: a value as ``{{ value|default_if_none:"—" }}`` writes it (local time, localized, escaped).


def text(value: Any) -> str:
    """A value as a template's ``{{ value|default_if_none:"—" }}`` writes it: escaped HTML."""
    if value is None:
        return "—"
    if not isinstance(value, str):
        value = localize(template_localtime(value))
        if not isinstance(value, str):  # a lazy translation
            return conditional_escape(value)
    return _escape(value)


def _escape(value: str) -> str:
    """``conditional_escape`` of a str without its lazy-argument check (a few µs a call, hundreds a page)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return SafeString(html.escape(value))


def code(value: Any) -> str:
    """The value in ``<code>`` (an identifier: a credit code)."""
    return SafeString(f"<code>{text(value)}</code>")


def small(value: Any) -> str:
    """The value in ``<small>`` (a secondary column: failing rules, a time)."""
    return SafeString(f"<small>{text(value)}</small>")


def date(value: Any) -> str:
    """A date (or a time's local date) as 2026-01-31, or "—" for none (``|date:"Y-m-d"|default:"—"``)."""
    if value in (None, ""):
        return "—"
    day = template_localtime(value)
    if not isinstance(day, dt.date):
        return conditional_escape(date_filter(day, "Y-m-d") or "—")
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def options(choices: Any, selected: Any) -> SafeString:
    """A ``<select>``'s options made in Python, as ``{% for v, l in choices %}<option value="{{ v }}"{% if
    selected == v %} selected{% endif %}>{{ l }}</option>{% endfor %}`` writes them (a template loop costs
    ~100 µs an option: the risk list's rules and regions are dozens)."""
    return mark_safe(  # noqa: S308 - escaped here
        "".join(
            f'<option value="{_escape(str(v))}"{" selected" if selected == v else ""}>{text(label)}</option>'
            for v, label in choices
        )
    )


def _cell_html(cell: dict[str, Any]) -> str:
    column: Column = cell["column"]
    value = cell["value"]
    inner = column.format(value) if column.format is not None else text(value)
    if cell["href"] and column.format is None:
        inner = f'<a href="{_escape(cell["href"])}">{inner}</a>'
    if column.css:
        return f'<td class="{_escape(column.css)}">{inner}</td>'
    return f"<td>{inner}</td>"


def _header_html(headers: list[dict[str, Any]], table_id: str) -> SafeString:
    """The table head's cells (sortable ones a link refreshing the table by htmx, ``aria-sort`` on the sorted
    one), made once a page — the children roster repeats them above every class's table."""
    target = _escape("#" + table_id)
    out = []
    for h in headers:
        column: Column = h["column"]
        attrs = f' class="{_escape(column.css)}"' if column.css else ""
        if h["direction"]:
            attrs += f' aria-sort="{h["direction"]}"'
        label = text(column.label)
        if h["sort_url"]:
            url = _escape(h["sort_url"])
            mark = {"ascending": " ▲", "descending": " ▼"}.get(h["direction"], "")
            label = (
                f'<a href="{url}" hx-get="{url}" hx-target="{target}" hx-select="{target}" hx-swap="outerHTML" '
                f'hx-push-url="true">{label}{mark}</a>'
            )
        out.append(f'<th{attrs} scope="col">{label}</th>')
    return mark_safe("".join(out))  # noqa: S308 - escaped above


def _row_html(cells: list[dict[str, Any]]) -> SafeString:
    return mark_safe("<tr>" + "".join(_cell_html(c) for c in cells) + "</tr>")  # noqa: S308 - escaped above
