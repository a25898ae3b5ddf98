"""An institution's phone, when it is a mobile number, is personal data (issue 9): sealed at rest, masked in
the registration payload, the audit trail and on every page, revealed only with an audit event. A landline
is the institution's public business number and shows as it is."""

import importlib
import json

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from tuoyu.audit.models import Event
from tuoyu.core import crypto
from tuoyu.core.tests.test_personal_data import _dump
from tuoyu.institutions.models import Institution, InstitutionRevision, Registration
from tuoyu.institutions.tests.factories import id_number_for, registration_payload
from tuoyu.institutions.tests.test_registration import push

pytestmark = pytest.mark.django_db

MOBILE, NEW_MOBILE = "13912345678", "13787654321"


def _raw_phone(institution) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM institutions_institution WHERE id = %s", [institution.pk])
        return cur.fetchone()[0]


def test_no_full_mobile_or_id_number_is_stored_in_clear_after_a_push_and_an_update(cast, login):
    client = login(cast.clerk)
    first = registration_payload(seq=61, phone=MOBILE)
    assert push(client, first).status_code == 201
    new_id = id_number_for(62)
    changed = {**first, "source_event_id": "SAMR-61-b", "phone": NEW_MOBILE, "legal_rep_id_number": new_id}
    assert push(client, changed).json()["outcome"] == "updated"
    institution = Institution.objects.get(uscc=first["uscc"])
    assert institution.phone == NEW_MOBILE  # readable through the model
    assert _raw_phone(institution).startswith(crypto.keyring().current_id + "$")

    secrets = [MOBILE, NEW_MOBILE, first["legal_rep_id_number"], new_id]
    stored = {
        "institution table": _dump_table("institutions_institution"),
        "registration payloads": json.dumps(list(Registration.objects.values_list("payload", flat=True))),
        "revisions": json.dumps(list(InstitutionRevision.objects.values_list("changes", flat=True))),
        "audit": json.dumps(
            list(Event.objects.values_list("before", "after", "detail")), ensure_ascii=False, default=str
        ),
        "whole database": _dump(),
    }
    for where, text in stored.items():
        for secret in secrets:
            assert secret not in text, f"{secret} in clear in the {where}"
    assert "139****5678" in stored["registration payloads"]  # masked, still recognisable
    (revision,) = InstitutionRevision.objects.filter(institution=institution)
    assert revision.changes["phone"] == {"changed": True}


def _dump_table(table: str) -> str:
    with connection.cursor() as cur:
        cur.execute(f'SELECT * FROM "{table}"')
        return "\n".join(str(v) for row in cur.fetchall() for v in row)


def test_the_institution_page_masks_a_mobile_and_reveals_it_with_an_audit_event(cast, login):
    cast.inst_a.phone = MOBILE
    cast.inst_a.save()
    page = login(cast.alice).get(f"/institutions/{cast.inst_a.pk}/").content.decode()
    assert MOBILE not in page and "139****5678" in page
    assert f"/institutions/{cast.inst_a.pk}/reveal/phone/" in page
    revealed = login(cast.alice).post(f"/institutions/{cast.inst_a.pk}/reveal/phone/")
    assert revealed.status_code == 200 and MOBILE in revealed.content.decode()
    assert Event.objects.filter(
        action="institution.phone_reveal", object_id=str(cast.inst_a.pk), actor=cast.alice
    ).exists()
    # The partner inspector sees the institution but may not reveal its personal data.
    page = login(cast.ivan).get(f"/institutions/{cast.inst_a.pk}/").content.decode()
    assert MOBILE not in page and "139****5678" in page and "reveal/phone/" not in page
    assert login(cast.ivan).post(f"/institutions/{cast.inst_a.pk}/reveal/phone/").status_code == 404


def test_a_landline_is_the_institutions_business_number_and_shows_in_full(cast, login):
    cast.inst_a.phone = "0731-22881234"
    cast.inst_a.save()
    page = login(cast.alice).get(f"/institutions/{cast.inst_a.pk}/").content.decode()
    assert "0731-22881234" in page and "reveal/phone/" not in page


def test_the_public_page_masks_a_centres_mobile_and_shows_its_landline(cast):
    from tuoyu.disclosure.tests.factories import make_filed

    mobile = make_filed(by=cast.alice, name="手机号托育中心", phone=MOBILE)
    landline = make_filed(by=cast.alice, name="座机托育中心", phone="0731-22334455")
    public = Client()
    page = public.get(f"/public/institutions/{mobile.pk}/").content.decode()
    assert MOBILE not in page and "139****5678" in page
    assert "0731-22334455" in public.get(f"/public/institutions/{landline.pk}/").content.decode()
    listing = public.get("/public/institutions.json").content.decode()
    csv = b"".join(public.get("/public/institutions.csv").streaming_content).decode("utf-8-sig")
    assert MOBILE not in listing and MOBILE not in csv


def test_the_change_filing_keeps_a_proposed_mobile_sealed(cast):
    from tuoyu.filings import services as filing_services
    from tuoyu.filings.changes import proposed_values
    from tuoyu.filings.models import Filing, FilingKind
    from tuoyu.testing.filings import file_and_accept

    cast.inst_a.capacity = 40
    cast.inst_a.offers_full_day = True
    cast.inst_a.save()
    file_and_accept(cast.inst_a, cast.ann, cast.alice)
    filing = filing_services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk, kind=FilingKind.CHANGE)
    filing_services.filing_change_set(
        by=cast.ann, filing_id=filing.pk, changes={"basic": {"phone": NEW_MOBILE}}
    )
    with connection.cursor() as cur:
        cur.execute("SELECT facts FROM filings_filing WHERE id = %s", [filing.pk])
        assert NEW_MOBILE not in str(cur.fetchone()[0])
    assert proposed_values(Filing.objects.get(pk=filing.pk).facts)["phone"] == NEW_MOBILE


def _phone_migration():
    return importlib.import_module("tuoyu.institutions.migrations.0008_institution_phone_sealed")


def test_the_migration_seals_plain_phones_and_masks_them_in_payloads_and_revisions(cast, login):
    push(login(cast.clerk), registration_payload(seq=63, phone=MOBILE))
    institution = Institution.objects.get(name="测试托育中心63号")
    # What the code before the fix stored: the phone in clear everywhere.
    with connection.cursor() as cur:
        cur.execute("UPDATE institutions_institution SET phone = %s WHERE id = %s", [MOBILE, institution.pk])
    Registration.objects.filter(institution=institution).update(
        payload={**Registration.objects.get(institution=institution).payload, "phone": MOBILE}
    )
    InstitutionRevision.objects.create(
        institution=institution, version=9, source="registration:api", changes={"phone": [MOBILE, "0731-1"]}
    )
    migration = _phone_migration()
    migration.seal_phones(apps, None)
    migration.seal_phones(apps, None)  # a second run changes nothing
    assert _raw_phone(institution).startswith(crypto.keyring().current_id + "$")
    assert Institution.objects.get(pk=institution.pk).phone == MOBILE
    assert Registration.objects.get(institution=institution).payload["phone"] == "139****5678"
    assert InstitutionRevision.objects.get(institution=institution, version=9).changes == {
        "phone": {"changed": True}
    }
    migration.unseal_phones(apps, None)
    assert _raw_phone(institution) == MOBILE
