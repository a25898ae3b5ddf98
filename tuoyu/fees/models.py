"""Fee schedules (收费标准, 明码标价): what an institution charges, from which date, and how far ahead."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.institutions.models import ServiceType


class FeeKind(models.TextChoices):
    MONTHLY = "monthly", _("保育费（按月）")
    MEAL = "meal", _("伙食费")
    ONE_OFF = "one_off", _("一次性费用")
    OTHER = "other", _("其他费用")


class FeeUnit(models.TextChoices):
    PER_MONTH = "month", _("元/月")
    PER_DAY = "day", _("元/天")
    PER_HOUR = "hour", _("元/小时")
    ONCE = "once", _("元/次")


class FeeSchedule(models.Model):
    """One published fee schedule of an institution, effective from a date. Published schedules are never
    edited: a new one is published instead, so the history of prices stays."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="fee_schedules"
    )
    effective_from = models.DateField(_("执行日期"))
    max_prepay_months = models.PositiveSmallIntegerField(
        _("最长预收期（月）"), validators=[MinValueValidator(0), MaxValueValidator(12)]
    )
    guided_price = models.DecimalField(
        _("政府指导价（元/月）"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    note = models.TextField(_("说明"), blank=True)
    published_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("公布时间"), auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        verbose_name = _("收费标准")
        verbose_name_plural = _("收费标准")

    def __str__(self) -> str:
        return f"{self.institution_id} {self.effective_from}"


class FeeItem(models.Model):
    """One line of a fee schedule: what is charged, for which service type, how much, and what it covers."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("费用类别"), max_length=16, choices=FeeKind.choices)
    service_type = models.CharField(_("服务类型"), max_length=16, choices=ServiceType.choices, blank=True)
    name = models.CharField(_("项目名称"), max_length=100)
    amount = models.DecimalField(
        _("金额（元）"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100000)],
    )
    unit = models.CharField(_("计价单位"), max_length=8, choices=FeeUnit.choices)
    includes = models.CharField(_("包含内容"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]  # as the institution listed them
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="fees_feeitem_amount_not_negative",
                violation_error_message="金额不能为负数。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.amount}"
