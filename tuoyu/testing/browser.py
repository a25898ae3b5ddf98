"""Browser-test fixtures: one Debian Chromium per session driven by Playwright, a fresh context and page
per test, a live server with the regions loaded, and helpers that sign in through the real forms.

Tests use them through ``tests/browser/conftest.py``. Chromium is the system package
(``/usr/bin/chromium``); ``playwright install`` is never run. Every page records uncaught script errors and
Content-Security-Policy violations, and a test that produced any fails at teardown.
"""

from __future__ import annotations

import base64
import os
import re
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
    """What went wrong inside the page: uncaught exceptions and CSP violations."""

    problems: list[str] = field(default_factory=list)

    def console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"CSP: {message.text}")

    def page_error(self, error: Any) -> None:
        self.problems.append(f"script error: {error}")


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::")[-1])


def _open_page(request: pytest.FixtureRequest, browser: Any, viewport: dict[str, int], **kwargs: Any) -> Any:
    # zh-CN: the browser asks for Chinese, as our users' browsers do (LocaleMiddleware honours it).
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **kwargs)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    log = PageLog()
    page.on("console", log.console)
    page.on("pageerror", log.page_error)

    def finish() -> None:
        report = getattr(request.node, "rep_call", None)
        try:
            if report is not None and report.failed:
                folder = Path(request.config.rootpath) / "test-artifacts"
                folder.mkdir(exist_ok=True)
                page.screenshot(
                    path=str(folder / f"{_artifact_name(request.node.nodeid)}.png"), full_page=True
                )
        finally:
            context.close()
        if report is not None and report.passed and log.problems:
            pytest.fail("the page reported problems:\n" + "\n".join(log.problems))

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
    yield live_server.url
    empty_audit_trail()


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


# axe-core (npm, a dev dependency installed by `make assets`): the accessibility engine the architecture names.
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # WCAG 2.1 AA, as GB/T 37668-2019 asks


def assert_accessible(page: Any) -> None:
    """Run axe-core on the page as it stands and fail on any WCAG 2.1 A/AA violation, naming each rule and
    the elements it found. The engine is evaluated through the DevTools protocol, so the page's CSP (no
    inline scripts) needs no exception."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"axe-core not found at {AXE_SCRIPT}: run `make assets` (npm ci)")
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    violations = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations.map("
        "v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))",
        AXE_TAGS,
    )
    assert not violations, "accessibility violations (axe-core):\n" + "\n".join(
        f"- {v['id']}: {v['help']} — {', '.join(v['nodes'])}" for v in violations
    )
