"""Demo institutions in the five seed cities, pushed through the registration service like real ones.

Each city gets about one institution per 100,000 residents (2020 census), spread over its counties by
population; names, codes and ID numbers are synthetic, with valid check characters.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction

from tuoyu.accounts.models import User
from tuoyu.core.validators import uscc_check_character
from tuoyu.demo.people import adult_birth_date, chinese_name, id_number
from tuoyu.institutions.models import Institution, RegistrationSource
from tuoyu.institutions.services import RegistrationData, registration_record
from tuoyu.regions.models import Region, RegionLevel

# city code → (the market-regulation clerk, clerks of the other authorities if the demo has them)
CITY_CLERKS = {
    "430200": {"market_regulation": "zz-samr", "civil_affairs": "zz-civil", "staffing_office": "zz-staffing"},
    "410600": {"market_regulation": "hb-samr"},
    "420112": {"market_regulation": "dxh-samr"},
    "320900": {"market_regulation": "yc-samr"},
    "530900": {"market_regulation": "lc-samr"},
}
PER_RESIDENTS = 100_000
WORDS = [
    "阳光",
    "小星星",
    "童梦",
    "爱心",
    "育苗",
    "启航",
    "彩虹",
    "未来",
    "蒲公英",
    "小太阳",
    "贝贝",
    "乐育",
    "安心",
    "成长",
]
SUFFIX = ["托育中心", "托育园", "婴幼儿照护中心", "托育服务中心"]
STREETS = ["人民路", "建设路", "解放路", "新华路", "长江路", "文化路", "学府路", "幸福路", "和平路", "滨江路"]
ORG = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _uscc(rng: random.Random, area: str, kind: str) -> str:
    body = "".join(rng.choice(ORG) for _ in range(8))
    first17 = f"{kind}{area}MA{body[:7]}"
    return first17 + uscc_check_character(first17)


def _counties(city: Region) -> list[tuple[Region, int]]:
    if city.level in (RegionLevel.COUNTY, RegionLevel.FUNCTIONAL_ZONE):
        return [(city, city.population(2020) or 0)]
    out = []
    for county in city.children.filter(level__in=[RegionLevel.COUNTY, RegionLevel.FUNCTIONAL_ZONE]).order_by(
        "code"
    ):
        out.append((county, county.population(2020) or 0))
    return out


def demo_institutions_create(
    *, seed: int = 2026, progress: Callable[[str, int, int], None] | None = None
) -> int:
    """Register the demo institutions that are not there yet. Returns how many were created."""
    rng = random.Random(seed)
    created = 0
    plan: list[tuple[str, Region, int]] = []
    for city_code in CITY_CLERKS:
        city = Region.objects.prefetch_related("populations").get(code=city_code)
        counties = _counties(city)
        total = sum(p for _, p in counties) or 1
        target = max(1, round((city.population(2020) or total) / PER_RESIDENTS))
        for county, pop in counties:
            plan.append((city_code, county, max(1, round(target * pop / total)) if pop else 1))
    count = sum(n for *_, n in plan)
    done = 0
    used: set[str] = set()
    for city_code, county, n in plan:
        streets = list(county.children.filter(level=RegionLevel.STREET).order_by("code")) or [county]
        clerks = CITY_CLERKS[city_code]
        for _ in range(n):
            done += 1
            region = rng.choice(streets)
            roll = rng.random()
            if "staffing_office" in clerks and roll < 0.1:
                legal, authority, kind_code, for_profit = "public_institution", "staffing_office", "12", False
            elif "civil_affairs" in clerks and roll < 0.25:
                legal, authority, kind_code, for_profit = "social_service_org", "civil_affairs", "52", False
            else:
                legal, authority, kind_code, for_profit = "enterprise", "market_regulation", "91", True
            home_point = legal == "enterprise" and rng.random() < 0.08
            short = county.name.removesuffix("区").removesuffix("县").removesuffix("市")[:3]
            name = ""
            for _attempt in range(20):
                suffix = "家庭托育点" if home_point else rng.choice(SUFFIX)
                name = f"{short}{rng.choice(WORDS)}{suffix}"
                if name not in used:
                    break
            else:
                name = f"{name}（{region.name}）"
            used.add(name)
            born = adult_birth_date(rng, today=dt.date(2026, 1, 1), min_age=28, max_age=55)
            data = RegistrationData(
                name=name,
                uscc=_uscc(rng, county.code[:6], kind_code),
                kind="home_point" if home_point else "center",
                legal_person_kind=legal,
                is_for_profit=for_profit,
                authority=authority,
                registration_date=dt.date(2026, 11, 1) - dt.timedelta(days=rng.randint(0, 150)),
                business_scope="家庭托育服务"
                if home_point
                else rng.choice(["托育服务", "3岁以下婴幼儿照护服务；托育服务"]),
                legal_rep_name=chinese_name(rng),
                legal_rep_id_number=id_number(rng, area_code=county.code[:6], born=born),
                address=f"{rng.choice(STREETS)}{rng.randint(1, 300)}号",
                region=region,
            )
            # The push arrives a few days after the registration, as it does in practice. (Drawn before the
            # existence check, so a second run draws the same numbers and finds every institution there.)
            pushed = dt.datetime.combine(
                data.registration_date + dt.timedelta(days=rng.randint(1, 5)), dt.time(10), tzinfo=dt.UTC
            )
            if Institution.objects.filter(uscc=data.uscc).exists():
                continue
            clerk = User.objects.get(username=clerks[authority])
            with transaction.atomic():
                result = registration_record(
                    by=clerk,
                    data=data,
                    source=RegistrationSource.WEB,
                    source_event_id=f"DEMO-{seed}-{data.uscc}",
                )
                Institution.objects.filter(pk=result.institution.pk).update(registered_at=pushed)
            created += 1
            if progress and done % 25 == 0 and done < count:
                progress("institutions", done, count)
    if progress:
        progress("institutions", count, count)
    return created


DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def demo_filed_institution(*, password: str) -> str | None:
    """`inst-demo`: the admin of a 荷塘区 institution that went through the whole filing path —
    invited by zz-hetang, filed with (blank, demo-only) materials and accepted. Returns its filing number."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuoyu.demo.filings import fill_form
    from tuoyu.filings import services as filings
    from tuoyu.filings.models import MaterialKind
    from tuoyu.institutions.services import invitation_accept, invitation_create

    if User.objects.filter(username="inst-demo").exists():
        return None
    reviewer = User.objects.get(username="zz-hetang")
    institution = (
        Institution.objects.filter(region_prefix__startswith="430202", kind="center")
        .order_by("name", "id")
        .first()
    )
    if institution is None:
        return None
    with transaction.atomic():
        _, token = invitation_create(
            by=reviewer, institution_id=institution.pk, invitee_name="周敏", invitee_phone="13973300001"
        )
        admin = invitation_accept(
            token=token, username="inst-demo", real_name="周敏", phone="13973300001", password=password
        )
        filing = filings.filing_start(by=admin, institution_id=institution.pk)
        filing = fill_form(admin, filing, random.Random(f"inst-demo-{institution.uscc}"))
        for kind in filings.required_materials(filing):
            label = MaterialKind(kind).label
            upload = SimpleUploadedFile(f"演示材料-{label}.pdf", DEMO_PDF, content_type="application/pdf")
            filings.filing_attach(by=admin, filing_id=filing.pk, kind=kind, upload=upload)
        filing.refresh_from_db()
        filing = filings.filing_submit(
            by=admin, filing_id=filing.pk, version=filing.version, declaration_accepted=True
        )
        filing = filings.filing_accept(
            by=reviewer, filing_id=filing.pk, version=filing.version, comment="演示：材料齐全，予以备案"
        )
    return filing.number
