"""The audit actions the children app writes: children, guardians, consent and enrolment
(see tuoyu.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    REGISTER = "child.register", _("登记幼儿")
    UPDATE = "child.update", _("修改幼儿信息")
    GUARDIAN_ADD = "child.guardian_add", _("添加监护人")
    CONSENT_RECORD = "child.consent_record", _("记录监护人同意")
    CONSENT_WITHDRAW = "child.consent_withdraw", _("撤回监护人同意")
    ENROLLMENT_START = "child.enrollment_start", _("幼儿入托")
    ENROLLMENT_END = "child.enrollment_end", _("幼儿离托")
    ID_NUMBER_REVEAL = "child.id_number_reveal", _("查看幼儿身份证号明文")
    EXPORT = "child.export", _("导出幼儿名单")
    IMPORT = "child.import", _("批量导入幼儿")
