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

Generation is one transaction and idempotent per scale: a scale whose institutions exist is skipped (its
USCCs carry the scale's letter, so the check is exact). The same seed gives the same data. Later issues
extend ``generate()`` with children, staff and records; keep each step deterministic and inside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
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
    by_state: dict[str, int] = field(default_factory=dict)  # filing state ("" = registered, no filing)
    institution_admins: int = 0
    fee_schedules: int = 0
    materials: int = 0


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
    from tuoyu.core.demo.people import chinese_name, mobile
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

    from tuoyu.core.demo.institutions import DEMO_PDF
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
    from tuoyu.core.demo.accounts import DEMO_PASSWORD
    from tuoyu.core.demo.people import chinese_name
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
    from tuoyu.filings.services import DECLARATION_VERSION, REQUIRED_MATERIALS

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
    from django.utils import timezone

    sc = SCALES[scale] if isinstance(scale, str) else scale
    started = time.monotonic()
    if is_generated(sc):
        return Summary(scale=sc.name, seed=seed, skipped=True, seconds=time.monotonic() - started)
    nodes = _load_tree(sc.root)
    now = timezone.now()
    with transaction.atomic():
        created, kept = _regulators(sc, seed, nodes, progress)
        plans, by_county, leaves = _institutions(sc, seed, nodes, progress, now)
        by_state, admins, materials, schedules = _filings(sc, seed, plans, progress, now)
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
    )


def bench_facts(scale: str | Scale) -> dict[str, Any]:
    """What a benchmark needs to know about a generated scale: the regulator with the most submitted filings
    in their queue, and a realistic public search (the county with the most filed institutions and the
    brand most common among them)."""
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
    return {
        "scale": sc.name,
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
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuoyu.settings")
    import django

    django.setup()
    from tuoyu.core.progress import Progress

    sc = SCALES[args.scale]
    if args.facts:
        print(json.dumps(bench_facts(sc), ensure_ascii=False))
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
