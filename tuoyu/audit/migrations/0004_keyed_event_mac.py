"""Keyed event hashes: ``mac_key`` names the audit key whose HMAC-SHA256 an event's hash is.

Existing events keep NULL: they were hashed with plain SHA-256 and are verified that way, not re-chained.
Re-hashing them under the key would vouch, with the key, for content the key never covered (and would
need the triggers lifted to UPDATE an append-only table). The first keyed event's MAC covers the last plain
event's hash, so the older part stays pinned from then on.

A nullable column without a default, so SQLite adds it with ALTER TABLE instead of rebuilding the table,
which would drop the append-only triggers of 0002.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_refuse_truncate"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="mac_key",
            field=models.CharField(blank=True, max_length=8, null=True),
        ),
    ]
