"""The interface in English on request, and on a phone-sized screen."""

import re

import pytest
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.testing.browser import PHONE, regulator, sign_in

pytestmark = pytest.mark.browser


def test_english_button_switches_the_interface_to_english_and_back(page, site):
    zhou = regulator("zhou", Role.CITY_ADMIN, "430200")
    page.goto(f"{site}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator(".navbar-brand")).to_have_text("Childcare Regulation Platform")

    sign_in(page, site, zhou)
    nav = page.locator("nav.navbar")
    expect(nav.locator("a[data-nav=home]")).to_have_text("Home")
    expect(nav.locator("a[data-nav=regions]")).to_have_text("Regions")
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()

    with page.expect_navigation():
        nav.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(nav.locator("a[data-nav=regions]")).to_have_text("行政区划")


def test_regulator_home_fits_a_phone_screen_and_the_menu_opens(phone_page, site):
    page = phone_page
    zhou = regulator("zhou", Role.CITY_ADMIN, "430200")
    sign_in(page, site, zhou)
    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    toggler = page.locator(".navbar-toggler")
    regions_link = page.locator("nav a[data-nav=regions]")
    expect(toggler).to_be_visible()
    expect(regions_link).to_be_hidden()
    toggler.tap()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(regions_link).to_be_visible()

    regions_link.tap()
    expect(page).to_have_url(f"{site}/regions/")
    expect(page.locator("#children-430200").get_by_role("link", name="荷塘区", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
