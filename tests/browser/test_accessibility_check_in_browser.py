"""The accessibility check itself: axe-core runs on every page a browser test visits, and an inaccessible page
is reported — on load, after an htmx-style swap, and when the page is left — so the check can fail."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


# Light text that is readable only on the dark background its stylesheet gives it.
ON_DARK = """<!doctype html><html lang="zh-hans"><head><title>深色导航</title>
<link rel="stylesheet" href="/dark.css"></head><body>
<nav class="dark"><a href="#main" style="color:#f8f9fa">首页</a></nav><main id="main"><h1>标题</h1></main></body></html>"""


@contextmanager
def slow_stylesheet_server(delay: float) -> Iterator[str]:
    """A server whose page loads at once and whose stylesheet comes ``delay`` seconds later — a busy server."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/dark.css":
                time.sleep(delay)
                body, kind = b".dark{background:#212529}", "text/css"
            else:
                body, kind = ON_DARK.encode(), "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_whose_stylesheet_is_still_loading_is_checked_once_it_has_loaded(page):
    with slow_stylesheet_server(delay=1.0) as url:
        page.goto(f"{url}/", wait_until="domcontentloaded")  # the page is there, its CSS not yet
        assert page.evaluate("document.readyState") != "complete"
        audit = axe_audit(page)
        audit.settle(page, when="in the test")  # as at the end of a test that ended on this page
        assert audit.failing() == [], describe_violations(audit.failing())
        assert page.evaluate("document.readyState") == "complete"
        assert audit.runs >= 1 and not audit.problems
        # Without its stylesheet the same page fails: the check is not blind to the navbar's colours.
        page.evaluate("document.querySelector('link[rel=stylesheet]').remove()")
        audit.settle(page, when="in the test")
        assert [f["id"] for f in audit.take()] == ["color-contrast"]
