"""A busy database (another transaction holds the lock past the timeout) answers 503 with Retry-After —
a Chinese page for people, problem+json for the API — never a 500."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import Client

from tuoyu.core.errors import is_database_busy
from tuoyu.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db


def busy_error() -> OperationalError:
    """What Django raises when the lock wait times out, with the driver's own error as its cause."""
    if connection.vendor == "sqlite":
        cause: Exception = sqlite3.OperationalError("database is locked")
    else:
        cause = psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")
    error = OperationalError(*cause.args)
    error.__cause__ = cause
    return error


@contextmanager
def database_locked() -> Iterator[None]:
    """Every write statement fails as it does while another connection holds the write lock."""

    def refuse_writes(execute, sql, params, many, context):  # noqa: ANN001, ANN202
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise busy_error()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_writes):
        yield


def test_a_login_while_the_database_is_locked_answers_503_in_chinese_with_retry_after(cast):
    client = Client()
    with database_locked():
        response = client.post("/accounts/login/", {"username": "pat", "password": PASSWORD})
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    html = response.content.decode()
    assert "系统繁忙" in html and "重试" in html


def test_an_api_write_while_the_database_is_locked_answers_503_problem_json(cast, login):
    client = login(cast.pat)
    with database_locked():
        response = client.post("/api/v1/notifications/read-all")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"].isdigit()
    body = response.json()
    assert body["status"] == 503 and body["type"] == "urn:tuoyu:problem:database_busy"
    assert "重试" in body["detail"]


def test_the_busy_page_follows_the_users_language(cast):
    client = Client()
    client.cookies["django_language"] = "en"
    with database_locked():
        response = client.post("/accounts/login/", {"username": "pat", "password": PASSWORD})
    assert response.status_code == 503 and "busy" in response.content.decode().lower()


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("no such table: x"), False),
        (psycopg.errors.SerializationFailure("could not serialize access"), True),
        (psycopg.errors.DeadlockDetected("deadlock detected"), True),
        (psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"), True),
        (psycopg.errors.UndefinedTable("relation does not exist"), False),
        (ValueError("database is locked"), False),
    ],
)
def test_only_lock_waits_serialization_failures_and_deadlocks_count_as_busy(error, busy):
    wrapped = OperationalError(*error.args)
    wrapped.__cause__ = error
    assert is_database_busy(error) is busy
    assert is_database_busy(wrapped) is busy
