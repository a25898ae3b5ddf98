"""The accessibility check itself: axe-core runs on every page a browser test visits, and an inaccessible page
is reported — on load, after an htmx-style swap, and when the page is left — so the check can fail."""

import pytest

from tuoyu.testing.browser import AXE_FAILING_IMPACTS, axe_audit, describe_violations

pytestmark = pytest.mark.browser

# A field without a label (critical) and pale grey text on white, 1.6:1 (serious).
INACCESSIBLE = """<!doctype html><html lang="zh-hans"><head><title>不合格的页面</title></head><body>
<main><h1>报名</h1><p style="color:#ccc;background:#fff">浅灰色的说明文字</p>
<form><input type="text" name="child_name"></form></main></body></html>"""
SWAPPED = '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="no-alt">'


def serve(page, url, html):
    page.route(
        url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
    )


def test_an_inaccessible_page_is_reported_with_its_rules_elements_and_url(page, site):
    serve(page, "http://inaccessible.test/", INACCESSIBLE)
    page.goto("http://inaccessible.test/")  # checked on load: nobody asks for it
    # htmx's swap event: the new content is checked as well.
    page.evaluate(f"document.querySelector('main').insertAdjacentHTML('beforeend', '{SWAPPED}')")
    page.evaluate("document.dispatchEvent(new Event('htmx:afterSettle'))")
    page.goto(f"{site}/public/institutions/")  # leaving waits for the checks: none is lost

    audit = axe_audit(page)
    found = {(f["id"], f["url"]): f for f in audit.take() if f["impact"] in AXE_FAILING_IMPACTS}
    assert set(found) == {
        ("label", "http://inaccessible.test/"),
        ("color-contrast", "http://inaccessible.test/"),
        ("image-alt", "http://inaccessible.test/"),
    }, describe_violations(list(found.values()))
    assert found[("label", "http://inaccessible.test/")]["targets"] == ["input"]
    assert found[("label", "http://inaccessible.test/")]["impact"] == "critical"
    assert found[("color-contrast", "http://inaccessible.test/")]["targets"] == ["p"]
    assert found[("image-alt", "http://inaccessible.test/")]["reason"] == "htmx swap"
    assert audit.runs >= 2 and not audit.problems


def test_a_page_changed_in_place_is_checked_again_at_the_end(phone_page):
    phone_page.set_content(INACCESSIBLE.replace('style="color:#ccc;background:#fff"', ""))
    audit = axe_audit(phone_page)
    audit.settle(phone_page, when="in the test")
    assert [f["id"] for f in audit.failing()] == ["label"]
    assert "label (critical)" in describe_violations(audit.take())
    phone_page.get_by_role("textbox").evaluate("input => input.setAttribute('aria-label', '幼儿姓名')")
    audit.settle(phone_page, when="in the test")  # changed since: checked again, and now it passes
    assert audit.failing() == [] and audit.runs == 2
