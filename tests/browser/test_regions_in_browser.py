"""Regulators browse the region tree in a real browser: populations, htmx-loaded children, jurisdiction."""

import pytest
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.testing.browser import regulator, sign_in

pytestmark = pytest.mark.browser


def test_city_regulator_browses_the_region_tree_down_to_streets(page, site):
    zhou = regulator("zhou", Role.CITY_ADMIN, "430200")
    sign_in(page, site, zhou)
    expect(page).to_have_url(f"{site}/")

    # The counties arrive by htmx after the page loads, not in the page's own HTML.
    with page.expect_response(
        lambda r: r.url == f"{site}/regions/430200/" and r.request.headers.get("hx-request") == "true"
    ) as children_response:
        page.locator("nav a[data-nav=regions]").click()
    assert children_response.value.ok
    expect(page).to_have_url(f"{site}/regions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("行政区划")

    city = page.locator("section", has=page.get_by_role("heading", name="株洲市"))
    # 第七次全国人口普查: 株洲市 3,902,738; 荷塘区 348,894; 芦淞区 307,012.
    expect(city.get_by_test_id("population-430200")).to_have_text("3,902,738")
    counties = page.locator("#children-430200")
    expect(counties.get_by_test_id("population-430202")).to_have_text("348,894")
    expect(counties.get_by_test_id("population-430203")).to_have_text("307,012")
    expect(counties.get_by_role("link", name="荷塘区", exact=True)).to_be_visible()
    expect(counties.get_by_role("link", name="醴陵市", exact=True)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("东西湖")

    counties.get_by_role("link", name="荷塘区", exact=True).click()
    expect(page).to_have_url(f"{site}/regions/430202/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("荷塘区")
    expect(page.get_by_test_id("region-population")).to_have_text("348,894")
    streets = page.get_by_role("table")
    for street in ("月塘街道", "茨菇塘街道", "宋家桥街道", "仙庾镇"):
        expect(streets.get_by_role("link", name=street, exact=True)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("东西湖")


def test_county_regulator_cannot_open_or_see_another_county(page, site):
    alice = regulator("alice", Role.REGULATOR, "430202")
    sign_in(page, site, alice)

    response = page.goto(f"{site}/regions/430203/")  # 芦淞区, the neighbouring county
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    expect(page.locator("main")).not_to_contain_text("芦淞区")
    forbidden = page.locator("main").inner_text()

    response = page.goto(f"{site}/regions/439999/")  # no such region: the same answer
    assert response.status == 404
    assert page.locator("main").inner_text() == forbidden

    page.goto(f"{site}/regions/")
    tree = page.locator("main")
    expect(tree.get_by_role("heading", name="荷塘区")).to_be_visible()
    expect(page.locator("#children-430202").get_by_role("link", name="月塘街道", exact=True)).to_be_visible()
    expect(tree).not_to_contain_text("芦淞区")
    expect(tree).not_to_contain_text("株洲市")
