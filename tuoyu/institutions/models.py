"""Childcare institutions (托育机构). Minimal here; the filing issue extends it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.core.validators import validate_uscc


class Institution(models.Model):
    """A childcare institution (托育机构) registered with a registration authority."""

    name = models.CharField(_("机构名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc])
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="institutions", verbose_name=_("所在区划")
    )
    # Denormalised region prefix, so jurisdiction is one indexed startswith (kept by save()).
    region_prefix = models.CharField(max_length=12, db_index=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("托育机构")
        verbose_name_plural = _("托育机构")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):  # noqa: ANN002, ANN003
        self.region_prefix = self.region.prefix
        super().save(*args, **kwargs)
