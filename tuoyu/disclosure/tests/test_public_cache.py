"""The short-lived cache of anonymous public pages (core/publiccache.py): who it answers, and who it never does."""

import re

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from tuoyu.disclosure.tests.factories import make_filed
from tuoyu.institutions.models import Institution

pytestmark = pytest.mark.django_db

LIST = "/public/institutions/"


@pytest.fixture
def cached(cast):
    caches["public"].clear()
    make_filed(by=cast.alice, name="月塘阳光托育中心", region="430202001")
    with override_settings(TUOYU_PUBLIC_CACHE_SECONDS=60):
        yield
    caches["public"].clear()


def _rename_quietly(old: str, new: str) -> None:
    """A change the cache cannot hear of (no save signal): only a cached answer still shows the old name."""
    Institution.objects.filter(name=old).update(name=new)


def test_an_anonymous_visitor_gets_the_cached_page(cached):
    first = Client().get(LIST)
    assert first.status_code == 200 and "X-Tuoyu-Cache" not in first.headers
    _rename_quietly("月塘阳光托育中心", "改名后的托育中心")
    second = Client().get(LIST)
    assert second.headers["X-Tuoyu-Cache"] == "hit"
    assert "月塘阳光托育中心" in second.content.decode()


def test_the_json_and_the_api_list_are_cached_too(cached):
    for url in ("/public/institutions.json", "/api/v1/public/institutions"):
        Client().get(url)
        assert Client().get(url).headers.get("X-Tuoyu-Cache") == "hit", url


def test_each_query_is_its_own_entry_and_the_detail_is_never_cached(cached):
    Client().get(LIST)
    assert "X-Tuoyu-Cache" not in Client().get(LIST + "?q=月塘").headers
    institution = Institution.objects.get(name="月塘阳光托育中心")
    detail = f"/public/institutions/{institution.pk}/"
    Client().get(detail)
    assert "X-Tuoyu-Cache" not in Client().get(detail).headers


def test_a_signed_in_user_always_reaches_the_view(cached, cast, login):
    Client().get(LIST)
    _rename_quietly("月塘阳光托育中心", "改名后的托育中心")
    response = login(cast.alice).get(LIST)
    assert "X-Tuoyu-Cache" not in response.headers
    assert "改名后的托育中心" in response.content.decode()


def test_an_api_token_or_a_messages_cookie_bypasses_the_cache(cached):
    Client().get("/api/v1/public/institutions")
    response = Client().get("/api/v1/public/institutions", HTTP_AUTHORIZATION="Bearer tuoyu_x")
    assert "X-Tuoyu-Cache" not in response.headers
    Client().get(LIST)
    c = Client()
    c.cookies["messages"] = "x"
    assert "X-Tuoyu-Cache" not in c.get(LIST).headers


def test_a_bad_filter_is_never_cached(cached):
    Client().get(LIST + "?age=abc")
    response = Client().get(LIST + "?age=abc")
    assert response.status_code == 400 and "X-Tuoyu-Cache" not in response.headers


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)) | set(
        re.findall(r'<meta name="csrf-token" content="([^"]+)"', html)
    )


def test_every_visitor_gets_a_csrf_token_of_their_own_that_works(cached):
    Client().get(LIST)
    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get(LIST)
    assert response.headers["X-Tuoyu-Cache"] == "hit"
    tokens = _tokens(response.content.decode())
    assert tokens and all(len(t) == 64 for t in tokens)
    assert "\x00" not in response.content.decode()
    # The language switch posts with the visitor's own token: accepted (a redirect), not a CSRF 403.
    switched = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": LIST, "csrfmiddlewaretoken": tokens.pop()}
    )
    assert switched.status_code == 302


def test_a_language_has_its_own_entry(cached):
    Client().get(LIST)
    english = Client()
    english.cookies["django_language"] = "en"
    response = english.get(LIST)
    assert "X-Tuoyu-Cache" not in response.headers and response.headers["Content-Language"] == "en"


def test_a_saved_institution_clears_the_cache_once_it_commits(
    cached, cast, django_capture_on_commit_callbacks
):
    Client().get(LIST)
    institution = Institution.objects.get(name="月塘阳光托育中心")
    institution.name = "保存后的托育中心"
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        institution.save()
    assert hooks  # cleared on commit, not before
    response = Client().get(LIST)
    assert "X-Tuoyu-Cache" not in response.headers
    assert "保存后的托育中心" in response.content.decode()


def test_off_when_the_timeout_is_zero(cast):
    make_filed(by=cast.alice, name="月塘阳光托育中心", region="430202001")
    Client().get(LIST)
    assert "X-Tuoyu-Cache" not in Client().get(LIST).headers
