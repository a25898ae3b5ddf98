"""Field-key rotation: put a new key first, then re-seal every encrypted value and blind index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction

from tuoyu.core import crypto
from tuoyu.core.fields import BlindIndexField, EncryptedTextField
from tuoyu.core.signals import request_audit


@dataclass
class RotationSummary:
    key_id: str
    rows: int
    fields: int


def encrypted_models() -> list[tuple[type, list[EncryptedTextField], list[BlindIndexField]]]:
    out = []
    for model in apps.get_models():
        enc = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        idx = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
        if enc:
            out.append((model, enc, idx))
    return out


def add_key_to_file() -> str:
    """Generate a key and put it first in the key file (older keys stay, for reading). Returns its id."""
    if settings.FIELD_KEY:
        raise RuntimeError(
            "TUOYU_FIELD_KEY is set: put the new key first in it yourself, then run "
            "`tuoyu rotate-field-key --reseal-only`."
        )
    path = crypto.key_file_path()
    crypto.keyring()  # creates the file if it does not exist yet
    new = crypto.generate_key()
    path.write_text(new + "\n" + path.read_text())
    crypto.reset_keyring_cache()
    return crypto.keyring().current_id


@transaction.atomic
def reseal_all(*, progress: Callable[[str, int, int], None] | None = None) -> RotationSummary:
    """Re-encrypt every value with the current key and recompute blind indexes, in one transaction."""
    rows = 0
    fields = 0
    for model, enc, idx in encrypted_models():
        names = [f.name for f in enc] + [f.name for f in idx]
        fields += len(names)
        qs = model._base_manager.all()
        total = qs.count()
        batch = []
        for i, obj in enumerate(qs.iterator(chunk_size=500), 1):
            for f in idx:
                setattr(obj, f.attname, f.index_for(getattr(obj, f.source) or ""))
            batch.append(obj)
            if len(batch) >= 500:
                model._base_manager.bulk_update(batch, names)
                batch.clear()
            if progress and (i % 500 == 0 or i == total):
                progress(model._meta.label, i, total)
        if batch:
            model._base_manager.bulk_update(batch, names)
        rows += total
    ring = crypto.keyring()
    request_audit(
        "crypto.field_key_rotate",
        object_type="core.fieldkey",
        object_id=ring.current_id,
        detail={"rows": rows, "fields": fields},
    )
    return RotationSummary(ring.current_id, rows, fields)
