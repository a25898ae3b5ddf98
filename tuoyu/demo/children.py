"""Demo rooms, classes and children (园舍、班级与幼儿) for each demo institution that has an admin, through
the same services as the pages: consent for most children (so their ID numbers are kept), none for a few (only
the minimum), every child enrolled in a class of their age. Rerunning adds nothing to an institution that
already has classes."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tuoyu.accounts.models import Membership, Role
from tuoyu.children import services
from tuoyu.core.errors import DomainError
from tuoyu.demo.people import chinese_name, id_number, mobile
from tuoyu.institutions import services as premises
from tuoyu.institutions.models import CareClass, ClassType, InstitutionKind
from tuoyu.staff import services as staff_services
from tuoyu.staff.models import Employment, StaffRole

# class type → (name, planned size, age band in months at the start)
CENTER_CLASSES = [
    (ClassType.INFANT, "乳儿班", 10, (6, 12)),
    (ClassType.TODDLER, "托小班", 15, (12, 24)),
    (ClassType.OLDER_TODDLER, "托大班", 20, (24, 35)),
]
HOME_GROUP = (ClassType.HOME_GROUP, "看护组", 5, (6, 35))


# Most demo institutions keep the rules; a few do not, so every compliance outcome shows somewhere:
OUTLIER_SHARE = 0.15  # institutions with one child a month or two outside their class's band (CLS-01…03)
NO_OBSERVATION_ROOM = 0.08  # centres without a health observation room (SIT-05)
DARK_ROOMS = 0.08  # institutions whose rooms have small windows (SIT-04)
UNDERSTAFFED = 0.1  # institutions that enrol more children than their caregivers may look after (RAT-01)
CHILDREN_PER_CAREGIVER = {  # 设置标准 art. 20 (RAT-01) and a home point's 1:3 (RAT-02)
    ClassType.INFANT: 3,
    ClassType.TODDLER: 5,
    ClassType.OLDER_TODDLER: 7,
    ClassType.HOME_GROUP: 3,
}


def _birth(rng: random.Random, today: dt.date, band: tuple[int, int], *, outlier: bool = False) -> dt.date:
    low, high = band
    if outlier:
        low, high = (high + 1, high + 2) if high + 2 < 36 else (low - 2, low - 1)
    return today - dt.timedelta(days=rng.randint(low * 31, high * 30))


def _caregivers(institution: Any) -> list[Any]:
    return [
        e
        for e in Employment.objects.filter(institution=institution, end_date__isnull=True).order_by("id")
        if StaffRole.CAREGIVER in e.roles
    ]


def demo_children_create(*, seed: int = 2026, progress: Callable[[str, int, int], None] | None = None) -> int:
    """Rooms, classes and enrolled children for institutions with an admin and no classes. Returns the
    number of children registered."""
    today = timezone.localdate()
    admins = list(
        Membership.objects.filter(role=Role.INSTITUTION_ADMIN, is_active=True, institution__isnull=False)
        .select_related("user", "institution")
        .order_by("institution__uscc", "id")
    )
    seen: set[int] = set()
    registered = 0
    for n, membership in enumerate(admins, 1):
        institution, by = membership.institution, membership.user
        if institution.pk in seen or CareClass.objects.filter(institution=institution).exists():
            continue
        seen.add(institution.pk)
        rng = random.Random(f"{seed}-children-{institution.uscc}")
        home = institution.kind == InstitutionKind.HOME_POINT
        plan = [HOME_GROUP] if home else CENTER_CLASSES
        outlier_class = rng.randrange(len(plan)) if not home and rng.random() < OUTLIER_SHARE else None
        window_share = (0.12, 0.18) if rng.random() < DARK_ROOMS else (0.2, 0.3)
        if not home and rng.random() >= NO_OBSERVATION_ROOM:
            premises.room_create(
                by=by,
                institution=institution,
                name="保健观察室",
                floor=1,
                floor_area_m2=Decimal(rng.choice(["8", "10", "12"])),
                window_area_m2=Decimal("2.5"),
                use="observation",
                camera_count=1,
                beds=rng.choice([1, 1, 2]),
            )
        caregivers = _caregivers(institution)
        understaffed = rng.random() < UNDERSTAFFED
        for i, (class_type, name, size, band) in enumerate(plan, 1):
            area = Decimal(rng.choice(["35", "48", "60", "72"]))
            room = premises.room_create(
                by=by,
                institution=institution,
                name=f"{name}活动室",
                floor=1 if home else rng.choice([1, 1, 2]),
                floor_area_m2=area,
                window_area_m2=(area * Decimal(str(rng.uniform(*window_share)))).quantize(Decimal("0.1")),
                use="activity_sleep",
                camera_count=rng.randint(1, 3),
                beds=size,
            )
            care_class = premises.class_create(
                by=by,
                institution=institution,
                name=name if home else f"{name}{i}",
                class_type=class_type,
                room=room,
                planned_size=size,
            )
            # 带班: the caregivers shared out over the classes in turn (a home point's carers look after its group)
            mine = caregivers[i - 1 :: len(plan)]
            for employment in mine if not home else []:
                staff_services.class_assign(by=by, employment_id=employment.pk, care_class_id=care_class.pk)
            children = rng.randint(size // 2, size)
            if not understaffed:  # within the caregiver ratio (RAT-01/RAT-02)
                children = min(children, len(mine) * CHILDREN_PER_CAREGIVER[class_type])
            for k in range(children):
                sex = rng.choice("MF")
                born = _birth(rng, today, band, outlier=(k == 0 and outlier_class == i - 1))
                consented = rng.random() < 0.85
                try:
                    services.child_register(
                        by=by,
                        institution=institution,
                        name=chinese_name(rng),
                        sex=sex,
                        birth_date=born,
                        guardian_name=chinese_name(rng),
                        guardian_relationship=rng.choice(["father", "mother", "mother", "grandparent"]),
                        guardian_phone=mobile(rng),
                        id_number=(
                            id_number(
                                rng, area_code=institution.region_prefix.ljust(6, "0"), born=born, sex=sex
                            )
                            if consented
                            else ""
                        ),
                        consent_scope=["basic", "health"] if consented else [],
                        consent_text_version="2026-01" if consented else "",
                        care_class=care_class,
                        start_date=today,
                    )
                except DomainError:
                    continue  # an unlucky draw (an age at the band's edge): skip this child
                registered += 1
        if progress and n % 25 == 0:
            progress("children", n, len(admins))
    if progress:
        progress("children", len(admins), len(admins))
    return registered
