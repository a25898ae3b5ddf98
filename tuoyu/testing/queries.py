"""Query-count checks for list pages and list APIs: the count must not grow with the list (no N+1)."""

from __future__ import annotations

from typing import Any


def counts_do_not_grow(client: Any, url: str, grow: Any, assert_num: Any, expected: int) -> Any:
    """GET ``url`` with exactly ``expected`` queries, then again after ``grow()`` adds rows; answers the last
    response. ``assert_num`` is pytest-django's ``django_assert_num_queries``."""
    client.get(url)  # the session's first request may renew it (a write): not counted
    with assert_num(expected):
        assert client.get(url).status_code == 200
    grow()
    with assert_num(expected):
        response = client.get(url)
        assert response.status_code == 200
    return response
