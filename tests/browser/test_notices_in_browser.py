"""Non-compliance notices (核查不符通知, FIL-05) in a real browser: the county regulator issues one from the
institution's page (an incomplete form is refused beside its fields), publishes it, the institution's admin
finds it in her inbox on a phone and reports the rectification, and the regulator closes it."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.filings.models import NonComplianceNotice
from tuoyu.testing.browser import regulator, sign_in, submit
from tuoyu.testing.filings import file_and_accept
from tuoyu.testing.fixtures import hetang_centre, make_user

pytestmark = pytest.mark.browser


def test_a_regulator_issues_publishes_and_closes_a_notice_the_admin_answers_on_a_phone(
    page, phone_page, site
):
    institution = hetang_centre(capacity=40, offers_full_day=True)
    ann = make_user("ann", Role.INSTITUTION_ADMIN, institution=institution)
    alice = regulator("alice", Role.REGULATOR, "430202")
    file_and_accept(institution, ann, alice)
    today = timezone.localdate()
    found_on = today - dt.timedelta(days=2)

    sign_in(page, site, alice)
    page.goto(f"{site}/institutions/{institution.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="发出核查不符通知（FIL-05）").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("发出核查不符通知")

    # Nothing filled in: refused beside each field, nothing issued.
    submit(page)
    for field in ("found_on", "items", "required_action", "rectify_by"):
        expect(page.get_by_test_id(f"error-{field}")).to_be_visible()
    assert not NonComplianceNotice.objects.exists()

    # A deadline already past: refused beside the deadline, the rest kept.
    page.get_by_label("核查发现日期").fill(found_on.isoformat())
    page.get_by_label("不符事项（每行一项）").fill("实际托位数超过备案托位数\n观察室未按备案设置")
    page.get_by_label("整改要求").fill("30日内恢复至备案托位数并设置观察室。")
    page.get_by_label("整改期限").fill((today - dt.timedelta(days=1)).isoformat())
    submit(page)
    expect(page.get_by_test_id("error-rectify_by")).to_contain_text("整改期限不能早于今天")
    expect(page.get_by_label("不符事项（每行一项）")).to_have_value(
        "实际托位数超过备案托位数\n观察室未按备案设置"
    )
    assert not NonComplianceNotice.objects.exists()

    page.get_by_label("整改期限").fill((today + dt.timedelta(days=30)).isoformat())
    submit(page)
    notice = NonComplianceNotice.objects.get()
    expect(page).to_have_url(f"{site}/filings/notices/{notice.pk}/")
    expect(page.get_by_test_id("notice-state")).to_have_text("未公开")
    expect(page.get_by_test_id("notice-items").get_by_role("listitem")).to_have_text(
        ["实际托位数超过备案托位数", "观察室未按备案设置"]
    )
    expect(page.get_by_test_id("notice-clock")).to_contain_text("期限15个工作日")

    with page.expect_navigation():
        page.get_by_role("button", name="向社会公开").click()
    expect(page.get_by_test_id("notice-state")).to_have_text("已公开")

    # The institution's admin, on a phone: the notice is in her inbox; she reports what was done.
    phone = phone_page
    sign_in(phone, site, ann)
    phone.goto(f"{site}/notifications/")
    with phone.expect_navigation():
        phone.get_by_role("button", name="核查不符通知：请按要求整改").click()
    expect(phone).to_have_url(f"{site}/filings/notices/{notice.pk}/")
    expect(phone.get_by_role("button", name="向社会公开")).to_have_count(
        0
    )  # the bureau's buttons are not hers
    submit(phone)  # nothing written: refused beside the field
    expect(phone.get_by_test_id("error-response")).to_be_visible()
    phone.get_by_label("整改情况").fill("已将在托人数降至40人，观察室已设置并配备设施。")
    submit(phone)
    expect(phone.get_by_test_id("notice-response")).to_contain_text("已将在托人数降至40人")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the notice page scrolls sideways on a phone: {width}px"

    # The regulator sees the answer in the list and closes the notice.
    page.goto(f"{site}/filings/notices/")
    row = page.locator("#notice-list tbody tr", has_text="荷塘区小星星托育中心")
    expect(row).to_contain_text("机构已反馈")
    with page.expect_navigation():
        row.get_by_role("link", name="荷塘区小星星托育中心").click()
    page.get_by_label("办结意见").fill("复查属实，予以办结。")
    with page.expect_navigation():
        page.get_by_role("button", name="办结").click()
    expect(page.get_by_test_id("notice-state")).to_have_text("已办结")
    expect(page.locator("main")).to_contain_text("复查属实，予以办结。")
    notice.refresh_from_db()
    assert notice.closed_at is not None and notice.institution_response.startswith("已将在托人数")
