"""The audit actions the bans app writes: the lifetime-ban list (终身禁入) and its alerts
(see tuoyu.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "bans.create", _("录入禁入决定")
    UPDATE = "bans.update", _("修改禁入决定")
    LIFT = "bans.lift", _("解除禁入")
    IMPORT = "bans.import", _("批量导入禁入名单")
    EXPORT = "bans.export", _("导出禁入名单（身份证号打码）")
    ID_NUMBER_REVEAL = "bans.id_number_reveal", _("查看禁入人员身份证号明文")
    # bans.alert.<AlertKind>: a banned person met an institution.
    ALERT_HIRE_ATTEMPT = "bans.alert.hire_attempt", _("禁入预警：录用拦截")
    ALERT_EMPLOYED_MATCH = "bans.alert.employed_match", _("禁入预警：在职人员匹配")
    ALERT_ACKNOWLEDGE = "bans.alert_acknowledge", _("确认禁入预警")
