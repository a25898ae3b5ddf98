"""The audit actions the calendars app writes: the holiday table (节假日安排) that deadlines count with
(see tuoyu.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    HOLIDAY_DATE_ADD = "holiday_date.add", _("添加节假日调休日期")
    HOLIDAY_DATE_REMOVE = "holiday_date.remove", _("删除节假日调休日期")
    HOLIDAY_YEAR_IMPORT = "holiday_year.import", _("导入年度节假日安排")
    HOLIDAY_YEAR_PUBLISH = "holiday_year.publish", _("发布年度节假日安排")
