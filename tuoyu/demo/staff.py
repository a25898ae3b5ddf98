"""Demo staff (工作人员): a few people for each demo institution that has an admin, through the same
services as the pages — ban screen, audit and all. Some health certificates are expired or expiring and
some background checks missing, so the roster's badges have something to show. Rerunning adds nobody to an
institution that already has staff."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from tuoyu.accounts.models import Membership, Role
from tuoyu.core.errors import DomainError
from tuoyu.demo.people import adult_birth_date, chinese_name, id_number, mobile
from tuoyu.institutions.models import InstitutionKind
from tuoyu.staff import services
from tuoyu.staff.models import CheckKind, Employment, StaffRole, TrainingKind

CAREGIVERS_PER_CENTRE = 8  # enough for a centre's three demo classes at the RAT-01 ratios
EXPIRED_HEALTH, EXPIRING_HEALTH = (
    0.015,
    0.03,
)  # shares of people whose health certificate has lapsed / lapses soon
CERTIFIED = 0.93  # share of caregivers, health workers and guards holding their post's certificate
CHECKED = 0.995  # share of each background check on file
TRAINED_DIRECTOR = 0.85  # share of directors with the 60 training hours of STF-08


def _posts(institution: Any) -> list[list[StaffRole]]:
    """Whom a demo institution employs: a home point its operator and two carers; a centre a director, a health
    worker, a guard, a cook when it serves meals, and its caregivers."""
    if institution.kind == InstitutionKind.HOME_POINT:
        return [[StaffRole.DIRECTOR], [StaffRole.CAREGIVER], [StaffRole.CAREGIVER]]
    posts = [[StaffRole.DIRECTOR], [StaffRole.HEALTH_WORKER], [StaffRole.GUARD]]
    if institution.serves_meals:
        posts.append([StaffRole.COOK])
    return posts + [[StaffRole.CAREGIVER]] * CAREGIVERS_PER_CENTRE


DEMO_CERTIFICATES = {  # the certificate a demo employee of each post holds (a kind of staff.models.POST_CERTIFICATES)
    StaffRole.CAREGIVER: ("childcare_worker", "BY", "人力资源和社会保障局"),
    StaffRole.HEALTH_WORKER: ("health_training", "BJ", "区妇幼保健院"),
    StaffRole.GUARD: ("guard_licence", "BA", "市公安局"),
}


def _health_certificate_age(rng: random.Random) -> int:
    draw = rng.random()
    if draw < EXPIRED_HEALTH:
        return rng.randint(370, 420)
    if draw < EXPIRED_HEALTH + EXPIRING_HEALTH:
        return rng.randint(336, 364)
    return rng.randint(0, 330)


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
        # About one institution in five has a part-time (兼职) health worker; a draw of its own, so the other
        # demo data stays as it was.
        part_time_health = random.Random(f"{seed}-part-time-{institution.uscc}").random() < 0.2
        for posts in _posts(institution):
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
                full_time=not (part_time_health and posts == [StaffRole.HEALTH_WORKER]),
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
                issued_on=today - dt.timedelta(days=_health_certificate_age(rng)),
                issuer="区妇幼保健院",
            )
            for kind in CheckKind:
                if rng.random() < CHECKED:
                    services.background_check_add(
                        by=by,
                        person_id=person.pk,
                        kind=kind,
                        checked_on=today - dt.timedelta(days=rng.randint(0, 300)),
                        result="clear",
                        authority="辖区公安派出所",
                    )
            post = posts[0]
            if post in DEMO_CERTIFICATES and rng.random() < CERTIFIED:
                kind, prefix, issuer = DEMO_CERTIFICATES[post]
                services.certificate_add(
                    by=by,
                    person_id=person.pk,
                    kind=kind,
                    number=f"{prefix}{rng.randint(10**9, 10**10 - 1)}",
                    level=rng.choice(["五级", "四级", "三级"]) if post == StaffRole.CAREGIVER else "",
                    issuer=issuer,
                    issued_on=today - dt.timedelta(days=rng.randint(100, 2000)),
                )
            director = post == StaffRole.DIRECTOR
            services.training_add(
                by=by,
                person_id=person.pk,
                year=today.year,
                hours=(
                    rng.choice([64, 72, 80, 96]) if rng.random() < TRAINED_DIRECTOR else rng.choice([24, 40])
                )
                if director
                else rng.choice([8, 12, 16, 24]),
                topic="托育机构负责人岗位培训" if director else "婴幼儿照护",
                kind=TrainingKind.POST if director else TrainingKind.OTHER,
            )
        if progress and n % 25 == 0:
            progress("staff", n, len(admins))
    if progress:
        progress("staff", len(admins), len(admins))
    return hired


BANNED_NAME = "演示禁入人员"


def demo_staff_account_and_ban(*, password: str) -> list[str]:
    """`inst-staff`: a caregiver at inst-demo's institution, with an account that sees only their class; and
    one banned person (kept by 株洲市) whom inst-demo then tries to hire — refused, and the 荷塘区 bureau
    alerted. Idempotent. Returns what it did, for the command's output."""
    from tuoyu.accounts.models import User
    from tuoyu.accounts.services import membership_grant, user_create
    from tuoyu.bans.models import Ban
    from tuoyu.bans.services import BanData, ban_create
    from tuoyu.institutions.models import CareClass
    from tuoyu.staff.models import Person

    done: list[str] = []
    admin = User.objects.filter(username="inst-demo").first()
    membership = Membership.objects.filter(user=admin, role=Role.INSTITUTION_ADMIN).first() if admin else None
    if membership is None:
        return done
    institution = membership.institution
    rng = random.Random(f"inst-staff-{institution.uscc}")
    if not User.objects.filter(username="inst-staff").exists():
        born = dt.date(1994, 5, 12)
        data = services.HireData(
            name="陈晓燕",
            id_number=id_number(rng, area_code=institution.region_prefix[:6], born=born, sex="F"),
            sex="F",
            birth_date=born,
            phone="13973300002",
            roles=["caregiver"],
            start_date=timezone.localdate() - dt.timedelta(days=200),
        )
        result = services.staff_hire(by=admin, institution_id=institution.pk, data=data)
        user = user_create(username="inst-staff", password=password, real_name="陈晓燕", phone="13973300002")
        membership_grant(user=user, role=Role.INSTITUTION_STAFF, institution=institution)
        Person.objects.filter(pk=result.person.pk).update(user=user)
        care_class = (
            CareClass.objects.filter(institution=institution, closed_on__isnull=True).order_by("id").first()
        )
        if care_class is not None:
            services.class_assign(by=admin, employment_id=result.employment.pk, care_class_id=care_class.pk)
        done.append(f"inst-staff: caregiver at {institution.name}")
    if not Ban.objects.filter(name=BANNED_NAME).exists():
        keeper = User.objects.get(username="zz-city")
        born = dt.date(1980, 3, 8)
        banned_id = id_number(rng, area_code="430202", born=born, sex="M")
        ban_create(
            by=keeper,
            data=BanData(
                name=BANNED_NAME,
                id_number=banned_id,
                reason="演示数据：虐待婴幼儿，被依法追究刑事责任",
                decision_authority="株洲市卫生健康委员会",
                decision_number="株卫禁〔2026〕1号",
                decision_date=dt.date(2026, 3, 1),
                scope="national",
            ),
        )
        try:
            services.staff_hire(
                by=admin,
                institution_id=institution.pk,
                data=services.HireData(
                    name=BANNED_NAME,
                    id_number=banned_id,
                    sex="M",
                    birth_date=born,
                    phone="13973300003",
                    roles=["guard"],
                    start_date=timezone.localdate(),
                ),
            )
        except DomainError as exc:  # the point of the demo: the hire is refused, the bureau alerted
            done.append(f"banned person: hire refused ({exc.message})")
    if not Ban.objects.filter(decision_number=EMPLOYED_BAN_NUMBER).exists():
        done.extend(_ban_someone_employed(keeper=User.objects.get(username="zz-city"), spare=institution))
    return done


EMPLOYED_BAN_NUMBER = "株卫禁〔2026〕2号"


def _ban_someone_employed(*, keeper: Any, spare: Any) -> list[str]:
    """A ban on a guard working at another 株洲 demo institution: the sweep alerts its county and the
    institution fails BAN-01 until the person leaves."""
    from tuoyu.bans.services import BanData, ban_create

    employments = (
        Employment.objects.filter(institution__region_prefix__startswith="4302", end_date__isnull=True)
        .exclude(institution=spare)
        .select_related("person", "institution")
        .order_by("institution__uscc", "id")
    )
    employment = next((e for e in employments if StaffRole.GUARD in e.roles), None)  # JSON lookups vary by DB
    if employment is None:
        return []
    person = employment.person
    ban_create(
        by=keeper,
        data=BanData(
            name=person.name,
            id_number=person.id_number,
            reason="演示数据：在其他机构任职期间殴打婴幼儿，被依法追究刑事责任",
            decision_authority="株洲市卫生健康委员会",
            decision_number=EMPLOYED_BAN_NUMBER,
            decision_date=dt.date(2026, 6, 1),
            scope="national",
        ),
    )
    return [f"a person employed at {employment.institution.name} banned: the county is alerted (BAN-01)"]
