"""Re-key the registrations' fingerprints (issue 9).

``payload_hash`` was an unsalted SHA-256 over the payload with the full legal representative's ID number: run
against a dictionary of ID numbers (an area code, a birth date, a sequence) it gave them all back. The full ID
number is not in the payload (only masked) — it is sealed on the institution, and may have changed since — so
the old values cannot honestly be recomputed from the data. Instead each old SHA-256 is replaced by the keyed
HMAC of itself, which is exactly what ``RegistrationData.fingerprint()`` now stores (the HMAC of the same
SHA-256): an old event retried after the migration is still recognised, different data still conflicts, and
the stored value is no longer a dictionary target. Values already in the keyed form (``<key id>$…``) are left
alone, so a second run changes nothing. The reverse keeps the keyed values (the old hashes are gone).
"""

import re

from django.db import migrations, models

from tuoyu.core import crypto

PURPOSE = "institutions.Registration.payload_hash"  # = services.FINGERPRINT_PURPOSE, fixed here on purpose
LEGACY = re.compile(r"^[0-9a-f]{64}$")


def rekey_legacy_hashes(apps, schema_editor):
    Registration = apps.get_model("institutions", "Registration")
    batch = []
    for registration in Registration.objects.only("pk", "payload_hash").iterator(chunk_size=500):
        if LEGACY.match(registration.payload_hash or ""):
            registration.payload_hash = crypto.fingerprint(registration.payload_hash, purpose=PURPOSE)
            batch.append(registration)
        if len(batch) >= 500:
            Registration.objects.bulk_update(batch, ["payload_hash"])
            batch.clear()
    if batch:
        Registration.objects.bulk_update(batch, ["payload_hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0006_rooms_and_classes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="registration",
            name="payload_hash",
            field=models.CharField(max_length=80),
        ),
        migrations.RunPython(rekey_legacy_hashes, migrations.RunPython.noop, elidable=False),
    ]
