"""The registration batch import benchmark: a 5,000-row workbook through the real import service.

    python -m bench.importbench                    # SQLite (a fresh database), 3 rounds
    python -m bench.importbench --rounds 5 --rows 5000
    TUOYU_DATABASE_URL=postgresql://… python -m bench.importbench --pg   # also on that PostgreSQL database

What one run does, per database:

1. SQLite: a fresh database in a temporary ``TUOYU_VAR_DIR`` (migrate, load the regions). PostgreSQL (``--pg``,
   opt-in): the database of ``TUOYU_DATABASE_URL``, migrated; the benchmark's rows are deleted again after
   every round and at the end (its audit events stay: the audit trail is append-only);
2. a registration clerk ``bench-samr-430000`` of 湖南省市场监督管理局 (market regulation, the whole province),
   as the demo's ``zz-samr`` is for 株洲市;
3. the workbook: the real template (``template_workbook(REGISTRATION_SHEET)``, the file a clerk downloads)
   filled with ``--rows`` valid registrations — enterprises with unique, valid credit codes (organisation
   code ``MAB…``, so they never collide with the demo or a generated scale), valid ID numbers, spread over
   the province's counties and streets by population, each with its own source event id;
4. each round times the real service call ``institutions.imports.registration_import`` — parse, validate
   every row, and the all-or-nothing insert (per row: the form, ``registration_record`` with its
   idempotency lookup, the institution, the registration, two audit events) — then checks every row was
   saved and deletes the rows again, so every round starts from the same database;
5. once, the same workbook with ONE bad row at the end (a credit code with a wrong check character): every
   good row is applied and then everything is rolled back; timed, and checked: nothing saved, the report
   names that row, and the downloadable report workbook is built (timed too);
6. writes ``bench/results/import-<UTC timestamp>.json`` and appends a table to ``bench/results/latest.md``.

The figure to quote is the median rows per second over the rounds. Progress is printed while a round runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
CLERK = "bench-samr-430000"
PROVINCE = "430000"
LETTER = "B"  # organisation codes MAB…: neither the demo's random ones (checked) nor a scale's (C, P)
DEFAULT_ROWS = 5000
DEFAULT_ROUNDS = 3


# --- The worker: runs with Django set up, against the database of its environment ---------------------


def _say(text: str) -> None:
    print(text, flush=True)


def _clerk() -> Any:
    from tuoyu.accounts.models import Role, User
    from tuoyu.accounts.services import membership_grant, user_create
    from tuoyu.regions.models import Region

    user = User.objects.filter(username=CLERK).first()
    if user is None:
        user = user_create(username=CLERK, password=None, real_name="基准测试登记员", validate=False)
        membership_grant(
            user=user,
            role=Role.REGISTRATION_CLERK,
            region=Region.objects.get(code=PROVINCE),
            department="湖南省市场监督管理局",
            authority="market_regulation",
        )
    return user


def _rows(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` valid registrations of enterprises spread over the province by population."""
    import datetime as dt
    import random

    from django.utils import timezone

    from bench.generate import BRANDS, SUFFIX, _load_tree, spread, uscc_for
    from tuoyu.demo.people import adult_birth_date, chinese_name, id_number, mobile

    rng = random.Random(f"bench:import:{seed}")
    nodes = _load_tree(PROVINCE)
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    names: set[str] = set()
    for leaf, count in spread(n, PROVINCE, nodes):
        county = nodes.get(leaf.code[:6]) or leaf
        for _ in range(count):
            serial = len(rows) + 1
            base = rng.choice(BRANDS) + rng.choice(SUFFIX["91"])
            name = f"{county.name}{base}"
            k = 2
            while name in names:
                name, k = f"{county.name}{base}（第{k}园区）", k + 1
            names.add(name)
            born = adult_birth_date(rng, today=today, min_age=28, max_age=55)
            rows.append(
                {
                    "source_event_id": f"BENCH-SAMR-{seed}-{serial:06d}",
                    "name": name,
                    "uscc": uscc_for(kind="91", area=county.code, serial=serial, letter=LETTER),
                    "kind": "托育机构",
                    "legal_person_kind": "企业",
                    "is_for_profit": "营利性",
                    "authority": "市场监管部门",
                    "registration_date": today - dt.timedelta(days=rng.randint(1, 200)),
                    "business_scope": rng.choice(["托育服务", "3岁以下婴幼儿照护服务；托育服务"]),
                    "legal_rep_name": chinese_name(rng),
                    "legal_rep_id_number": id_number(rng, area_code=county.code, born=born),
                    "address": f"{rng.choice(['人民路', '建设路', '解放路', '新华路'])}{rng.randint(1, 300)}号",
                    "region": leaf.code,
                    "phone": mobile(rng),
                }
            )
    return rows


def _workbook(rows: list[dict[str, Any]]) -> bytes:
    """The downloadable template, filled in as a clerk would: text cells for codes, real dates."""
    import io

    from openpyxl import load_workbook

    from tuoyu.core.excel import template_workbook
    from tuoyu.institutions.imports import REGISTRATION_SHEET

    wb = load_workbook(io.BytesIO(template_workbook(REGISTRATION_SHEET)))
    ws = wb[str(REGISTRATION_SHEET.name)]
    keys = [c.key for c in REGISTRATION_SHEET.columns]
    for r, row in enumerate(rows, start=2):
        for c, key in enumerate(keys, start=1):
            value = row.get(key)
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _ours() -> Any:
    """The benchmark's institutions: enterprises whose organisation code starts ``MA`` + LETTER."""
    from tuoyu.institutions.models import Institution

    return Institution.objects.filter(uscc__regex=rf"^91.{{6}}MA{LETTER}")


def _delete_ours() -> None:
    from tuoyu.institutions.models import Registration

    ids = list(_ours().values_list("id", flat=True))
    Registration.objects.filter(institution_id__in=ids).delete()
    _ours().delete()


def _import(data: bytes, clerk: Any, total: int, label: str) -> tuple[Any, float]:
    """Time one call of the real import service, printing progress as rows are recorded."""
    from unittest import mock

    from tuoyu.institutions import imports

    real = imports.registration_record
    done = [0]
    step = max(1, total // 10)

    def counting(**kwargs: Any) -> Any:
        result = real(**kwargs)
        done[0] += 1
        if done[0] % step == 0:
            _say(f"    {label}: {done[0]}/{total} rows recorded, {time.perf_counter() - t0:.1f}s")
        return result

    with mock.patch.object(imports, "registration_record", counting):
        t0 = time.perf_counter()
        outcome = imports.registration_import(by=clerk, file=data)
        seconds = time.perf_counter() - t0
    return outcome, seconds


def worker(rows_wanted: int, rounds: int, seed: int, out: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tuoyu.core.excel import read_rows, report_workbook
    from tuoyu.core.progress import Progress
    from tuoyu.institutions.imports import REGISTRATION_SHEET
    from tuoyu.institutions.models import Institution, Registration
    from tuoyu.regions.services import regions_load

    db = connection.vendor
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    regions_load(progress=Progress("load-regions"))
    setup = time.perf_counter() - t0
    clerk = _clerk()
    _delete_ours()  # a PostgreSQL database may hold an interrupted run's rows

    t0 = time.perf_counter()
    rows = _rows(rows_wanted, seed)
    good = _workbook(rows)
    bad_rows = [dict(r) for r in rows]
    last = bad_rows[-1]["uscc"]
    bad_rows[-1]["uscc"] = last[:-1] + ("0" if last[-1] != "0" else "1")  # a wrong check character
    bad = _workbook(bad_rows)
    build = time.perf_counter() - t0
    _say(f"· [{db}] workbook: {len(rows)} rows, {len(good) / 1024:.0f} KiB, built in {build:.1f}s")

    t0 = time.perf_counter()
    parsed = read_rows(good, REGISTRATION_SHEET)
    parse_seconds = time.perf_counter() - t0
    if not parsed.ok:
        raise SystemExit(f"the benchmark workbook does not parse cleanly: {parsed.report_rows()[:3]}")
    _say(f"· [{db}] parse only (read_rows): {parse_seconds:.1f}s")

    registrations_before = Registration.objects.count()
    results: list[dict[str, Any]] = []
    for r in range(1, rounds + 1):
        _say(f"· [{db}] round {r}/{rounds}: importing {len(rows)} rows")
        outcome, seconds = _import(good, clerk, len(rows), f"round {r}")
        saved = _ours().count()
        if not outcome.committed or outcome.applied != len(rows) or saved != len(rows):
            raise SystemExit(f"round {r}: expected {len(rows)} rows saved, got {saved}: {outcome.summary()}")
        results.append(
            {"round": r, "seconds": round(seconds, 3), "rows_per_second": round(len(rows) / seconds, 1)}
        )
        _say(f"  round {r}: {seconds:.1f}s, {len(rows) / seconds:.0f} rows/s — all {saved} saved")
        t1 = time.perf_counter()
        _delete_ours()
        _say(f"  (rows deleted again in {time.perf_counter() - t1:.1f}s)")

    _say(f"· [{db}] one bad row at the end (row {len(rows) + 1}): all or nothing")
    institutions_before = Institution.objects.count()
    outcome, bad_seconds = _import(bad, clerk, len(rows), "bad file")
    t0 = time.perf_counter()
    report = report_workbook(outcome.result)
    report_seconds = time.perf_counter() - t0
    lines = outcome.report_rows()
    nothing_saved = (
        not outcome.committed
        and _ours().count() == 0
        and Institution.objects.count() == institutions_before
        and Registration.objects.count() == registrations_before
    )
    if not nothing_saved or [line.row for line in lines] != [len(rows) + 1]:
        raise SystemExit(f"the bad file was not refused as a whole: {outcome.summary()} {lines[:3]}")
    _say(
        f"  bad file: {bad_seconds:.1f}s, nothing saved, report: row {lines[0].row} {lines[0].column}: "
        f"{lines[0].message}; report workbook {len(report) / 1024:.0f} KiB in {report_seconds:.1f}s"
    )
    _delete_ours()

    seconds = [x["seconds"] for x in results]
    out.write_text(
        json.dumps(
            {
                "database": db,
                "rows": len(rows),
                "rounds": results,
                "median_seconds": statistics.median(seconds),
                "median_rows_per_second": round(len(rows) / statistics.median(seconds), 1),
                "parse_only_seconds": round(parse_seconds, 3),
                "workbook_bytes": len(good),
                "bad_row": {
                    "seconds": round(bad_seconds, 3),
                    "nothing_saved": nothing_saved,
                    "report_lines": [[line.row, line.column, line.message] for line in lines],
                    "report_workbook_seconds": round(report_seconds, 3),
                },
                "setup_seconds": round(setup, 1),
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
    return 0


# --- The driver: no Django here; one worker subprocess per database ------------------------------------


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def markdown(meta: dict[str, Any], runs: list[dict[str, Any]]) -> str:
    lines = [
        f"## Registration batch import — {meta['finished']}",
        "",
        f"The real template filled with {meta['rows']} valid rows, imported by `registration_import` as clerk "
        f"`{CLERK}` (parse + validate + all-or-nothing insert, two audit events per row); {meta['rounds']} "
        f"round(s), each from the same database. {meta['cpus']} CPUs, shared. Load average before/after: "
        f"{meta['loadavg_before']} / {meta['loadavg_after']}. Commit `{meta['commit']}`.",
        "",
        "| database | rows | rows/s (median) | seconds (median) | rounds (rows/s) | parse only s "
        "| one bad row at the end: s, saved |",
        "|---|---:|---:|---:|---|---:|---|",
    ]
    for run in runs:
        per_round = ", ".join(f"{x['rows_per_second']:.0f}" for x in run["rounds"])
        bad = run["bad_row"]
        lines.append(
            f"| {run['database']} | {run['rows']} | {run['median_rows_per_second']:.0f} | "
            f"{run['median_seconds']:.1f} | {per_round} | {run['parse_only_seconds']:.1f} | "
            f"{bad['seconds']:.1f} s, {'nothing saved' if bad['nothing_saved'] else 'ROWS SAVED'} |"
        )
    lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.importbench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows in the workbook (at most 5000)")
    parser.add_argument(
        "--rounds", type=int, default=DEFAULT_ROUNDS, help="timed imports; the table shows the median"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--pg",
        action="store_true",
        help="also on the PostgreSQL database of TUOYU_DATABASE_URL (must be set)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir (SQLite database)")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)  # internal: the per-database run
    args = parser.parse_args(argv)
    if not 1 <= args.rows <= 5000 or args.rounds < 1:
        parser.error("--rows must be 1…5000 (the template's limit) and --rounds positive")
    if args.worker:
        return worker(args.rows, args.rounds, args.seed, args.worker)
    if args.pg and not os.environ.get("TUOYU_DATABASE_URL"):
        parser.error("--pg needs TUOYU_DATABASE_URL")

    from bench.run import bench_env, git_commit, loadavg

    signal.signal(signal.SIGTERM, _interrupt)
    var_dir = Path(tempfile.mkdtemp(prefix="tuoyu-importbench-"))
    started, before = datetime.now(UTC), loadavg()
    targets = [("sqlite", bench_env(var_dir))]
    if args.pg:
        pg_env = bench_env(var_dir / "pg")
        pg_env["TUOYU_DATABASE_URL"] = os.environ["TUOYU_DATABASE_URL"]
        targets.append(("postgresql", pg_env))
    print(
        f"tuoyu import bench: {args.rows} rows, {args.rounds} round(s), on {', '.join(t for t, _ in targets)}"
    )
    runs = []
    try:
        for name, env in targets:
            Path(env["TUOYU_VAR_DIR"]).mkdir(parents=True, exist_ok=True)
            out = var_dir / f"result-{name}.json"
            cmd = [sys.executable, "-m", "bench.importbench", "--worker", str(out)]
            cmd += ["--rows", str(args.rows), "--rounds", str(args.rounds), "--seed", str(args.seed)]
            subprocess.run(cmd, env=env, cwd=ROOT, check=True)
            runs.append(json.loads(out.read_text()))
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except subprocess.CalledProcessError as exc:
        print(f"import bench failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)

    finished = datetime.now(UTC)
    meta = {
        "rows": args.rows,
        "rounds": args.rounds,
        "seed": args.seed,
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
    out = RESULTS / f"import-{finished.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps({"meta": meta, "runs": runs}, ensure_ascii=False, indent=2) + "\n")
    table = markdown(meta, runs)
    latest = RESULTS / "latest.md"
    previous = latest.read_text() if latest.exists() else ""
    latest.write_text(previous + ("\n" if previous and not previous.endswith("\n\n") else "") + table)
    print()
    print(table)
    print(f"results: {out.relative_to(ROOT)} and bench/results/latest.md (appended)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
