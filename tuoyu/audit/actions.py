"""The audit actions of the trail itself, and of core (which imports no app, so its actions live here: the
audit app records them). See tuoyu.audit.registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    AUDIT_EXPORT = "audit.export", _("导出审计日志")
    AUDIT_PRUNE = "audit.prune", _("清理过期审计日志")
    # core.scoping: a request for an object outside the user's scope (answered 404).
    ACCESS_DENIED = "access.denied", _("越权访问被拒绝")
    # core.keys: personal data re-encrypted under a new field key.
    CRYPTO_FIELD_KEY_ROTATE = "crypto.field_key_rotate", _("轮换字段加密密钥")
