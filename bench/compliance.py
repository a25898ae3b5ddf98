"""The compliance engine benchmark: the nightly evaluation of every filed institution, one institution's
evaluation, and the regulators' risk page next to /ping.

    python -m bench.compliance                      # province scale (5,000 institutions), SQLite
    python -m bench.compliance --scale city --samples 100

What one run does (a worker subprocess with Django set up, in a fresh temporary ``TUOYU_VAR_DIR``):

1. migrate, load the regions, ``bench.generate`` at ``--scale`` (about 70 % of the institutions filed);
2. the generator also gives every filed institution its rooms, classes, staff (with certificates, checks and
   class assignments) and enrolled children, with a few outliers per rule — so the risk list has something
   to rank (see ``bench/README.md``);
3. times ``standards.services.evaluate_all`` (the nightly run: batches of 500 with prefetching, one upsert
   per batch) — seconds, and institutions per second;
4. times ``standards.engine.evaluate`` for ``--samples`` filed institutions (each loaded afresh) — p50/p95 ms;
5. requests ``/standards/risk/`` as the admin of the city and as the regulator of the county with the most
   filed institutions (the longest lists), and ``/ping``, through the Django test client in-process, ``--requests``
   each after a warm-up — p50/p95 ms, requests per second, and the risk page's throughput as a fraction of
   /ping's (the framework ceiling on the same process);
6. writes ``bench/results/compliance-<scale>-<UTC timestamp>.json`` and appends a table to
   ``bench/results/latest.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


def _say(text: str) -> None:
    print(text, flush=True)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def worker(scale: str, seed: int, samples: int, requests: int, out: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bench.generate import bench_facts, generate
    from tuoyu.accounts.models import User
    from tuoyu.children.models import Enrollment
    from tuoyu.core.progress import Progress
    from tuoyu.institutions.models import CareClass, FilingStatus, Institution, Room
    from tuoyu.regions.services import regions_load
    from tuoyu.staff.models import Employment
    from tuoyu.standards.engine import evaluate
    from tuoyu.standards.models import ComplianceResult
    from tuoyu.standards.services import evaluate_all

    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    regions_load(progress=Progress("load-regions"))
    summary = generate(scale, seed, Progress(f"bench {scale}"))
    generate_seconds = summary.seconds
    _say(f"· generator {generate_seconds:.0f}s")
    rooms, classes = Room.objects.count(), CareClass.objects.count()
    staff = Employment.objects.filter(end_date__isnull=True).count()
    children = Enrollment.objects.filter(end_date__isnull=True).count()
    _say(
        f"· setup {time.perf_counter() - t0:.0f}s: {rooms} rooms, {classes} classes, {staff} staff, "
        f"{children} children"
    )

    filed = list(
        Institution.objects.filter(filing_status=FilingStatus.FILED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    t0 = time.perf_counter()
    run = evaluate_all(
        progress=lambda d, t: _say(f"· evaluate_all {d}/{t}") if d % 1000 == 0 or d == t else None
    )
    all_seconds = time.perf_counter() - t0
    _say(f"· evaluate_all: {run.evaluated} institutions in {all_seconds:.1f}s")

    rng = random.Random(seed)
    sample = rng.sample(filed, min(samples, len(filed)))
    evaluate(sample[0])  # warm-up
    single = []
    for pk in sample:
        t = time.perf_counter()
        evaluate(pk)
        single.append((time.perf_counter() - t) * 1000)

    facts = bench_facts(scale)
    city, county = facts["risk_city"], facts["risk_county"]
    client = Client(HTTP_HOST="127.0.0.1")

    def timed(path: str, username: str = "") -> tuple[list[float], float]:
        client.logout()
        if username:
            client.force_login(User.objects.get(username=username))
        for _ in range(10):
            assert client.get(path).status_code == 200, path
        times = []
        start = time.perf_counter()
        for _ in range(requests):
            t = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - t) * 1000)
        return times, requests / (time.perf_counter() - start)

    risk_times, risk_rps = timed("/standards/risk/", city)
    county_times, county_rps = timed("/standards/risk/", county)
    ping_times, ping_rps = timed("/ping")
    scores = list(ComplianceResult.objects.values_list("risk_score", flat=True))
    result = {
        "database": connection.vendor,
        "scale": scale,
        "institutions_filed": len(filed),
        "generate_seconds": round(generate_seconds, 1),
        "rooms": rooms,
        "classes": classes,
        "staff": staff,
        "children": children,
        "evaluate_all_seconds": round(all_seconds, 2),
        "evaluate_all_per_second": round(len(filed) / all_seconds, 1),
        "single_samples": len(single),
        "single_p50_ms": round(_pct(single, 0.5), 2),
        "single_p95_ms": round(_pct(single, 0.95), 2),
        "risk_requests": requests,
        "risk_p50_ms": round(_pct(risk_times, 0.5), 2),
        "risk_p95_ms": round(_pct(risk_times, 0.95), 2),
        "risk_rps": round(risk_rps, 1),
        "city_user": city,
        "city_filed": facts["risk_city_filed"],
        "county_user": county,
        "county_filed": facts["risk_county_filed"],
        "county_p50_ms": round(_pct(county_times, 0.5), 2),
        "county_p95_ms": round(_pct(county_times, 0.95), 2),
        "county_rps": round(county_rps, 1),
        "county_to_ping": round(county_rps / ping_rps, 3),
        "ping_p50_ms": round(_pct(ping_times, 0.5), 2),
        "ping_p95_ms": round(_pct(ping_times, 0.95), 2),
        "ping_rps": round(ping_rps, 1),
        "risk_to_ping": round(risk_rps / ping_rps, 3),
        "with_risk": sum(1 for s in scores if s > 0),
        "median_risk_score": statistics.median(scores) if scores else 0,
    }
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def markdown(meta: dict[str, Any], run: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"## Compliance engine — {meta['finished']}",
            "",
            f"Scale `{run['scale']}` on {run['database']}: {run['institutions_filed']} filed institutions with "
            f"{run['rooms']} rooms, {run['classes']} classes, {run.get('staff', 0)} staff and "
            f"{run.get('children', 0)} children (generated in {run.get('generate_seconds', 0):.0f} s); "
            f"{run['with_risk']} with a non-passing rule. "
            f"{meta['cpus']} CPUs, shared. Load average before/after: {meta['loadavg_before']} / "
            f"{meta['loadavg_after']}. Commit `{meta['commit']}`. The risk page and /ping through the Django test "
            "client in one process (the ratio is what matters).",
            "",
            "| measure | value |",
            "|---|---:|",
            f"| evaluate_all (all filed) | {run['evaluate_all_seconds']:.1f} s ({run['evaluate_all_per_second']:.0f}/s) |",
            f"| one institution, p50 / p95 ({run['single_samples']} samples) | {run['single_p50_ms']:.1f} / "
            f"{run['single_p95_ms']:.1f} ms |",
            f"| /standards/risk/ as `{run['city_user']}` (city, {run['city_filed']} filed) p50 / p95, req/s | "
            f"{run['risk_p50_ms']:.1f} / "
            f"{run['risk_p95_ms']:.1f} ms, {run['risk_rps']:.0f} |",
            f"| /standards/risk/ as `{run['county_user']}` (county, {run['county_filed']} filed) p50 / p95, req/s | "
            f"{run['county_p50_ms']:.1f} / {run['county_p95_ms']:.1f} ms, {run['county_rps']:.0f} |",
            f"| /ping p50 / p95, req/s | {run['ping_p50_ms']:.1f} / {run['ping_p95_ms']:.1f} ms, {run['ping_rps']:.0f} |",
            f"| risk page throughput / ping (city / county) | {run['risk_to_ping']:.2f} / "
            f"{run['county_to_ping']:.2f} |",
            "",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.compliance", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["city", "province"], default="province")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--samples", type=int, default=200, help="single-institution evaluations timed")
    parser.add_argument("--requests", type=int, default=300, help="requests to the risk page and to /ping")
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.scale, args.seed, args.samples, args.requests, args.worker)

    from bench.run import bench_env, git_commit, loadavg

    signal.signal(signal.SIGTERM, _interrupt)
    var_dir = Path(tempfile.mkdtemp(prefix="tuoyu-compliancebench-"))
    started, before = datetime.now(UTC), loadavg()
    env = bench_env(var_dir)
    print(f"tuoyu compliance bench: scale {args.scale}")
    out = var_dir / "result.json"
    try:
        cmd = [sys.executable, "-m", "bench.compliance", "--worker", str(out), "--scale", args.scale]
        cmd += ["--seed", str(args.seed), "--samples", str(args.samples), "--requests", str(args.requests)]
        subprocess.run(cmd, env=env, cwd=ROOT, check=True)
        run = json.loads(out.read_text())
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except subprocess.CalledProcessError as exc:
        print(f"compliance bench failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)
    finished = datetime.now(UTC)
    meta = {
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "loadavg_before": before,
        "loadavg_after": loadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "commit": git_commit(),
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"compliance-{args.scale}-{finished.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps({"meta": meta, "run": run}, ensure_ascii=False, indent=2) + "\n")
    table = markdown(meta, run)
    latest = RESULTS / "latest.md"
    previous = latest.read_text() if latest.exists() else ""
    latest.write_text(previous + ("\n" if previous and not previous.endswith("\n\n") else "") + table)
    print()
    print(table)
    print(f"results: {path.relative_to(ROOT)} and bench/results/latest.md (appended)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
