"""The system admin opens accounts and grants roles; nobody else can; every change is audited."""

import pytest

from tuoyu.accounts.models import Membership, User
from tuoyu.audit.models import Event

pytestmark = pytest.mark.django_db

GOOD = {
    "username": "new-regulator",
    "real_name": "李新",
    "phone": "13912345678",
    "password": "Strong-Pass-2026!",
    "role": "regulator",
    "region": "430202",
    "institution": "",
    "department": "荷塘区卫生健康局",
}


def test_system_admin_creates_a_regulator_bound_to_a_county(cast, login):
    response = login(cast.sam).post("/users/new/", GOOD)
    assert response.status_code == 302
    user = User.objects.get(username="new-regulator")
    assert user.phone == "13912345678"
    assert user.check_password("Strong-Pass-2026!")
    membership = user.memberships.get()
    assert (membership.role, membership.region_id) == ("regulator", "430202")
    assert Event.objects.filter(action="user.create", object_id=str(user.pk), actor=cast.sam).exists()
    assert Event.objects.filter(action="membership.grant", actor=cast.sam).exists()
    page = login(cast.sam).get(f"/users/{user.pk}/").content.decode()
    assert "139****5678" in page and "13912345678" not in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"phone": "1391234567"}, "phone", "手机号应为11位"),
        ({"password": "short"}, "password", "12"),
        ({"password": "new-regulator-Pass-1"}, "password", "用户名"),
        ({"region": ""}, "region", "须指定辖区"),
        ({"region": "999999"}, "region", "没有这个区划代码"),
        ({"username": "a b"}, "username", "用户名只能包含"),
        ({"role": "auditor"}, "role", "不绑定辖区"),
        ({"role": "institution_admin", "region": ""}, "institution", "须指定机构"),
    ],
)
def test_bad_account_input_is_refused_next_to_the_field_and_changes_nothing(
    cast, login, change, field, message
):
    before = (User.objects.count(), Membership.objects.count())
    response = login(cast.sam).post("/users/new/", {**GOOD, **change})
    assert response.status_code == 200
    assert (
        message in str(response.context["form"].errors.get(field, "")) or message in response.content.decode()
    )
    assert (User.objects.count(), Membership.objects.count()) == before


def test_a_taken_username_is_refused(cast, login):
    response = login(cast.sam).post("/users/new/", {**GOOD, "username": "alice"})
    assert "该用户名已被使用" in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "zhou", "audrey", "ann", "pat"])
def test_only_the_system_admin_manages_accounts(cast, login, who):
    client = login(getattr(cast, who))
    assert client.get("/users/").status_code == 404
    assert client.post("/users/new/", GOOD).status_code == 404
    assert client.get(f"/users/{cast.bob.pk}/").status_code == 404
    assert client.post(f"/users/{cast.bob.pk}/active/", {"active": "0"}).status_code == 404
    assert not User.objects.filter(username="new-regulator").exists()
    assert User.objects.get(pk=cast.bob.pk).is_active


def test_revoking_a_role_takes_its_jurisdiction_away(cast, login):
    membership = cast.alice.memberships.get()
    response = login(cast.sam).post(f"/users/{cast.alice.pk}/memberships/{membership.pk}/revoke/")
    assert response.status_code == 302
    assert login(User.objects.get(pk=cast.alice.pk)).get("/regions/430202/").status_code == 404
    assert Event.objects.filter(action="membership.revoke", object_id=str(membership.pk)).exists()


def test_a_deactivated_account_cannot_sign_in_and_the_admin_cannot_deactivate_themself(cast, login):
    admin = login(cast.sam)
    admin.post(f"/users/{cast.bob.pk}/active/", {"active": "0"})
    assert not User.objects.get(pk=cast.bob.pk).is_active
    assert Event.objects.filter(action="user.deactivate", object_id=str(cast.bob.pk)).exists()
    admin.post(f"/users/{cast.sam.pk}/active/", {"active": "0"})
    assert User.objects.get(pk=cast.sam.pk).is_active


def test_the_system_admin_cannot_read_the_audit_trail(cast, login):
    # 三员分立: account administration and audit are separate powers.
    assert login(cast.sam).get("/audit/").status_code == 404
