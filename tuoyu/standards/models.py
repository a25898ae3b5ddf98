"""The stored result of the last evaluation of each filed institution, so the regulators' risk list is one
indexed query (ordered by risk score within a region prefix)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplianceResult(models.Model):
    """合规评估结果. ``risk_score`` = Σ severity weight of every non-passing outcome (block 10, fail 5,
    warn 1; see rules.SEVERITY_WEIGHTS). ``failing_rules`` is " SIT-02 FIL-01 " (space-delimited) so a
    rule filter is a portable ``contains``."""

    institution = models.OneToOneField(
        "institutions.Institution", on_delete=models.CASCADE, related_name="compliance"
    )
    region_prefix = models.CharField(max_length=12, db_index=True)
    evaluated_at = models.DateTimeField(_("评估时间"))
    outcomes = models.JSONField(_("各规则结果"), default=list)
    failures = models.PositiveSmallIntegerField(_("不符合项"), default=0)
    warnings = models.PositiveSmallIntegerField(_("提示项"), default=0)
    not_applicable = models.PositiveSmallIntegerField(_("无数据项"), default=0)
    risk_score = models.PositiveIntegerField(_("风险分"), default=0)
    failing_rules = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("合规评估结果")
        verbose_name_plural = _("合规评估结果")
        ordering = ["-risk_score", "institution_id"]
        indexes = [
            models.Index(fields=["region_prefix", "-risk_score", "institution"], name="standards_risk_idx"),
            models.Index(fields=["-risk_score", "institution"], name="standards_risk_all_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.institution_id}: {self.risk_score}"
