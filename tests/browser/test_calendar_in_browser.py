"""The system admin enters next year's holiday schedule in a real browser: a bad paste is reported line by
line and saves nothing; the corrected paste is imported and published; deadlines into 2027 become exact."""

import json

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.calendars.models import HolidayDate
from tuoyu.testing.browser import regulator, sign_in, submit
from tuoyu.testing.fixtures import make_user

pytestmark = pytest.mark.browser

SOURCE = "国务院办公厅关于2027年部分节假日安排的通知 国办发明电〔2026〕X号"
# Illustrative dates; line 3 is wrong on purpose (a Monday cannot be an adjusted workday).
BAD = "2027-01-01,holiday,元旦\n2027-02-06,holiday,春节\n2027-02-08,workday,春节"
GOOD = "2027-01-01,holiday,元旦\n2027-02-06,holiday,春节\n2027-02-20,workday,春节"


def test_system_admin_imports_and_publishes_the_2027_schedule(page, site):
    sam = make_user("sam", Role.SYSTEM_ADMIN)
    TOTPDevice.objects.create(user=sam, name="手机", confirmed=True)
    sign_in(page, site, sam)

    page.locator("nav a[data-nav=calendar]").click()
    expect(page).to_have_url(f"{site}/calendar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("节假日安排")
    expect(page.get_by_test_id("year-2026")).to_contain_text("内置")

    page.fill("#open-year", "2027")
    submit(page, "main form button[type=submit]")
    expect(page).to_have_url(f"{site}/calendar/2027/")
    expect(page.get_by_test_id("year-status")).to_contain_text("期限只扣除周末")

    # A paste with a bad line: reported on its line, nothing saved, the text kept for correction.
    page.fill("textarea[name=text]", BAD)
    submit(page, "button[name=import]")
    report = page.get_by_test_id("import-report")
    expect(report).to_contain_text("调休上班日须为周六或周日")
    expect(report.locator("tbody tr")).to_have_count(1)
    expect(report.locator("tbody tr td").first).to_have_text("3")
    expect(page.locator("textarea[name=text]")).to_have_value(BAD)
    expect(page.get_by_test_id("table-dates")).to_contain_text("暂无")
    assert not HolidayDate.objects.exists()

    page.fill("textarea[name=text]", GOOD)
    submit(page, "button[name=import]")
    expect(page.locator("main [role=status]")).to_contain_text("已导入3个日期")
    dates = page.get_by_test_id("table-dates")
    expect(dates.locator("tbody tr")).to_have_count(3)
    expect(dates).to_contain_text("2027-02-20")
    expect(dates).to_contain_text("调休上班")

    page.fill("input[name=source]", SOURCE)
    submit(page, "button[name=publish]")
    status = page.get_by_test_id("year-status")
    expect(status).to_contain_text("已发布")
    expect(status).to_contain_text(SOURCE)

    page.goto(f"{site}/calendar/")
    row = page.get_by_test_id("year-2027")
    expect(row).to_contain_text("本表（已发布）")
    expect(row).to_contain_text("精确")
    expect(page.locator("main")).not_to_contain_text("2027年节假日安排尚未录入")

    # The deadline API now counts 1 Jan 2027 as the holiday it is.
    page.goto(f"{site}/api/v1/calendar/workdays?start=2026-12-31&n=1")
    body = json.loads(page.locator("body").inner_text())
    assert (body["deadline"], body["provisional"]) == ("2027-01-04", False)


def test_a_regulator_reads_the_schedule_without_any_form(page, site):
    alice = regulator("alice", Role.REGULATOR, "430202")
    sign_in(page, site, alice)
    page.goto(f"{site}/calendar/2025/")
    expect(page.get_by_test_id("builtin-dates")).to_contain_text("2025-09-28")
    expect(page.locator("main textarea")).to_have_count(0)
    expect(page.locator("main form[method=post]")).to_have_count(0)
