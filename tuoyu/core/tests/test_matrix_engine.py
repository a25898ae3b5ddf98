"""The permission-matrix engine itself (tuoyu/testing/matrix.py): it finds every app's rows, knows which app
declares each URL and operation, refuses a row in the wrong app's matrix.py, and fails for a URL without a row.
The matrix it runs is tuoyu/core/tests/test_permission_matrix.py."""

from __future__ import annotations

import pytest

from tuoyu.core import registry
from tuoyu.testing import matrix
from tuoyu.testing.matrix import MatrixError, Public, RolesOnly

STAFF_LIST = RolesOnly("/staff/", ("ann", "ben"))


def test_a_url_without_a_row_fails_the_completeness_check() -> None:
    found = {"healthz", "widgets/", "GET /api/v1/widgets"}
    owner_of = {"healthz": "tuoyu.core", "widgets/": "tuoyu.widgets", "GET /api/v1/widgets": "tuoyu.widgets"}
    with pytest.raises(AssertionError) as failed:
        matrix.assert_complete(found, {"healthz": Public("/healthz")}, owner_of)
    message = str(failed.value)
    assert "'GET /api/v1/widgets' in tuoyu/widgets/tests/matrix.py" in message
    assert "'widgets/' in tuoyu/widgets/tests/matrix.py" in message
    assert "healthz" not in message
    matrix.assert_complete(
        found - {"widgets/", "GET /api/v1/widgets"}, {"healthz": Public("/healthz")}, owner_of
    )


def test_a_new_url_of_the_real_urlconf_without_a_row_fails_the_check() -> None:
    rows = matrix.collect()
    found = matrix.endpoints()
    matrix.assert_complete(found, rows, matrix.owners())
    with pytest.raises(AssertionError, match=r"'staff/brand-new/' in tuoyu/core/tests/matrix.py"):
        matrix.assert_complete(found | {"staff/brand-new/"}, rows, matrix.owners())
    unrowed = dict(rows)
    del unrowed["staff/"]
    with pytest.raises(AssertionError, match=r"'staff/' in tuoyu/staff/tests/matrix.py"):
        matrix.assert_complete(found, unrowed, matrix.owners())


def test_a_row_for_no_url_is_reported() -> None:
    with pytest.raises(AssertionError, match="staff/gone/"):
        matrix.assert_no_stale_rows({"staff/"}, {"staff/": STAFF_LIST, "staff/gone/": STAFF_LIST})


def test_a_row_in_another_apps_matrix_is_refused() -> None:
    owner_of = {"staff/": "tuoyu.staff", "bans/": "tuoyu.bans"}
    with pytest.raises(MatrixError) as refused:
        matrix.assemble({"tuoyu.bans": {"bans/": STAFF_LIST, "staff/": STAFF_LIST}}, owner_of)
    assert (
        "'staff/' is declared by tuoyu.staff: move its row from tuoyu/bans/tests/matrix.py to "
        "tuoyu/staff/tests/matrix.py"
    ) in str(refused.value)
    assert "'bans/'" not in str(refused.value)
    rows = matrix.assemble(
        {"tuoyu.bans": {"bans/": STAFF_LIST}, "tuoyu.staff": {"staff/": STAFF_LIST}}, owner_of
    )
    assert rows == {"bans/": STAFF_LIST, "staff/": STAFF_LIST}


def test_a_row_of_the_projects_own_urls_belongs_to_core() -> None:
    owner_of = {"healthz": matrix.PROJECT_OWNER}
    with pytest.raises(
        MatrixError, match="move its row from tuoyu/staff/tests/matrix.py to tuoyu/core/tests"
    ):
        matrix.assemble({"tuoyu.staff": {"healthz": Public("/healthz")}}, owner_of)


def test_an_endpoint_with_rows_in_two_apps_is_refused() -> None:
    with pytest.raises(MatrixError, match="has a row in tuoyu/staff/tests/matrix.py and in tuoyu/bans/tests"):
        matrix.assemble({"tuoyu.staff": {"x/": STAFF_LIST}, "tuoyu.bans": {"x/": STAFF_LIST}}, {})


def test_a_row_that_is_not_a_check_is_refused() -> None:
    with pytest.raises(MatrixError, match="is not a Check"):
        matrix.assemble({"tuoyu.staff": {"staff/": ("ann", "ben")}}, {"staff/": "tuoyu.staff"})  # type: ignore[dict-item]


def test_each_url_and_operation_belongs_to_the_app_that_declares_it() -> None:
    owner_of = matrix.owners()
    assert set(owner_of) == matrix.endpoints()
    assert owner_of["staff/<int:person_id>/"] == "tuoyu.staff"  # staff/urls.py, under its mount
    assert owner_of["GET /api/v1/staff/{person_id}"] == "tuoyu.staff"  # staff/api.py
    assert owner_of["invitations/<str:token>/"] == "tuoyu.institutions"  # institutions' root_urlpatterns
    assert owner_of["users/<int:user_id>/"] == "tuoyu.accounts"  # included from accounts' root_urlpatterns
    assert owner_of["GET /api/v1/rooms"] == "tuoyu.institutions"  # institutions' router, mounted at /
    assert owner_of["POST /api/v1/notices"] == "tuoyu.filings"  # filings' second router
    assert owner_of[""] == "tuoyu.workbench"
    for project_url in ("healthz", "ping", "i18n/setlang/", "api/v1/docs", "api/v1/openapi.json", "^api/"):
        assert owner_of[project_url] == matrix.PROJECT_OWNER
    operations = {e for e in owner_of if e.split(" ", 1)[0] in {"GET", "POST", "PUT", "PATCH", "DELETE"}}
    assert operations and all(owner_of[e] != matrix.PROJECT_OWNER for e in operations)


def test_every_apps_rows_are_found_and_live_with_their_urls() -> None:
    found = matrix.app_rows()
    declaring = {config.name for config, module in registry.app_modules("urls") if hasattr(module, "mount")}
    declaring |= {config.name for config, _module in registry.app_modules("api")}
    assert declaring | {matrix.PROJECT_OWNER} <= set(found)
    owner_of = matrix.owners()
    for app, rows in found.items():
        assert rows, f"{matrix.rows_module(app)} has no rows"
        for endpoint in rows:
            assert owner_of[endpoint] == app, f"{endpoint!r} is in {matrix.rows_module(app)}"


def test_collecting_refuses_a_real_row_moved_to_another_app(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = {app: dict(app_rows) for app, app_rows in matrix.app_rows().items()}
    rows["tuoyu.bans"]["staff/"] = rows["tuoyu.staff"].pop("staff/")
    monkeypatch.setattr(matrix, "app_rows", lambda: rows)
    with pytest.raises(
        MatrixError, match="'staff/' is declared by tuoyu.staff: move its row from tuoyu/bans/"
    ):
        matrix.collect()
