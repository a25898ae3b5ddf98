"""Seal the institutions' phone numbers (issue 9).

An institution's phone is often its owner's mobile number — personal data, which sat in clear in the
institution table, in every registration payload and in the change history. The column becomes an
``EncryptedTextField``: first it is widened to text, then every plain value is sealed exactly as the field
seals it (AES-GCM, associated data ``institutions.Institution.phone``), then the field takes over. The
registration payloads keep the phone masked (a landline, the business number, stays as it is) and the
revisions keep a phone change only as ``{"changed": True}``, as they keep ID numbers — the values cannot be
brought back. Values already sealed are left alone, so a second run changes nothing; the reverse opens the
sealed phones again (the masked payloads and revisions stay masked).

Audit events are not rewritten: they are append-only and hash-chained (see docs/security.md).
"""

from django.db import connection as default_connection
from django.db import migrations, models

import tuoyu.core.fields
from tuoyu.core import crypto
from tuoyu.core.masking import mask_phone

CONTEXT = "institutions.Institution.phone"  # EncryptedTextField.context of the field


def _sealed(raw: str) -> bool:
    if "$" not in raw:  # no phone number contains one
        return False
    try:
        crypto.decrypt(raw, context=CONTEXT)
    except crypto.DecryptionError:
        return False
    return True


def _rows(connection, table):
    with connection.cursor() as cur:
        # The table name is the model's own, quoted; the values are parameters.
        sql = f"SELECT id, phone FROM {connection.ops.quote_name(table)} WHERE phone <> %s"  # noqa: S608
        cur.execute(sql, [""])
        return cur.fetchall()


def _write(connection, table, values):
    with connection.cursor() as cur:
        for pk, value in values:
            sql = f"UPDATE {connection.ops.quote_name(table)} SET phone = %s WHERE id = %s"  # noqa: S608
            cur.execute(sql, [value, pk])


def seal_phones(apps, schema_editor):
    connection = schema_editor.connection if schema_editor else default_connection
    table = apps.get_model("institutions", "Institution")._meta.db_table
    # Raw SQL: the column holds plain text here whichever field class the model names.
    plain = [(pk, raw) for pk, raw in _rows(connection, table) if raw and not _sealed(raw)]
    _write(connection, table, [(pk, crypto.encrypt(raw, context=CONTEXT)) for pk, raw in plain])

    Registration = apps.get_model("institutions", "Registration")
    for registration in Registration.objects.only("pk", "payload").iterator(chunk_size=500):
        phone = (registration.payload or {}).get("phone")
        if phone and mask_phone(phone) != phone:
            registration.payload = {**registration.payload, "phone": mask_phone(phone)}
            registration.save(update_fields=["payload"])

    Revision = apps.get_model("institutions", "InstitutionRevision")
    for revision in Revision.objects.only("pk", "changes").iterator(chunk_size=500):
        if isinstance((revision.changes or {}).get("phone"), list):
            revision.changes = {**revision.changes, "phone": {"changed": True}}
            revision.save(update_fields=["changes"])


def unseal_phones(apps, schema_editor):
    connection = schema_editor.connection if schema_editor else default_connection
    table = apps.get_model("institutions", "Institution")._meta.db_table
    sealed = [(pk, raw) for pk, raw in _rows(connection, table) if raw and _sealed(raw)]
    _write(connection, table, [(pk, crypto.decrypt(raw, context=CONTEXT)) for pk, raw in sealed])


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0007_registration_keyed_fingerprint"),
    ]

    operations = [
        migrations.AlterField(
            model_name="institution",
            name="phone",
            field=models.TextField(blank=True, default="", verbose_name="联系电话"),
        ),
        migrations.RunPython(seal_phones, unseal_phones, elidable=False),
        migrations.AlterField(
            model_name="institution",
            name="phone",
            field=tuoyu.core.fields.EncryptedTextField(blank=True, default="", verbose_name="联系电话"),
        ),
    ]
