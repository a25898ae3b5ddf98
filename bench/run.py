"""The load benchmark (``make bench``): a real gunicorn serving a fresh database, loaded over loopback.

    python -m bench.run                       # city scale, 1 and 16 clients
    python -m bench.run --scale province --requests 3000 --seconds 20 --concurrency 1,4,16 --rounds 3

Steps: a temporary TUOYU_VAR_DIR with a fresh SQLite database (two-factor auth off, so a regulator's session
needs no TOTP) → ``tuoyu demo`` → ``python -m bench.generate --scale …`` → collectstatic → gunicorn on a free
127.0.0.1 port → wait for /healthz → sign in the city regulator ``zz-city``, the county regulator with the
most submitted filings (``bench-<county>``), and for the compliance risk list the regulators of the county and
of the city with the most filed institutions (after the nightly ``evaluate_all``) once per client → measure each endpoint at each concurrency next to
/ping (the framework ceiling) → stop gunicorn (also on Ctrl-C or an error) → write
bench/results/load-<scale>-<timestamp>.json and bench/results/latest.md.

Optional endpoints (the public disclosure pages and API) are skipped with a note when they answer 404, so the
benchmark runs on a checkout that does not have them yet.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from bench.generate import DEFAULT_SEED, SCALES
from bench.load import LoadResult, require_loopback, run_load
from tuoyu.core.server import gunicorn_argv

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
HOST = "127.0.0.1"
USERNAME = "zz-city"
PASSWORD = "Demo-Tuoyu-2026"  # tuoyu.demo.accounts.DEMO_PASSWORD (not imported: no Django here)
WORKERS, THREADS = 2, 4


# Who an endpoint is requested as ("" = anonymous): zz-city, the busiest reviewer, and for the risk list the
# regulators of the county and of the city with the most filed institutions.
CITY, REVIEWER, RISK_COUNTY, RISK_CITY = "city", "reviewer", "risk-county", "risk-city"
ROSTER = "roster"  # the admin of the institution with the most children in the risk county
# The minimal pages (bench/minimal): one indexed query and a bare template — the ceiling of a public page
# and of a signed-in page; every endpoint is also compared with its kind's.
MINIMAL_PUBLIC, MINIMAL_SIGNED_IN = "minimal-public", "minimal-signed-in"


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    login: str  # "" anonymous, or whose session cookie: CITY (zz-city), REVIEWER, RISK_COUNTY, RISK_CITY
    what: str
    marker: str = ""  # a string the body must contain (checked once before measuring)
    optional: bool = False  # skipped with a note when it answers 404 (not built yet in this checkout)
    minimal: str = ""  # the minimal page it is compared with: MINIMAL_PUBLIC, MINIMAL_SIGNED_IN or ""


def endpoints(facts: dict[str, Any]) -> list[Endpoint]:
    """The measured endpoints; the public search and the reviewer queue use the generated scale's facts
    (``python -m bench.generate --facts``): a county with many filed institutions, a brand common there,
    and the county regulator with the most submitted filings in their queue."""
    search = urllib.parse.urlencode(
        {"q": facts.get("search_q", ""), "region": facts.get("search_region", ""), "service_type": "full_day"}
    )
    eps = [
        Endpoint("ping", "/ping", "", "framework ceiling: a minimal view through the whole middleware stack"),
        Endpoint("healthz", "/healthz", "", "health check: one SELECT 1", '"ok"'),
        Endpoint(
            MINIMAL_PUBLIC,
            "/bench/minimal/public/",
            "",
            "minimal public page: the newest 30 filed institutions by the primary key, a bare template",
            "<li>",
        ),
        Endpoint(
            MINIMAL_SIGNED_IN,
            "/bench/minimal/signed-in/",
            CITY,
            "minimal signed-in page: session, user, memberships, 30 institutions of the region by the "
            "region_prefix index, a bare template",
            "<li>",
        ),
        Endpoint(
            "api-regions",
            "/api/v1/regions",
            CITY,
            "API: first page of regions in jurisdiction",
            '"items"',
            minimal=MINIMAL_SIGNED_IN,
        ),
        Endpoint(
            "api-institutions",
            "/api/v1/institutions",
            CITY,
            "API: first page of institutions in jurisdiction (the city regulator)",
            '"items"',
            minimal=MINIMAL_SIGNED_IN,
        ),
        Endpoint(
            "home",
            "/",
            CITY,
            "the city regulator's home page (counts, region children)",
            "株洲",
            minimal=MINIMAL_SIGNED_IN,
        ),
        Endpoint(
            "public-api-list",
            "/api/v1/public/institutions?limit=20",
            "",
            "public API, anonymous: first page of filed institutions (newest filing first)",
            '"items"',
            optional=True,
            minimal=MINIMAL_PUBLIC,
        ),
        Endpoint(
            "public-api-search",
            f"/api/v1/public/institutions?{search}",
            "",
            "public API, anonymous: name part + county + full-day care",
            '"items"',
            optional=True,
            minimal=MINIMAL_PUBLIC,
        ),
        Endpoint(
            "public-list",
            "/public/institutions/",
            "",
            "public HTML list page, anonymous: filter form and first page",
            optional=True,
            minimal=MINIMAL_PUBLIC,
        ),
    ]
    if facts.get("reviewer"):
        eps.append(
            Endpoint(
                "review-queue",
                "/filings/review/",
                REVIEWER,
                f"the reviewer queue of {facts['reviewer']} ({facts.get('reviewer_queue')} submitted filings)",
                "备案审核",
                minimal=MINIMAL_SIGNED_IN,
            )
        )
    for login, key in ((RISK_COUNTY, "risk_county"), (RISK_CITY, "risk_city")):
        if facts.get(key):
            eps.append(
                Endpoint(
                    login,
                    "/standards/risk/",
                    login,
                    f"the compliance risk list of {facts[key]} ({facts.get(key + '_filed')} filed institutions, "
                    "first page, highest risk first)",
                    "合规风险排序",
                    minimal=MINIMAL_SIGNED_IN,
                )
            )
    if facts.get("roster_admin"):
        eps += [
            Endpoint(
                "staff-roster",
                "/staff/",
                ROSTER,
                f"the staff roster of {facts['roster_admin']}'s institution",
                "<table",
                minimal=MINIMAL_SIGNED_IN,
            ),
            Endpoint(
                "children-roster",
                "/children/",
                ROSTER,
                f"the children roster of {facts['roster_admin']}'s institution "
                f"({facts.get('roster_children')} children)",
                "<table",
                minimal=MINIMAL_SIGNED_IN,
            ),
        ]
    return eps


def login_users(facts: dict[str, Any]) -> dict[str, str]:
    """The account each login role signs in as."""
    return {
        CITY: USERNAME,
        REVIEWER: facts.get("reviewer", ""),
        RISK_COUNTY: facts.get("risk_county", ""),
        RISK_CITY: facts.get("risk_city", ""),
        ROSTER: facts.get("roster_admin", ""),
    }


# --- Subprocesses -------------------------------------------------------------------------------


def bench_env(var_dir: Path, database_url: str = "") -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TUOYU_DATABASE_URL", None)  # the fresh SQLite database in var_dir, unless --database-url
    if database_url:
        env["TUOYU_DATABASE_URL"] = database_url
    env.update(
        TUOYU_VAR_DIR=str(var_dir),
        TUOYU_MFA="off",
        TUOYU_DEBUG="off",
        TUOYU_HTTPS="off",
        TUOYU_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="bench.minimal.settings",  # tuoyu's, plus the minimal pages
        PYTHONUNBUFFERED="1",
    )
    return env


def step(label: str, argv: list[str], env: dict[str, str]) -> float:
    print(f"· {label}", flush=True)
    t0 = time.monotonic()
    subprocess.run(argv, env=env, cwd=ROOT, check=True)
    return time.monotonic() - t0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn as a child process in its own session, stopped gracefully (then killed) on exit."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = gunicorn_argv(host=HOST, port=self.port, workers=WORKERS, threads=THREADS)
        self.logfile = self.log.open("wb")
        self.proc = subprocess.Popen(
            argv,
            env=self.env,
            cwd=ROOT,
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f}s:\n{self.tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown of the master and its workers
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.logfile.close()

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


# --- Signing in ---------------------------------------------------------------------------------


def _cookies(resp: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header in resp.msg.get_all("Set-Cookie") or []:
        c = SimpleCookie()
        c.load(header)
        for name, morsel in c.items():
            jar[name] = morsel.value


def login(port: int, username: str, password: str) -> str:
    """Sign in through the login form as a browser does; returns the Cookie header of the session."""
    require_loopback(HOST)
    jar: dict[str, str] = {}
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", "/accounts/login/")
    resp = conn.getresponse()
    html = resp.read().decode("utf-8", errors="replace")
    _cookies(resp, jar)
    m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if resp.status != 200 or not m or "csrftoken" not in jar:
        raise RuntimeError(f"login page: HTTP {resp.status}, no CSRF token")
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": m.group(1), "username": username, "password": password, "next": "/"}
    )
    conn.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={jar['csrftoken']}",
            "Referer": f"http://{HOST}:{port}/accounts/login/",
        },
    )
    resp = conn.getresponse()
    resp.read()
    _cookies(resp, jar)
    conn.close()
    if resp.status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"login as {username} failed: HTTP {resp.status}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def check(port: int, ep: Endpoint, cookie: str | None) -> bool:
    """One request before measuring: the endpoint must answer 200 with what we expect. An optional
    endpoint that answers 404 is not there yet: False (skip it)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", ep.path, headers={"Cookie": cookie} if cookie else {})
    resp = conn.getresponse()
    body = resp.read().decode("utf-8", errors="replace")
    conn.close()
    if ep.optional and resp.status == 404:
        return False
    if resp.status != 200 or (ep.marker and ep.marker not in body):
        raise RuntimeError(f"{ep.path}: HTTP {resp.status}, expected 200 with {ep.marker!r}: {body[:300]!r}")
    return True


def generated_facts(env: dict[str, str], scale: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.generate", "--scale", scale, "--facts"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- Measuring ----------------------------------------------------------------------------------


def measure(
    port: int,
    eps: list[Endpoint],
    cookies: dict[str, list[str]],
    concurrency: list[int],
    requests: int,
    seconds: float,
    rounds: int,
) -> list[dict[str, Any]]:
    cells: list[dict[str, Any]] = []
    for r in range(1, rounds + 1):
        for c in concurrency:
            for ep in eps:
                headers = [{"Cookie": cookies[ep.login][i]} for i in range(c)] if ep.login else None
                # warm up: every worker thread imports, compiles templates and opens its connection
                run_load(
                    host=HOST,
                    port=port,
                    path=ep.path,
                    clients=c,
                    max_requests=max(20, 4 * c),
                    max_seconds=3,
                    headers=headers,
                )
                res: LoadResult = run_load(
                    host=HOST,
                    port=port,
                    path=ep.path,
                    clients=c,
                    max_requests=requests,
                    max_seconds=seconds,
                    headers=headers,
                )
                cells.append({"round": r, "endpoint": ep.name, **res.as_dict()})
                print(
                    f"  round {r}  c={c:<3} {ep.name:<17} {res.throughput:8.1f} req/s  "
                    f"p50 {res.p50_ms:7.1f} ms  p95 {res.p95_ms:7.1f}  p99 {res.p99_ms:7.1f}  "
                    f"errors {res.errors}  ({res.ok} in {res.seconds:.1f}s, stopped by {res.stopped_by})",
                    flush=True,
                )
    return cells


def summarise(
    cells: list[dict[str, Any]], concurrency: list[int], eps: list[Endpoint]
) -> list[dict[str, Any]]:
    """One row per (endpoint, clients): medians over rounds, errors summed, and the ratio to /ping —
    the median of each round's ratio, since the two cells of one round ran under the same conditions."""
    ping = {(x["round"], x["clients"]): x["throughput"] for x in cells if x["endpoint"] == "ping"}
    rows = []
    for c in concurrency:
        for ep in eps:
            mine = [x for x in cells if x["endpoint"] == ep.name and x["clients"] == c]
            row = {
                "endpoint": ep.name,
                "path": ep.path,
                "clients": c,
                "rounds": len(mine),
                "throughput": statistics.median(x["throughput"] for x in mine),
                "p50_ms": statistics.median(x["p50_ms"] for x in mine),
                "p95_ms": statistics.median(x["p95_ms"] for x in mine),
                "p99_ms": statistics.median(x["p99_ms"] for x in mine),
                "requests": sum(x["ok"] + x["errors"] for x in mine),
                "errors": sum(x["errors"] for x in mine),
            }
            ratios = [x["throughput"] / ping[x["round"], c] for x in mine if ping.get((x["round"], c))]
            row["ratio_to_ping"] = statistics.median(ratios) if ratios else None
            floor = {
                (x["round"], x["clients"]): x["throughput"] for x in cells if x["endpoint"] == ep.minimal
            }
            mins = [x["throughput"] / floor[x["round"], c] for x in mine if floor.get((x["round"], c))]
            row["minimal"] = ep.minimal
            row["ratio_to_minimal"] = statistics.median(mins) if mins else None
            rows.append(row)
    return rows


def markdown(meta: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    lines = [
        f"# tuoyu load benchmark — scale `{meta['scale']}`, {meta['finished']}",
        "",
        f"{meta['institutions']} institutions ({meta['scale_description']}); signed in as `{USERNAME}` "
        f"(regions API, home), `{meta['facts'].get('reviewer') or '–'}` (reviewer queue: "
        f"{meta['facts'].get('reviewer_queue', 0)} submitted filings), and for the risk list (evaluated "
        f"beforehand by the nightly `evaluate_all`) the county regulator `{meta['facts'].get('risk_county') or '–'}` "
        f"({meta['facts'].get('risk_county_filed', 0)} filed institutions) and the city admin "
        f"`{meta['facts'].get('risk_city') or '–'}` ({meta['facts'].get('risk_city_filed', 0)}); the rosters "
        f"as `{meta['facts'].get('roster_admin') or '–'}`, admin of that county's institution with the most "
        f"children ({meta['facts'].get('roster_children', 0)}); the public endpoints are anonymous. "
        "**× minimal** divides by the minimal page of the endpoint's kind in the same round (`pub` "
        "`/bench/minimal/public/`, `sig` `/bench/minimal/signed-in/`: one indexed query, a bare template). "
        f"gunicorn gthread {WORKERS} workers × {THREADS} threads, "
        f"{'PostgreSQL (after ANALYZE)' if meta['server']['db'] == 'postgresql' else 'SQLite (WAL)'}, public "
        f"pages cache {meta['server'].get('public_cache_seconds', '60')} s, on 127.0.0.1; "
        f"{meta['cpus']} CPUs shared with the load generator. Per cell: at most {meta['requests']} requests "
        f"or {meta['seconds']:g} s, {meta['rounds']} round(s) (medians). Load average before/after: "
        f"{meta['loadavg_before']} / {meta['loadavg_after']}. Commit `{meta['commit']}`.",
        "",
        "| endpoint | clients | req/s | p50 ms | p95 ms | p99 ms | errors | × /ping | × minimal |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    shared = {
        p for p in (r["path"] for r in rows) if len({x["endpoint"] for x in rows if x["path"] == p}) > 1
    }
    for r in rows:
        ratio = f"{r['ratio_to_ping']:.2f}" if r["ratio_to_ping"] is not None else "–"
        floor = r.get("ratio_to_minimal")
        minimal = f"{floor:.2f} ({'pub' if r['minimal'] == MINIMAL_PUBLIC else 'sig'})" if floor else "–"
        who = f" ({r['endpoint']})" if r["path"] in shared else ""  # one page requested as several users
        lines.append(
            f"| `{urllib.parse.unquote(r['path'])}`{who} | {r['clients']} | {r['throughput']:.1f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} "
            f"| {r['p99_ms']:.1f} | {r['errors']}/{r['requests']} | {ratio} | {minimal} |"
        )
    lines.append("")
    for path in meta.get("skipped", []):
        lines.append(f"Not measured: `{path}` answered 404 (not in this checkout yet).")
    if meta.get("skipped"):
        lines.append("")
    return "\n".join(lines)


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _json_safe(value: Any) -> Any:
    """NaN (no successful response, so no latency) is not JSON: write null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def parse_concurrency(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("a comma-separated list of client counts, e.g. 1,16") from None
    if not values or any(v < 1 or v > 256 for v in values):
        raise argparse.ArgumentTypeError("client counts must be between 1 and 256")
    return values


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="city")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--requests", type=int, default=2000, help="at most this many requests per cell")
    parser.add_argument("--seconds", type=float, default=15.0, help="at most this many seconds per cell")
    parser.add_argument(
        "--concurrency", type=parse_concurrency, default=[1, 16], help="client counts, e.g. 1,16"
    )
    parser.add_argument("--rounds", type=int, default=1, help="repeat every cell; the table shows medians")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary var dir (database, gunicorn log)"
    )
    parser.add_argument(
        "--var-dir",
        type=Path,
        help="use this var dir (kept); when it already holds a database the setup (demo, generator, "
        "evaluation) is skipped — the same seed gives the same data, so two commits compare on one database",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="measure on this EMPTY PostgreSQL database instead of SQLite, e.g. "
        "postgres://postgres@127.0.0.1:5432/tuoyu_bench (createdb it first); ANALYZE runs after the setup",
    )
    args = parser.parse_args(argv)
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url must be a postgres:// URL (SQLite is the default)")
    if args.requests < 1 or args.seconds <= 0 or args.rounds < 1:
        parser.error("--requests, --seconds and --rounds must be positive")

    # SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C, so gunicorn is stopped in `finally`.
    signal.signal(signal.SIGTERM, _interrupt)

    scale = SCALES[args.scale]
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix=f"tuoyu-bench-{scale.name}-"))
    ready = var_dir / ("database-ready" if args.database_url else "tuoyu.sqlite3")
    reuse = args.var_dir is not None and ready.exists()
    keep = args.keep or args.var_dir is not None
    env = bench_env(var_dir, args.database_url)
    db = "postgresql" if args.database_url else "sqlite"
    port = free_port()
    server = Server(env, port, var_dir / "gunicorn.log")
    started = datetime.now(UTC)
    before = loadavg()
    print(f"tuoyu bench: scale {scale.name} ({scale.description}); var dir {var_dir}")
    timings: dict[str, float] = {}
    try:
        cli = [sys.executable, "-m", "tuoyu.cli"]
        if reuse:
            print(f"· reusing the database in {var_dir} (migrate only)", flush=True)
            timings["migrate"] = step("migrate", [*cli, "migrate", "--noinput", "-v0"], env)
        else:
            timings["demo"] = step("tuoyu demo (migrate, regions, demo accounts)", [*cli, "demo"], env)
            timings["generate"] = step(
                f"bench data at scale {scale.name}",
                [sys.executable, "-m", "bench.generate", "--scale", scale.name, "--seed", str(args.seed)],
                env,
            )
            timings["evaluate"] = step(
                "compliance evaluation (the nightly evaluate_all), so the risk list has its results",
                [sys.executable, "-m", "bench.generate", "--scale", scale.name, "--evaluate"],
                env,
            )
            if args.database_url:
                # Fresh tables have no planner statistics: without ANALYZE PostgreSQL guesses its plans.
                analyze = "from django.db import connection; connection.cursor().execute('ANALYZE')"
                timings["analyze"] = step("ANALYZE", [*cli, "shell", "-c", analyze], env)
                ready.write_text(args.database_url + "\n")
        facts = generated_facts(env, scale.name)
        eps = endpoints(facts)
        timings["collectstatic"] = step("collectstatic", [*cli, "collectstatic", "--noinput", "-v0"], env)
        print(
            f"· gunicorn on http://{HOST}:{port}/ ({WORKERS} workers × {THREADS} threads, gthread)",
            flush=True,
        )
        server.start()
        server.wait_healthy()
        clients = max(args.concurrency)
        users = login_users(facts)
        cookies: dict[str, list[str]] = {}
        for role in sorted({ep.login for ep in eps if ep.login}):
            print(f"· signing in {users[role]} ({clients} sessions, one per client)", flush=True)
            cookies[role] = [login(port, users[role], PASSWORD) for _ in range(clients)]
        skipped = []
        for ep in list(eps):
            if not check(port, ep, cookies[ep.login][0] if ep.login else None):
                print(f"· {ep.path}: 404 — not in this checkout yet, not measured", flush=True)
                skipped.append(ep.path)
                eps.remove(ep)
        print(
            f"· measuring: at most {args.requests} requests or {args.seconds:g}s per cell, "
            f"clients {args.concurrency}, {args.rounds} round(s)",
            flush=True,
        )
        cells = measure(port, eps, cookies, args.concurrency, args.requests, args.seconds, args.rounds)
    except KeyboardInterrupt:
        print("\ninterrupted — stopping gunicorn", file=sys.stderr)
        return 130
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        if server.proc is not None:
            print(server.tail(), file=sys.stderr)
        return 1
    finally:
        server.stop()
        if not keep:
            shutil.rmtree(var_dir, ignore_errors=True)

    finished = datetime.now(UTC)
    rows = summarise(cells, args.concurrency, eps)
    meta = {
        "scale": scale.name,
        "scale_description": scale.description,
        "institutions": scale.institutions,
        "seed": args.seed,
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.strftime("%Y-%m-%d %H:%M UTC"),
        "requests": args.requests,
        "seconds": args.seconds,
        "concurrency": args.concurrency,
        "rounds": args.rounds,
        "server": {
            "gunicorn_workers": WORKERS,
            "threads": THREADS,
            "worker_class": "gthread",
            "db": db,
            "public_cache_seconds": env.get("TUOYU_PUBLIC_CACHE_SECONDS", "60"),
        },
        "cpus": os.cpu_count(),
        "loadavg_before": before,
        "loadavg_after": loadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": git_commit(),
        "setup_seconds": {k: round(v, 1) for k, v in timings.items()},
        "facts": facts,
        "endpoints": [{"name": ep.name, "path": ep.path, "login": ep.login, "what": ep.what} for ep in eps],
        "skipped": skipped,
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = finished.strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"load-{scale.name}{'-pg' if args.database_url else ''}-{stamp}.json"
    out.write_text(
        json.dumps(_json_safe({"meta": meta, "summary": rows, "cells": cells}), ensure_ascii=False, indent=2)
        + "\n"
    )
    table = markdown(meta, rows)
    (RESULTS / "latest.md").write_text(table)
    print()
    print(table)
    print(f"results: {out.relative_to(ROOT)} and bench/results/latest.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
