"""The audit actions the files app writes: stored uploads (see tuoyu.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    UPLOAD = "file.upload", _("上传文件")
    DOWNLOAD = "file.download", _("下载文件")
    DELETE = "file.delete", _("删除文件")
    ORPHANS_REMOVED = "file.orphans_removed", _("清理无主文件")
