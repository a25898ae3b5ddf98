"""Deterministic benchmark data at named scales: institutions spread over a region tree, plus regulators.

    python -m bench.generate --scale city        # 株洲市 430200: 300 institutions
    python -m bench.generate --scale province    # 湖南省 43: 5,000 institutions

Institutions are spread over the scale's counties (and, where the streets are loaded, their streets) in
proportion to the 2020 resident population where it is known; siblings whose population is unknown share
what is left of their parent's evenly (or, with nothing to go on, all siblings share evenly). These are
*weights for synthetic data*, never stored as populations.

Each city (prefecture) gets a city admin ``bench-<code>`` and each county or functional zone a regulator
``bench-<code>``, all with the demo password, so a benchmark can log in anywhere in the tree.

Generation is one transaction and idempotent per scale: a scale whose institutions exist is skipped (its
USCCs carry the scale's letter, so the check is exact). The same seed gives the same data. Later issues
extend ``generate()`` with children, staff and records; keep each step deterministic and inside it.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

ProgressFn = Callable[[str, int, int], None]

DEFAULT_SEED = 2026
BATCH = 500


@dataclass(frozen=True)
class Scale:
    name: str
    root: str  # the region code the scale covers
    institutions: int
    letter: str  # written into each USCC's organisation code, so scales never collide
    description: str


SCALES: dict[str, Scale] = {
    "city": Scale("city", "430200", 300, "C", "株洲市 (430200): one city, 300 institutions"),
    "province": Scale("province", "430000", 5000, "P", "湖南省 (43): one province, 5,000 institutions"),
}


@dataclass
class Summary:
    scale: str
    seed: int
    skipped: bool
    institutions: int = 0
    regions_used: int = 0
    users_created: int = 0
    users_kept: int = 0
    seconds: float = 0.0
    by_county: dict[str, int] = field(default_factory=dict)


# --- Pure helpers (no database) -----------------------------------------------------------------


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder; ties by position)."""
    if not weights:
        return []
    s = float(sum(weights))
    if s <= 0:
        weights, s = [1.0] * len(weights), float(len(weights))
    exact = [total * w / s for w in weights]
    counts = [int(x) for x in exact]
    short = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[:short]:
        counts[i] += 1
    return counts


ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code(body8: str) -> str:
    """A 9-character organisation code (GB 11714): 8 characters and their check character."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + ("X" if check == 10 else "0" if check == 11 else str(check))


def uscc_for(*, kind: str, area: str, serial: int, letter: str) -> str:
    """A valid unified social credit code: registration kind + area code + organisation code + check."""
    from tuoyu.core.validators import USCC_ALPHABET, uscc_check_character

    digits = []
    n = serial
    for _ in range(5):
        n, r = divmod(n, len(USCC_ALPHABET))
        digits.append(USCC_ALPHABET[r])
    if n:
        raise ValueError(f"serial {serial} does not fit in five characters")
    body8 = ("MA" if kind == "91" else "MJ") + letter + "".join(reversed(digits))
    first17 = kind + area[:6] + org_code(body8)
    return first17 + uscc_check_character(first17)


def scale_uscc_regex(scale: Scale) -> str:
    """Matches exactly the USCCs this scale generates (organisation code ``MA<letter>…``/``MJ<letter>…``)."""
    return rf"^.{{8}}M[AJ]{scale.letter}"


BRANDS = [
    "小太阳",
    "爱贝",
    "童乐",
    "贝佳",
    "启蒙",
    "小橡树",
    "七彩",
    "阳光",
    "金色童年",
    "蒲公英",
    "萌芽",
    "乐童",
    "亲亲宝贝",
    "星星",
    "小天使",
    "育英",
    "馨园",
    "禾苗",
    "树袋熊",
    "小脚丫",
    "彩虹",
    "悦童",
    "爱心",
    "欢乐谷",
    "智慧树",
    "小海豚",
    "春芽",
    "童心",
    "贝乐",
    "小蜜蜂",
    "卡蒙",
    "伊顿",
    "果果",
    "米乐",
    "橙子",
    "云朵",
    "花蕾",
    "小小鸟",
    "睿童",
    "安吉",
]
SUFFIX = {
    "91": ("托育服务有限公司", "婴幼儿照护服务有限公司", "托育园有限公司"),
    "52": ("托育中心", "托育园", "婴幼儿照护服务中心", "托育服务中心"),
}


@dataclass(frozen=True)
class _Node:
    code: str
    name: str
    level: str
    prefix: str
    parent: str | None
    population: int | None


def _child_weights(parent_weight: float | None, children: list[_Node]) -> list[float]:
    known = [c.population for c in children if c.population]
    unknown = sum(1 for c in children if not c.population)
    if not unknown:
        return [float(c.population or 0) for c in children]
    if parent_weight and parent_weight > sum(known):
        share = (parent_weight - sum(known)) / unknown
    elif known:
        share = sum(known) / len(known)
    else:
        share = 1.0
    return [float(c.population) if c.population else share for c in children]


def spread(total: int, root: str, nodes: dict[str, _Node]) -> list[tuple[_Node, int]]:
    """Leaves of the tree under ``root`` with their share of ``total`` (leaves with 0 are left out)."""
    children: dict[str, list[_Node]] = {}
    for n in nodes.values():
        if n.parent is not None and n.parent in nodes:
            children.setdefault(n.parent, []).append(n)
    for kids in children.values():
        kids.sort(key=lambda n: n.code)

    out: list[tuple[_Node, int]] = []

    def walk(node: _Node, count: int, weight: float | None) -> None:
        kids = children.get(node.code, [])
        if not kids:
            if count:
                out.append((node, count))
            return
        weights = _child_weights(weight, kids)
        for kid, n, w in zip(kids, allocate(count, weights), weights, strict=True):
            walk(kid, n, w)

    top = nodes[root]
    walk(top, total, float(top.population) if top.population else None)
    return out


# --- Database steps -----------------------------------------------------------------------------


def is_generated(scale: Scale) -> bool:
    from tuoyu.institutions.models import Institution

    return Institution.objects.filter(uscc__regex=scale_uscc_regex(scale)).exists()


def _load_tree(root_code: str) -> dict[str, _Node]:
    from tuoyu.regions.models import Region, RegionPopulation

    try:
        root = Region.objects.get(code=root_code)
    except Region.DoesNotExist:
        raise SystemExit(
            f"region {root_code} is not loaded: run `tuoyu load-regions` (or `tuoyu demo`) first"
        ) from None
    pops = dict(
        RegionPopulation.objects.filter(year=2020, region__prefix__startswith=root.prefix).values_list(
            "region_id", "resident_population"
        )
    )
    return {
        code: _Node(code, name, level, prefix, parent, pops.get(code))
        for code, name, level, prefix, parent in Region.objects.filter(prefix__startswith=root.prefix)
        .order_by("code")
        .values_list("code", "name", "level", "prefix", "parent_id")
    }


def _institutions(
    scale: Scale, seed: int, nodes: dict[str, _Node], progress: ProgressFn | None
) -> tuple[int, dict[str, int], int]:
    from tuoyu.institutions.models import Institution

    rng = random.Random(f"bench:{scale.name}:{seed}:institutions")
    leaves = spread(scale.institutions, scale.root, nodes)
    names: set[str] = set()
    by_county: dict[str, int] = {}
    batch: list[Institution] = []
    serial = done = 0
    for leaf, count in leaves:
        county = nodes.get(leaf.code[:6]) or leaf
        by_county[county.code] = by_county.get(county.code, 0) + count
        for _ in range(count):
            kind = "91" if rng.random() < 0.6 else "52"
            base = rng.choice(BRANDS) + rng.choice(SUFFIX[kind])
            name = county.name + base
            if name in names and leaf is not county:
                name = f"{county.name}{base}（{leaf.name}）"
            n = 2
            while name in names:
                name, n = f"{county.name}{base}（第{n}园区）", n + 1
            names.add(name)
            serial += 1
            uscc = uscc_for(kind=kind, area=county.code, serial=serial, letter=scale.letter)
            batch.append(Institution(name=name, uscc=uscc, region_id=leaf.code, region_prefix=leaf.prefix))
            if len(batch) >= BATCH:
                Institution.objects.bulk_create(batch)
                done += len(batch)
                batch = []
                if progress:
                    progress("institutions", done, scale.institutions)
    if batch:
        Institution.objects.bulk_create(batch)
        done += len(batch)
        if progress:
            progress("institutions", done, scale.institutions)
    return done, by_county, len(leaves)


def _regulators(
    scale: Scale, seed: int, nodes: dict[str, _Node], progress: ProgressFn | None
) -> tuple[int, int]:
    from django.contrib.auth.hashers import make_password

    from tuoyu.accounts.models import Role, User
    from tuoyu.accounts.services import membership_grant, user_create
    from tuoyu.core.demo.accounts import DEMO_PASSWORD
    from tuoyu.core.demo.people import chinese_name, mobile
    from tuoyu.regions.models import Region, RegionLevel

    rng = random.Random(f"bench:{scale.name}:{seed}:regulators")
    wanted = [
        n
        for n in nodes.values()
        if n.level in {RegionLevel.PREFECTURE, RegionLevel.COUNTY, RegionLevel.FUNCTIONAL_ZONE}
    ]
    existing = set(
        User.objects.filter(username__in=[f"bench-{n.code}" for n in wanted]).values_list(
            "username", flat=True
        )
    )
    regions = Region.objects.in_bulk([n.code for n in wanted])
    password_hash = make_password(DEMO_PASSWORD)
    created = kept = 0
    for i, node in enumerate(wanted, start=1):
        real_name, phone = chinese_name(rng), mobile(rng)  # drawn always: same data whatever exists
        username = f"bench-{node.code}"
        if username in existing:
            kept += 1
        else:
            city = node.level == RegionLevel.PREFECTURE
            # No password here (None makes no hash), then the one argon2 hash of the demo password: at
            # ~0.1-0.8 s per hash on a busy 2-core machine, hashing it per user would dominate the run.
            user = user_create(
                username=username, password=None, real_name=real_name, phone=phone, validate=False
            )
            User.objects.filter(pk=user.pk).update(password=password_hash)
            membership_grant(
                user=user,
                role=Role.CITY_ADMIN if city else Role.REGULATOR,
                region=regions[node.code],
                department=node.name + ("卫生健康委员会" if city else "卫生健康局"),
            )
            created += 1
        if progress and (i % 10 == 0 or i == len(wanted)):
            progress("regulators", i, len(wanted))
    return created, kept


def generate(scale: str | Scale, seed: int = DEFAULT_SEED, progress: ProgressFn | None = None) -> Summary:
    """Generate ``scale``'s data into the configured database (Django must be set up). Idempotent."""
    from django.db import transaction

    sc = SCALES[scale] if isinstance(scale, str) else scale
    started = time.monotonic()
    if is_generated(sc):
        return Summary(scale=sc.name, seed=seed, skipped=True, seconds=time.monotonic() - started)
    nodes = _load_tree(sc.root)
    with transaction.atomic():
        count, by_county, leaves = _institutions(sc, seed, nodes, progress)
        created, kept = _regulators(sc, seed, nodes, progress)
    return Summary(
        scale=sc.name,
        seed=seed,
        skipped=False,
        institutions=count,
        regions_used=leaves,
        users_created=created,
        users_kept=kept,
        seconds=time.monotonic() - started,
        by_county=by_county,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="city")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the same seed gives the same data")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuoyu.settings")
    import django

    django.setup()
    from tuoyu.core.progress import Progress

    sc = SCALES[args.scale]
    print(f"bench data: {sc.description}, seed {args.seed}")
    summary = generate(sc, args.seed, Progress(f"bench {sc.name}"))
    if summary.skipped:
        print(f"bench data: scale {sc.name} is already generated — nothing to do")
    else:
        print(
            f"bench data: {summary.institutions} institutions in {summary.regions_used} regions "
            f"({len(summary.by_county)} counties), regulators {summary.users_created} created / "
            f"{summary.users_kept} kept, {summary.seconds:.1f}s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
