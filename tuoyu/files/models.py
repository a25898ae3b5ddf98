"""Stored files (上传文件): the blobs behind filing materials and, later, other evidence.

A StoredFile is owned by whatever refers to it (a filing's material, an inspection photo); that owner's
view decides who may see it and then calls ``files.services.file_response``. No URL serves files by
path: MEDIA_URL is deliberately not routed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.core.uploads import Kind, display_name

UPLOAD_FOLDER = "materials"  # every upload's blob lives below it (files.services.orphans_remove sweeps it)


def material_upload_to(instance: StoredFile, filename: str) -> str:
    """materials/2026/05/<uuid>.<ext> — the uploader's name never reaches the file system."""
    when = timezone.localtime(instance.uploaded_at)
    return f"{UPLOAD_FOLDER}/{when:%Y/%m}/{instance.key}.{Kind(instance.kind).extension}"


class StoredFile(models.Model):
    """An uploaded file (上传文件), checked by content (PDF, JPEG or PNG), kept through Django's storage.

    ``original_name`` is the uploader's name, cleaned, for display only; ``sha256`` lets an auditor show
    that the blob is the one that was uploaded.
    """

    key = models.UUIDField(_("标识"), default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(_("文件"), upload_to=material_upload_to, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("上传文件")
        verbose_name_plural = _("上传文件")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size__gt=0),
                name="%(app_label)s_%(class)s_size_positive",
                violation_error_message=_("文件不能为空。"),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values),
                name="%(app_label)s_%(class)s_kind_accepted",
                violation_error_message=_("只接受PDF、JPEG或PNG文件。"),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def download_name(self) -> str:
        """The name offered on download: the original stem with the extension of the real kind."""
        return display_name(self.original_name, Kind(self.kind))

    @property
    def content_type(self) -> str:
        return Kind(self.kind).content_type
