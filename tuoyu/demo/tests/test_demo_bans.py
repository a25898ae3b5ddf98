"""The demo's second ban: a guard employed at another 株洲 institution is banned, the sweep alerts that
institution's county, and a rerun adds nothing."""

import pytest

from tuoyu.accounts.models import Role
from tuoyu.bans.models import AlertKind, BanAlert
from tuoyu.demo.staff import EMPLOYED_BAN_NUMBER, demo_staff_account_and_ban
from tuoyu.staff.tests.factories import hire
from tuoyu.testing.fixtures import Cast, make_user


@pytest.mark.django_db
def test_the_demo_bans_a_guard_employed_elsewhere_once(cast: Cast) -> None:
    make_user("inst-demo", Role.INSTITUTION_ADMIN, institution=cast.inst_a)
    make_user("zz-city", Role.CITY_ADMIN, region="430200")
    hire(cast.ann, cast.inst_a, seq=3, roles=["guard"])  # at inst-demo's own institution: left alone
    hire(cast.ben, cast.inst_b, seq=4, roles=["caregiver"])
    hire(cast.ben, cast.inst_b, seq=5, roles=["guard"], name="赵保安")
    done = demo_staff_account_and_ban(password="Demo-Tuoyu-2026")
    assert any("BAN-01" in line and cast.inst_b.name in line for line in done)
    alert = BanAlert.objects.get(ban__decision_number=EMPLOYED_BAN_NUMBER)
    assert (alert.institution, alert.kind, alert.ban.name) == (
        cast.inst_b,
        AlertKind.EMPLOYED_MATCH,
        "赵保安",
    )
    assert not any("BAN-01" in line for line in demo_staff_account_and_ban(password="Demo-Tuoyu-2026"))
    assert BanAlert.objects.filter(ban__decision_number=EMPLOYED_BAN_NUMBER).count() == 1
