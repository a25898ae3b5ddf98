"""Demo filings: the demo institutions in every filing state, with fee schedules, all through the services.

Each registered demo institution (other than inst-demo's, which `demo_filed_institution` files) gets an
admin account that cannot sign in (no usable password: demo data only) and a deterministic fate: filed with
a fee schedule (half of them, a few after a return), waiting for review (some past the FIL-04 deadline),
returned, a draft short of materials, withdrawn, cancelled, or still unfiled.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tuoyu.accounts.models import Membership, Role, User
from tuoyu.accounts.services import membership_grant
from tuoyu.demo.people import adult_birth_date, chinese_name, id_number
from tuoyu.fees.services import ItemData, fee_schedule_publish, prepay_limit
from tuoyu.filings import services as filings
from tuoyu.filings.models import Filing, FilingKind, MaterialKind
from tuoyu.institutions.models import Institution, InstitutionKind

# (fate, share): cumulative draws over the registered demo institutions, in uscc order.
FATES = [
    ("filed", 0.46),
    ("filed_after_return", 0.08),
    ("submitted", 0.10),
    ("returned", 0.07),
    ("draft", 0.07),
    ("withdrawn", 0.03),
    ("cancelled", 0.03),
    ("registered", 0.16),
]
# A month of full-day care by city (yuan): a plausible spread, not a survey.
MONTHLY_FEE = {"4302": 2200, "4106": 1800, "4201": 2800, "3209": 2400, "5309": 1500}
RETURN_REASONS = [
    (MaterialKind.FIRE_SAFETY, "消防安全检查合格证明已过有效期，请上传最新证明"),
    (MaterialKind.HEALTH_ASSESSMENT, "卫生评价报告缺少评价结论页"),
    (MaterialKind.PREMISES_PROOF, "租赁合同剩余期限不足3年"),
]
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _fate(rng: random.Random) -> str:
    roll, total = rng.random(), 0.0
    for fate, share in FATES:
        total += share
        if roll < total:
            return fate
    return "registered"


def _reviewer(institution: Institution, reviewers: list[Membership]) -> User | None:
    """The demo's county regulator for the institution if there is one, else its city's admin."""
    fitting = [m for m in reviewers if m.region and institution.region_prefix.startswith(m.region.prefix)]
    fitting.sort(key=lambda m: -len(m.region.prefix))
    return fitting[0].user if fitting else None


def _admin(institution: Institution, rng: random.Random) -> User:
    username = f"inst-{institution.uscc[-8:].lower()}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, real_name=chinese_name(rng))
        user.set_unusable_password()
        user.save()
        membership_grant(user=user, role=Role.INSTITUTION_ADMIN, institution=institution)
    return user


def _attach(admin: User, filing: Filing, kinds: list[str]) -> None:
    for kind in kinds:
        label = MaterialKind(kind).label
        upload = SimpleUploadedFile(f"演示材料-{label}.pdf", DEMO_PDF, content_type="application/pdf")
        filings.filing_attach(by=admin, filing_id=filing.pk, kind=kind, upload=upload)


def form_values(institution: Institution, rng: random.Random) -> dict[str, dict[str, Any]]:
    """A plausible 备案书 for a demo institution (home points take at most five children)."""
    home = institution.kind == InstitutionKind.HOME_POINT
    born = adult_birth_date(rng, today=dt.date(2026, 1, 1), min_age=28, max_age=55)
    capacity = rng.randint(3, 5) if home else rng.choice([30, 40, 50, 60, 80, 100, 120, 150])
    full_day = home or rng.random() < 0.9
    meals = not home and rng.random() < 0.8
    leased = rng.random() < 0.75
    lease_start = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 600))
    return {
        "director": {
            "director_name": chinese_name(rng),
            "director_id_number": id_number(rng, area_code=institution.region_prefix[:6], born=born),
            "director_education": rng.choice(["junior_college", "bachelor", "bachelor", "postgraduate"]),
            "director_management_years": rng.randint(3, 20),
            "director_training_certificate": f"TY{rng.randint(2020, 2025)}{rng.randint(10000, 99999)}",
        },
        "services": {
            "offers_full_day": full_day,
            "offers_half_day": not home and rng.random() < 0.5,
            "offers_hourly": rng.random() < 0.4,
            "offers_temporary": not full_day or rng.random() < 0.2,
            "min_age_months": rng.choice([6, 12, 12, 18]) if not home else 12,
            "max_age_months": 36,
            "capacity": capacity,
            "opening_hours": rng.choice(
                ["周一至周五 7:30-17:30", "周一至周五 8:00-18:00", "周一至周六 7:30-18:00"]
            ),
        },
        "meals": {
            "serves_meals": meals,
            "food_licence_number": f"JY{rng.randint(10**13, 10**14 - 1)}" if meals else "",
            "food_licence_date": lease_start if meals else None,
        },
        "premises": {
            "premises_tenure": "leased" if leased else "own",
            "lease_start": lease_start if leased else None,
            "lease_end": lease_start.replace(year=lease_start.year + rng.choice([3, 5, 8]))
            if leased
            else None,
            "floors_used": "1" if home else rng.choice(["1", "1-2", "1-3"]),
            "uses_basement": False,
            "indoor_area_m2": Decimal(capacity * rng.choice([4, 5, 6]) + (20 if home else 80)),
            "outdoor_area_m2": Decimal(0 if home else capacity * rng.choice([2, 3])),
            # a home point takes its children to a park or square nearby (SIT-06 allows it)
            "uses_public_outdoor_space": home,
            "has_observation_room": not home,
            "setting_mode": "" if home else rng.choice(["independent"] * 5 + ["attached"]),
        },
        "surveillance": {
            "camera_count": rng.randint(2, 4) if home else rng.randint(8, 30),
            "cameras_cover_entrances": True,
            "cameras_cover_children_areas": True,
            # two draws in eight keep recordings too short a time (SAF-01)
            "recording_retention_days": rng.choice([90, 90, 90, 120, 180, 180, 60, 30]),
            "surveillance_attested": True,
        },
        "insurance": {
            "has_liability_insurance": rng.random() < 0.85,
            "insurance_policy_number": f"PZA{rng.randint(10**11, 10**12 - 1)}",
        },
    }


def fill_form(admin: User, filing: Filing, rng: random.Random) -> Filing:
    return filings.filing_form_set(by=admin, filing_id=filing.pk, form=form_values(filing.institution, rng))


def _submitted(admin: User, institution: Institution, rng: random.Random) -> Filing:
    filing = filings.filing_start(by=admin, institution_id=institution.pk)
    filing = fill_form(admin, filing, rng)
    _attach(admin, filing, filings.required_materials(filing))
    filing.refresh_from_db()
    return filings.filing_submit(
        by=admin, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )


def _fees(admin: User, institution: Institution, rng: random.Random) -> None:
    institution.refresh_from_db()  # the accepted filing's facts: its services and meals
    base = MONTHLY_FEE.get(institution.region_prefix[:4], 2000) + rng.randrange(-4, 9) * 100
    # Fees for what the institution filed: a care type's fee only if it offers it, meals only if it serves them.
    offered = {
        "full_day": ItemData(
            "monthly", "full_day", "全日托保育费", Decimal(base), "month", "保育、教育活动、午睡"
        ),
        "half_day": ItemData(
            "monthly", "half_day", "半日托保育费", Decimal(base * 6 // 10), "month", "上午或下午半日"
        ),
        "hourly": ItemData("other", "hourly", "计时托", Decimal(rng.choice([30, 40, 50])), "hour", ""),
        "temporary": ItemData("other", "temporary", "临时托", Decimal(rng.choice([120, 150])), "day", ""),
    }
    items = [item for kind, item in offered.items() if getattr(institution, f"offers_{kind}")]
    if not any(item.kind == "monthly" for item in items):  # a monthly 保育费 is always published
        items.insert(0, ItemData("monthly", "", "保育费", Decimal(base), "month", "保育、教育活动"))
    if institution.serves_meals:
        items.append(ItemData("meal", "", "伙食费", Decimal(rng.choice([18, 20, 22, 25])), "day", "两餐两点"))
    items.append(ItemData("one_off", "", "被褥及生活用品", Decimal(rng.choice([200, 300, 350])), "once", ""))
    fee_schedule_publish(
        by=admin,
        institution_id=institution.pk,
        effective_from=timezone.localdate() - dt.timedelta(days=rng.randint(0, 60)),
        max_prepay_months=min(rng.choice([1, 3, 3]), prepay_limit(institution)),
        items=items,
        guided_price=Decimal(base - 300) if institution.is_affordable else None,
    )


def _backdate(filing: Filing, days: int) -> None:
    """Move the submission back, so the reviewer's queue shows clocks of every age (some overdue)."""
    if days:
        when = filing.submitted_at - dt.timedelta(days=days)
        Filing.objects.filter(pk=filing.pk).update(submitted_at=when, declaration_accepted_at=when)


def demo_filings_create(*, seed: int = 2026, progress: Callable[[str, int, int], None] | None = None) -> int:
    """Give the demo institutions without a filing their fate. Returns how many were moved."""
    reviewers = list(
        Membership.objects.filter(
            role__in=[Role.REGULATOR, Role.CITY_ADMIN], is_active=True, user__username__contains="-"
        ).select_related("user", "region")
    )
    institutions = list(
        Institution.objects.filter(registrations__source_event_id__startswith=f"DEMO-{seed}-")
        .distinct()
        .order_by("uscc")
    )
    moved = 0
    for n, institution in enumerate(institutions, 1):
        rng = random.Random(f"{seed}-{institution.uscc}")  # per institution: a rerun draws the same
        fate = _fate(rng)
        draws = [rng.random() for _ in range(4)]
        if fate == "registered" or institution.filings.exists():
            continue
        reviewer = _reviewer(institution, reviewers)
        if reviewer is None:
            continue
        with transaction.atomic():
            admin = _admin(institution, rng)
            if fate == "draft":
                filing = filings.filing_start(by=admin, institution_id=institution.pk)
                filing = fill_form(admin, filing, rng)
                _attach(admin, filing, filings.required_materials(filing)[: 2 + int(draws[0] * 3)])
            elif fate == "withdrawn":
                filing = _submitted(admin, institution, rng)
                filings.filing_withdraw(
                    by=admin, filing_id=filing.pk, version=filing.version, comment="材料需重新准备"
                )
            else:
                filing = _submitted(admin, institution, rng)
                if fate == "submitted":
                    _backdate(filing, int(draws[1] * 12))
                elif fate in ("returned", "filed_after_return"):
                    item, reason = RETURN_REASONS[int(draws[2] * len(RETURN_REASONS))]
                    filing = filings.filing_return(
                        by=reviewer, filing_id=filing.pk, version=filing.version, reasons=[(item, reason)]
                    )
                    if fate == "filed_after_return":
                        _attach(admin, filing, [item])
                        filing.refresh_from_db()
                        filing = filings.filing_submit(
                            by=admin, filing_id=filing.pk, version=filing.version, declaration_accepted=True
                        )
                if fate in ("filed", "filed_after_return", "cancelled"):
                    if draws[3] < 0.3:
                        Institution.objects.filter(pk=institution.pk).update(is_affordable=True)
                        institution.refresh_from_db()
                    filing = filings.filing_accept(
                        by=reviewer, filing_id=filing.pk, version=filing.version, comment="材料齐全，予以备案"
                    )
                    _fees(admin, institution, rng)
                if fate == "cancelled":
                    plan = "在托婴幼儿已与家长协商转入就近托育机构，预收费用按天退还；工作人员依法解除劳动合同并支付经济补偿。"
                    cancel = filings.filing_start(
                        by=admin,
                        institution_id=institution.pk,
                        kind=FilingKind.CANCELLATION,
                        settlement_plan=plan,
                        stop_date=timezone.localdate() + dt.timedelta(days=30),
                        parents_notified=True,
                    )
                    _attach(admin, cancel, filings.required_materials(cancel))
                    cancel.refresh_from_db()
                    cancel = filings.filing_submit(
                        by=admin, filing_id=cancel.pk, version=cancel.version, declaration_accepted=True
                    )
                    filings.filing_accept(by=reviewer, filing_id=cancel.pk, version=cancel.version)
        moved += 1
        if progress and n % 25 == 0:
            progress("filings", n, len(institutions))
    if progress:
        progress("filings", len(institutions), len(institutions))
    return moved
