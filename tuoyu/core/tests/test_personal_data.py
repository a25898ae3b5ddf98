"""Personal data is encrypted at rest, found by blind index, masked on screen, revealed only with audit."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from tuoyu.accounts.models import User
from tuoyu.audit.models import Event
from tuoyu.core import crypto
from tuoyu.core.masking import mask_id_number, mask_mobile, mask_name

pytestmark = pytest.mark.django_db


def _dump() -> str:
    """Every text value in every table, as a database dump would show it."""
    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f'SELECT * FROM "{table}"')
            out.extend(str(v) for row in cur.fetchall() for v in row)
    return "\n".join(out)


def test_a_database_dump_contains_no_plaintext_phone(cast):
    cast.alice.phone = "13912345678"
    cast.alice.save()
    dump = _dump()
    assert "13912345678" not in dump
    assert "13800138000" not in dump
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM accounts_user WHERE username = %s", ["alice"])
        (stored,) = cur.fetchone()
    assert stored.startswith(crypto.keyring().current_id + "$")
    assert User.objects.get(username="alice").phone == "13912345678"


def test_blind_index_finds_the_user_by_exact_phone_in_any_written_form(cast):
    cast.alice.phone = "13912345678"
    cast.alice.save()
    field = User._meta.get_field("phone_index")
    assert User.objects.filter(phone_index=field.index_for("+86 139 1234 5678")).get() == cast.alice
    assert not User.objects.filter(phone_index=field.index_for("13912345679")).exists()


def test_a_ciphertext_moved_to_another_column_does_not_decrypt():
    sealed = crypto.encrypt("430202199001011234", context="accounts.User.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, context="staff.Person.id_number")


def test_a_tampered_ciphertext_is_refused():
    sealed = crypto.encrypt("13912345678", context="x")
    kid, body = sealed.split("$")
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{kid}${flipped}", context="x")


def test_rotation_reseals_every_value_with_the_new_key_and_keeps_lookups(cast, settings, tmp_path):
    env_key = settings.FIELD_KEY.split(",")[0]
    settings.FIELD_KEY = ""
    settings.FIELD_KEY_FILE = tmp_path / "field.keys"
    settings.FIELD_KEY_FILE.write_text(env_key + "\n")
    crypto.reset_keyring_cache()
    try:
        cast.alice.phone = "13912345678"
        cast.alice.save()
        old_id = crypto.keyring().current_id
        call_command("rotate_field_key", stdout=io.StringIO())
        new_id = crypto.keyring().current_id
        assert new_id != old_id
        assert len(settings.FIELD_KEY_FILE.read_text().split()) == 2
        with connection.cursor() as cur:
            cur.execute("SELECT phone FROM accounts_user")
            assert all(row[0].startswith(new_id + "$") for row in cur.fetchall() if row[0])
        field = User._meta.get_field("phone_index")
        assert User.objects.get(phone_index=field.index_for("13912345678")) == cast.alice
        assert Event.objects.filter(action="crypto.field_key_rotate", object_id=new_id).exists()
    finally:
        crypto.reset_keyring_cache()


def test_masks():
    assert mask_id_number("430202199001011234") == "4****************4"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳明") == "欧*明"
    assert mask_id_number("") == ""


def _candidates(masked: str, *, area: str, birth: str, sex: str) -> list[str]:
    """Every valid ID number that fits a masked one, given what pages show beside it (birth date, sex)
    and a guess at the area (the institution's county): the attacker's enumeration."""
    from tuoyu.core.validators import id_check_character

    out = []
    for seq in range(1000):
        first17 = f"{area}{birth}{seq:03d}"
        if (seq % 10) % 2 != (1 if sex == "M" else 0):
            continue
        full = first17 + id_check_character(first17)
        if mask_id_number(full) == masked:
            out.append(full)
    return out


@pytest.mark.parametrize("number", ["43020219960423564X", "430202202401150026", "11010519491231002X"])
def test_a_masked_id_number_with_the_birth_date_sex_and_county_beside_it_leaves_many_candidates(number):
    # The probe rebuilt 328 full numbers from 430202********564X beside the birth date 1996-04-23. With the
    # area guessed right, the birth date and the sex shown, the mask must still leave the number unknown.
    from tuoyu.core.validators import id_sex

    masked = mask_id_number(number)
    assert number[6:14] not in masked and number[:6] not in masked
    found = _candidates(masked, area=number[:6], birth=number[6:14], sex=id_sex(number))
    assert number in found
    assert len(found) >= 20


def test_revealing_a_phone_is_audited_and_shows_the_full_number(cast, login):
    client = login(cast.alice)
    page = client.get("/accounts/profile/")
    assert "138****8000" in page.content.decode()
    assert "13800138000" not in page.content.decode()
    response = client.post("/accounts/profile/phone/")
    assert "13800138000" in response.content.decode()
    assert Event.objects.filter(action="user.phone_reveal", actor=cast.alice).count() == 1


def test_opening_an_object_outside_the_jurisdiction_is_a_404_and_an_audited_denial(cast, login):
    response = login(cast.alice).get("/regions/430203/")
    assert response.status_code == 404
    denied = Event.objects.get(action="access.denied", object_id="430203")
    assert (denied.actor, denied.outcome, denied.object_type) == (cast.alice, "denied", "regions.region")
    assert login(cast.alice).get("/regions/999999/").status_code == 404
    assert not Event.objects.filter(action="access.denied", object_id="999999").exists()


def test_the_users_id_number_is_encrypted_masked_and_revealed_with_audit(cast, login):
    cast.alice.id_number = "430202199001011233"
    cast.alice.save()
    with connection.cursor() as cur:
        cur.execute("SELECT id_number FROM accounts_user WHERE username = 'alice'")
        assert "430202199001011233" not in cur.fetchone()[0]
    client = login(cast.alice)
    assert "4****************3" in client.get("/accounts/profile/").content.decode()
    assert "430202199001011233" in client.post("/accounts/profile/id-number/").content.decode()
    assert Event.objects.filter(action="user.id_number_reveal", actor=cast.alice).count() == 1


def test_behind_trusted_proxies_the_audited_ip_is_the_clients(cast, settings):
    from django.test import RequestFactory

    from tuoyu.core.context import client_ip

    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.2", REMOTE_ADDR="10.0.0.3"
    )
    assert client_ip(request) == "10.0.0.3"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "203.0.113.9"  # the spoofed 6.6.6.6 written by the client is ignored
    settings.TRUSTED_PROXY_COUNT = 5
    assert client_ip(request) == "10.0.0.3"


def test_a_denial_inside_a_service_transaction_is_still_recorded(cast, login):
    from tuoyu.accounts.services import api_token_create

    token, _ = api_token_create(user=cast.bob, name="bob的令牌")
    assert login(cast.alice).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert login(cast.alice).delete(f"/api/v1/tokens/{token.pk}").status_code == 404
    denied = Event.objects.filter(action="access.denied", object_id=str(token.pk), actor=cast.alice)
    assert denied.count() == 2
