"""Optimistic locking's one refusal, and the API clients' view of it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tuoyu.core.errors import Conflict, StaleVersion, check_version


def test_a_stale_version_is_one_conflict_with_one_code_naming_the_field() -> None:
    record = SimpleNamespace(version=3)
    check_version(record, 3)
    check_version(record, None)  # the caller does not lock
    with pytest.raises(StaleVersion) as exc:
        check_version(record, 2)
    assert isinstance(exc.value, Conflict) and exc.value.status == 409
    assert (exc.value.code, exc.value.field) == ("stale_version", "version")
    assert "已被他人修改" in exc.value.message
    with pytest.raises(StaleVersion) as exc:
        check_version(record, 4, message="该备案已被他人处理或修改，请刷新后再操作。")
    assert exc.value.code == "stale_version" and exc.value.message.startswith("该备案")


@pytest.mark.django_db
def test_every_versioned_api_answers_a_stale_write_with_stale_version(cast: Any, login: Any) -> None:
    # Bans said "stale" and filings "stale_version": API clients saw both (issue 10 §2).
    from tuoyu.bans.services import ban_create
    from tuoyu.bans.tests.test_views_api import FORM
    from tuoyu.testing.bans import ban_data

    ban = ban_create(by=cast.zhou, data=ban_data())
    response = login(cast.zhou).put(
        f"/api/v1/bans/{ban.pk}", {**FORM, "version": ban.version + 5}, content_type="application/json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["type"] == "urn:tuoyu:problem:stale_version"
    assert body["errors"] == [{"field": "version", "code": "stale_version", "message": body["detail"]}]
