"""Region pages: the breadcrumb and children stay inside the viewer's jurisdiction."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tuoyu.testing.fixtures import Cast

pytestmark = pytest.mark.django_db


def breadcrumb(html: str) -> list[str]:
    nav = html[html.index('<ol class="breadcrumb">') : html.index("</ol>")]
    return re.findall(r'<li class="breadcrumb-item[^"]*"[^>]*>(?:<a [^>]*>)?([^<]+)', nav)


def test_county_regulator_sees_only_the_ancestors_inside_her_jurisdiction(cast: Cast, login: Any) -> None:
    html = login(cast.alice).get("/regions/430202001/").content.decode()
    assert breadcrumb(html) == ["行政区划", "荷塘区", "月塘街道"]


def test_city_admin_sees_the_city_but_not_the_province_in_the_breadcrumb(cast: Cast, login: Any) -> None:
    html = login(cast.zhou).get("/regions/430202001/").content.decode()
    assert breadcrumb(html) == ["行政区划", "株洲市", "荷塘区", "月塘街道"]


def test_system_admin_sees_the_whole_chain(cast: Cast, login: Any) -> None:
    html = login(cast.sam).get("/regions/430202001/").content.decode()
    assert breadcrumb(html) == ["行政区划", "湖南省", "株洲市", "荷塘区", "月塘街道"]


def test_city_page_lists_its_counties_with_populations(cast: Cast, login: Any) -> None:
    html = login(cast.zhou).get("/regions/430200/").content.decode()
    assert 'data-testid="region-population">3,902,738<' in html
    assert "/regions/430202/" in html and "/regions/430281/" in html  # 荷塘区 … 醴陵市
    assert "/regions/410611/" not in html


def test_htmx_request_gets_only_the_children_table(cast: Cast, login: Any) -> None:
    response = login(cast.zhou).get("/regions/430200/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<div") and "<html" not in html
    assert "/regions/430203/" in html


def test_county_regulator_cannot_open_another_countys_page(cast: Cast, login: Any) -> None:
    assert login(cast.alice).get("/regions/430203/").status_code == 404
    assert login(cast.bob).get("/regions/430202001/").status_code == 404
