"""The holiday table (节假日安排): the State Council's yearly schedule of public holidays (放假) and adjusted
workdays (调休上班), entered by the system admin for the years ``chinese-calendar`` does not ship.

A year counts once it is published; until then its dates are a draft that no deadline uses. A published
year replaces the built-in schedule of that year as a whole (see ``tuoyu.calendars.workdays``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 2000
LAST_YEAR = 2100


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class HolidayYear(models.Model):
    """一年的节假日安排: one year's schedule as published by the General Office of the State Council
    (国务院办公厅关于YYYY年部分节假日安排的通知)."""

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    published = models.BooleanField(_("已发布"), default=False)
    source = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("通知名称与文号"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("节假日年度安排")
        verbose_name_plural = _("节假日年度安排")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="%(app_label)s_%(class)s_year_range",
                violation_error_message=_("年份超出范围。"),
            ),
            models.CheckConstraint(
                condition=models.Q(published=False) | models.Q(published_at__isnull=False),
                name="%(app_label)s_%(class)s_published_has_time",
                violation_error_message=_("已发布的年度须有发布时间。"),
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


class HolidayDate(models.Model):
    """节假日或调休上班日: one special day of a year's schedule — a day off (放假) or a weekend day worked
    in exchange (调休上班). Days not listed follow the weekday rule."""

    holiday_year = models.ForeignKey(
        HolidayYear, on_delete=models.CASCADE, related_name="dates", verbose_name=_("年份")
    )
    date = models.DateField(_("日期"), unique=True, error_messages={"unique": _("节假日表中已有这一天。")})
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("节日名称"), max_length=50)

    class Meta:
        verbose_name = _("节假日日期")
        verbose_name_plural = _("节假日日期")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in DayKind]),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("类型须为放假或调休上班。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""),
                name="%(app_label)s_%(class)s_name_required",
                violation_error_message=_("请填写节日名称。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name} {self.get_kind_display()}"
