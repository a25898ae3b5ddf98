"""The audit actions the fees app writes (see tuoyu.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    PUBLISH = "fees.publish", _("公示收费标准")
