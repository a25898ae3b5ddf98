"""Demo rooms, classes and children (园舍、班级与幼儿) for each demo institution that has an admin, through
the same services as the pages: consent for most children (so their ID numbers are kept), none for a few (only
the minimum), every child enrolled in a class of their age. Rerunning adds nothing to an institution that
already has classes."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from tuoyu.accounts.models import Membership, Role
from tuoyu.children import services
from tuoyu.core.demo.people import chinese_name, id_number, mobile
from tuoyu.core.errors import DomainError
from tuoyu.institutions import services as premises
from tuoyu.institutions.models import CareClass, ClassType, InstitutionKind

# class type → (name, planned size, age band in months at the start)
CENTER_CLASSES = [
    (ClassType.INFANT, "乳儿班", 10, (6, 12)),
    (ClassType.TODDLER, "托小班", 15, (12, 24)),
    (ClassType.OLDER_TODDLER, "托大班", 20, (24, 35)),
]
HOME_GROUP = (ClassType.HOME_GROUP, "看护组", 5, (6, 35))


OUTLIERS = 0.03  # a few children a month or two outside their class's band, so CLS-01…03 warnings show


def _birth(rng: random.Random, today: dt.date, band: tuple[int, int], *, outliers: bool = False) -> dt.date:
    low, high = band
    if outliers and rng.random() < OUTLIERS:
        low, high = (high + 1, high + 2) if high + 2 < 36 else (low - 2, low - 1)
    return today - dt.timedelta(days=rng.randint(low * 31, high * 30))


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
        for i, (class_type, name, size, band) in enumerate(plan, 1):
            room = premises.room_create(
                by=by,
                institution=institution,
                name=f"{name}活动室",
                floor=1 if home else rng.choice([1, 1, 2]),
                floor_area_m2=Decimal(rng.choice(["35", "48", "60", "72"])),
                window_area_m2=Decimal(rng.choice(["6", "8", "10"])),
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
            for _ in range(rng.randint(size // 2, size)):
                sex = rng.choice("MF")
                born = _birth(rng, today, band, outliers=not home)
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
