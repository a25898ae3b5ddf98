"""The audit actions the standards app writes: compliance evaluation (see tuoyu.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    REEVALUATED = "compliance.reevaluated", _("合规评估结果变化")
    EVALUATED_ALL = "compliance.evaluated_all", _("评估全部机构合规情况")
