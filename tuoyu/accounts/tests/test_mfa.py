"""Two-factor sign-in (TOTP, django-otp) for regulators, auditors and admins: enrolment with a QR code and
backup codes, then a challenge at every sign-in. Parents are not asked; TUOYU_MFA=off asks nobody."""

from __future__ import annotations

import base64
import html
import re
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuoyu.audit.models import Event
from tuoyu.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db

WRONG_SETUP = "验证码不正确或已过期，请查看身份验证器中的最新6位数字。"
WRONG_VERIFY = "验证码不正确或已过期。也可以输入一个备用码。"


def signed_in_by_password(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the password step failed"
    return client


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    """What the authenticator app shows (drift=1: the next 30-second step, for a step already used)."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=drift):06d}"


def enrol(username: str) -> tuple[Client, list[str]]:
    client = signed_in_by_password(username)
    client.get("/accounts/mfa/setup/")
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    response = client.post("/accounts/mfa/setup/", {"code": code_for(device), "next": "/"})
    assert response.status_code == 200
    return client, re.findall(r"<li[^>]*><code>([^<]+)</code></li>", response.content.decode())


def test_a_regulator_without_an_authenticator_is_sent_to_enrol(cast: Any) -> None:
    client = signed_in_by_password("alice")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/mfa/setup/?next=/"
    for url in ("/regions/", "/regions/430202/"):
        assert client.get(url)["Location"].startswith("/accounts/mfa/setup/")


def test_the_enrolment_page_shows_a_qr_code_and_the_secret(cast: Any) -> None:
    client = signed_in_by_password("alice")
    body = client.get("/accounts/mfa/setup/").content.decode()
    device = TOTPDevice.objects.get(user=cast.alice, confirmed=False)
    qr = re.search(r'<img src="data:image/svg\+xml([;,][^"]*)"', body)
    assert qr is not None
    meta, _comma, data = html.unescape(qr.group(1)).partition(",")
    svg = base64.b64decode(data).decode() if meta.endswith(";base64") else unquote(data)
    assert "<svg" in svg and "</svg>" in svg
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', body).group(1)
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    # Reloading the page keeps the same secret (the app may already have scanned it).
    assert secret in client.get("/accounts/mfa/setup/").content.decode()


def test_a_wrong_enrolment_code_is_refused_in_chinese(cast: Any) -> None:
    client = signed_in_by_password("alice")
    client.get("/accounts/mfa/setup/")
    device = TOTPDevice.objects.get(user=cast.alice, confirmed=False)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/mfa/setup/", {"code": wrong})
    assert response.status_code == 200
    assert WRONG_SETUP in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.alice, confirmed=True).exists()
    assert client.get("/")["Location"].startswith("/accounts/mfa/setup/")
    assert Event.objects.filter(action="mfa.enrol_failed", actor_id=cast.alice.pk).exists()


def test_the_right_code_confirms_the_device_and_shows_ten_backup_codes(cast: Any) -> None:
    client, codes = enrol("alice")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.filter(user=cast.alice, confirmed=True).count() == 1
    assert StaticToken.objects.filter(device__user=cast.alice).count() == 10
    assert client.get("/").status_code == 200
    assert Event.objects.filter(action="mfa.enrol", actor_id=cast.alice.pk).exists()


def test_a_later_sign_in_asks_for_the_code(cast: Any) -> None:
    enrol("alice")
    client = signed_in_by_password("alice")
    response = client.get("/")
    assert response["Location"] == "/accounts/mfa/verify/?next=/"
    # Having a device, one cannot enrol another with only the password.
    assert client.get("/accounts/mfa/setup/")["Location"] == "/accounts/mfa/verify/"
    assert client.get("/regions/")["Location"].startswith("/accounts/mfa/verify/")


def test_the_challenge_accepts_the_authenticator_code(cast: Any) -> None:
    enrol("alice")
    client = signed_in_by_password("alice")
    device = TOTPDevice.objects.get(user=cast.alice, confirmed=True)
    response = client.post("/accounts/mfa/verify/", {"code": code_for(device, drift=1), "next": "/regions/"})
    assert response.status_code == 302
    assert response["Location"] == "/regions/"
    assert client.get("/").status_code == 200
    assert Event.objects.filter(action="mfa.verify", actor_id=cast.alice.pk).exists()


def test_the_challenge_refuses_a_wrong_code_in_chinese(cast: Any) -> None:
    enrol("alice")
    client = signed_in_by_password("alice")
    response = client.post("/accounts/mfa/verify/", {"code": "000000"})
    assert response.status_code == 200
    assert WRONG_VERIFY in response.content.decode()
    assert client.get("/")["Location"].startswith("/accounts/mfa/verify/")
    assert Event.objects.filter(action="mfa.verify_failed", actor_id=cast.alice.pk).exists()


def test_a_code_already_used_cannot_be_replayed(cast: Any) -> None:
    enrol("alice")
    device = TOTPDevice.objects.get(user=cast.alice, confirmed=True)
    code = code_for(device, drift=1)
    first = signed_in_by_password("alice")
    assert first.post("/accounts/mfa/verify/", {"code": code})["Location"] == "/"
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    second = signed_in_by_password("alice")
    assert WRONG_VERIFY in second.post("/accounts/mfa/verify/", {"code": code}).content.decode()


def test_a_backup_code_works_once_only(cast: Any) -> None:
    _client, codes = enrol("alice")
    first = signed_in_by_password("alice")
    response = first.post("/accounts/mfa/verify/", {"code": codes[3]})
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert StaticToken.objects.filter(device__user=cast.alice).count() == 9
    second = signed_in_by_password("alice")
    response = second.post("/accounts/mfa/verify/", {"code": codes[3]})
    assert WRONG_VERIFY in response.content.decode()
    assert second.get("/")["Location"].startswith("/accounts/mfa/verify/")


def test_the_challenge_does_not_follow_an_outside_next_address(cast: Any) -> None:
    _client, codes = enrol("alice")
    client = signed_in_by_password("alice")
    response = client.post("/accounts/mfa/verify/", {"code": codes[0], "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.parametrize("who", ["pat", "ann", "stacy"])
def test_parents_and_institution_staff_are_not_asked(cast: Any, who: str) -> None:
    client = signed_in_by_password(who)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("who", ["zhou", "ivan", "audrey", "sam"])
def test_every_privileged_role_is_asked(cast: Any, who: str) -> None:
    assert signed_in_by_password(who).get("/")["Location"].startswith("/accounts/mfa/setup/")


def test_with_mfa_off_nobody_is_asked(cast: Any, settings: Any) -> None:
    settings.MFA_ENABLED = False
    for who in ("alice", "audrey", "sam"):
        assert signed_in_by_password(who).get("/").status_code == 200, who
