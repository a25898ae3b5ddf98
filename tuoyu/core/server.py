"""How tuoyu runs under gunicorn — one definition for `tuoyu serve` and the benchmarks."""

from __future__ import annotations

import sys

# gunicorn's own limit on the request line (its default 4094 would answer an over-long URL with gunicorn's
# bare 414 page before Django sees it): its maximum, above settings.MAX_URL_LENGTH, so the platform answers.
REQUEST_LINE_LIMIT = 8190


def gunicorn_argv(*, host: str, port: int | str, workers: int | str, threads: int | str) -> list[str]:
    """gthread workers: threads overlap database waits; a 5 s graceful timeout makes Ctrl-C prompt; the
    request line as long as gunicorn allows (an over-long URL gets our own 414 page)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "tuoyu.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--graceful-timeout",
        "5",
        "--limit-request-line",
        str(REQUEST_LINE_LIMIT),
    ]
