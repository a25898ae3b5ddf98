"""The audit trail (审计日志): append-only and hash-chained."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.apps import apps as django_apps
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuoyu.audit import registry
from tuoyu.core.crypto import audit_mac

GENESIS_HASH = "0" * 64
# Domain separation: an event MAC can never be mistaken for a checkpoint MAC made with the same key.
EVENT_MAC_LABEL = b"tuoyu audit event v2\x00"


class AppendOnlyError(Exception):
    """Audit events are never changed or deleted by the application."""


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")

    def _prune_delete(self) -> int:
        """Only retention pruning may remove events (see audit.services.audit_prune)."""
        return models.QuerySet.delete(self)[0]


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")


class Event(models.Model):
    """One audited action: who did what to which object, when, from where, and what changed.

    ``hash`` covers this event's content and ``prev_hash`` (the previous event's hash), so any change to
    a stored event, or a removed one, breaks the chain that ``tuoyu audit-verify`` walks.

    ``hash`` is an HMAC-SHA256 under the audit key named by ``mac_key`` (core.crypto.audit_keyring), a key
    the database does not hold: whoever can write the table but lacks the key cannot recompute the chain
    after changing it. Events written before keyed hashes existed have no ``mac_key`` and keep their plain
    SHA-256 (version 1); they are verified as they are, never re-hashed, because re-hashing would vouch with
    the key for content the key never saw. The first keyed event's ``prev_hash`` is the last plain one's
    hash, which pins the older part of the chain; no plain event may follow a keyed one.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_username = models.CharField(_("操作人账号"), max_length=150, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("来源IP"), null=True, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True, db_index=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, default=Outcome.SUCCESS)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    detail = models.JSONField(_("详情"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Id of the audit key whose HMAC ``hash`` is; NULL for the version-1 events hashed with plain SHA-256.
    mac_key = models.CharField(max_length=8, null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events cannot be deleted")

    @property
    def action_label(self) -> str | Promise | None:
        """What the action is called, in the active language (None for a code no app declares)."""
        return registry.label(self.action)

    @property
    def object_type_label(self) -> str | Promise | None:
        """What the object is called (机构, 禁入记录), from its model; None for a type no model has."""
        try:
            model = django_apps.get_model(self.object_type)
        except (LookupError, ValueError):
            return None
        return model._meta.verbose_name

    def canonical(self) -> bytes:
        body = {
            "at": self.at.isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_username": self.actor_username,
            "ip": self.ip,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "outcome": self.outcome,
            "before": self.before,
            "after": self.after,
            "detail": self.detail,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(
            body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        ).encode()

    def compute_hash(self) -> str:
        """This event's hash as its version computes it: the HMAC under ``mac_key``, or plain SHA-256 for a
        version-1 event. Raises core.crypto.UnknownKeyError if ``mac_key`` is not in the audit keyring."""
        if self.mac_key is None:
            return hashlib.sha256(self.canonical()).hexdigest()
        return audit_mac(EVENT_MAC_LABEL + self.canonical(), kid=self.mac_key)[1]

    def seal(self) -> None:
        """Set ``mac_key`` and ``hash`` for a new event, under the current audit key."""
        self.mac_key, self.hash = audit_mac(EVENT_MAC_LABEL + self.canonical())


class PruneGuard(models.Model):
    """Present only inside a retention prune: the SQLite trigger refuses deletes without it."""

    id = models.IntegerField(primary_key=True)

    def __str__(self) -> str:
        return "prune guard"
