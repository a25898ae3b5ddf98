"""Children (幼儿) in care, their guardians (监护人), the guardians' consent (同意) and enrollments (入托).

Children's data is sensitive personal information (PIPL art. 28, 31): until a guardian's consent covering
``basic`` is recorded, only the minimum is stored — name, sex, birth date and one guardian's name and phone.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tuoyu.core.fields import BlindIndexField, EncryptedTextField
from tuoyu.core.masking import mask_id_number, mask_mobile
from tuoyu.core.validators import Sex, normalize_id_number, normalize_mobile


def age_in_months(birth_date: dt.date, on: dt.date) -> int:
    """Completed months of age on ``on``.

    Month-end rule: a month is completed on the same day of the month as the birth, or — when that month
    is too short to have that day — on its last day. So a child born on 31 January is 1 month old on
    28 February (29 in a leap year), and one born on 29 February 2024 is 12 months old on 28 February 2025.
    Before the birth date there is no age: ValueError.
    """
    if on < birth_date:
        raise ValueError("on is before the birth date")
    months = (on.year - birth_date.year) * 12 + on.month - birth_date.month
    if on.day < birth_date.day:
        next_day = on + dt.timedelta(days=1)
        last_day_of_month = next_day.month != on.month
        if not last_day_of_month:
            months -= 1
    return months


class Relationship(models.TextChoices):
    FATHER = "father", _("父亲")
    MOTHER = "mother", _("母亲")
    PATERNAL_GRANDPARENT = "grandparent", _("祖父母")
    MATERNAL_GRANDPARENT = "maternal_grandparent", _("外祖父母")
    OTHER = "other", _("其他")


class ConsentScope(models.TextChoices):
    BASIC = "basic", _("基本信息（身份证号、其他监护人等）")
    HEALTH = "health", _("健康信息（晨午检、体检、疫苗）")
    PHOTOS = "photos", _("照片和视频")


class Child(models.Model):
    """A child (幼儿) in an institution's care."""

    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("托育机构"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    id_number = EncryptedTextField(_("身份证号"))
    id_index = BlindIndexField(source="id_number", normalize=normalize_id_number)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("幼儿")
        verbose_name_plural = _("幼儿")
        ordering = ["institution_id", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    def age_months(self, on: dt.date | None = None) -> int:
        return age_in_months(self.birth_date, on or dt.date.today())

    def has_consent(self, scope: str = "basic") -> bool:
        return any(c.covers(scope) for c in self.consents.all())


class Guardian(models.Model):
    """A guardian (监护人) of a child."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("监护人姓名"), max_length=50)
    relationship = models.CharField(_("与幼儿关系"), max_length=24, choices=Relationship.choices)
    phone = EncryptedTextField(_("监护人手机号"))
    phone_index = BlindIndexField(source="phone", normalize=normalize_mobile)
    id_number = EncryptedTextField(_("监护人身份证号"))
    id_index = BlindIndexField(source="id_number", normalize=normalize_id_number)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("监护人")
        verbose_name_plural = _("监护人")
        ordering = ["child_id", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_mobile(self.phone)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class Consent(models.Model):
    """A guardian's consent (监护人同意) to processing the child's personal information (PIPL art. 31)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="consents")
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="consents")
    given_at = models.DateTimeField(_("同意时间"))
    text_version = models.CharField(_("告知同意书版本"), max_length=32)
    scope = models.JSONField(_("同意范围"), default=list)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("监护人同意")
        verbose_name_plural = _("监护人同意")
        ordering = ["child_id", "-given_at", "-id"]

    def __str__(self) -> str:
        return f"{self.child_id}: {','.join(self.scope)}"

    def covers(self, scope: str) -> bool:
        return self.withdrawn_at is None and scope in self.scope

    @property
    def scope_labels(self) -> list[str]:
        return [str(ConsentScope(s).label) for s in self.scope if s in ConsentScope.values]


class Enrollment(models.Model):
    """A child's time in a class (入托/在班): from ``start_date`` (the first day in the class) to ``end_date``
    (the day the child left or moved: no longer in this class that day); ``end_date`` empty while enrolled.
    A move on day D ends the old enrollment on D and starts the new one on D."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="enrollments")
    care_class = models.ForeignKey(
        "institutions.CareClass", on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("班级")
    )
    start_date = models.DateField(_("入班日期"))
    end_date = models.DateField(_("离班日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("入班记录")
        verbose_name_plural = _("入班记录")
        ordering = ["child_id", "-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="children_enrollment_end_after_start",
                violation_error_message=_("离班日期不能早于入班日期。"),
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(end_date__isnull=True),
                name="children_enrollment_one_open",
                violation_error_message=_("该幼儿已在其他班级。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id} @ {self.care_class_id}"

    def active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date > day)
