"""The Excel import benchmark: registrations, staff, children and bans, each through its real import service.

    python -m bench.importbench                    # SQLite (a fresh database), all four, 5,000 rows, 3 rounds
    python -m bench.importbench --imports staff --rows 1000 --rounds 2 --memory-rows 0
    TUOYU_DATABASE_URL=postgresql://… python -m bench.importbench --pg   # also on that PostgreSQL database

Per database and import: the real template filled with ``--rows`` valid rows, imported ``--rounds`` times (each
round from the same database: the rows are deleted again), then once with one bad row at the end (nothing may
be saved; the report names that row), then once with ``--memory-rows`` rows under tracemalloc (the Python peak
and the process's max RSS). At the end the audit chain is verified. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
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
from collections.abc import Callable, Iterator, Sequence
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
DEFAULT_MEMORY_ROWS = 50_000


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


def _workbook(sheet: Any, rows: list[dict[str, Any]]) -> bytes:
    """The downloadable template of ``sheet``, filled in as a user would: text cells for codes, real dates."""
    import io

    from openpyxl import load_workbook

    from tuoyu.core.excel import template_workbook

    wb = load_workbook(io.BytesIO(template_workbook(sheet)))
    ws = wb[str(sheet.name)]
    keys = [c.key for c in sheet.columns]
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


def _unique_ids(rng: Any, n: int, *, area: str, born: Callable[[], Any], seen: set[str]) -> list[str]:
    from tuoyu.demo.people import id_number

    out: list[str] = []
    while len(out) < n:
        number = id_number(rng, area_code=area, born=born())
        if number not in seen:
            seen.add(number)
            out.append(number)
    return out


# --- The four imports: who imports, the rows, the call, what was saved, how to delete it again ------------


class Bench:
    """One import under benchmark. ``rows(n)`` are valid rows (dicts by column key); ``run(data)`` is the
    real service call; ``saved()`` counts what a committed import wrote; ``delete()`` removes it again."""

    name = ""
    module = ""  # the app's imports module; its sheet attribute is ``sheet_attr``
    sheet_attr = ""
    description = ""

    def setup(self) -> None: ...

    def sheet(self) -> Any:
        import importlib

        return getattr(importlib.import_module(self.module), self.sheet_attr)

    def rows(self, n: int, seed: int) -> list[dict[str, Any]]:
        raise NotImplementedError

    def run(self, data: bytes) -> Any:
        raise NotImplementedError

    def saved(self) -> int:
        raise NotImplementedError

    def delete(self) -> None:
        raise NotImplementedError


class Registrations(Bench):
    name = "registrations"
    module = "tuoyu.institutions.imports"
    sheet_attr = "REGISTRATION_SHEET"
    description = "registration_import as clerk bench-samr-430000 (two audit events per row)"

    def setup(self) -> None:
        self.clerk = _clerk()

    def rows(self, n: int, seed: int) -> list[dict[str, Any]]:
        return _rows(n, seed)

    def run(self, data: bytes) -> Any:
        from tuoyu.institutions.imports import registration_import

        return registration_import(by=self.clerk, file=data)

    def saved(self) -> int:
        return _ours().count()

    def delete(self) -> None:
        _delete_ours()


def _bench_institution() -> Any:
    """The institution the staff and children imports fill, with its admin ``bench-admin``."""
    from tuoyu.accounts.models import Role, User
    from tuoyu.accounts.services import membership_grant, user_create
    from tuoyu.institutions.models import Institution
    from tuoyu.institutions.tests.factories import uscc_for
    from tuoyu.regions.models import Region

    uscc = uscc_for(990_001, area="430202")
    institution = Institution.objects.filter(uscc=uscc).first()
    if institution is None:
        institution = Institution.objects.create(
            name="基准测试托育中心", uscc=uscc, region=Region.objects.get(code="430202001")
        )
    admin = User.objects.filter(username="bench-admin").first()
    if admin is None:
        admin = user_create(username="bench-admin", password=None, real_name="基准测试园长", validate=False)
        membership_grant(user=admin, role=Role.INSTITUTION_ADMIN, institution=institution)
    return institution, admin


class Staff(Bench):
    name = "staff"
    module = "tuoyu.staff.imports"
    sheet_attr = "ROSTER_SHEET"
    description = "the staff roster_import by the institution's admin (ban screen, one hire event per row)"

    def setup(self) -> None:
        self.institution, self.admin = _bench_institution()

    def rows(self, n: int, seed: int) -> list[dict[str, Any]]:
        import datetime as dt
        import random

        from django.utils import timezone

        from tuoyu.demo.people import adult_birth_date, chinese_name, mobile

        rng = random.Random(f"bench:staff:{seed}")
        today = timezone.localdate()
        ids = _unique_ids(
            rng,
            n,
            area="430202",
            born=lambda: adult_birth_date(rng, today=today, min_age=20, max_age=55),
            seen=set(),
        )
        roles = ["保育人员", "保健人员", "保育人员、保安", "炊事人员", "负责人"]
        return [
            {
                "name": chinese_name(rng),
                "id_number": number,
                "phone": mobile(rng),
                "roles": rng.choice(roles),
                "start_date": today - dt.timedelta(days=rng.randint(0, 300)),
            }
            for number in ids
        ]

    def run(self, data: bytes) -> Any:
        from tuoyu.staff.imports import roster_import

        return roster_import(by=self.admin, institution=self.institution, file=data)

    def saved(self) -> int:
        from tuoyu.staff.models import Employment

        return Employment.objects.filter(institution=self.institution).count()

    def delete(self) -> None:
        from tuoyu.staff.models import Employment, Person

        people = list(
            Employment.objects.filter(institution=self.institution).values_list("person_id", flat=True)
        )
        Employment.objects.filter(institution=self.institution).delete()
        for start in range(0, len(people), 500):
            Person.objects.filter(pk__in=people[start : start + 500]).delete()


class Children(Bench):
    name = "children"
    module = "tuoyu.children.imports"
    sheet_attr = "ROSTER_SHEET"
    description = (
        "the children roster_import by the institution's admin: a guardian each, every row enrolled into one "
        "of the institution's 托小班 (15 places each)"
    )

    def setup(self) -> None:
        self.institution, self.admin = _bench_institution()

    def _classes(self, n: int) -> list[str]:
        """Enough open 托小班 of 15 places for ``n`` children (made once, kept between rounds)."""
        from decimal import Decimal

        from tuoyu.institutions.models import CareClass, ClassType, Room

        have = list(
            CareClass.objects.filter(institution=self.institution, name__startswith="基准班").values_list(
                "name", flat=True
            )
        )
        wanted = -(-n // 15)
        # Made in bulk (bulk_create sends no signals: no compliance evaluation per class, as create() would).
        missing = range(len(have), wanted)
        rooms = Room.objects.bulk_create(
            [
                Room(
                    institution=self.institution,
                    name=f"基准班{i + 1}活动室",
                    floor=1,
                    floor_area_m2=Decimal("60"),
                    use="activity",
                )
                for i in missing
            ],
            batch_size=500,
        )
        CareClass.objects.bulk_create(
            [
                CareClass(
                    institution=self.institution,
                    name=f"基准班{i + 1}",
                    class_type=ClassType.TODDLER,
                    room=room,
                    planned_size=15,
                )
                for i, room in zip(missing, rooms, strict=True)
            ],
            batch_size=500,
        )
        return [f"基准班{i + 1}" for i in range(wanted)]

    def rows(self, n: int, seed: int) -> list[dict[str, Any]]:
        import datetime as dt
        import random

        from django.utils import timezone

        from tuoyu.demo.people import chinese_name, mobile

        rng = random.Random(f"bench:children:{seed}")
        today = timezone.localdate()
        classes = self._classes(n)
        rows, seen = [], set()
        while len(rows) < n:
            name = chinese_name(rng) + chinese_name(rng)[-1]
            born = today - dt.timedelta(days=rng.randint(14 * 31, 22 * 30))  # 14–22 months: a 托小班's band
            if (name, born) in seen:
                continue
            seen.add((name, born))
            rows.append(
                {
                    "name": name,
                    "sex": rng.choice(["男", "女"]),
                    "birth_date": born,
                    "guardian_name": chinese_name(rng),
                    "guardian_relationship": rng.choice(["父亲", "母亲"]),
                    "guardian_phone": mobile(rng),
                    "class_name": classes[len(rows) // 15],
                    "start_date": today,
                }
            )
        return rows

    def run(self, data: bytes) -> Any:
        from tuoyu.children.imports import roster_import

        return roster_import(by=self.admin, institution=self.institution, file=data)

    def saved(self) -> int:
        from tuoyu.children.models import Child

        return Child.objects.filter(institution=self.institution).count()

    def delete(self) -> None:
        from tuoyu.children.models import Child, Consent, Enrollment, Guardian

        children = Child.objects.filter(institution=self.institution)
        Enrollment.objects.filter(child__in=children).delete()
        Consent.objects.filter(child__in=children).delete()
        Guardian.objects.filter(child__in=children).delete()
        children.delete()


class Bans(Bench):
    name = "bans"
    module = "tuoyu.bans.imports"
    sheet_attr = "BAN_SHEET"
    description = (
        "ban_import by the city administrator bench-cityadmin-430200 (one create event per row, the sweep)"
    )

    def setup(self) -> None:
        from tuoyu.accounts.models import Role, User
        from tuoyu.accounts.services import membership_grant, user_create
        from tuoyu.regions.models import Region

        keeper = User.objects.filter(username="bench-cityadmin-430200").first()
        if keeper is None:
            keeper = user_create(
                username="bench-cityadmin-430200", password=None, real_name="基准测试市管理员", validate=False
            )
            membership_grant(user=keeper, role=Role.CITY_ADMIN, region=Region.objects.get(code="430200"))
        self.keeper = keeper

    def rows(self, n: int, seed: int) -> list[dict[str, Any]]:
        import datetime as dt
        import random

        from django.utils import timezone

        from tuoyu.demo.people import adult_birth_date, chinese_name

        rng = random.Random(f"bench:bans:{seed}")
        today = timezone.localdate()
        ids = _unique_ids(
            rng,
            n,
            area="430211",
            born=lambda: adult_birth_date(rng, today=today, min_age=25, max_age=60),
            seen=set(),
        )
        return [
            {
                "name": chinese_name(rng),
                "id_number": number,
                "reason": "虐待婴幼儿",
                "decision_authority": "株洲市卫生健康委员会",
                "decision_number": f"株卫禁〔2026〕B{i + 1}号",
                "decision_date": today - dt.timedelta(days=rng.randint(1, 700)),
                "scope": rng.choice(["本市", "全省", "全国"]),
            }
            for i, number in enumerate(ids)
        ]

    def run(self, data: bytes) -> Any:
        from tuoyu.bans.imports import ban_import

        return ban_import(by=self.keeper, filename="禁入名单.xlsx", data=data)

    def saved(self) -> int:
        from tuoyu.bans.models import Ban

        return Ban.objects.filter(created_by=self.keeper).count()

    def delete(self) -> None:
        from tuoyu.bans.models import Ban, BanAlert

        BanAlert.objects.filter(ban__created_by=self.keeper).delete()
        Ban.objects.filter(created_by=self.keeper).delete()


BENCHES: dict[str, type[Bench]] = {b.name: b for b in (Registrations, Staff, Children, Bans)}


def _ours() -> Any:
    """The benchmark's institutions: enterprises whose organisation code starts ``MA`` + LETTER."""
    from tuoyu.institutions.models import Institution

    return Institution.objects.filter(uscc__regex=rf"^91.{{6}}MA{LETTER}")


def _delete_ours() -> None:
    from tuoyu.institutions.models import Registration

    ids = list(_ours().values_list("id", flat=True))
    Registration.objects.filter(institution_id__in=ids).delete()
    _ours().delete()


@contextlib.contextmanager
def _row_limit(bench: Bench, rows: int) -> Iterator[None]:
    """Let the sheet take ``rows`` rows (the templates stop at 2,000 or 5,000; the memory run needs 50,000):
    the module's sheet and, where there is one, the import class's (``SpreadsheetImport.sheet``)."""
    import dataclasses
    import importlib

    module = importlib.import_module(bench.module)
    sheet = getattr(module, bench.sheet_attr)
    if rows <= sheet.max_rows:
        yield
        return
    bigger = dataclasses.replace(sheet, max_rows=rows, max_bytes=max(sheet.max_bytes, 200 * 1024 * 1024))
    patched = [(module, bench.sheet_attr)]
    patched += [
        (cls, "sheet")
        for cls in vars(module).values()
        if isinstance(cls, type) and cls.__dict__.get("sheet") is sheet
    ]
    for owner, attr in patched:
        setattr(owner, attr, bigger)
    try:
        yield
    finally:
        for owner, attr in patched:
            setattr(owner, attr, sheet)


def _verify_chain() -> bool:
    try:
        from tuoyu.audit.services import audit_verify
    except ImportError:
        return False
    return bool(audit_verify().ok)


def _profile_round(bench: Bench, data: bytes, db: str, folder: Path) -> Path:
    """One more import of ``data`` under cProfile (not timed): the functions by own time and by cumulative
    time, written to ``folder/profile-import-<import>-<database>.txt`` — where the import's time goes."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    outcome = bench.run(data)
    profiler.disable()
    if not outcome.committed:
        raise SystemExit(f"{bench.name} profiled round: not committed: {outcome.summary()}")
    bench.delete()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    text.write(f"# {bench.name} on {db}: one import under cProfile, {total:.2f}s of own time in all\n")
    stats.sort_stats("tottime").print_stats(35)
    stats.sort_stats("cumulative").print_stats(45)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"profile-import-{bench.name}-{db}.txt"
    path.write_text(text.getvalue())
    _say(f"  {bench.name} profile: {path}")
    return path


def _bench_one(
    bench: Bench,
    rows_wanted: int,
    rounds: int,
    seed: int,
    memory_rows: int,
    db: str,
    profile: Path | None = None,
) -> dict[str, Any]:
    import resource
    import tracemalloc

    from tuoyu.core.excel import read_rows, report_workbook

    bench.setup()
    bench.delete()  # a PostgreSQL database may hold an interrupted run's rows
    t0 = time.perf_counter()
    rows = bench.rows(rows_wanted, seed)
    sheet = bench.sheet()
    with _row_limit(bench, len(rows)):
        sheet = bench.sheet()
        good = _workbook(sheet, rows)
    _say(
        f"· [{db}] {bench.name}: workbook of {len(rows)} rows, {len(good) / 1024:.0f} KiB, {time.perf_counter() - t0:.1f}s"
    )
    results: list[dict[str, Any]] = []
    with _row_limit(bench, len(rows)):
        t0 = time.perf_counter()
        parsed = read_rows(good, bench.sheet())
        parse_seconds = time.perf_counter() - t0
        if not parsed.ok:
            raise SystemExit(
                f"{bench.name}: the benchmark workbook does not parse cleanly: {parsed.report_rows()[:3]}"
            )
        for r in range(1, rounds + 1):
            t0, c0 = time.perf_counter(), time.process_time()
            outcome = bench.run(good)
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
            saved = bench.saved()
            if not outcome.committed or saved != len(rows):
                raise SystemExit(
                    f"{bench.name} round {r}: expected {len(rows)} rows saved, got {saved}: "
                    f"{outcome.summary()} {outcome.report_rows()[:3]}"
                )
            results.append(
                {
                    "round": r,
                    "seconds": round(seconds, 3),
                    "cpu_seconds": round(cpu, 3),
                    "rows_per_second": round(len(rows) / seconds, 1),
                }
            )
            _say(
                f"  {bench.name} round {r}: {seconds:.2f}s, {len(rows) / seconds:.0f} rows/s, {cpu:.2f}s of CPU "
                f"in this process — all {saved} saved"
            )
            bench.delete()
        if profile is not None:
            _profile_round(bench, good, db, profile)
        # All or nothing: the same file with one bad row at the end (an ID number / credit code broken).
        bad_rows = [dict(x) for x in rows]
        key = (
            "uscc" if "uscc" in bad_rows[-1] else "id_number" if "id_number" in bad_rows[-1] else "birth_date"
        )
        bad_rows[-1][key] = "1" if key != "birth_date" else "不是日期"
        bad = _workbook(bench.sheet(), bad_rows)
        t0 = time.perf_counter()
        outcome = bench.run(bad)
        bad_seconds = time.perf_counter() - t0
        lines = outcome.report_rows()
        nothing_saved = not outcome.committed and bench.saved() == 0
        if not nothing_saved or [line.row for line in lines] != [len(rows) + 1]:
            raise SystemExit(
                f"{bench.name}: the bad file was not refused as a whole: {outcome.summary()} {lines[:3]}"
            )
        t0 = time.perf_counter()
        report_workbook(outcome.result)
        report_seconds = time.perf_counter() - t0
        _say(
            f"  {bench.name} bad file: {bad_seconds:.2f}s, nothing saved, report row {lines[0].row} ({report_seconds:.1f}s)"
        )
    memory: dict[str, Any] | None = None
    if memory_rows:
        big_rows = bench.rows(memory_rows, seed + 1)
        with _row_limit(bench, memory_rows):
            big = _workbook(bench.sheet(), big_rows)
            del big_rows
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            tracemalloc.start()
            t0 = time.perf_counter()
            outcome = bench.run(big)
            seconds = time.perf_counter() - t0
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            saved = bench.saved()
            if not outcome.committed or saved != memory_rows:
                raise SystemExit(
                    f"{bench.name} memory run: {saved} of {memory_rows} saved: {outcome.summary()}"
                )
            memory = {
                "rows": memory_rows,
                "workbook_bytes": len(big),
                "tracemalloc_peak_mib": round(peak / 2**20, 1),
                "max_rss_before_mib": round(rss_before / 1024, 1),
                "max_rss_after_mib": round(rss_after / 1024, 1),
                "seconds_under_tracemalloc": round(seconds, 1),
            }
            _say(
                f"  {bench.name} {memory_rows} rows: Python peak {memory['tracemalloc_peak_mib']} MiB (tracemalloc), "
                f"process max RSS {memory['max_rss_before_mib']} → {memory['max_rss_after_mib']} MiB, {seconds:.1f}s"
            )
            bench.delete()
    seconds = [x["seconds"] for x in results]
    return {
        "import": bench.name,
        "description": bench.description,
        "rows": len(rows),
        "rounds": results,
        "median_seconds": statistics.median(seconds),
        "median_rows_per_second": round(len(rows) / statistics.median(seconds), 1),
        # This process's CPU time (the import's Python and SQLite; not PostgreSQL's server): less moved by
        # other work on a shared machine than the wall time.
        "median_cpu_seconds": statistics.median(x["cpu_seconds"] for x in results),
        "parse_only_seconds": round(parse_seconds, 3),
        "workbook_bytes": len(good),
        "bad_row": {
            "seconds": round(bad_seconds, 3),
            "nothing_saved": nothing_saved,
            "report_lines": [[line.row, line.column, line.message] for line in lines],
            "report_workbook_seconds": round(report_seconds, 3),
        },
        "memory": memory,
    }


def worker(
    rows_wanted: int,
    rounds: int,
    seed: int,
    out: Path,
    names: list[str],
    memory_rows: int,
    profile: Path | None = None,
) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tuoyu.core.progress import Progress
    from tuoyu.regions.services import regions_load

    db = connection.vendor
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    regions_load(progress=Progress("load-regions"))
    if db == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    setup = time.perf_counter() - t0
    runs = [
        _bench_one(BENCHES[name](), rows_wanted, rounds, seed, memory_rows, db, profile) for name in names
    ]
    chain = _verify_chain()
    _say(f"· [{db}] audit chain after the run: {'intact' if chain else 'BROKEN'}")
    out.write_text(
        json.dumps(
            {"database": db, "imports": runs, "audit_chain_intact": chain, "setup_seconds": round(setup, 1)},
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )
    return 0 if chain else 1


# --- The driver: no Django here; one worker subprocess per database ------------------------------------


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def markdown(meta: dict[str, Any], runs: list[dict[str, Any]]) -> str:
    lines = [
        f"## Excel imports — {meta['finished']}",
        "",
        f"Each import's real template filled with {meta['rows']} valid rows and imported through the real service "
        f"(parse + validate every row + all-or-nothing write with the rows' and the file's audit events); "
        f"{meta['rounds']} round(s), each from the same database. {meta['cpus']} CPUs, shared. Load average "
        f"before/after: {meta['loadavg_before']} / {meta['loadavg_after']}. Commit `{meta['commit']}`.",
        "",
        "| database | import | rows | rows/s (median) | seconds (median) | CPU s (median) | rounds (rows/s) "
        "| parse only s | one bad row at the end: s, saved | memory: rows, Python peak, max RSS |",
        "|---|---|---:|---:|---:|---:|---|---:|---|---|",
    ]
    for run in runs:
        for one in run["imports"]:
            per_round = ", ".join(f"{x['rows_per_second']:.0f}" for x in one["rounds"])
            bad = one["bad_row"]
            mem = one.get("memory")
            memory = (
                f"{mem['rows']}, {mem['tracemalloc_peak_mib']} MiB, {mem['max_rss_after_mib']} MiB"
                if mem
                else "—"
            )
            lines.append(
                f"| {run['database']} | {one['import']} | {one['rows']} | {one['median_rows_per_second']:.0f} | "
                f"{one['median_seconds']:.2f} | {one.get('median_cpu_seconds', 0):.2f} | {per_round} | "
                f"{one['parse_only_seconds']:.1f} | "
                f"{bad['seconds']:.1f} s, {'nothing saved' if bad['nothing_saved'] else 'ROWS SAVED'} | {memory} |"
            )
        lines.append(
            f"| {run['database']} | audit chain after the run | | "
            f"{'intact' if run.get('audit_chain_intact') else 'BROKEN'} | | | | | | |"
        )
    lines.append("")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.importbench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows in each workbook")
    parser.add_argument(
        "--rounds", type=int, default=DEFAULT_ROUNDS, help="timed imports; the table shows the median"
    )
    parser.add_argument(
        "--imports",
        default=",".join(BENCHES),
        help=f"comma-separated, of {', '.join(BENCHES)} (default: all)",
    )
    parser.add_argument(
        "--memory-rows",
        type=int,
        default=DEFAULT_MEMORY_ROWS,
        help="after the timed rounds, import a file this long once under tracemalloc and report the peak "
        "(0: skip)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--pg",
        action="store_true",
        help="also on the PostgreSQL database of TUOYU_DATABASE_URL (must be set)",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="with --pg: PostgreSQL only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir (SQLite database)")
    parser.add_argument(
        "--profile",
        type=Path,
        help="after the timed rounds, one more import per file under cProfile; the profiles go to this folder",
    )
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)  # internal: the per-database run
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.imports.split(",") if n.strip()]
    if not names or any(n not in BENCHES for n in names):
        parser.error(f"--imports: choose from {', '.join(BENCHES)}")
    if not 1 <= args.rows <= 100_000 or args.rounds < 1 or not 0 <= args.memory_rows <= 100_000:
        parser.error("--rows must be 1…100000, --rounds positive and --memory-rows 0…100000")
    if args.worker:
        return worker(args.rows, args.rounds, args.seed, args.worker, names, args.memory_rows, args.profile)
    if args.pg and not os.environ.get("TUOYU_DATABASE_URL"):
        parser.error("--pg needs TUOYU_DATABASE_URL")

    from bench.run import bench_env, git_commit, loadavg

    signal.signal(signal.SIGTERM, _interrupt)
    var_dir = Path(tempfile.mkdtemp(prefix="tuoyu-importbench-"))
    started, before = datetime.now(UTC), loadavg()
    if args.no_sqlite and not args.pg:
        parser.error("--no-sqlite needs --pg")
    targets = [] if args.no_sqlite else [("sqlite", bench_env(var_dir))]
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
            cmd += ["--imports", ",".join(names), "--memory-rows", str(args.memory_rows)]
            if args.profile:
                cmd += ["--profile", str(args.profile.resolve())]
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
        "imports": names,
        "memory_rows": args.memory_rows,
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
