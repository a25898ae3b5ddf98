"""How tuoyu runs under gunicorn — one definition for `tuoyu serve` and the benchmarks."""

from __future__ import annotations

import sys


def gunicorn_argv(*, host: str, port: int | str, workers: int | str, threads: int | str) -> list[str]:
    """gthread workers: threads overlap database waits; a 5 s graceful timeout makes Ctrl-C prompt."""
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
    ]
