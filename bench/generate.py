"""Deterministic benchmark data at named scales: institutions spread over a region tree, plus regulators.

    python -m bench.generate --scale city        # 株洲市 430200: 300 institutions
    python -m bench.generate --scale province    # 湖南省 43: 5,000 institutions

Institutions are spread over the scale's counties (and, where the streets are loaded, their streets) in
proportion to the 2020 resident population where it is known; siblings whose population is unknown share
what is left of their parent's evenly (or, with nothing to go on, all siblings share evenly). These are
*weights for synthetic data*, never stored as populations.

Each city (prefecture) gets a city admin ``bench-<code>`` and each county or functional zone a regulator
``bench-<code>``, all with the demo password, so a benchmark can log in anywhere in the tree.

Institutions get realistic filing states (about 70 % filed with an accepted initial filing and a filing number
from the county's FilingCounter, 8 % submitted and waiting in the reviewer's queue, 4 % returned, 3 % with a
draft, the rest registered and not filed), the timeline rows, materials (one small PDF stored once through
``files.services.file_store`` and referenced by every material), an institution admin ``bench-<uscc>`` for
each institution with a filing, and a current fee schedule for each filed one. All of it is bulk inserts that
write the rows the filing and fee services would (not their audit events: the audit trail is a hash chain,
appended one event at a time, and these are synthetic data).

Every filed institution then gets its premises and people, as the premises, staff and children services would
record them (bulk rows, no audit events): rooms and classes; staff with valid ID numbers (stored encrypted with
their blind index through the model fields), employment, health certificates, background checks,
qualifications, training and caregivers' classes; children enrolled in classes of their age with a guardian
each and, for most, the guardian's consent and the child's ID number. About 150,000 children at province scale
(9,000 at city scale); the staff follow the setting standards' ratios (about 47,000 at province scale). A few
outliers per compliance rule give the risk list something to rank.

Generation is one transaction and idempotent per scale: a scale whose institutions exist is skipped (its
USCCs carry the scale's letter, so the check is exact). The same seed gives the same data (on the same day:
ages and certificate dates count back from today). Later issues extend ``generate()`` with records; keep each
step deterministic, with its own random stream, and inside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal
from typing import Any

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
    children: int = 0  # about this many children enrolled, spread over the filed institutions' classes


SCALES: dict[str, Scale] = {
    # The city has the province's density: 6 % of its institutions, 6 % of its children.
    "city": Scale("city", "430200", 300, "C", "株洲市 (430200): one city, 300 institutions", 9_000),
    "province": Scale(
        "province", "430000", 5000, "P", "湖南省 (43): one province, 5,000 institutions", 150_000
    ),
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
    by_state: dict[str, int] = field(default_factory=dict)  # filing state ("" = registered, no filing)
    institution_admins: int = 0
    fee_schedules: int = 0
    materials: int = 0
    rooms: int = 0
    classes: int = 0
    staff: int = 0
    children: int = 0


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
    """The scale's institutions are there (generation is one transaction: all of them or none).

    Counted, not just looked for: the demo's random organisation codes can start ``MA<letter>`` too (a
    handful of them do), and a mere ``exists()`` then skipped the whole scale.
    """
    from tuoyu.institutions.models import Institution

    return Institution.objects.filter(uscc__regex=scale_uscc_regex(scale)).count() >= scale.institutions


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


# Filing states and their shares; the rest (15 %) are registered and have no filing.
STATE_SHARES = (("accepted", 0.70), ("submitted", 0.08), ("returned", 0.04), ("draft", 0.03))
STREETS = ["人民路", "建设路", "解放路", "新华路", "长江路", "文化路", "学府路", "幸福路", "和平路", "滨江路"]
RETURN_REASONS = [
    ("fire_safety", "消防安全检查合格证明已过期，请上传有效期内的证明。"),
    ("premises_proof", "租赁合同剩余期限不足3年，请补充续租合同。"),
    ("staff_health_certificates", "部分保育人员健康合格证明缺失，请补齐。"),
    ("facts", "托位数与场地面积不符，请核实后修改。"),
]


@dataclass
class _Plan:
    """One generated institution and what happens to it (times are aware datetimes; None when not reached)."""

    institution: Any
    county: str
    state: str  # "" (registered, no filing), draft, submitted, returned, accepted
    started: dt.datetime | None = None
    submitted: dt.datetime | None = None
    decided: dt.datetime | None = None  # accepted or returned


def _draw_state(rng: random.Random) -> str:
    r, acc = rng.random(), 0.0
    for state, share in STATE_SHARES:
        acc += share
        if r < acc:
            return state
    return ""


def _draw_times(rng: random.Random, state: str, now: dt.datetime) -> tuple[Any, Any, Any]:
    """(started, submitted, decided) of a filing in ``state``, relative to ``now``: the queue holds
    filings from today back to about two weeks, so some are past the FIL-04 five working days."""

    def ago(days: int) -> dt.datetime:
        return now - dt.timedelta(days=days, minutes=rng.randint(0, 8 * 60))

    if state == "accepted":
        decided = ago(rng.randint(1, 540))
        submitted = decided - dt.timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 300))
    elif state == "returned":
        submitted = ago(rng.randint(6, 40))
        decided = submitted + dt.timedelta(days=rng.randint(1, 4), minutes=rng.randint(0, 300))
    elif state == "submitted":
        submitted, decided = ago(rng.randint(0, 13)), None
    elif state == "draft":
        return ago(rng.randint(0, 30)), None, None
    else:
        return None, None, None
    return submitted - dt.timedelta(days=rng.randint(1, 30), minutes=rng.randint(0, 600)), submitted, decided


def _profile(rng: random.Random, *, kind: str, earliest: dt.date, filed_facts: bool) -> dict[str, Any]:
    """Registration facts (always) and filing facts (service, ages, capacity, premises…) when the
    institution has started its filing."""
    from tuoyu.demo.people import chinese_name, mobile
    from tuoyu.institutions.models import (
        InstitutionKind,
        LegalPersonKind,
        PremisesTenure,
        RegistrationAuthority,
    )

    company = kind == "91"
    home_point = company and rng.random() < 0.06
    registered_on = earliest - dt.timedelta(days=rng.randint(5, 120))
    values: dict[str, Any] = {
        "kind": InstitutionKind.HOME_POINT if home_point else InstitutionKind.CENTER,
        "legal_person_kind": LegalPersonKind.ENTERPRISE if company else LegalPersonKind.SOCIAL_SERVICE_ORG,
        "is_for_profit": company,
        "is_affordable": rng.random() < 0.35,
        "registration_authority": (
            RegistrationAuthority.MARKET_REGULATION if company else RegistrationAuthority.CIVIL_AFFAIRS
        ),
        "registration_date": registered_on,
        "registered_at": dt.datetime.combine(
            registered_on + dt.timedelta(days=rng.randint(1, 5)), dt.time(2), tzinfo=dt.UTC
        ),
        "business_scope": "家庭托育服务"
        if home_point
        else rng.choice(["托育服务", "3岁以下婴幼儿照护服务；托育服务"]),
        "legal_rep_name": chinese_name(rng),
        "address": f"{rng.choice(STREETS)}{rng.randint(1, 300)}号",
        "phone": mobile(rng),
    }
    full_day = rng.random() < 0.85
    facts: dict[str, Any] = {
        "offers_full_day": full_day,
        "offers_half_day": not full_day or rng.random() < 0.35,
        "offers_hourly": rng.random() < 0.3,
        "offers_temporary": rng.random() < 0.2,
        "min_age_months": rng.choice([3, 6, 12, 18, 24]),
        "max_age_months": 36,
        "capacity": rng.randint(5, 20) if home_point else rng.randint(2, 16) * 10,
        "opening_hours": rng.choice(["07:30-17:30", "08:00-17:00", "07:45-18:00"]),
        "serves_meals": not home_point and rng.random() < 0.75,
        "director_name": chinese_name(rng),
        "premises_tenure": rng.choice([PremisesTenure.OWN, PremisesTenure.LEASED, PremisesTenure.LEASED]),
        "floors_used": rng.choice(["1", "1-2", "1-3"]),
        "indoor_area_m2": Decimal(rng.randint(60, 1500)),
        "outdoor_area_m2": Decimal(rng.randint(0, 600)),
        "has_observation_room": not home_point,
        "camera_count": rng.randint(4, 40),
        "cameras_cover_entrances": True,
        "cameras_cover_children_areas": True,
        "recording_retention_days": rng.choice([90, 90, 180]),
        "surveillance_attested": True,
        "has_liability_insurance": True,
    }
    if not filed_facts:
        return values
    if facts["premises_tenure"] == PremisesTenure.LEASED:
        facts["lease_start"] = registered_on - dt.timedelta(days=rng.randint(0, 200))
        facts["lease_end"] = facts["lease_start"] + dt.timedelta(days=365 * rng.randint(3, 10))
    if facts["serves_meals"]:
        facts["food_licence_number"] = f"JY243{rng.randint(10**9, 10**10 - 1)}"
        facts["food_licence_date"] = registered_on + dt.timedelta(days=rng.randint(5, 60))
    facts["insurance_policy_number"] = f"PZAT{rng.randint(10**11, 10**12 - 1)}"
    return {**values, **facts}


def _institutions(
    scale: Scale, seed: int, nodes: dict[str, _Node], progress: ProgressFn | None, now: dt.datetime
) -> tuple[list[_Plan], dict[str, int], int]:
    from tuoyu.institutions.models import FilingStatus, Institution

    rng = random.Random(f"bench:{scale.name}:{seed}:institutions")
    # Separate streams, so adding a step never changes the names and codes drawn before.
    states = random.Random(f"bench:{scale.name}:{seed}:filings")
    profiles = random.Random(f"bench:{scale.name}:{seed}:profiles")
    leaves = spread(scale.institutions, scale.root, nodes)
    names: set[str] = set()
    by_county: dict[str, int] = {}
    plans: list[_Plan] = []
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
            state = _draw_state(states)
            started, submitted, decided = _draw_times(states, state, now)
            earliest = _localdate(started or now)
            institution = Institution(
                name=name,
                uscc=uscc,
                region_id=leaf.code,
                region_prefix=leaf.prefix,
                filing_status=FilingStatus.FILED if state == "accepted" else FilingStatus.REGISTERED,
                filed_at=decided if state == "accepted" else None,  # as filing_accept sets it
                version=2 if state == "accepted" else 1,
                **_profile(profiles, kind=kind, earliest=earliest, filed_facts=bool(state)),
            )
            batch.append(institution)
            plans.append(_Plan(institution, county.code, state, started, submitted, decided))
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
    return plans, by_county, len(leaves)


def _localdate(moment: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(moment)


@contextmanager
def _historic_timestamps(*fields: Any) -> Iterator[None]:
    """Let bulk inserts write the historic times we give (auto_now_add would overwrite them with now)."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _stored_pdf(by: Any) -> Any:
    """One small real PDF, stored through the files service like any upload; every material refers to it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuoyu.demo.institutions import DEMO_PDF
    from tuoyu.files.services import file_store

    upload = SimpleUploadedFile("备案材料（基准测试）.pdf", DEMO_PDF, content_type="application/pdf")
    return file_store(upload=upload, by=by)


def _fee_items(rng: random.Random, inst: Any, guided: Decimal | None) -> list[Any]:
    from tuoyu.fees.models import FeeItem, FeeKind, FeeUnit
    from tuoyu.institutions.models import ServiceType

    full = guided if guided is not None else Decimal(rng.randint(12, 40) * 100)
    items = []
    if inst.offers_full_day:
        items.append(
            FeeItem(
                kind=FeeKind.MONTHLY,
                service_type=ServiceType.FULL_DAY,
                name="全日托保育费",
                amount=full,
                unit=FeeUnit.PER_MONTH,
                includes="保育照护、早期发展活动",
            )
        )
    if inst.offers_half_day:
        items.append(
            FeeItem(
                kind=FeeKind.MONTHLY,
                service_type=ServiceType.HALF_DAY,
                name="半日托保育费",
                amount=(full * Decimal("0.6")).quantize(Decimal("1")),
                unit=FeeUnit.PER_MONTH,
                includes="上午或下午半日照护",
            )
        )
    if inst.offers_hourly:
        items.append(
            FeeItem(
                kind=FeeKind.OTHER,
                service_type=ServiceType.HOURLY,
                name="计时托费",
                amount=Decimal(rng.randint(3, 8) * 10),
                unit=FeeUnit.PER_HOUR,
            )
        )
    if inst.offers_temporary:
        items.append(
            FeeItem(
                kind=FeeKind.OTHER,
                service_type=ServiceType.TEMPORARY,
                name="临时托费",
                amount=Decimal(rng.randint(10, 25) * 10),
                unit=FeeUnit.PER_DAY,
            )
        )
    if inst.serves_meals:
        items.append(
            FeeItem(
                kind=FeeKind.MEAL,
                name="伙食费",
                amount=Decimal(rng.randint(12, 30)),
                unit=FeeUnit.PER_DAY,
                includes="午餐及上下午点心",
            )
        )
    if rng.random() < 0.3:
        items.append(
            FeeItem(
                kind=FeeKind.ONE_OFF,
                name="被褥用品费",
                amount=Decimal(rng.randint(2, 5) * 100),
                unit=FeeUnit.ONCE,
            )
        )
    return items


def _filings(
    scale: Scale, seed: int, plans: list[_Plan], progress: ProgressFn | None, now: dt.datetime
) -> tuple[dict[str, int], int, int, int]:
    """Institution admins, filings, timelines, materials, filing numbers and fee schedules, in bulk.

    Returns (filings by state, institution admins, materials, fee schedules)."""
    from django.contrib.auth.hashers import make_password

    from tuoyu.accounts.models import Membership, Role, User
    from tuoyu.demo.accounts import DEMO_PASSWORD
    from tuoyu.demo.people import chinese_name
    from tuoyu.fees.models import FeeItem, FeeSchedule
    from tuoyu.fees.services import prepay_limit
    from tuoyu.filings.models import (
        Filing,
        FilingCounter,
        FilingEvent,
        FilingKind,
        FilingMaterial,
        MaterialKind,
        ReturnReason,
    )
    from tuoyu.filings.policy import REQUIRED_MATERIALS
    from tuoyu.filings.services import DECLARATION_VERSION

    rng = random.Random(f"bench:{scale.name}:{seed}:people")
    by_state: dict[str, int] = {}
    for p in plans:
        by_state[p.state] = by_state.get(p.state, 0) + 1
    with_filing = [p for p in plans if p.state]
    if not with_filing:
        return by_state, 0, 0, 0

    # Institution admins: one per institution with a filing (as the invitation would have made).
    password_hash = make_password(DEMO_PASSWORD)
    admins = User.objects.bulk_create(
        [
            User(
                username=f"bench-{p.institution.uscc.lower()}",
                real_name=chinese_name(rng),
                password=password_hash,
                password_changed_at=p.started,
            )
            for p in with_filing
        ],
        batch_size=BATCH,
    )
    Membership.objects.bulk_create(
        [
            Membership(user=u, role=Role.INSTITUTION_ADMIN, institution=p.institution)
            for u, p in zip(admins, with_filing, strict=True)
        ],
        batch_size=BATCH,
    )
    if progress:
        progress("institution admins", len(admins), len(admins))

    # The reviewer of each filing: the county's regulator (else the city admin) generated above.
    reviewers = dict(
        User.objects.filter(
            username__startswith="bench-", memberships__role__in=[Role.REGULATOR, Role.CITY_ADMIN]
        ).values_list("username", "id")
    )

    def reviewer_id(county: str) -> int:
        for code in (county, county[:4] + "00", county[:2] + "0000"):
            if f"bench-{code}" in reviewers:
                return reviewers[f"bench-{code}"]
        raise SystemExit(f"no bench regulator over {county}")

    # Filing numbers: per county and year in acceptance order, continuing the county's counter.
    accepted = sorted(
        (p for p in with_filing if p.state == "accepted"),
        key=lambda p: (p.institution.region_prefix[:6], p.decided, p.institution.uscc),
    )
    years = {(p.institution.region_prefix[:6], _localdate(p.decided).year) for p in accepted}
    counters = {
        (c.region_code, c.year): c
        for c in FilingCounter.objects.select_for_update().filter(
            region_code__in={county for county, _ in years}
        )
    }
    numbers: dict[int, str] = {}
    for p in accepted:
        key = (p.institution.region_prefix[:6], _localdate(p.decided).year)
        counter = counters.get(key) or FilingCounter(region_code=key[0], year=key[1], last=0)
        counters[key] = counter
        counter.last += 1
        numbers[id(p)] = f"{key[0]}-{key[1]}-{counter.last:04d}"
    for counter in counters.values():
        counter.save()

    versions = {"draft": 1, "submitted": 2, "returned": 3, "accepted": 3}
    filings = [
        Filing(
            institution=p.institution,
            kind=FilingKind.INITIAL,
            state=p.state,
            version=versions[p.state],
            number=numbers.get(id(p), ""),
            submitted_at=p.submitted,
            decided_at=p.decided if p.state == "accepted" else None,
            declaration_version=DECLARATION_VERSION if p.submitted else "",
            declaration_accepted_at=p.submitted,
            declaration_accepted_by=admin if p.submitted else None,
            created_by=admin,
            created_at=p.started,
            region_prefix=p.institution.region_prefix,
        )
        for p, admin in zip(with_filing, admins, strict=True)
    ]
    stored = _stored_pdf(admins[0])
    events: list[FilingEvent] = []
    returns: list[tuple[FilingEvent, list[tuple[str, str]]]] = []
    materials: list[FilingMaterial] = []
    schedules: list[tuple[FeeSchedule, list[FeeItem]]] = []

    def event(
        filing: Filing, action: str, before: str, after: str, actor: int, at: Any, comment: str = ""
    ) -> Any:
        e = FilingEvent(
            filing=filing,
            action=action,
            from_state=before,
            to_state=after,
            actor_id=actor,
            at=at,
            comment=comment,
        )
        events.append(e)
        return e

    with _historic_timestamps(
        Filing._meta.get_field("created_at"),
        FilingEvent._meta.get_field("at"),
        FilingMaterial._meta.get_field("uploaded_at"),
        FeeSchedule._meta.get_field("published_at"),
    ):
        Filing.objects.bulk_create(filings, batch_size=BATCH)
        for p, admin, filing in zip(with_filing, admins, filings, strict=True):
            reviewer = reviewer_id(p.county)

            event(filing, "start", "", "draft", admin.pk, p.started)
            needed = list(REQUIRED_MATERIALS)
            if p.institution.serves_meals:
                needed.append(MaterialKind.FOOD_LICENCE)
            if p.state == "draft":
                needed = needed[: rng.randint(0, 3)]
            for i, kind in enumerate(needed):
                materials.append(
                    FilingMaterial(
                        filing=filing,
                        kind=kind,
                        file=stored,
                        uploaded_at=p.started + dt.timedelta(minutes=3 * i + 1),
                    )
                )
            if p.submitted:
                event(filing, "submit", "draft", "submitted", admin.pk, p.submitted)
            if p.state == "returned":
                reasons = rng.sample(RETURN_REASONS, rng.randint(1, 2))
                returns.append(
                    (
                        event(
                            filing,
                            "return",
                            "submitted",
                            "returned",
                            reviewer,
                            p.decided,
                            "请按意见补正后重新提交。",
                        ),
                        reasons,
                    )
                )
            if p.state == "accepted":
                event(filing, "accept", "submitted", "accepted", reviewer, p.decided, "材料齐全，予以备案。")
                inst = p.institution
                guided = Decimal(rng.choice([1200, 1500, 1800])) if inst.is_affordable else None
                effective = min(
                    _localdate(p.decided) + dt.timedelta(days=rng.randint(0, 20)),
                    _localdate(now),
                )
                schedule = FeeSchedule(
                    institution=inst,
                    effective_from=effective,
                    max_prepay_months=rng.randint(min(1, prepay_limit(inst)), prepay_limit(inst)),
                    guided_price=guided,
                    published_by=admin,
                    published_at=min(p.decided + dt.timedelta(days=1), now),
                )
                schedules.append((schedule, _fee_items(rng, inst, guided)))
        FilingEvent.objects.bulk_create(events, batch_size=BATCH)
        ReturnReason.objects.bulk_create(
            [
                ReturnReason(event=e, item=item, reason=reason)
                for e, reasons in returns
                for item, reason in reasons
            ],
            batch_size=BATCH,
        )
        FilingMaterial.objects.bulk_create(materials, batch_size=BATCH)
        FeeSchedule.objects.bulk_create([s for s, _ in schedules], batch_size=BATCH)
    items = []
    for schedule, lines in schedules:
        for line in lines:
            line.schedule = schedule
            items.append(line)
    FeeItem.objects.bulk_create(items, batch_size=BATCH)
    if progress:
        progress("filings", len(filings), len(filings))
    return by_state, len(admins), len(materials), len(schedules)


# --- Premises, staff and children of the filed institutions ---------------------------------------

# A centre's classes by type (share of classes), the age band of a class in completed months on the day of
# generation (a mixed class takes the older children), and children per caregiver (设置标准 art. 20:
# 乳儿班 1:3, 托小班 1:5, 托大班 1:7; mixed classes and home groups counted at 1:5).
CLASS_MIX = (("infant", 0.15), ("toddler", 0.40), ("older_toddler", 0.35), ("mixed", 0.10))
CLASS_NAMES = {"infant": "乳儿班", "toddler": "托小班", "older_toddler": "托大班", "mixed": "混龄班"}
CLASS_BANDS = {
    "infant": (6, 12),
    "toddler": (12, 24),
    "older_toddler": (24, 36),
    "mixed": (18, 36),
    "home_group": (6, 36),
}
CLASS_RATIO = {"infant": 3, "toddler": 5, "older_toddler": 7, "mixed": 5, "home_group": 5}
RELATIONSHIPS = ("mother", "mother", "father", "father", "grandparent", "maternal_grandparent")
CONSENT_TEXT_VERSION = "2026-01"


@dataclass
class _ClassPlan:
    """A generated class: its row, the children enrolled in it and the caregivers assigned to it."""

    care_class: Any
    children: int = 0
    caregivers: int = 0


def _bulk(model: Any, objs: list[Any], what: str, progress: ProgressFn | None, chunk: int = 10_000) -> None:
    """Insert in chunks (each in batches of BATCH rows) with a progress line per chunk. bulk_create runs each
    field's ``pre_save`` and ``get_prep_value``: encrypted fields are sealed and blind indexes computed
    exactly as ``save()`` would."""
    for start in range(0, len(objs), chunk):
        model.objects.bulk_create(objs[start : start + chunk], batch_size=BATCH)
        if progress:
            progress(what, min(start + chunk, len(objs)), len(objs))


@functools.cache
def _cap(class_type: str, region_prefix: str) -> int:
    """The most children a class of the type may hold in the region: the enrollment service's own limit
    (the catalogue's CLS-05 / RAT-02 parameter with the region's overrides)."""
    from tuoyu.children.policy import class_size_cap

    return class_size_cap(class_type, region_prefix)[0]


def _window(area: Decimal, ratio: str) -> Decimal:
    return (area * Decimal(ratio)).quantize(Decimal("0.1"), rounding=ROUND_UP)


def _premises(
    scale: Scale, seed: int, filed: list[_Plan], progress: ProgressFn | None
) -> tuple[dict[int, list[_ClassPlan]], int]:
    """Rooms and classes of every filed institution, as the premises pages would record them.

    A centre has an activity room per class (about one class per 20 places, 1–8), a sleep room, usually an
    observation room, toilets and, when it serves meals, a kitchen; a home point has one room for activity
    and sleep and one home group. Planned sizes are at or under the type's cap. Outliers, so the risk list
    has something to rank: 8 % of centres have an activity room on the 4th floor (SIT-02), 5 % no
    observation room and 3 % a bed-less one (SIT-05), 2 % of activity rooms are too small (SIT-03), 1.5 % too
    dark (SIT-04), 1 % without a camera (SAF-02), and 1 % of classes are planned over the cap (CLS-05)."""
    from tuoyu.institutions.models import CareClass, ClassType, InstitutionKind, Room, RoomUse

    rng = random.Random(f"bench:{scale.name}:{seed}:premises")
    rooms: list[Any] = []
    by_institution: dict[int, list[_ClassPlan]] = {}
    for p in filed:
        inst = p.institution
        plans: list[_ClassPlan] = []
        by_institution[inst.pk] = plans
        if inst.kind == InstitutionKind.HOME_POINT:
            area = Decimal(rng.choice(["30", "36", "42", "50"]))
            room = Room(
                institution=inst,
                name="活动兼寝室",
                floor=1,
                floor_area_m2=area,
                window_area_m2=_window(area, rng.choice(["0.20", "0.22", "0.25"])),
                use=RoomUse.ACTIVITY_SLEEP,
                camera_count=rng.randint(1, 2),
                beds=5,
            )
            rooms += [
                room,
                Room(
                    institution=inst, name="卫生间", floor=1, floor_area_m2=Decimal("4"), use=RoomUse.TOILET
                ),
            ]
            plans.append(
                _ClassPlan(
                    CareClass(
                        institution=inst,
                        name="看护组",
                        class_type=ClassType.HOME_GROUP,
                        room=room,
                        planned_size=_cap(ClassType.HOME_GROUP, inst.region_prefix),
                    )
                )
            )
            continue
        top = int(str(inst.floors_used or "1")[-1])
        high = rng.random() < 0.08
        count = max(1, min(8, round((inst.capacity or 40) / 20)))
        planned = 0
        for i in range(1, count + 1):
            r, acc, kind = rng.random(), 0.0, CLASS_MIX[-1][0]
            for k, share in CLASS_MIX:
                acc += share
                if r < acc:
                    kind = k
                    break
            cap = _cap(kind, inst.region_prefix)
            size = (
                cap + rng.randint(1, 3)
                if rng.random() < 0.01
                else cap - rng.randint(0, 2 if cap <= 10 else 4)
            )
            planned += size
            minimum = 15 if kind == ClassType.INFANT else 35
            area = (
                Decimal(minimum - rng.randint(2, 6))
                if rng.random() < 0.02
                else Decimal(minimum + rng.choice([0, 3, 5, 10, 15, 25]))
            )
            room = Room(
                institution=inst,
                name=f"活动室{i}",
                floor=4 if high and i == 1 else rng.randint(1, top),
                floor_area_m2=area,
                window_area_m2=_window(
                    area, "0.15" if rng.random() < 0.015 else rng.choice(["0.20", "0.22", "0.25", "0.30"])
                ),
                use=RoomUse.ACTIVITY,
                camera_count=0 if rng.random() < 0.01 else rng.randint(1, 3),
            )
            rooms.append(room)
            plans.append(
                _ClassPlan(
                    CareClass(
                        institution=inst,
                        name=f"{CLASS_NAMES[kind]}{i}",
                        class_type=kind,
                        room=room,
                        planned_size=size,
                    )
                )
            )
        rooms.append(
            Room(
                institution=inst,
                name="寝室",
                floor=rng.randint(1, top),
                floor_area_m2=Decimal(max(30, planned * 2)),
                window_area_m2=_window(Decimal(max(30, planned * 2)), "0.22"),
                use=RoomUse.SLEEP,
                camera_count=rng.randint(1, 2),
                beds=planned,
            )
        )
        if rng.random() >= 0.05:
            area = Decimal(rng.choice(["6", "8", "10", "12"]))
            rooms.append(
                Room(
                    institution=inst,
                    name="保健观察室",
                    floor=1,
                    floor_area_m2=area,
                    window_area_m2=_window(area, "0.25"),
                    use=RoomUse.OBSERVATION,
                    camera_count=1,
                    beds=0 if rng.random() < 0.03 else rng.randint(1, 2),
                )
            )
        rooms.append(
            Room(institution=inst, name="卫生间", floor=1, floor_area_m2=Decimal("12"), use=RoomUse.TOILET)
        )
        if inst.serves_meals:
            rooms.append(
                Room(institution=inst, name="厨房", floor=1, floor_area_m2=Decimal("20"), use=RoomUse.KITCHEN)
            )
    _bulk(Room, rooms, "rooms", progress)
    _bulk(CareClass, [c.care_class for plans in by_institution.values() for c in plans], "classes", progress)
    return by_institution, len(rooms)


def _fill(
    scale: Scale, seed: int, by_institution: dict[int, list[_ClassPlan]], institutions: dict[int, Any]
) -> dict[int, list[list[str]]]:
    """How many children each class holds, its caregivers, and each institution's other posts.

    Children: each institution has its own occupancy (35–100 % of its planned places), all scaled so the
    scale's total comes out; 0.5 % of classes hold a child or two over the type's cap (CLS-05). Staff follow
    the standards rather than a target: each class the caregivers its children need (RAT-01: 1:3, 1:5, 1:7,
    mixed 1:5; 4 % of classes one short), and a centre a director, a health worker per 150 children (at
    least one, STF-03), a guard (STF-04) and, when it serves meals, a cook per 50 children (STF-07; 4 % one
    short). A home point's director is the caregiver of its group. Returns the non-caregiver posts."""
    from tuoyu.institutions.models import InstitutionKind

    rng = random.Random(f"bench:{scale.name}:{seed}:occupancy")
    draws = {
        pk: (rng.uniform(0.35, 1.0), [rng.randint(1, 2) if rng.random() < 0.005 else 0 for _ in plans])
        for pk, plans in by_institution.items()
    }

    def children(f: float) -> int:
        total = 0
        for pk, plans in by_institution.items():
            occupancy, over = draws[pk]
            for c, extra in zip(plans, over, strict=True):
                size = c.care_class.planned_size
                cap = _cap(c.care_class.class_type, institutions[pk].region_prefix)
                c.children = (
                    cap + extra
                    if extra and c.care_class.class_type != "home_group"
                    else max(1, min(size, round(size * occupancy * f)))
                )
                total += c.children
        return total

    raw = sum(c.care_class.planned_size * draws[pk][0] for pk, plans in by_institution.items() for c in plans)
    if raw:
        f = scale.children / raw
        children(f * scale.children / max(1, children(f)))  # once more, for the places capped at the plan

    posts: dict[int, list[list[str]]] = {}
    for pk, plans in by_institution.items():
        for c in plans:
            needed = math.ceil(c.children / CLASS_RATIO[c.care_class.class_type])
            c.caregivers = needed - 1 if needed > 1 and rng.random() < 0.04 else needed
        inst = institutions[pk]
        if inst.kind == InstitutionKind.HOME_POINT:
            posts[pk] = []
            continue
        total = sum(c.children for c in plans)
        mine = [["director"]] + [["health_worker"]] * max(1, total // 150) + [["guard"]]
        if inst.serves_meals:
            cooks = max(1, math.ceil(total / 50))
            mine += [["cook"]] * (cooks - 1 if rng.random() < 0.04 else cooks)
        posts[pk] = mine
    return posts


def _staff(
    scale: Scale,
    seed: int,
    filed: list[_Plan],
    by_institution: dict[int, list[_ClassPlan]],
    fixed: dict[int, list[list[str]]],
    county_names: dict[str, str],
    progress: ProgressFn | None,
    today: dt.date,
) -> int:
    """People, their employment, health certificates, background checks, qualifications, this year's
    training and caregivers' classes, in bulk — the rows ``staff.services`` would write (not its audit
    events). ID numbers are valid (GB 11643), unique among the staff already registered, and of the
    institution's county; the Person rows go through the model's fields, so ID numbers and phones are
    stored encrypted with their blind index. Health certificates: 1 % none, 2 % expired, 3 % expiring within
    30 days (STF-05); the no-criminal-record certificate is missing for 0.5 % (STF-06) and shows a record for a
    handful; 93 % of caregivers are qualified (保育师/育婴员), health workers have their training certificate
    (3 % expired, STF-02), 97 % of guards their licence (STF-04), and 95 % of directors their 60 hours of
    post training (STF-08)."""
    from tuoyu.demo.people import adult_birth_date, chinese_name, id_number, mobile
    from tuoyu.staff.models import (
        BackgroundCheck,
        Certificate,
        CheckKind,
        CheckResult,
        ClassAssignment,
        Employment,
        HealthCertificate,
        Person,
        StaffRole,
        TrainingRecord,
    )

    rng = random.Random(f"bench:{scale.name}:{seed}:staff")
    index = Person._meta.get_field("id_index")
    taken = set(Person.objects.exclude(id_index="").values_list("id_index", flat=True))
    persons: list[Any] = []
    employments: list[Any] = []
    health: list[Any] = []
    checks: list[Any] = []
    certificates: list[Any] = []
    training: list[Any] = []
    assignments: list[tuple[Any, Any]] = []  # (employment, class)
    female_share = {
        StaffRole.DIRECTOR: 0.85,
        StaffRole.CAREGIVER: 0.96,
        StaffRole.HEALTH_WORKER: 0.95,
        StaffRole.GUARD: 0.15,
        StaffRole.COOK: 0.6,
    }
    for p in filed:
        inst = p.institution
        area = inst.region_prefix.ljust(6, "0")[:6]
        county = county_names.get(p.county, "")
        registered = inst.registration_date or today - dt.timedelta(days=365)
        posts: list[tuple[list[str], Any]] = [(roles, None) for roles in fixed[inst.pk]]
        for c in by_institution[inst.pk]:
            posts += [(["caregiver"], c.care_class)] * c.caregivers
        if posts and not fixed[inst.pk]:  # a home point: its director cares for the group
            posts[0] = (["director", "caregiver"], posts[0][1])
        for roles, care_class in posts:
            sex = "F" if rng.random() < female_share[StaffRole(roles[0])] else "M"
            born = adult_birth_date(rng, today=today, min_age=20, max_age=55)
            while True:
                number = id_number(rng, area_code=area, born=born, sex=sex)
                blind = index.index_for(number)
                if blind not in taken:
                    taken.add(blind)
                    break
            person = Person(
                name=chinese_name(rng), id_number=number, sex=sex, birth_date=born, phone=mobile(rng)
            )
            persons.append(person)
            span = max(0, (today - registered).days - 7)
            start = registered + dt.timedelta(days=rng.randint(0, span))
            employment = Employment(person=person, institution=inst, roles=roles, start_date=start)
            employments.append(employment)
            if care_class is not None:
                assignments.append((employment, care_class))
            r = rng.random()
            if r >= 0.01:
                ago = (
                    rng.randint(366, 500)  # expired
                    if r < 0.03
                    else rng.randint(336, 364)  # expires within 30 days
                    if r < 0.06
                    else rng.randint(0, 335)
                )
                health.append(
                    HealthCertificate(
                        person=person,
                        issued_on=today - dt.timedelta(days=ago),
                        issuer=f"{county}妇幼保健院",
                    )
                )
            if rng.random() >= 0.005:
                found = rng.random() < 0.0005
                checks.append(
                    BackgroundCheck(
                        person=person,
                        kind=CheckKind.NO_CRIMINAL_RECORD,
                        checked_on=start - dt.timedelta(days=rng.randint(0, 30)),
                        result=CheckResult.FOUND if found else CheckResult.CLEAR,
                        authority=f"{county}公安局",
                    )
                )
            if rng.random() < 0.92:
                checks.append(
                    BackgroundCheck(
                        person=person,
                        kind=CheckKind.SEXUAL_OFFENCE,
                        checked_on=start - dt.timedelta(days=rng.randint(0, 30)),
                        result=CheckResult.CLEAR,
                        authority=f"{county}公安局",
                    )
                )
            issued = start - dt.timedelta(days=rng.randint(30, 2000))
            if "caregiver" in roles and rng.random() < 0.93:
                kind = "childcare_worker" if rng.random() < 0.9 else "nursery_teacher"
                certificates.append(
                    Certificate(
                        person=person,
                        kind=kind,
                        number=f"{'BY' if kind == 'childcare_worker' else 'YY'}{rng.randint(10**9, 10**10 - 1)}",
                        level=rng.choice(["五级", "四级", "四级", "三级"]),
                        issuer="湖南省人力资源和社会保障厅",
                        issued_on=issued,
                    )
                )
            elif roles == ["health_worker"]:  # valid three years; 3 % have lapsed
                trained = today - dt.timedelta(
                    days=rng.randint(1100, 1400) if rng.random() < 0.03 else rng.randint(30, 900)
                )
                certificates.append(
                    Certificate(
                        person=person,
                        kind="health_training",
                        number=f"BJ{rng.randint(10**7, 10**8 - 1)}",
                        issuer=f"{county}妇幼保健院",
                        issued_on=trained,
                        expires_on=trained + dt.timedelta(days=3 * 365),
                    )
                )
            elif roles == ["guard"] and rng.random() < 0.97:
                certificates.append(
                    Certificate(
                        person=person,
                        kind="guard_licence",
                        number=f"BA{rng.randint(10**9, 10**10 - 1)}",
                        issuer=f"{county}公安局",
                        issued_on=issued,
                    )
                )
            elif roles == ["director"] and rng.random() < 0.5:
                certificates.append(
                    Certificate(
                        person=person,
                        kind="teacher",
                        number=f"{born.year}{rng.randint(10**12, 10**13 - 1)}",
                        issuer="湖南省教育厅",
                        issued_on=issued,
                    )
                )
            if "director" in roles:  # post training (岗位培训), in the year they took the post
                training.append(
                    TrainingRecord(
                        person=person,
                        year=start.year,
                        hours=Decimal(
                            rng.choice([60, 64, 72, 80]) if rng.random() < 0.95 else rng.choice([24, 40])
                        ),
                        topic="托育机构负责人岗位培训",
                    )
                )
            if rng.random() < 0.9:
                training.append(
                    TrainingRecord(
                        person=person,
                        year=today.year,
                        hours=Decimal(rng.choice([8, 12, 16, 24])),
                        topic="婴幼儿照护",
                    )
                )
    _bulk(Person, persons, "staff people", progress)
    _bulk(Employment, employments, "employments", progress)
    _bulk(HealthCertificate, health, "health certificates", progress)
    _bulk(BackgroundCheck, checks, "background checks", progress)
    _bulk(Certificate, certificates, "certificates", progress)
    _bulk(TrainingRecord, training, "training records", progress)
    _bulk(
        ClassAssignment,
        [ClassAssignment(employment=e, care_class=c, start_date=e.start_date) for e, c in assignments],
        "class assignments",
        progress,
    )
    return len(persons)


def _birth_in_band(rng: random.Random, today: dt.date, months: int) -> dt.date:
    """A birth date that makes a child ``months`` completed months old today."""
    from tuoyu.children.models import age_in_months

    born = _add_months(today, -months) - dt.timedelta(days=rng.randint(0, 27))
    while age_in_months(born, today) > months:  # month-end corner cases
        born += dt.timedelta(days=1)
    return born


def _add_months(day: dt.date, months: int) -> dt.date:
    from tuoyu.staff.models import add_months

    return add_months(day, months)


def _children(
    scale: Scale,
    seed: int,
    filed: list[_Plan],
    by_institution: dict[int, list[_ClassPlan]],
    progress: ProgressFn | None,
    now: dt.datetime,
) -> int:
    """Children enrolled in the classes, with one guardian each, in bulk — the rows
    ``children.services.child_register`` would write (not its audit events). A child's age today is in the
    class's band (a mixed class takes 18–35 months, a home group 6–35); 0.3 % of the older classes' children
    have just turned 36 months and not left yet. Each enrollment started when the child was at least
    6 months old and the institution was filed. 85 % of the guardians consented (basic and health): those
    children have a valid ID number (encrypted, blind-indexed); the rest only the minimum (PIPL art. 31).
    """
    from tuoyu.accounts.models import Membership, Role
    from tuoyu.children.models import Child, Consent, Enrollment, Guardian
    from tuoyu.demo.people import chinese_name, id_number, mobile

    rng = random.Random(f"bench:{scale.name}:{seed}:children")
    today = _localdate(now)
    admins = dict(
        Membership.objects.filter(
            role=Role.INSTITUTION_ADMIN, institution_id__in=[p.institution.pk for p in filed]
        ).values_list("institution_id", "user_id")
    )
    children: list[Any] = []
    guardians: list[Any] = []
    consents: list[Any] = []
    enrollments: list[Any] = []
    numbers: set[str] = set()
    for p in filed:
        inst = p.institution
        area = inst.region_prefix.ljust(6, "0")[:6]
        filed_on = _localdate(p.decided) if p.decided else today
        admin = admins.get(inst.pk)
        for c in by_institution[inst.pk]:
            kind = c.care_class.class_type
            lo, hi = CLASS_BANDS[kind]
            for _ in range(c.children):
                months = (
                    36
                    if hi == 36 and kind != "home_group" and rng.random() < 0.003
                    else rng.randint(lo, hi - 1)
                )
                sex = rng.choice("MF")
                born = _birth_in_band(rng, today, months)
                consented = admin is not None and rng.random() < 0.85
                number = ""
                if consented:
                    number = id_number(rng, area_code=area, born=born, sex=sex)
                    while number in numbers:
                        number = id_number(rng, area_code=area, born=born, sex=sex)
                    numbers.add(number)
                child = Child(
                    institution=inst, name=chinese_name(rng), sex=sex, birth_date=born, id_number=number
                )
                children.append(child)
                guardian = Guardian(
                    child=child,
                    name=chinese_name(rng),
                    relationship=rng.choice(RELATIONSHIPS),
                    phone=mobile(rng),
                )
                guardians.append(guardian)
                earliest = max(_add_months(born, 6), filed_on)
                start = max(earliest, today - dt.timedelta(days=rng.randint(0, 300)))
                start = min(start, today, _add_months(born, 36) - dt.timedelta(days=1))
                enrollments.append(Enrollment(child=child, care_class=c.care_class, start_date=start))
                if consented:
                    consents.append(
                        Consent(
                            child=child,
                            guardian=guardian,
                            given_at=dt.datetime.combine(start, dt.time(1), tzinfo=dt.UTC),
                            text_version=CONSENT_TEXT_VERSION,
                            scope=["basic", "health"],
                            recorded_by_id=admin,
                        )
                    )
    _bulk(Child, children, "children", progress)
    _bulk(Guardian, guardians, "guardians", progress)
    _bulk(Consent, consents, "consents", progress)
    _bulk(Enrollment, enrollments, "enrollments", progress)
    return len(children)


def _regulators(
    scale: Scale, seed: int, nodes: dict[str, _Node], progress: ProgressFn | None
) -> tuple[int, int]:
    from django.contrib.auth.hashers import make_password

    from tuoyu.accounts.models import Role, User
    from tuoyu.accounts.services import membership_grant, user_create
    from tuoyu.demo.accounts import DEMO_PASSWORD
    from tuoyu.demo.people import chinese_name, mobile
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
    from django.utils import timezone

    sc = SCALES[scale] if isinstance(scale, str) else scale
    started = time.monotonic()
    if is_generated(sc):
        return Summary(scale=sc.name, seed=seed, skipped=True, seconds=time.monotonic() - started)
    nodes = _load_tree(sc.root)
    now = timezone.now()
    _cap.cache_clear()  # the caps in force now (a region's overrides may have changed since the last run)
    with transaction.atomic():
        created, kept = _regulators(sc, seed, nodes, progress)
        plans, by_county, leaves = _institutions(sc, seed, nodes, progress, now)
        by_state, admins, materials, schedules = _filings(sc, seed, plans, progress, now)
        filed = [p for p in plans if p.state == "accepted"]
        by_institution, rooms = _premises(sc, seed, filed, progress)
        fixed = _fill(sc, seed, by_institution, {p.institution.pk: p.institution for p in filed})
        names = {code: n.name for code, n in nodes.items()}
        staff = _staff(sc, seed, filed, by_institution, fixed, names, progress, _localdate(now))
        children = _children(sc, seed, filed, by_institution, progress, now)
    return Summary(
        scale=sc.name,
        seed=seed,
        skipped=False,
        institutions=len(plans),
        regions_used=leaves,
        users_created=created,
        users_kept=kept,
        seconds=time.monotonic() - started,
        by_county=by_county,
        by_state=by_state,
        institution_admins=admins,
        fee_schedules=schedules,
        materials=materials,
        rooms=rooms,
        classes=sum(len(c) for c in by_institution.values()),
        staff=staff,
        children=children,
    )


def bench_facts(scale: str | Scale) -> dict[str, Any]:
    """What a benchmark needs to know about a generated scale: the regulator with the most submitted filings
    in their queue, a realistic public search (the county with the most filed institutions and the brand
    most common among them), and who reads the longest compliance risk lists: that county's regulator and
    the admin of the city with the most filed institutions."""
    from tuoyu.accounts.models import Membership, Role
    from tuoyu.filings.models import Filing, FilingState
    from tuoyu.institutions.models import FilingStatus, Institution
    from tuoyu.regions.models import Region

    sc = SCALES[scale] if isinstance(scale, str) else scale
    root = Region.objects.get(code=sc.root).prefix
    per_county: dict[str, int] = {}
    for prefix in Filing.objects.filter(
        state=FilingState.SUBMITTED, region_prefix__startswith=root
    ).values_list("region_prefix", flat=True):
        per_county[prefix[:6]] = per_county.get(prefix[:6], 0) + 1
    regulators = {
        m.region_id: m.user.username
        for m in Membership.objects.filter(
            role=Role.REGULATOR, user__username__startswith="bench-", region_id__in=list(per_county)
        ).select_related("user")
    }
    busiest = sorted(
        ((n, code) for code, n in per_county.items() if code in regulators), key=lambda x: (-x[0], x[1])
    )
    filed = Institution.objects.filter(filing_status=FilingStatus.FILED, region_prefix__startswith=root)
    counties: dict[str, int] = {}
    for prefix in filed.values_list("region_prefix", flat=True):
        counties[prefix[:6]] = counties.get(prefix[:6], 0) + 1
    county = min(counties, key=lambda c: (-counties[c], c)) if counties else sc.root
    names = list(
        filed.filter(region_prefix__startswith=county, offers_full_day=True).values_list("name", flat=True)
    )
    brand = max(BRANDS, key=lambda b: (sum(b in n for n in names), -BRANDS.index(b)))
    cities: dict[str, int] = {}
    for code, n in counties.items():
        cities[code[:4]] = cities.get(code[:4], 0) + n
    city = min(cities, key=lambda c: (-cities[c], c)) + "00" if cities else ""
    admins = dict(
        Membership.objects.filter(
            role__in=[Role.REGULATOR, Role.CITY_ADMIN],
            user__username__startswith="bench-",
            region_id__in=[county, city],
        ).values_list("region_id", "user__username")
    )
    # The rosters are read by an institution's admin: the filed institution of that county with the most
    # children (ties: the lowest id).
    from django.db.models import Count

    from tuoyu.children.models import Child

    busiest_roster = (
        Child.objects.filter(institution__in=filed.filter(region_prefix__startswith=county))
        .values("institution_id")
        .annotate(n=Count("id"))
        .order_by("-n", "institution_id")
        .first()
    )
    roster_admin = ""
    if busiest_roster:
        roster_admin = (
            Membership.objects.filter(
                role=Role.INSTITUTION_ADMIN, institution_id=busiest_roster["institution_id"], is_active=True
            )
            .values_list("user__username", flat=True)
            .order_by("user__username")
            .first()
            or ""
        )
    return {
        "scale": sc.name,
        "roster_admin": roster_admin,
        "roster_children": busiest_roster["n"] if busiest_roster else 0,
        "risk_county": admins.get(county, ""),
        "risk_county_filed": counties.get(county, 0),
        "risk_city": admins.get(city, ""),
        "risk_city_filed": cities.get(city[:4], 0),
        "reviewer": regulators[busiest[0][1]] if busiest else "",
        "reviewer_queue": busiest[0][0] if busiest else 0,
        "search_region": county,
        "search_region_filed": counties.get(county, 0),
        "search_q": brand,
        "search_matches": sum(brand in n for n in names),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="city")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the same seed gives the same data")
    parser.add_argument(
        "--facts",
        action="store_true",
        help="generate nothing; print (JSON) the busiest reviewer and a realistic public search of the scale",
    )
    parser.add_argument(
        "--evaluate",
        action="store_true",
        help="generate nothing; run the nightly compliance evaluation (evaluate_all) over the data",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuoyu.settings")
    import django

    django.setup()
    from tuoyu.core.progress import Progress

    sc = SCALES[args.scale]
    if args.facts:
        print(json.dumps(bench_facts(sc), ensure_ascii=False))
        return 0
    if args.evaluate:
        from tuoyu.standards.services import evaluate_all

        run = evaluate_all(progress=lambda done, total: Progress("evaluate_all")("institutions", done, total))
        print(f"bench data: evaluated {run.evaluated} filed institutions in {run.seconds:.1f}s")
        return 0
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
        states = ", ".join(f"{k or 'registered'} {v}" for k, v in sorted(summary.by_state.items()))
        print(
            f"bench data: filing states: {states}; {summary.institution_admins} institution admins, "
            f"{summary.materials} materials, {summary.fee_schedules} fee schedules"
        )
        print(
            f"bench data: filed institutions have {summary.rooms} rooms, {summary.classes} classes, "
            f"{summary.staff} staff and {summary.children} children"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
