"""Browser-test fixtures: one Debian Chromium per session driven by Playwright, a fresh context and page
per test, a live server with the regions loaded, and helpers that sign in through the real forms.

Tests use them through ``tests/browser/conftest.py``. Chromium is the system package
(``/usr/bin/chromium``); ``playwright install`` is never run. Every page records uncaught script errors and
Content-Security-Policy violations, and a test that produced any fails at teardown.
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuoyu.accounts.models import User
from tuoyu.testing.fixtures import PASSWORD, ensure_regions, make_user

CHROMIUM = os.environ.get("TUOYU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session (starting it costs about a second)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class PageLog:
    """What went wrong inside the page (uncaught exceptions and CSP violations), and the dialogs it opened.

    A confirmation (``data-confirm`` on an irreversible action's form) is answered OK unless the test said
    otherwise with ``answer_dialogs(page, accept=False)``; each dialog's text is kept in ``dialogs``, so a
    test can check what the user was told would happen."""

    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    accept_dialogs: bool = True

    def dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        if self.accept_dialogs:
            dialog.accept()
        else:
            dialog.dismiss()

    def console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"CSP: {message.text}")

    def page_error(self, error: Any) -> None:
        self.problems.append(f"script error: {error}")


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::")[-1])


def _open_page(request: pytest.FixtureRequest, browser: Any, viewport: dict[str, int], **kwargs: Any) -> Any:
    # zh-CN: the browser asks for Chinese, as our users' browsers do (LocaleMiddleware honours it).
    # Reduced motion: Bootstrap then drops its 0.15 s colour transitions, which axe-core would otherwise sample
    # half-way (a link just clicked measures as a blend of two colours).
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", reduced_motion="reduce", **kwargs
    )
    context.set_default_timeout(TIMEOUT_MS)
    audit = AxeAudit()
    audit.install(context)
    context._tuoyu_axe = audit
    page = context.new_page()
    log = PageLog()
    page.on("console", log.console)
    page.on("pageerror", log.page_error)
    page.on("dialog", log.dialog)
    page._tuoyu_log = log

    def finish() -> None:
        report = getattr(request.node, "rep_call", None)
        try:
            if report is not None and report.passed:
                for each in context.pages:  # the pages still open: their last state is checked here
                    audit.settle(each, when="at the end of the test")
            if report is not None and report.failed:
                folder = Path(request.config.rootpath) / "test-artifacts"
                folder.mkdir(exist_ok=True)
                page.screenshot(
                    path=str(folder / f"{_artifact_name(request.node.nodeid)}.png"), full_page=True
                )
        finally:
            context.close()
        if report is None or not report.passed:
            return
        problems = log.problems + audit.problems
        if problems:
            pytest.fail("the page reported problems:\n" + "\n".join(problems))
        if audit.failing():
            pytest.fail(
                "accessibility violations (axe-core, WCAG 2.1 AA, impact critical or serious):\n"
                + describe_violations(audit.failing())
            )

    request.addfinalizer(finish)
    return page


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Any) -> Any:
    """A fresh desktop-sized page (1280×800) in its own context: no cookies shared between tests."""
    return _open_page(request, browser, DESKTOP)


@pytest.fixture
def phone_page(request: pytest.FixtureRequest, browser: Any) -> Any:
    """A fresh phone-sized page (390×844, touch), the size most parents and inspectors use."""
    return _open_page(request, browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)


@pytest.fixture
def open_page(request: pytest.FixtureRequest, browser: Any) -> Any:
    """Opens more desktop pages, each in its own context (another person at another computer), checked like
    ``page``: ``visitor = open_page()``."""
    return lambda: _open_page(request, browser, DESKTOP)


def page_log(page: Any) -> PageLog:
    log = getattr(page, "_tuoyu_log", None)
    if log is None:
        pytest.fail("no page log on this page: open it with the page/phone_page/open_page fixtures")
    return log


def answer_dialogs(page: Any, *, accept: bool) -> None:
    """From now on, answer the page's confirmation dialogs OK (``accept``) or Cancel."""
    page_log(page).accept_dialogs = accept


def empty_audit_trail() -> None:
    """The audit table is append-only (database triggers); a transactional test's flush deletes rows, which
    SQLite's trigger refuses. Empty it the way a retention prune does, so the flush that follows works."""
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL tuoyu.audit_prune = 'on'")
            cur.execute("DELETE FROM audit_event")
        else:
            cur.execute("INSERT INTO audit_pruneguard (id) VALUES (1)")
            cur.execute("DELETE FROM audit_event")
            cur.execute("DELETE FROM audit_pruneguard")


@pytest.fixture
def site(transactional_db: Any, live_server: Any) -> Iterator[str]:
    """The live server's base URL, with the regions loaded.

    The server runs in another thread, so the test's data must be committed: this needs a transactional
    database, which is flushed after the test — so the regions are (re)loaded here when missing.
    """
    ensure_regions()
    _warm(live_server.url)
    yield live_server.url
    empty_audit_trail()


_warmed: set[str] = set()


def _warm(base_url: str) -> None:
    """The live server's first requests import the URLconf, build the API and compile the base templates:
    seconds on a busy machine, which a test's first ``goto`` (10 s) must not pay. Once per server, a plain
    HTTP request for the sign-in page (the URLconf with the API, the middleware, the base template), waited
    for up to a minute."""
    if base_url in _warmed:
        return
    try:
        with urllib.request.urlopen(f"{base_url}/accounts/login/", timeout=60) as answer:  # noqa: S310 — the live server
            answer.read()
    except urllib.error.HTTPError:
        pass  # an answer all the same: the code behind it is loaded
    _warmed.add(base_url)


def regulator(username: str, role: str, region: str, *, with_device: bool = True) -> User:
    """A regulator of ``region``; with a confirmed authenticator (TOTP) unless told otherwise."""
    user = make_user(username, role, region=region)
    if with_device:
        TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    return user


def totp_code(key: bytes, *, last_t: int = -1, step: int = 30, digits: int = 6) -> str:
    """The authenticator's current code; if that time step was already used, the next step's (a real
    authenticator would show it within 30 s; the device accepts one step of drift)."""
    totp = TOTP(key, step=step, digits=digits)
    if totp.t() <= last_t:
        totp.drift = last_t + 1 - totp.t()
    return f"{totp.token():0{digits}d}"


def device_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return totp_code(device.bin_key, last_t=device.last_t, step=device.step, digits=device.digits)


def secret_key(secret: str) -> bytes:
    """The key behind a base32 secret as shown on the enrolment page (padding stripped)."""
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def submit_login(page: Any, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Open the sign-in page (unless already on it) and submit the form."""
    if "/accounts/login/" not in page.url:
        page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    submit(page)


def submit(page: Any, selector: str = "main form button[type=submit]") -> None:
    """Press the form's submit button (the one in the page body, not the navbar's) and wait for the answer."""
    with page.expect_navigation():
        page.click(selector)


def sign_in(page: Any, base_url: str, user: User, password: str = PASSWORD) -> None:
    """Sign in through the form and, when asked, the second factor; ends on the page after sign-in."""
    submit_login(page, base_url, user.username, password)
    if "/accounts/mfa/verify/" in page.url:
        page.fill("input[name=code]", device_code(user))
        submit(page)
    assert "/accounts/" not in page.url, f"sign-in did not finish: {page.url}"


# Accessibility: axe-core (npm, a dev dependency installed by `make assets`) checks every page a browser test
# visits against WCAG 2.1 A/AA, as GB/T 37668-2019 asks. The engine and a small runner (AXE_RUNNER) are added
# to every document of the test's browser contexts as an init script: DevTools injects it, so the page's CSP
# needs no exception, and axe is parsed once per page load. In the page the runner checks the document when it
# has loaded, after every htmx swap (``htmx:afterSettle``) and, if the DOM changed since, when the page is
# being left (``beforeunload``); one run at a time. Each run reports to Python through an exposed binding as it
# starts and when it ends, with what it found. A route holds every main-frame navigation until the leaving
# document's runs have ended, so a check is never cut short by the next page; at the test's end the pages
# still open are checked once more if they changed, once they have loaded (their stylesheets applied). A check
# that could not finish is reported, never skipped in silence. Violations of impact critical or serious fail
# the test at teardown, each with its rule, impact, help, the elements and the URL.
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # WCAG 2.1 AA, as GB/T 37668-2019 asks
AXE_FAILING_IMPACTS = ("critical", "serious")
AXE_WAIT_MS = 8_000  # how long a navigation waits for the leaving page's checks (a big page takes ~1 s)
AXE_LOAD_WAIT_MS = 5_000  # how long a check asked for from Python waits for the page's stylesheets (its load)
AXE_RUNNER = """
(() => {
  if (window.top !== window || window.__tuoyuAxe || typeof axe === "undefined") return;
  const tags = %(tags)s;
  const doc = Math.random().toString(36).slice(2);  // this document, for the reports
  const report = message => window.__tuoyuAxeReport(Object.assign({doc: doc, url: location.href}, message));
  let queue = Promise.resolve(), dirty = true;
  new MutationObserver(() => { dirty = true; }).observe(document, {subtree: true, childList: true, attributes: true,
                                                             characterData: true});
  function check(reason) {
    // Only HTML documents: a JSON answer the browser shows as text (/healthz, the API) has no title or language
    // to give. An empty document (the about:blank a page starts on) is nothing to check yet; it stays due.
    if (document.contentType !== "text/html" || !document.body || !document.body.firstElementChild) return queue;
    dirty = false;
    report({state: "running", reason: reason});  // sent now, before the page can be left
    queue = queue.then(async () => {
      let message;
      try {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
        message = {state: "done", reason: reason, violations: result.violations.map(v => (
          {id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(" "))}))};
      } catch (error) {
        message = {state: "done", reason: reason, error: String(error), violations: []};
      }
      report(message);  // not awaited: while a navigation is held the binding's answer cannot come back
    });
    return queue;
  }
  // The document's load: its stylesheets applied. A check asked for from Python (the end of the test, an
  // explicit assert) can come while a page just navigated to is still loading its CSS; axe would then measure
  // the navbar's light links on a white background. Such a check waits for the load (at most LOAD_WAIT_MS;
  // a page still loading after that is checked as it stands, which is what its user sees).
  const loaded = () => document.readyState === "complete" ? Promise.resolve() : new Promise(resolve => {
    addEventListener("load", () => resolve(), {once: true});
    setTimeout(resolve, %(load_wait_ms)d);
  });
  window.__tuoyuAxe = {
    check: check,
    // Wait for the runs under way and check again if the DOM changed since the last one (or when forced).
    settle: force => loaded().then(() => (
      (force || dirty) ? check(force ? "asked for" : "at the end of the test") : queue)),
  };
  addEventListener("load", () => { check("load"); });
  addEventListener("beforeunload", () => { if (dirty) check("before leaving"); });
  document.addEventListener("htmx:afterSettle", () => { check("htmx swap"); });
})();
"""
_axe_init_script: str | None = None


def axe_init_script() -> str:
    """axe-core followed by the runner; read from node_modules once per session."""
    global _axe_init_script
    if _axe_init_script is None:
        if not AXE_SCRIPT.exists():
            pytest.fail(f"axe-core not found at {AXE_SCRIPT}: run `make assets` (npm ci)")
        runner = AXE_RUNNER % {"tags": json.dumps(AXE_TAGS), "load_wait_ms": AXE_LOAD_WAIT_MS}
        _axe_init_script = AXE_SCRIPT.read_text(encoding="utf-8") + "\n" + runner
    return _axe_init_script


@dataclass
class AxeAudit:
    """What axe-core found on the pages of one browser context (see the note above ``AXE_SCRIPT``)."""

    findings: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    runs: int = 0
    running: dict[str, tuple[str, int]] = field(default_factory=dict)  # page → (document, runs under way)
    _seen: set[tuple[str, str, tuple[str, ...]]] = field(default_factory=set)

    def install(self, context: Any) -> None:
        context.expose_binding("__tuoyuAxeReport", self._report)
        context.add_init_script(script=axe_init_script())
        context.route("**/*", self._route)

    @staticmethod
    def _key(page: Any) -> str:
        return page._impl_obj._guid  # the same page whichever wrapper Playwright hands us

    def _report(self, source: dict[str, Any], message: dict[str, Any]) -> None:
        key = self._key(source["page"])
        doc, under_way = self.running.get(key, (message["doc"], 0))
        if doc != message["doc"] and under_way:
            self.problems.append(
                f"axe-core: a check of a page was cut short by the next page ({message['url']})"
            )
            under_way = 0
        if message["state"] == "running":
            self.running[key] = (message["doc"], under_way + 1)
            return
        self.running[key] = (message["doc"], max(under_way - 1, 0))
        self.runs += 1
        if message.get("error"):
            self.problems.append(
                f"axe-core failed on {message['url']} ({message['reason']}): {message['error']}"
            )
        self._add(message)

    def _add(self, message: dict[str, Any]) -> None:
        new = []
        for v in message["violations"]:
            finding = {**v, "url": message["url"], "reason": message["reason"]}
            key = (finding["url"].split("#")[0], finding["id"], tuple(finding["targets"]))
            if key not in self._seen:
                self._seen.add(key)
                self.findings.append(finding)
                new.append(finding)
        _survey(new)

    def _route(self, route: Any) -> None:
        request = route.request
        if request.resource_type == "document" and request.is_navigation_request():
            try:
                page = request.frame.page if request.frame.parent_frame is None else None
            except Exception:  # a popup's first request has no frame yet: nothing was shown there
                page = None
            if page is not None:
                self._wait(page, f"before going to {request.url}")
        route.fallback()

    def _wait(self, page: Any, when: str) -> None:
        """Let the page's runs under way report (the page cannot be evaluated while its navigation is held)."""
        waited = 0
        while self.running.get(self._key(page), ("", 0))[1] and waited < AXE_WAIT_MS:
            page.wait_for_timeout(20)
            waited += 20
        if waited >= AXE_WAIT_MS:
            self.problems.append(f"axe-core: the check of {page.url} did not finish in time ({when})")

    def settle(self, page: Any, *, when: str, force: bool = False) -> None:
        """Wait for the page's checks and check it again if its DOM changed (or ``force``)."""
        if page.is_closed():
            return
        try:
            page.evaluate("force => window.__tuoyuAxe && window.__tuoyuAxe.settle(force)", force)
        except Exception as error:
            self.problems.append(f"axe-core: {page.url} could not be checked ({when}): {error}")
            return
        self._wait(page, when)

    def failing(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["impact"] in AXE_FAILING_IMPACTS]

    def take(self) -> list[dict[str, Any]]:
        """Hand over (and forget) the findings so far: for a test that expects them."""
        found, self.findings = self.findings, []
        return found


def axe_audit(page: Any) -> AxeAudit:
    audit = getattr(page.context, "_tuoyu_axe", None)
    if audit is None:
        pytest.fail("no axe-core audit on this page: open it with the page/phone_page/open_page fixtures")
    return audit


def _survey(findings: list[dict[str, Any]]) -> None:
    """With TUOYU_AXE_REPORT=path, every finding (any impact) is appended there as a JSON line, to survey a run."""
    path = os.environ.get("TUOYU_AXE_REPORT")
    if path and findings:
        with open(path, "a", encoding="utf-8") as out:
            for finding in findings:
                out.write(json.dumps(finding, ensure_ascii=False) + "\n")


def describe_violations(findings: list[dict[str, Any]]) -> str:
    lines = []
    for f in findings:
        more = f" (+{len(f['targets']) - 8} more)" if len(f["targets"]) > 8 else ""
        lines.append(
            f"- {f['id']} ({f['impact']}): {f['help']} — {', '.join(f['targets'][:8])}{more}"
            f" — at {f['url']} ({f['reason']})"
        )
    return "\n".join(lines)


def assert_accessible(page: Any) -> None:
    """Check the page as it stands now and fail at once on any WCAG 2.1 A/AA violation on it, whatever its
    impact (the automatic checks fail on critical and serious ones only, at teardown)."""
    audit = axe_audit(page)
    before = len(audit.findings)
    audit.settle(page, when="assert_accessible", force=True)
    assert not audit.problems, "\n".join(audit.problems)
    url = page.url.split("#")[0]
    here = [f for f in audit.findings[before:] if f["url"].split("#")[0] == url]
    assert not here, "accessibility violations (axe-core):\n" + describe_violations(here)
