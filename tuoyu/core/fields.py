"""Model fields that keep personal data encrypted at rest, with a blind index for exact lookups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from tuoyu.core import crypto


class EncryptedTextField(models.TextField):
    """Stores its value sealed with AES-256-GCM; the Python value is the plaintext.

    The associated data is the field's label ("app.Model.field"), so a ciphertext copied into another
    column does not decrypt. Only ``isnull`` lookups make sense: use a BlindIndexField to search.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    @property
    def context(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value in (None, ""):
            return value
        return crypto.decrypt(value, context=self.context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(str(value), context=self.context)

    def get_lookup(self, lookup_name: str):  # type: ignore[no-untyped-def]
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):
    """HMAC of another field's normalised value, recomputed on every save.

    ``source`` names the plaintext attribute; ``normalize`` maps it to a canonical form (for an ID number:
    upper-case, no spaces) so equal values always index alike.
    """

    def __init__(
        self, *args: Any, source: str = "", normalize: Callable[[str], str] | None = None, **kwargs: Any
    ) -> None:
        self.source = source
        self.normalize = normalize or (lambda v: v.strip())
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):  # type: ignore[no-untyped-def]
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    @property
    def context(self) -> str:
        return f"{self.model._meta.label}.{self.source}"

    def index_for(self, plaintext: str) -> str:
        if not plaintext:
            return ""
        return crypto.blind_index(self.normalize(plaintext), context=self.context)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.index_for(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value
