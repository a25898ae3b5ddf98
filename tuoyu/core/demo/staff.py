"""Demo staff (工作人员): a few people for each demo institution that has an admin, through the same
services as the pages — ban screen, audit and all. Some health certificates are expired or expiring and
some background checks missing, so the roster's badges have something to show. Rerunning adds nobody to an
institution that already has staff."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from tuoyu.accounts.models import Membership, Role
from tuoyu.core.demo.people import adult_birth_date, chinese_name, id_number, mobile
from tuoyu.core.errors import DomainError
from tuoyu.staff import services
from tuoyu.staff.models import CheckKind, Employment, StaffRole

POSTS = [
    [StaffRole.DIRECTOR],
    [StaffRole.CAREGIVER],
    [StaffRole.CAREGIVER],
    [StaffRole.HEALTH_WORKER],
    [StaffRole.COOK],
    [StaffRole.GUARD],
]


def demo_staff_create(*, seed: int = 2026, progress: Callable[[str, int, int], None] | None = None) -> int:
    """Hire demo staff for institutions with an admin and no staff yet. Returns how many were hired.

    Runs outside any transaction: each hire screens the ban list first, which commits on its own."""
    today = timezone.localdate()
    admins = list(
        Membership.objects.filter(role=Role.INSTITUTION_ADMIN, is_active=True, institution__isnull=False)
        .select_related("user", "institution")
        .order_by("institution__uscc", "id")
    )
    seen: set[int] = set()
    hired = 0
    for n, membership in enumerate(admins, 1):
        institution = membership.institution
        if institution.pk in seen or Employment.objects.filter(institution=institution).exists():
            continue
        seen.add(institution.pk)
        rng = random.Random(f"{seed}-staff-{institution.uscc}")
        for posts in POSTS[: rng.randint(3, len(POSTS))]:
            sex = "F" if posts != [StaffRole.GUARD] or rng.random() < 0.2 else "M"
            born = adult_birth_date(rng, today=today, min_age=20, max_age=55)
            number = id_number(rng, area_code=institution.region_prefix.ljust(6, "0"), born=born, sex=sex)
            data = services.HireData(
                name=chinese_name(rng),
                id_number=number,
                sex=sex,
                birth_date=born,
                phone=mobile(rng),
                roles=[p.value for p in posts],
                start_date=today - dt.timedelta(days=rng.randint(30, 1500)),
            )
            try:
                result = services.staff_hire(by=membership.user, institution_id=institution.pk, data=data)
            except DomainError:
                continue  # a drawn ID number already in use (or an unlucky draw): skip this one
            hired += 1
            person = result.person
            by = membership.user
            services.health_certificate_add(
                by=by,
                person_id=person.pk,
                issued_on=today - dt.timedelta(days=rng.randint(0, 400)),
                issuer="区妇幼保健院",
            )
            for kind in CheckKind:
                if rng.random() < 0.9:
                    services.background_check_add(
                        by=by,
                        person_id=person.pk,
                        kind=kind,
                        checked_on=today - dt.timedelta(days=rng.randint(0, 300)),
                        result="clear",
                        authority="辖区公安派出所",
                    )
            if StaffRole.CAREGIVER in posts:
                services.certificate_add(
                    by=by,
                    person_id=person.pk,
                    kind="childcare_worker",
                    number=f"BY{rng.randint(10**9, 10**10 - 1)}",
                    level=rng.choice(["五级", "四级", "三级"]),
                    issuer="人力资源和社会保障局",
                    issued_on=today - dt.timedelta(days=rng.randint(100, 2000)),
                )
            services.training_add(
                by=by,
                person_id=person.pk,
                year=today.year,
                hours=rng.choice([8, 12, 16, 24]),
                topic="婴幼儿照护",
            )
        if progress and n % 25 == 0:
            progress("staff", n, len(admins))
    if progress:
        progress("staff", len(admins), len(admins))
    return hired
