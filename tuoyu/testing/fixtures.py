"""Fixtures: the regions, the named cast, and signed-in clients.

The cast (named for who they are, as in Healthchecks and Zulip):
- ``zhou``  — 株洲市 city admin (430200)          - ``alice`` — 荷塘区 regulator (430202)
- ``bob``   — 芦淞区 regulator (430203)            - ``carol`` — 鹤壁市 city admin (410600), another city
- ``ivan``  — partner-department inspector, 荷塘区 - ``clerk`` — 株洲市 registration clerk (430200)
- ``audrey``— auditor                              - ``sam``   — system admin
- ``ann``   — admin of institution A (荷塘区)      - ``ben``   — admin of institution B (芦淞区)
- ``stacy`` — staff of institution A               - ``pat``   — parent
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuoyu.accounts.models import Role, User
from tuoyu.accounts.services import membership_grant, user_create
from tuoyu.core.validators import uscc_check_character
from tuoyu.institutions.models import Institution
from tuoyu.regions.models import Region
from tuoyu.regions.services import regions_load

PASSWORD = "Cast-Password-2026"


def with_check(first17: str) -> str:
    return first17 + uscc_check_character(first17)


def ensure_regions() -> None:
    if not Region.objects.filter(code="430202").exists():
        regions_load()


@pytest.fixture(autouse=True)
def audit_checkpoint_file(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Each test's own audit checkpoint file: its database rolls back after the test, a file would not,
    and a checkpoint naming events another test rolled back would read as a truncated trail."""
    settings.AUDIT_CHECKPOINT_FILE = tmp_path_factory.mktemp("audit") / "audit-checkpoints.jsonl"
    return settings.AUDIT_CHECKPOINT_FILE


@pytest.fixture(autouse=True)
def default_language() -> Any:
    """Each test starts in the site's language: a request through the test client activates the user's
    language for the thread and leaves it active, so a test that follows an English page would otherwise
    see English in code that runs outside a request (imports, services)."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        ensure_regions()


@dataclass
class Cast:
    zhou: User
    alice: User
    bob: User
    carol: User
    ivan: User
    clerk: User
    audrey: User
    sam: User
    ann: User
    ben: User
    stacy: User
    pat: User
    inst_a: Institution
    inst_b: Institution
    inst_hebi: Institution

    def all(self) -> dict[str, User]:
        return {k: v for k, v in vars(self).items() if isinstance(v, User)}


def make_user(
    username: str,
    role: str | None,
    *,
    region: str | None = None,
    institution: Any = None,
    authority: str = "",
) -> User:
    user = user_create(
        username=username, password=PASSWORD, real_name=username.title(), phone="13800138000", validate=False
    )
    if role:
        membership_grant(
            user=user,
            role=role,
            region=Region.objects.get(code=region) if region else None,
            institution=institution,
            authority=authority,
        )
    return user


def hetang_centre(**fields: Any) -> Institution:
    """The tests' usual institution: 荷塘区小星星托育中心 in 月塘街道 (430202001), a company's centre (the cast's
    ``inst_a``); ``fields`` set more of it (``capacity=40, offers_full_day=True``)."""
    return Institution.objects.create(
        name="荷塘区小星星托育中心",
        uscc=with_check("91430202MA4L0XXB1"),
        region=Region.objects.get(code="430202001"),
        **fields,
    )


@pytest.fixture
def cast(db: Any) -> Cast:
    ensure_regions()
    inst_a = hetang_centre()
    inst_b = Institution.objects.create(
        name="芦淞区阳光宝贝托育园",
        uscc=with_check("52430203MJJ123456"),
        region=Region.objects.get(code="430203"),
    )
    inst_hebi = Institution.objects.create(
        name="鹤壁市淇滨区乐育托育中心",
        uscc=with_check("91410611MA9G1234X"),
        region=Region.objects.get(code="410611"),
    )
    return Cast(
        zhou=make_user("zhou", Role.CITY_ADMIN, region="430200"),
        alice=make_user("alice", Role.REGULATOR, region="430202"),
        bob=make_user("bob", Role.REGULATOR, region="430203"),
        carol=make_user("carol", Role.CITY_ADMIN, region="410600"),
        ivan=make_user("ivan", Role.INSPECTOR, region="430202"),
        clerk=make_user("clerk", Role.REGISTRATION_CLERK, region="430200", authority="market_regulation"),
        audrey=make_user("audrey", Role.AUDITOR),
        sam=make_user("sam", Role.SYSTEM_ADMIN),
        ann=make_user("ann", Role.INSTITUTION_ADMIN, institution=inst_a),
        ben=make_user("ben", Role.INSTITUTION_ADMIN, institution=inst_b),
        stacy=make_user("stacy", Role.INSTITUTION_STAFF, institution=inst_a),
        pat=make_user("pat", Role.PARENT),
        inst_a=inst_a,
        inst_b=inst_b,
        inst_hebi=inst_hebi,
    )


def verified_client(user: User) -> Client:
    """A test client signed in as ``user`` who has passed the second factor (when their role needs it)."""
    client = Client()
    client.force_login(user)
    if user.requires_mfa:
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def login():  # noqa: ANN201
    return verified_client
