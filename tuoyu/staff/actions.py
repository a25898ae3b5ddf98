"""The audit actions the staff app writes: the staff register and its records (see tuoyu.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    HIRE = "staff.hire", _("录用工作人员")
    END = "staff.end", _("工作人员离职")
    CERTIFICATE_ADD = "staff.certificate_add", _("添加资格证书")
    CERTIFICATE_REMOVE = "staff.certificate_remove", _("删除资格证书")
    HEALTH_CERTIFICATE_ADD = "staff.health_certificate_add", _("添加健康证明")
    BACKGROUND_CHECK_ADD = "staff.background_check_add", _("添加背景审查记录")
    TRAINING_ADD = "staff.training_add", _("添加培训记录")
    CLASS_ASSIGN = "staff.class_assign", _("分配到班级")
    CLASS_UNASSIGN = "staff.class_unassign", _("调离班级")
    EXPIRY_REMINDER = "staff.expiry_reminder", _("提醒证照即将到期")
    # The reveals of staff.reveals.PERSON_REVEAL.
    ID_NUMBER_REVEAL = "staff.id_number_reveal", _("查看工作人员身份证号明文")
    PHONE_REVEAL = "staff.phone_reveal", _("查看工作人员手机号明文")
    EXPORT = "staff.export", _("导出工作人员名单")
    IMPORT = "staff.import", _("批量导入工作人员")
    INDICATORS_EXPORT = "staff.indicators_export", _("导出从业人员指标")
