"""An over-long URL (a search pasted with a whole document) is a 414 on the platform's own page or as
problem+json — and gunicorn is started so that it lets such a request through to be answered that way."""

import socket
import subprocess
import sys
import time
from urllib.parse import quote

import pytest
from django.conf import settings

from tuoyu.core.server import REQUEST_LINE_LIMIT, gunicorn_argv

pytestmark = pytest.mark.django_db


def long_search(n: int) -> str:
    """A search query string of more than ``n`` characters as sent (percent-encoded)."""
    return "q=" + quote("托" * (n // 9 + 1))  # a CJK character is nine characters percent-encoded


def test_an_over_long_search_is_the_apps_own_414_page(client):
    response = client.get(f"/public/institutions/?{long_search(settings.MAX_URL_LENGTH)}")
    assert response.status_code == 414
    page = response.content.decode()
    assert "<h1" in page and "请求地址过长" in page and "缩短搜索词" in page and 'lang="zh-hans"' in page


def test_an_over_long_api_query_is_a_414_problem(client):
    response = client.get(f"/api/v1/public/institutions?{long_search(settings.MAX_URL_LENGTH)}")
    assert response.status_code == 414
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:tuoyu:problem:uri_too_long"


def test_a_url_up_to_the_limit_is_answered_as_usual(client):
    query = long_search(settings.MAX_URL_LENGTH - 200)
    assert len("/ping") + len(query) <= settings.MAX_URL_LENGTH
    assert client.get(f"/ping?{query}").status_code == 200
    # The public search refuses an over-long term beside its field, as any bad filter (not a 414).
    assert client.get(f"/public/institutions/?{long_search(1000)}").status_code == 400


def test_gunicorn_lets_a_url_past_our_limit_reach_django():
    assert REQUEST_LINE_LIMIT > settings.MAX_URL_LENGTH + 100
    argv = gunicorn_argv(host="127.0.0.1", port=0, workers=1, threads=1)
    assert argv[argv.index("--limit-request-line") + 1] == str(REQUEST_LINE_LIMIT)


@pytest.mark.skipif(sys.platform != "linux", reason="starts gunicorn")
def test_under_gunicorn_an_over_long_url_gets_our_page_not_gunicorns(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 — our own gunicorn command line
        gunicorn_argv(host="127.0.0.1", port=port, workers=1, threads=1),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        answer = b""
        for _ in range(150):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
                    path = f"/ping?{long_search(settings.MAX_URL_LENGTH)}"
                    conn.sendall(
                        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
                    )
                    while chunk := conn.recv(65536):
                        answer += chunk
                break
            except ConnectionRefusedError:
                time.sleep(0.2)
        status = answer.split(b"\r\n", 1)[0]
        assert b" 414 " in status, answer[:300]
        assert "请求地址过长".encode() in answer or b"uri_too_long" in answer
    finally:
        server.terminate()
        server.wait(timeout=10)
