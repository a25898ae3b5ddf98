"""The ban list in a real browser: an institution's admin tries, on a phone, to hire a banned person and is told
only "不得录用，请联系卫生健康部门"; the county regulator finds the alert with its details and acknowledges it; the
city administrator searches the list by ID number and sees it masked."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.bans.services import ban_create
from tuoyu.testing.bans import ZZ_ID, ban_data
from tuoyu.testing.browser import regulator, sign_in
from tuoyu.testing.fixtures import hetang_centre, make_user

pytestmark = pytest.mark.browser


def test_a_banned_person_cannot_be_hired_and_the_county_regulator_is_alerted(phone_page, page, site):
    institution = hetang_centre()
    ann = make_user("ann", Role.INSTITUTION_ADMIN, institution=institution)
    alice = regulator("alice", Role.REGULATOR, "430202")
    zhou = regulator("zhou", Role.CITY_ADMIN, "430200")
    ban_create(by=zhou, data=ban_data())

    phone = phone_page
    sign_in(phone, site, ann)
    phone.goto(f"{site}/staff/new/")
    phone.get_by_label("姓名").fill("王禁入")
    phone.get_by_label("身份证号").fill(ZZ_ID)
    phone.get_by_label("女").check()
    phone.get_by_label("出生日期").fill("1985-03-12")
    phone.get_by_label("手机号").fill("13800138000")
    phone.get_by_label("保育人员").check()
    phone.get_by_label("入职日期").fill(dt.date.today().isoformat())
    with phone.expect_navigation():
        phone.get_by_role("button", name="录用").click()
    expect(phone.locator("main")).to_contain_text("不得录用，请联系卫生健康部门")
    for detail in ("虐待婴幼儿", "株卫禁", "株洲市卫生健康委员会"):
        expect(phone.locator("main")).not_to_contain_text(detail)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    sign_in(page, site, alice)
    page.locator("nav a[data-nav=ban-alerts]").click()
    expect(page).to_have_url(f"{site}/bans/alerts/")
    row = page.locator("#alert-list tbody tr").first
    expect(row).to_contain_text(institution.name)
    expect(row).to_contain_text("王禁入")
    expect(row).to_contain_text("4****************1")
    expect(row).to_contain_text("未确认")
    with page.expect_navigation():
        row.get_by_role("link").first.click()
    expect(page.locator("#alert-detail")).to_contain_text("株卫禁〔2026〕1号")
    expect(page.locator("#alert-detail")).to_contain_text("虐待婴幼儿")
    with page.expect_navigation():
        page.get_by_role("button", name="确认").click()
    expect(page.locator("#alert-detail")).to_contain_text("已确认")


def test_the_city_admin_finds_a_ban_by_id_number_and_reveals_it_on_a_phone(phone_page, site):
    zhou = regulator("zhou", Role.CITY_ADMIN, "430200")
    ban_create(by=zhou, data=ban_data())
    page = phone_page
    sign_in(page, site, zhou)
    page.goto(f"{site}/bans/")
    page.get_by_label("姓名或身份证号").fill(ZZ_ID)
    with page.expect_response(lambda r: "/bans/?" in r.url):  # an htmx refresh of the table
        page.get_by_role("button", name="查询").click()
    table = page.locator("#ban-list")
    expect(table).to_contain_text("4****************1")
    expect(table).not_to_contain_text(ZZ_ID)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    with page.expect_navigation():
        table.get_by_role("link", name="王禁入").click()
    with page.expect_response(lambda r: "/reveal/" in r.url):
        page.get_by_role("button", name="显示完整信息（将记录审计）").click()
    expect(page.locator("#reveal-id_number")).to_contain_text(ZZ_ID)
