"""The permission-matrix rows of the project's own URLs, those of tuoyu/urls.py and tuoyu/api.py that no app
declares: health checks, the language switch, the API's schema and docs, and the 404s under /api/.

Each row: the endpoint as urls.py or the API spells it → the check that proves who may use it
(the engine, and how a row is written: tuoyu/testing/matrix.py).
"""

from __future__ import annotations

from tuoyu.testing.matrix import (
    ApiNotFound,
    Check,
    Env,
    Public,
    status_of,
)


class SetLanguage(Check):
    """Anyone may switch the language (POST only)."""

    def __call__(self, env: Env, role: str) -> None:
        c = env.client(role)
        status_of(c.post("/i18n/setlang/", {"language": "en", "next": "/"}), role, "POST setlang", 302)
        c.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})


ROWS: dict[str, Check] = {
    # public
    "healthz": Public("/healthz"),
    "ping": Public("/ping"),
    "i18n/setlang/": SetLanguage(),
    "api/v1/openapi.json": Public("/api/v1/openapi.json"),
    "api/v1/docs": Public("/api/v1/docs"),
    "api/v1/": ApiNotFound("/api/v1/"),
    "^api/": ApiNotFound("/api/whatever/else"),
}
