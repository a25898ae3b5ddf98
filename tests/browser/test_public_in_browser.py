"""Public disclosure (信息公示) in a real browser: an anonymous visitor on a phone filters the list of filed
institutions, opens one, sees its fee schedule and QR code, and downloads the list as CSV."""

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.disclosure.tests.factories import make_filed, publish_fees
from tuoyu.institutions.models import InstitutionKind
from tuoyu.testing.fixtures import make_user

pytestmark = pytest.mark.browser


def test_an_anonymous_visitor_finds_an_institution_on_a_phone_and_downloads_the_list(phone_page, site):
    alice = make_user("alice", Role.REGULATOR, region="430202")
    sun = make_filed(
        by=alice,
        name="月塘阳光托育中心",
        region="430202001",
        offers_full_day=True,
        is_affordable=True,
        min_age_months=6,
        max_age_months=36,
        capacity=120,
    )
    make_filed(by=alice, name="芦淞星星托育", region="430203", offers_hourly=True, capacity=30)
    make_filed(
        by=alice,
        name="月塘王阿姨家庭托育点",
        region="430202001",
        kind=InstitutionKind.HOME_POINT,
        address="幸福小区8栋301",
        capacity=5,
    )
    ann = make_user("ann", Role.INSTITUTION_ADMIN, institution=sun)
    publish_fees(institution=sun, by=ann, guided=Decimal("1800"))

    page = phone_page
    page.goto(f"{site}/accounts/login/")
    with page.expect_navigation():
        page.locator("#public-link").click()
    expect(page.locator("h1")).to_have_text("托育机构信息公示")
    expect(page.locator("#result-count")).to_contain_text("共 3 家")

    page.locator("#id_region").select_option(label="　荷塘区")
    page.locator("#id_service_type").select_option("full_day")
    page.locator("#id_age").fill("12")
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    results = page.locator("#public-results")
    expect(page.locator("#result-count")).to_contain_text("共 1 家")
    expect(results).to_contain_text("月塘阳光托育中心")
    expect(results).not_to_contain_text("芦淞星星托育")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    page.locator("#id_age").fill("abc")
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    expect(page.locator("#id_age-error")).to_be_visible()
    page.locator("#id_age").fill("")
    page.locator("#id_service_type").select_option("")
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    expect(page.locator("#result-count")).to_contain_text("共 2 家")
    expect(results).to_contain_text("月塘王阿姨家庭托育点")
    expect(results).not_to_contain_text("幸福小区")

    with page.expect_download() as info:
        page.locator("#download-csv").click()
    text = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["name"] for r in rows} == {"月塘阳光托育中心", "月塘王阿姨家庭托育点"}
    home = next(r for r in rows if r["kind"] == "home_point")
    assert home["address"] == "" and home["location"] == "株洲市 荷塘区 月塘街道"
    assert "幸福小区" not in text

    with page.expect_navigation():
        results.get_by_role("link", name="月塘阳光托育中心").click()
    expect(page.locator("h1")).to_contain_text("月塘阳光托育中心")
    expect(page.locator("#public-facts")).to_contain_text(sun.filings.get().number)
    fees = page.locator("#public-fees")
    expect(fees).to_contain_text("全日托保育费")
    expect(fees).to_contain_text("2200")
    expect(fees).to_contain_text("1800")
    qr = page.locator("#public-qr img")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
