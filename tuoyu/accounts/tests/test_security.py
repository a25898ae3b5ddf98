"""Web security controls: headers, cookie flags, CSRF on sign-in, the idle session timeout."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tuoyu.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/accounts/login/", "/"])
def test_pages_carry_the_security_headers(cast: Any, login: Any, url: str) -> None:
    response = login(cast.alice).get(url) if url == "/" else Client().get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_http_only(cast: Any) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"username": "pat", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_signing_in_without_a_csrf_token_is_refused(cast: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "pat", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_signing_in_with_the_forms_csrf_token_works(cast: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/", {"username": "pat", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_a_session_idle_for_30_minutes_ends(cast: Any, login: Any) -> None:
    client = login(cast.alice)
    assert client.get("/").status_code == 200
    assert client.session.get_expiry_age() == 30 * 60
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_active_session_is_renewed_at_most_once_a_minute(cast: Any, login: Any, monkeypatch: Any) -> None:
    import time as real_time

    from tuoyu.core import middleware

    client = login(cast.alice)
    clock = [real_time.time()]
    monkeypatch.setattr(middleware.time, "time", lambda: clock[0])

    def expiry():  # noqa: ANN202
        return Session.objects.get(session_key=client.session.session_key).expire_date

    client.get("/")
    first = expiry()
    clock[0] += 30
    client.get("/")
    assert expiry() == first  # no write within the minute
    clock[0] += 31
    client.get("/")
    assert expiry() > first  # renewed after it
    clock[0] += 31 * 60
    response = client.get("/")  # idle past 30 minutes (even if the row had not expired): signed out
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
