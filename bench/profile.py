"""Where a request's time goes, per endpoint: the load benchmark's endpoints on its database, one process.

    python -m bench.profile --var-dir /tmp/pages-prov                     # every endpoint of bench.run
    python -m bench.profile --var-dir /tmp/pages-prov --endpoints home,staff-roster --requests 50
    python -m bench.profile --var-dir /tmp/pg --database-url postgres://postgres@127.0.0.1:5432/tuoyu_bench_pages

The database is one the load benchmark made and kept (``python -m bench.run --var-dir DIR``; with
``--database-url``, the PostgreSQL database it filled). The users are the benchmark's (``bench.run.login_users``
over ``bench.generate --facts``), each signed in once through the login form; each endpoint is then requested
through the Django test client — the whole middleware stack, no HTTP server — a few times to warm up, then
``--requests`` times (default 30) with timers patched in, then ``--profile-requests`` times under cProfile.

Per request the wall time is split, each moment counted once, in the innermost of:

- **session** — loading and saving the session, the user and their memberships (``SessionStore.load`` and
  ``.save``, ``auth.get_user``, ``User.active_memberships``), their SQL included;
- **SQL** — every other query's execution (``connection.execute_wrapper``: on SQLite the first step of a
  query; fetching further rows is in *rest*);
- **template** — template rendering (``Template.render`` of the template backend) outside the two above;
- **rest** — everything else: the view's Python, forms, model instances and field decryption, serialisation,
  middleware, the test client.

The table shows the median of each (so the parts need not add up to the wall median exactly), the queries per
request (and how many of them wrote: a session save is one), the response size; then, per endpoint, the
functions by cumulative and by own time under cProfile (about 2× slower: read the shares). Nothing is
written to the database beyond what the requests themselves write (session renewals). The report is printed
and, with ``--output FILE``, written there as Markdown (leave it uncommitted, like ``bench/results``).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.run import MINIMAL_SIGNED_IN, Endpoint, bench_env, endpoints, login_users

ROOT = Path(__file__).resolve().parent.parent
SESSION, SQL, TEMPLATE = "session", "sql", "template"
STAGES = (SESSION, SQL, TEMPLATE)


@dataclass
class Clock:
    """Exclusive time per stage: a stack of the stages entered; time is charged to the innermost one."""

    stack: list[str] = field(default_factory=list)
    spent: dict[str, float] = field(default_factory=dict)
    mark: float = 0.0
    queries: int = 0
    writes: int = 0
    on: bool = False
    statements: list[tuple[float, str]] = field(default_factory=list)  # (ms, SQL) of the last request

    def reset(self) -> None:
        self.stack.clear()
        self.spent = dict.fromkeys(STAGES, 0.0)
        self.queries = self.writes = 0
        self.statements = []
        self.mark = time.perf_counter()

    def _charge(self) -> None:
        now = time.perf_counter()
        if self.stack:
            self.spent[self.stack[-1]] += now - self.mark
        self.mark = now

    def enter(self, stage: str) -> None:
        if not self.on:
            return
        self._charge()
        # SQL run while loading the session, user or memberships is part of that loading
        self.stack.append(SESSION if self.stack and self.stack[-1] == SESSION else stage)

    def leave(self) -> None:
        if not self.on or not self.stack:
            return
        self._charge()
        self.stack.pop()


CLOCK = Clock()


def _timed(stage: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        CLOCK.enter(stage)
        try:
            return func(*args, **kwargs)
        finally:
            CLOCK.leave()

    wrapper.__wrapped__ = func  # type: ignore[attr-defined]
    return wrapper


def _sql(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    if CLOCK.on:
        CLOCK.queries += 1
        if sql.lstrip()[:6].upper() != "SELECT":
            CLOCK.writes += 1
    CLOCK.enter(SQL)
    t0 = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        if CLOCK.on:
            CLOCK.statements.append(((time.perf_counter() - t0) * 1000, sql))
        CLOCK.leave()


def patch_timers() -> None:
    """Wrap what loads the session, the user and the memberships, and the template backend's render."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib import auth
    from django.template.backends.django import Template

    from tuoyu.accounts.models import User

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for cls in {c for c in store.__mro__ if "load" in vars(c)}:
        cls.load = _timed(SESSION, vars(cls)["load"])
    for cls in {c for c in store.__mro__ if "save" in vars(c)}:
        cls.save = _timed(SESSION, vars(cls)["save"])
    get_user = _timed(SESSION, auth.get_user)
    auth.get_user = get_user  # AuthenticationMiddleware calls it through the module
    User.active_memberships = _timed(SESSION, User.active_memberships)
    Template.render = _timed(TEMPLATE, Template.render)


def sign_in(username: str) -> Any:
    """A test client signed in through the login form, as the load benchmark's clients are."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.get("/accounts/login/")
    resp = client.post(
        "/accounts/login/",
        {"username": username, "password": "Demo-Tuoyu-2026", "next": "/"},
    )
    if resp.status_code != 302:
        raise SystemExit(f"sign-in as {username} failed: HTTP {resp.status_code}")
    return client


def _get(client: Any, ep: Endpoint) -> Any:
    resp = client.get(ep.path)
    if resp.status_code != 200:
        raise SystemExit(f"{ep.path} as {ep.login or 'anonymous'}: HTTP {resp.status_code}")
    return resp


def measure(client: Any, ep: Endpoint, requests: int, warmup: int) -> dict[str, Any]:
    from django.db import connection

    first = _get(client, ep)
    if ep.marker and ep.marker not in first.content.decode("utf-8", errors="replace"):
        raise SystemExit(f"{ep.path}: {ep.marker!r} not in the response")
    for _ in range(warmup):
        _get(client, ep)
    walls, parts, queries, writes = [], {s: [] for s in STAGES}, [], []
    size = 0
    with connection.execute_wrapper(_sql):
        for _ in range(requests):
            CLOCK.reset()
            CLOCK.on = True
            t0 = time.perf_counter()
            resp = _get(client, ep)
            wall = time.perf_counter() - t0
            CLOCK.on = False
            walls.append(wall)
            for s in STAGES:
                parts[s].append(CLOCK.spent[s])
            queries.append(CLOCK.queries)
            writes.append(CLOCK.writes)
            size = len(resp.content)
    rest = [w - sum(parts[s][i] for s in STAGES) for i, w in enumerate(walls)]
    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    return {
        "wall": ms(walls),
        **{s: ms(parts[s]) for s in STAGES},
        "rest": ms(rest),
        "queries": statistics.median(queries),
        "writes": statistics.median(writes),
        "bytes": size,
        "statements": list(CLOCK.statements),
    }


def profile(client: Any, ep: Endpoint, requests: int, top: int) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(requests):
        _get(client, ep)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    out.write(f"### `{ep.path}` as {ep.login or 'anonymous'}: {requests} requests under cProfile\n\n")
    out.write("tuoyu's own functions by cumulative time:\n\n```\n")
    stats.sort_stats("cumulative").print_stats(f"{ROOT}/(tuoyu|bench)/", top)
    out.write("```\n\nAll functions by own time:\n\n```\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write("```\n")
    # paths shortened; pstats's headers ("Ordered by", "List reduced") left out
    text = out.getvalue().replace(f"{ROOT}/", "")
    for prefix in sorted({p for p in sys.path if p.endswith("-packages")}, key=len, reverse=True):
        text = text.replace(prefix + "/", "")
    return "\n".join(
        line
        for line in text.splitlines()
        if not line.strip().startswith(("Ordered by", "List reduced", "Function was called"))
    )


def table(rows: list[tuple[Endpoint, dict[str, Any]]]) -> str:
    lines = [
        "| endpoint | as | wall ms | session | SQL | template | rest | queries (writes) | KiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]

    def share(r: dict[str, Any], s: str) -> str:
        return f"{r[s]:.2f} ({100 * r[s] / r['wall']:.0f} %)" if r["wall"] else "–"

    for ep, r in rows:
        lines.append(
            f"| `{ep.path}` ({ep.name}) | {ep.login or 'anonymous'} | {r['wall']:.2f} | {share(r, SESSION)} "
            f"| {share(r, SQL)} | {share(r, TEMPLATE)} | {share(r, 'rest')} | {r['queries']:g} ({r['writes']:g}) "
            f"| {r['bytes'] / 1024:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--var-dir", type=Path, required=True, help="a var dir kept by bench.run --var-dir")
    parser.add_argument("--database-url", default="", help="the PostgreSQL database bench.run filled")
    parser.add_argument("--scale", default="province", choices=("city", "province"))
    parser.add_argument(
        "--endpoints",
        default="",
        help="comma-separated bench.run endpoint names (default: all but the health checks)",
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests per endpoint (medians)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--profile-requests", type=int, default=20, help="requests under cProfile (0: none)")
    parser.add_argument("--top", type=int, default=25, help="functions per cProfile list")
    parser.add_argument(
        "--public-cache",
        action="store_true",
        help="keep the anonymous public cache on (default: off, the views run)",
    )
    parser.add_argument(
        "--sql",
        type=int,
        default=0,
        metavar="CHARS",
        help="list each query of one request (its first CHARS characters)",
    )
    parser.add_argument("--output", type=Path, help="also write the report (Markdown) to this file")
    args = parser.parse_args(argv)

    if not (args.var_dir / ("database-ready" if args.database_url else "tuoyu.sqlite3")).exists():
        parser.error(
            f"no benchmark database in {args.var_dir}: run python -m bench.run --var-dir {args.var_dir}"
        )
    env = bench_env(args.var_dir, args.database_url)
    env["TUOYU_ALLOWED_HOSTS"] = "localhost"
    if not args.public_cache:
        env["TUOYU_PUBLIC_CACHE_SECONDS"] = "0"
    os.environ.update(env)
    if "TUOYU_DATABASE_URL" not in env:
        os.environ.pop("TUOYU_DATABASE_URL", None)
    import django

    django.setup()
    from django.db import connection

    from bench.generate import bench_facts

    facts = bench_facts(args.scale)
    chosen = [e for e in args.endpoints.split(",") if e]
    eps = [e for e in endpoints(facts) if e.name not in ("ping", "healthz")]
    if chosen:
        unknown = set(chosen) - {e.name for e in eps}
        if unknown:
            parser.error(f"unknown endpoints {sorted(unknown)}; known: {', '.join(e.name for e in eps)}")
        eps = [e for e in eps if e.name in chosen]
    if any(e.minimal == MINIMAL_SIGNED_IN for e in eps) and MINIMAL_SIGNED_IN not in {e.name for e in eps}:
        eps.insert(0, next(e for e in endpoints(facts) if e.name == MINIMAL_SIGNED_IN))  # the yardstick

    from django.test import Client

    users = login_users(facts)
    clients: dict[str, Any] = {"": Client(HTTP_HOST="localhost")}
    for login in {e.login for e in eps if e.login}:
        clients[login] = sign_in(users[login])
    patch_timers()

    print(
        f"bench.profile: {connection.vendor}, {args.var_dir}; {args.requests} timed requests per endpoint, "
        f"public cache {'on' if args.public_cache else 'off'}",
        file=sys.stderr,
        flush=True,
    )
    rows = []
    for ep in eps:
        r = measure(clients[ep.login], ep, args.requests, args.warmup)
        rows.append((ep, r))
        print(f"  {ep.name:<18} {r['wall']:7.2f} ms, {r['queries']:g} queries", file=sys.stderr, flush=True)
    who = ", ".join(f"{k} = `{v}`" for k, v in users.items() if v and k in {e.login for e in eps})
    report = [
        f"# bench.profile — {connection.vendor}, {args.var_dir}",
        "",
        f"Signed in as: {who}. Median of {args.requests} requests each through the Django test client (the whole "
        "middleware stack); stages exclusive (see `python -m bench.profile --help`).",
        "",
        table(rows),
        "",
    ]
    if args.sql:
        for ep, r in rows:
            report += [f"### SQL of one `{ep.path}` as {ep.login or 'anonymous'}", "", "```"]
            report += [f"{ms:7.2f} ms  {sql[: args.sql]}" for ms, sql in r["statements"]]
            report += ["```", ""]
    if args.profile_requests:
        for ep in eps:
            report += [profile(clients[ep.login], ep, args.profile_requests, args.top), ""]
    text = "\n".join(report)
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
