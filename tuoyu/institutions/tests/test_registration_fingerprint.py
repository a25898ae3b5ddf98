"""The registration's fingerprint (``payload_hash``) is keyed (issue 9: the unsalted SHA-256 over a payload
with the full ID number gave up 25 of 25 legal representatives' IDs to a dictionary in 3.4 s)."""

import hashlib
import importlib
import io
import json

import pytest
from django.apps import apps

from tuoyu.core import crypto
from tuoyu.institutions.models import Registration
from tuoyu.institutions.services import FINGERPRINT_PURPOSE
from tuoyu.institutions.tests.factories import registration_payload
from tuoyu.institutions.tests.test_registration import push

pytestmark = pytest.mark.django_db


def _sha(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _candidates(payload: dict, stored: dict) -> list[str]:
    """What an attacker with the payload column and a dictionary of IDs would try."""
    full_id = payload["legal_rep_id_number"]
    base = {k: v for k, v in payload.items() if k != "source_event_id"}
    return [
        _sha(stored),
        _sha({**stored, "legal_rep_id_number": full_id}),
        _sha({**stored, "legal_rep_id_number": full_id, "phone": payload["phone"]}),
        _sha(base),
        hashlib.sha256(full_id.encode()).hexdigest(),
    ]


def test_the_stored_fingerprint_is_no_sha256_of_the_payload_and_id(cast, login):
    payload = registration_payload(seq=51, phone="13912345678")
    push(login(cast.clerk), payload)
    registration = Registration.objects.get()
    stored = registration.payload_hash
    assert stored.startswith(crypto.keyring().current_id + "$")
    for guess in _candidates(payload, registration.payload):
        assert guess not in stored


def test_a_replay_is_recognised_and_different_data_still_conflicts(cast, login):
    client = login(cast.clerk)
    payload = registration_payload(seq=52)
    assert push(client, payload).status_code == 201
    assert push(client, payload).json()["replayed"] is True
    other_id = registration_payload(seq=53)["legal_rep_id_number"]  # only the (masked-alike) ID differs
    assert push(client, {**payload, "legal_rep_id_number": other_id}).status_code == 409


def test_the_fingerprint_key_is_not_the_blind_index_key():
    digest = "0" * 64
    assert crypto.fingerprint(digest, purpose="x").split("$")[1] != crypto.blind_index(digest, context="x")
    assert crypto.fingerprint(digest, purpose="x") != crypto.fingerprint(digest, purpose="y")


def _rekey_migration():
    return importlib.import_module("tuoyu.institutions.migrations.0007_registration_keyed_fingerprint")


def test_the_migration_rekeys_old_hashes_and_old_events_still_replay(cast, login):
    client = login(cast.clerk)
    payload = registration_payload(seq=54)
    push(client, payload)
    registration = Registration.objects.get()
    # What the code before the fix stored: SHA-256 over the payload with the full ID number.
    legacy = _sha({**registration.payload, "legal_rep_id_number": payload["legal_rep_id_number"]})
    Registration.objects.filter(pk=registration.pk).update(payload_hash=legacy)

    migration = _rekey_migration()
    assert migration.PURPOSE == FINGERPRINT_PURPOSE
    migration.rekey_legacy_hashes(apps, None)
    migration.rekey_legacy_hashes(apps, None)  # a second run changes nothing
    registration.refresh_from_db()
    assert registration.payload_hash != legacy and legacy not in registration.payload_hash
    assert registration.payload_hash == crypto.fingerprint(legacy, purpose=migration.PURPOSE)

    again = push(client, payload)
    assert again.status_code == 200 and again.json()["replayed"] is True
    other = {**payload, "address": "另一条路1号"}
    assert push(client, other).status_code == 409


def test_a_fingerprint_sealed_with_an_older_key_still_matches_after_rotation(cast, login, settings, tmp_path):
    from django.core.management import call_command

    env_key = settings.FIELD_KEY.split(",")[0]
    settings.FIELD_KEY = ""
    settings.FIELD_KEY_FILE = tmp_path / "field.keys"
    settings.FIELD_KEY_FILE.write_text(env_key + "\n")
    crypto.reset_keyring_cache()
    try:
        client = login(cast.clerk)
        payload = registration_payload(seq=55)
        push(client, payload)
        call_command("rotate_field_key", stdout=io.StringIO())
        assert push(client, payload).json()["replayed"] is True
    finally:
        crypto.reset_keyring_cache()
