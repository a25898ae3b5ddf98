"""Change filing (变更备案) in a real browser: the institution's admin changes its capacity, the county
regulator sees only the changed item as a diff and accepts, and the institution's capacity follows."""

import pytest
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.testing.browser import regulator, sign_in
from tuoyu.testing.filings import file_and_accept
from tuoyu.testing.fixtures import hetang_centre, make_user

pytestmark = pytest.mark.browser


def test_an_admin_changes_the_capacity_and_the_bureau_reviews_only_the_change(page, site):
    institution = hetang_centre(capacity=40, offers_full_day=True, opening_hours="7:30-17:30")
    ann = make_user("ann", Role.INSTITUTION_ADMIN, institution=institution)
    alice = regulator("alice", Role.REGULATOR, "430202")
    initial = file_and_accept(institution, ann, alice, services={"opening_hours": "7:30-17:30"})

    sign_in(page, site, ann)
    page.goto(f"{site}/filings/")
    with page.expect_navigation():
        page.get_by_role("button", name="办理变更备案").click()
    page.get_by_label("服务类型、收托月龄、托位数和服务时间").check()
    with page.expect_navigation():
        page.get_by_role("button", name="填写所选事项").click()
    expect(page.get_by_label("托位数", exact=True)).to_have_value("40")
    expect(page.get_by_label("服务时间", exact=True)).to_have_value("7:30-17:30")
    page.get_by_label("托位数", exact=True).fill("60")
    with page.expect_navigation():
        page.get_by_role("button", name="保存变更事项").click()
    expect(page.get_by_test_id("diff-capacity")).to_contain_text("60")
    expect(page.get_by_test_id("original-number")).to_have_text(initial.number)
    page.get_by_label("我已阅读并承诺遵守上述备案承诺书").check()
    with page.expect_navigation():
        page.get_by_role("button", name="提交备案").click()
    expect(page.get_by_test_id("filing-state")).to_have_text("待审核")
    filing_url = page.url
    page.context.clear_cookies()

    sign_in(page, site, alice)
    page.goto(filing_url)
    expect(page.get_by_test_id("diff-capacity")).to_contain_text("40")
    expect(page.get_by_test_id("diff-capacity")).to_contain_text("60")
    expect(page.locator("[data-testid^=diff-]")).to_have_count(1)  # only the changed item
    expect(page.locator("#material-fire_safety")).to_have_count(
        0
    )  # the initial materials are not re-reviewed
    with page.expect_navigation():
        page.get_by_role("button", name="通过", exact=True).click()
    expect(page.get_by_test_id("filing-state")).to_have_text("已通过")
    institution.refresh_from_db()
    assert institution.capacity == 60
    assert institution.revisions.filter(source="change_filing").exists()
