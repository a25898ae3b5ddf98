"""The list layer (core.lists) on its own: sorting only by declared columns, strict yes/no filters, the query
string it hands on, the audited filters, and the declarations it refuses. (Each app's lists are tested with
their pages and API operations in the app's test_lists.py.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
import pytest
from django.db.models import QuerySet
from django.http import QueryDict

from tuoyu.core import lists
from tuoyu.core.lists import DECLARED, Column, FilterSet, FlagFilter, IdFilter, ListSpec, SortChoice
from tuoyu.regions.models import Region

pytestmark = pytest.mark.django_db


class RegionFilterSet(FilterSet):
    q = django_filters.CharFilter(label="名称", field_name="name", lookup_expr="contains", max_length=20)
    leaf = FlagFilter(label="无下级", method="leaves")

    class Meta:
        model = Region
        fields: list[str] = []

    def leaves(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.filter(children__isnull=value).distinct()


SPEC = ListSpec(
    name="test_regions",
    title="区划",
    filterset=RegionFilterSet,
    columns=(
        Column("code", "代码", "code", sort=("code",)),
        Column("name", "名称", "name", sort=("-name",)),  # a column may sort descending by default
        Column("parent", "上级", "parent.name"),
    ),
    ordering=("code",),
    private_filters=("q",),
)


def bind(query: str) -> Any:
    return SPEC.bind(QueryDict(query), Region.objects.all())


def test_sorting_follows_the_declared_columns_with_the_default_order_as_tie_break() -> None:
    codes = list(bind("q=荷塘&sort=code").qs.values_list("code", flat=True))
    assert codes == sorted(codes) and codes
    assert list(bind("q=荷塘&sort=-code").qs.values_list("code", flat=True)) == sorted(codes, reverse=True)
    by_name = bind("sort=name").qs
    assert str(by_name.query).count("ORDER BY") == 1
    assert by_name.query.order_by == ("-name", "code")
    assert bind("sort=-name").qs.query.order_by == ("name", "code")


@pytest.mark.parametrize("sort", ["parent", "-parent", "password", "--code", "x" * 60])
def test_an_undeclared_sort_is_a_field_error_and_lists_nothing(sort: str) -> None:
    bound = bind(f"sort={sort}")
    assert not bound.valid and list(bound.error_list()) == ["sort"]
    assert not bound.qs.exists()


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("true", True),
        ("1", True),
        ("on", True),
        ("FALSE", True),
        ("0", True),
        ("", True),
        ("maybe", False),
        ("2", False),
    ],
)
def test_a_yes_no_filter_takes_only_yes_or_no(value: str, valid: bool) -> None:
    bound = bind(f"leaf={value}")
    assert bound.valid is valid
    if not valid:
        assert list(bound.error_list()) == ["leaf"]


def test_the_query_string_keeps_the_filters_and_sort_but_not_the_page_or_format() -> None:
    bound = bind("q=荷塘&sort=-code&page=3&format=csv&limit=5&unknown=1")
    assert bound.query() == "q=%E8%8D%B7%E5%A1%98&sort=-code"
    assert bound.query(sort="name") == "q=%E8%8D%B7%E5%A1%98&sort=name"


def test_the_audited_filters_mask_the_private_ones() -> None:
    bound = bind("q=荷塘&leaf=true&sort=code")
    assert bound.valid
    assert bound.audited_filters() == {"q": "***", "leaf": "True", "sort": "code"}


def test_the_api_schema_names_the_filters_and_the_sort_keys() -> None:
    fields = SPEC.query_schema.model_fields
    assert set(fields) == {"q", "leaf", "sort"}
    assert "code, -code, name, -name" in fields["sort"].description


def test_declarations_it_refuses() -> None:
    assert DECLARED["test_regions"] is SPEC
    with pytest.raises(ValueError, match="two lists"):
        ListSpec(name="test_regions", title="x", filterset=RegionFilterSet, columns=(), ordering=())

    class Clash(FilterSet):
        page = django_filters.CharFilter()

        class Meta:
            model = Region
            fields: list[str] = []

    with pytest.raises(ValueError, match="own parameters"):
        ListSpec(name="clash", title="x", filterset=Clash, columns=(), ordering=())
    with pytest.raises(ValueError, match="duplicate column"):
        ListSpec(
            name="dup",
            title="x",
            filterset=RegionFilterSet,
            columns=(Column("a", "a", "a"),) * 2,
            ordering=(),
        )


# --- the extensions the rosters use: ids, carried parameters, hidden filters, groups, row templates ------


class IdFilterSet(FilterSet):
    parent = IdFilter(label="上级编号", field_name="parent_id")
    q = django_filters.CharFilter(label="名称", field_name="name", lookup_expr="contains", max_length=20)

    class Meta:
        model = Region
        fields: list[str] = []


ROSTER_LIKE = ListSpec(
    name="test_grouped_regions",
    title="区划",
    filterset=IdFilterSet,
    columns=(Column("code", "代码", "code", sort=("code",)), Column("name", "名称", "name")),
    ordering=("code",),
    hidden_filters=("parent",),
    group_by=lambda r: r.parent_id,
    group_order=lambda key: (key is None, key or ""),
    row_template="core/cell_small.html",
)


@pytest.mark.parametrize(
    ("value", "valid"),
    [("7", True), ("", True), ("0", False), ("-1", False), ("1.5", False), ("٣", False), ("9" * 20, False)],
)
def test_an_id_filter_takes_only_a_64_bit_positive_id(value: str, valid: bool) -> None:
    bound = ROSTER_LIKE.bind(QueryDict(f"parent={value}"), Region.objects.all())
    assert bound.valid is valid
    if not valid:
        assert list(bound.error_list()) == ["parent"] and not bound.qs.exists()


def test_an_id_filter_narrows_to_the_id() -> None:
    parent = Region.objects.filter(children__isnull=False).first()
    bound = ROSTER_LIKE.bind(QueryDict(f"parent={parent.pk}"), Region.objects.all())
    assert set(bound.qs.values_list("parent_id", flat=True)) == {parent.pk}


def test_carried_parameters_lead_the_links_but_are_not_filters() -> None:
    bound = ROSTER_LIKE.bind(QueryDict("q=荷塘&sort=code"), Region.objects.all(), carry={"institution": 5})
    assert bound.query() == "institution=5&q=%E8%8D%B7%E5%A1%98&sort=code"
    assert bound.carried == [("institution", "5")]


def test_the_page_groups_rows_in_the_declared_order(rf: Any) -> None:
    request = rf.get("/")
    bound = ROSTER_LIKE.bind(QueryDict(""), Region.objects.filter(code__startswith="4302"))
    groups = bound.context(request)["groups"]
    keys = [g["key"] for g in groups]
    assert keys == sorted(keys, key=lambda key: (key is None, key or "")) and len(keys) == len(set(keys))
    assert sum(len(g["rows"]) for g in groups) == len(bound.context(request)["rows"])
    for g in groups:
        assert {row["obj"].parent_id for row in g["rows"]} == {g["key"]}


def test_hidden_filters_are_kept_hidden_with_their_errors_shown_and_rows_use_the_row_template(
    rf: Any,
) -> None:
    from django.template.loader import render_to_string

    request = rf.get("/", {"parent": "x"})
    bound = ROSTER_LIKE.bind(request.GET, Region.objects.all())
    html = render_to_string("core/list_filters.html", bound.context(request), request=request)
    assert 'id="id_parent-error"' in html and "请输入有效的编号。" in html
    assert 'id="id_parent"' not in html and 'for="id_parent"' not in html  # no visible field
    request = rf.get("/", {"parent": str(Region.objects.filter(children__isnull=False).first().pk)})
    bound = ROSTER_LIKE.bind(request.GET, Region.objects.all())
    context = bound.context(request)
    html = render_to_string("core/list_filters.html", context, request=request)
    assert f'<input type="hidden" name="parent" value="{request.GET["parent"]}">' in html
    table = render_to_string("core/list_table.html", context, request=request)
    assert "<small>" in table  # each row through the row template


# --- preset sort choices (the public list): ?sort= names an order, the form shows and validates it ---------

PRESET = ListSpec(
    name="test_preset_regions",
    title="区划",
    filterset=RegionFilterSet,
    columns=(Column("code", "代码", "code"), Column("name", "名称", "name")),
    sort_choices=(
        SortChoice("name", "按名称", ("name",)),
        SortChoice("-name", "名称倒序", ("-name",)),
    ),
    ordering=("code",),  # the tie-break after the chosen order
)


def test_sort_choices_order_by_the_chosen_one_the_first_by_default() -> None:
    bound = PRESET.bind(QueryDict("q=荷塘"), Region.objects.all())
    assert bound.valid and bound.sort == "" and bound.qs.query.order_by == ("name", "code")
    bound = PRESET.bind(QueryDict("q=荷塘&sort=-name"), Region.objects.all())
    assert bound.valid and bound.qs.query.order_by == ("-name", "code")
    assert bound.query() == "q=%E8%8D%B7%E5%A1%98&sort=-name"
    assert bound.audited_filters()["sort"] == "-name"


@pytest.mark.parametrize("sort", ["code", "-code", "--name", "evil", "x" * 60])
def test_a_sort_that_is_no_choice_is_the_sort_fields_error_and_lists_nothing(sort: str) -> None:
    bound = PRESET.bind(QueryDict(f"sort={sort}"), Region.objects.all())
    assert not bound.valid and list(bound.error_list()) == ["sort"] and not bound.sort_errors
    assert not bound.qs.exists()


def test_the_sort_choices_are_a_field_of_the_filter_form(rf: Any) -> None:
    from django.template.loader import render_to_string

    request = rf.get("/", {"sort": "-name"})
    context = PRESET.bind(request.GET, Region.objects.all()).context(request)
    assert [h["sort_url"] for h in context["headers"]] == ["", ""]  # no sortable column headers
    html = render_to_string("core/list_filters.html", context, request=request)
    assert '<select class="form-select form-select-sm" id="id_sort" name="sort">' in html
    assert '<option value="-name" selected>名称倒序</option>' in html
    assert 'type="hidden" name="sort"' not in html  # the select carries it, not a hidden copy
    assert "name, -name" in PRESET.query_schema.model_fields["sort"].description
    row = context["rows"][0]
    assert row["by_key"]["name"] is row["cells"][1] and row["by_key"]["name"]["value"] == row["obj"].name


def test_sort_choices_and_sortable_columns_are_not_declared_together() -> None:
    with pytest.raises(ValueError, match="two ways to sort"):
        ListSpec(
            name="both",
            title="x",
            filterset=RegionFilterSet,
            columns=(Column("code", "代码", "code", sort=("code",)),),
            sort_choices=(SortChoice("code", "按代码", ("code",)),),
            ordering=(),
        )
    with pytest.raises(ValueError, match="duplicate sort"):
        ListSpec(
            name="dup_sorts",
            title="x",
            filterset=RegionFilterSet,
            columns=(),
            sort_choices=(SortChoice("code", "a", ("code",)), SortChoice("code", "b", ("-code",))),
            ordering=(),
        )


# --- rows made in Python: the same HTML the table template writes for a cell ------------------------------


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "荷塘区<b>&\"'",
        0,
        1234567,
        True,
        dt.date(2026, 2, 28),
        dt.date(999, 1, 5),
        "2026-01-31 08:00",
    ],
)
def test_a_cell_made_in_python_is_what_the_template_wrote(value: Any) -> None:
    from django.template import Context, Template

    template = Template('{{ value|default_if_none:"—" }}')
    assert lists.text(value) == template.render(Context({"value": value}))
    wrapped = Template(
        '<small>{{ value|default_if_none:"—" }}</small>|<code>{{ value|default_if_none:"—" }}</code>'
    )
    assert f"{lists.small(value)}|{lists.code(value)}" == wrapped.render(Context({"value": value}))
    if value is None or isinstance(value, dt.date):
        date = Template('{{ value|date:"Y-m-d"|default:"—" }}')
        assert lists.date(value) == date.render(Context({"value": value}))


def test_a_time_cell_is_shown_in_local_time() -> None:
    from django.template import Context, Template

    moment = dt.datetime(2026, 1, 31, 20, 30, tzinfo=dt.UTC)  # 1 February in Beijing
    assert lists.date(moment) == "2026-02-01"
    assert lists.text(moment) == Template("{{ value }}").render(Context({"value": moment}))


def test_a_plain_table_gets_its_rows_made_once_and_a_templated_cell_keeps_its_template(rf: Any) -> None:
    request = rf.get("/")
    context = bind("q=荷塘").context(request)
    assert context["rows"]
    for row in context["rows"]:
        parent = row["obj"].parent.name if row["obj"].parent else "—"
        assert (
            row["html"] == f"<tr><td>{row['obj'].code}</td><td>{row['obj'].name}</td><td>{parent}</td></tr>"
        )
    templated = ListSpec(
        name="test_regions_templated",
        title="区划",
        filterset=RegionFilterSet,
        columns=(Column("code", "代码", "code", cell_template="core/cell_code.html"),),
        ordering=("code",),
    )
    rows = templated.bind(QueryDict("q=荷塘"), Region.objects.all()).context(request)["rows"]
    assert rows and all("html" not in row for row in rows)
    del DECLARED["test_regions_templated"]


def test_a_row_made_by_the_lists_row_html_is_written_as_it_is(rf: Any) -> None:
    from django.template.loader import render_to_string
    from django.utils.html import format_html

    spec = ListSpec(
        name="test_regions_row_html",
        title="区划",
        filterset=RegionFilterSet,
        columns=(Column("code", "代码", "code"),),
        ordering=("code",),
        row_html=lambda row: format_html('<tr data-code="{}"><td>{}</td></tr>', row["obj"].code, "<&>"),
    )
    try:
        context = spec.bind(QueryDict("q=荷塘"), Region.objects.all()).context(rf.get("/"))
        html = render_to_string("core/list_table.html", context)
        assert context["rows"]
        for row in context["rows"]:
            assert f'<tr data-code="{row["obj"].code}"><td>&lt;&amp;&gt;</td></tr>' in html
    finally:
        del DECLARED["test_regions_row_html"]
