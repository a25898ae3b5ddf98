"""The inbox in a real browser: the badge in the navigation, opening a notification lands on its link with the
badge one lower, and "全部标为已读" refreshes the list and the badge by htmx — on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.notifications.services import notify
from tuoyu.testing.browser import sign_in
from tuoyu.testing.fixtures import make_user

pytestmark = pytest.mark.browser


def tell(user, title, link):
    notify(recipients=[user], kind="filing.accepted", title=title, body="请查看备案回执。", link=link)


def test_a_user_opens_a_notification_and_lands_on_its_link_with_the_badge_decremented(page, site):
    pat = make_user("pat", Role.PARENT)
    tell(pat, "旧的消息", "/")
    tell(pat, "备案已通过", "/accounts/profile/")
    sign_in(page, site, pat)

    badge = page.get_by_test_id("nav-badge-notifications")
    expect(badge).to_have_text("2条未读")  # the screen reader hears "2 条未读"
    expect(badge.locator(".visually-hidden")).to_have_text("条未读")
    page.locator("nav a[data-nav=notifications]").click()
    expect(page).to_have_url(f"{site}/notifications/")
    expect(page.get_by_role("heading", level=1)).to_have_text("消息")
    items = page.locator("li.notification")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("备案已通过")  # newest first
    expect(items.first.get_by_role("button", name="备案已通过")).to_have_class(
        "btn btn-link p-0 text-start text-decoration-none fw-bold"
    )

    with page.expect_navigation():
        page.get_by_role("button", name="备案已通过").click()
    expect(page).to_have_url(f"{site}/accounts/profile/")
    expect(page.get_by_test_id("nav-badge-notifications")).to_have_text("1条未读")

    page.go_back()
    page.reload()
    expect(page.get_by_role("button", name="备案已通过")).not_to_have_class("fw-bold")


def test_mark_all_read_refreshes_the_list_and_the_badge_without_a_reload_on_a_phone(phone_page, site):
    page = phone_page
    ann = make_user("ann", Role.PARENT)
    for i in range(3):
        tell(ann, f"第{i + 1}条消息", "/")
    sign_in(page, site, ann)
    page.goto(f"{site}/notifications/?unread=1")
    expect(page.locator("li.notification")).to_have_count(3)
    page.get_by_role("button", name="展开导航").click()
    expect(page.get_by_test_id("nav-badge-notifications")).to_have_text("3条未读")

    with page.expect_response(
        lambda r: r.url == f"{site}/notifications/read-all/" and r.request.headers.get("hx-request") == "true"
    ):
        page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator("#inbox")).to_contain_text("没有未读消息。")
    expect(page.get_by_test_id("nav-badge-notifications")).to_be_hidden()
    expect(page).to_have_url(f"{site}/notifications/?unread=1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone

    page.get_by_role("link", name="全部").click()
    expect(page).to_have_url(f"{site}/notifications/")
    expect(page.locator("li.notification")).to_have_count(3)
    expect(page.get_by_role("button", name="全部标为已读")).to_be_disabled()
