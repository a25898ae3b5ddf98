"""The lifetime ban list (终身禁入): people who may never work in childcare, kept by city regulators.

A ban is never deleted: it is lifted (with a reason), and a lifted ban no longer matches. The ID number is
stored encrypted and matched through its blind index; screens and the audit trail only ever see it masked.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.core.fields import BlindIndexField, EncryptedTextField
from tuoyu.core.masking import mask_id_number
from tuoyu.core.validators import normalize_id_number


class BanScope(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCIAL = "provincial", _("全省")
    CITY = "city", _("本市")


# How many leading digits of the keeping city's region prefix a scope covers (None: everywhere).
SCOPE_PREFIX_LENGTH = {BanScope.NATIONAL: 0, BanScope.PROVINCIAL: 2, BanScope.CITY: 4}


class Ban(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号"))
    id_index = BlindIndexField(source="id_number", normalize=normalize_id_number)
    reason = models.TextField(_("禁入事由"))
    decision_authority = models.CharField(_("决定机关"), max_length=100)
    decision_number = models.CharField(_("决定文号"), max_length=100)
    decision_date = models.DateField(_("决定日期"))
    scope = models.CharField(_("禁入范围"), max_length=16, choices=BanScope.choices, default=BanScope.CITY)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="bans", verbose_name=_("登记城市")
    )
    # The city's prefix (4 digits), kept by save(): scope matching and jurisdiction are startswith lookups.
    region_prefix = models.CharField(max_length=12, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    lift_reason = models.TextField(_("解除原因"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-decision_date", "-id"]
        verbose_name = _("禁入记录")
        verbose_name_plural = _("禁入记录")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=[c.value for c in BanScope]),
                name="bans_ban_scope_valid",
                violation_error_message="unknown ban scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.decision_number}"

    def save(self, *args, **kwargs):  # noqa: ANN002, ANN003
        self.region_prefix = self.region.prefix
        super().save(*args, **kwargs)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None

    @property
    def reach_prefix(self) -> str:
        """The region prefix the ban applies under ('' = the whole country)."""
        return self.region_prefix[: SCOPE_PREFIX_LENGTH[BanScope(self.scope)]]

    def applies_to(self, region_prefix: str) -> bool:
        return self.is_active and region_prefix.startswith(self.reach_prefix)


class AlertKind(models.TextChoices):
    HIRE_ATTEMPT = "hire_attempt", _("录用拦截")
    EMPLOYED_MATCH = "employed_match", _("在职人员匹配")


class BanAlert(models.Model):
    """A banned person met an institution: someone tried to hire them, or they already work there."""

    ban = models.ForeignKey(Ban, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("禁入记录"))
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="ban_alerts",
        verbose_name=_("机构"),
    )
    # Copied from the institution so jurisdiction is one indexed startswith.
    region_prefix = models.CharField(max_length=12, db_index=True, editable=False)
    kind = models.CharField(_("类型"), max_length=16, choices=AlertKind.choices)
    person_name = models.CharField(_("姓名"), max_length=50)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    attempted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("禁入预警")
        verbose_name_plural = _("禁入预警")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[c.value for c in AlertKind]),
                name="bans_alert_kind_valid",
                violation_error_message="unknown alert kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_name}"

    def save(self, *args, **kwargs):  # noqa: ANN002, ANN003
        self.region_prefix = self.institution.region_prefix
        super().save(*args, **kwargs)
