"""Loading a signed-in request's user and memberships: a fixed number of queries, sealed columns not read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_memberships_load_once_per_request_without_the_institutions_sealed_columns(cast, login) -> None:
    client = login(cast.ann)  # an institution admin: the membership joins the institution
    assert client.get("/ping").status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/me").status_code == 200
    memberships = [q["sql"] for q in ctx.captured_queries if "accounts_membership" in q["sql"]]
    assert len(memberships) == 1
    assert "id_number" not in memberships[0] and '"phone"' not in memberships[0]
    assert "institutions_institution" in memberships[0]  # the institution comes in the same query
    sessions = [q for q in ctx.captured_queries if "django_session" in q["sql"]]
    users = [q for q in ctx.captured_queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(sessions) == 1 and len(users) == 1
