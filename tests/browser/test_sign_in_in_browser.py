"""Signing in through the real forms: lockout after five failures, and the second factor (TOTP)."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.testing.browser import regulator, secret_key, submit, submit_login, totp_code
from tuoyu.testing.fixtures import PASSWORD

pytestmark = pytest.mark.browser

WRONG = "用户名或密码错误。连续5次错误将锁定15分钟。"
LOCKED = "登录失败次数过多，该账号已被锁定15分钟。请稍后再试，或联系系统管理员。"


def _attempts(page, site, username):
    """Five wrong passwords, then the right one: the alert each attempt shows."""
    shown = []
    for n, password in enumerate([*(f"Wrong-Password-{i}" for i in range(5)), PASSWORD]):
        submit_login(page, site, username, password)
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        alert = page.locator("main [role=alert]")
        expect(alert, f"attempt {n + 1} shows an alert").to_have_count(1)
        shown.append(alert.inner_text().strip())
    return shown


def test_five_wrong_passwords_lock_the_account_and_an_unknown_name_reads_the_same(page, site):
    regulator("alice", Role.REGULATOR, "430202")

    known = _attempts(page, site, "alice")
    assert known[:4] == [WRONG] * 4
    assert known[4:] == [LOCKED, LOCKED]  # the fifth failure locks; the right password no longer gets in
    page.goto(f"{site}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))  # still signed out

    unknown = _attempts(page, site, "nobody-here")
    assert unknown == known


def test_regulator_enrols_an_authenticator_and_signs_in_with_it_and_with_a_backup_code(page, site):
    alice = regulator("alice", Role.REGULATOR, "430202", with_device=False)

    submit_login(page, site, "alice")
    expect(page).to_have_url(re.compile(r"/accounts/mfa/setup/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("启用双因素认证")
    qr = page.get_by_role("img", name="身份验证器二维码")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the QR code really renders
    key = secret_key(page.locator("#totp-secret").inner_text().strip())

    page.get_by_label("验证码").fill(totp_code(key))
    submit(page)
    codes = page.locator("#backup-codes code").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10
    with page.expect_navigation():
        page.get_by_role("link", name="我已保存，继续").click()
    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("您好，Alice")

    def sign_out():
        with page.expect_navigation():
            page.locator("nav").get_by_role("button", name="退出").click()
        expect(page).to_have_url(re.compile(r"/accounts/login/"))

    def second_factor(code):
        submit_login(page, site, "alice")
        expect(page).to_have_url(re.compile(r"/accounts/mfa/verify/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("双因素认证")
        page.get_by_label("验证码").fill(code)
        submit(page)

    sign_out()
    # A fresh code from the authenticator (the one used at enrolment cannot be replayed).
    second_factor(totp_code(key, last_t=TOTPDevice.objects.get(user=alice).last_t))
    expect(page).to_have_url(f"{site}/")

    sign_out()
    second_factor(codes[0])
    expect(page).to_have_url(f"{site}/")

    sign_out()
    second_factor(codes[0])  # a backup code works once
    expect(page).to_have_url(re.compile(r"/accounts/mfa/verify/"))
    expect(page.locator(".invalid-feedback")).to_have_text("验证码不正确或已过期。也可以输入一个备用码。")
    page.goto(f"{site}/regions/")
    expect(page).to_have_url(re.compile(r"/accounts/mfa/verify/"))
