"""The staff register (工作人员): people, their employment by institutions, and what the law asks of them —
qualifications, the health certificate, background checks and yearly training — plus caregivers' classes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuoyu.core.dates import add_months
from tuoyu.core.fields import BlindIndexField, EncryptedTextField
from tuoyu.core.masking import mask_id_number, mask_mobile
from tuoyu.core.validators import Sex, normalize_id_number
from tuoyu.institutions.models import CareClass, Institution

HEALTH_CERTIFICATE_MONTHS = 12


class StaffRole(models.TextChoices):
    """岗位: the posts the setting standards name."""

    DIRECTOR = "director", _("负责人")
    CAREGIVER = "caregiver", _("保育人员")
    HEALTH_WORKER = "health_worker", _("保健人员")
    GUARD = "guard", _("保安")
    COOK = "cook", _("炊事人员")
    OTHER = "other", _("其他")


class CertificateKind(models.TextChoices):
    CHILDCARE_WORKER = "childcare_worker", _("保育师")
    NURSERY_TEACHER = "nursery_teacher", _("育婴员")
    HEALTH_TRAINING = "health_training", _("保健员培训（妇幼保健机构）")
    GUARD_LICENCE = "guard_licence", _("保安员证")
    TEACHER = "teacher", _("教师资格")
    OTHER = "other", _("其他")


_QUALIFICATIONS = (
    CertificateKind.CHILDCARE_WORKER,
    CertificateKind.NURSERY_TEACHER,
    CertificateKind.TEACHER,
    CertificateKind.HEALTH_TRAINING,
    CertificateKind.GUARD_LICENCE,
)
# Post → the certificate kinds that qualify a person for it: read by the staff indicators (持证上岗率) and the
# compliance rules (STF-02 health workers, STF-04 guards). A director's training certificate (托育机构负责人
# 培训) has no kind of its own, so it is recorded as “其他”.
POST_CERTIFICATES: dict[str, tuple[str, ...]] = {
    StaffRole.CAREGIVER: (
        CertificateKind.CHILDCARE_WORKER,
        CertificateKind.NURSERY_TEACHER,
        CertificateKind.TEACHER,
    ),
    StaffRole.HEALTH_WORKER: (CertificateKind.HEALTH_TRAINING,),
    StaffRole.GUARD: (CertificateKind.GUARD_LICENCE,),
    StaffRole.DIRECTOR: (*_QUALIFICATIONS, CertificateKind.OTHER),
}


class CheckKind(models.TextChoices):
    NO_CRIMINAL_RECORD = "no_criminal_record", _("无犯罪记录证明")
    SEXUAL_OFFENCE = "sexual_offence", _("性侵害违法犯罪记录查询")


class CheckResult(models.TextChoices):
    CLEAR = "clear", _("无记录")
    FOUND = "found", _("有记录")


class Person(models.Model):
    """A person who works (or worked) in childcare (从业人员), one row per resident ID number. Sex and birth
    date come from the ID number; the phone is encrypted; ``user`` is their own account, if any."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = EncryptedTextField(_("身份证号"))
    id_index = BlindIndexField(source="id_number", normalize=normalize_id_number)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    phone = EncryptedTextField(_("手机号"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_person",
        verbose_name=_("本人账号"),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_index"],
                condition=~Q(id_index=""),
                name="staff_person_unique_id_number",
                violation_error_message=_("该身份证号已登记。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_mobile(self.phone)


class Employment(models.Model):
    """聘用: a person employed by an institution in one or more posts, from ``start_date``; ``end_date`` set
    (today by default) closes it at once."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="employments")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="employments")
    roles = models.JSONField(_("岗位"), default=list)
    # 专职 (full-time) or 兼职 (part-time): STF-03 counts only full-time health workers against the ratio.
    full_time = models.BooleanField(_("专职"), default=True)
    start_date = models.DateField(_("入职日期"))
    end_date = models.DateField(_("离职日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("聘用")
        verbose_name_plural = _("聘用")
        ordering = ["institution_id", "-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="staff_employment_end_after_start",
                violation_error_message=_("离职日期不能早于入职日期。"),
            ),
            models.UniqueConstraint(
                fields=["person", "institution"],
                condition=Q(end_date__isnull=True),
                name="staff_employment_one_active_per_institution",
                violation_error_message=_("此人已在本机构在职。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.institution_id}"

    @property
    def is_active(self) -> bool:
        return self.end_date is None

    def role_labels(self) -> list[str]:
        labels = dict(StaffRole.choices)
        return [str(labels.get(r, r)) for r in self.roles]


class Certificate(models.Model):
    """资格证书: a qualification (保育师, 育婴员, 保健员培训, 保安员证, 教师资格 …)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(_("证书类别"), max_length=20, choices=CertificateKind.choices)
    number = models.CharField(_("证书编号"), max_length=100)
    level = models.CharField(_("等级"), max_length=50, blank=True)
    issuer = models.CharField(_("发证机关"), max_length=100)
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("资格证书")
        verbose_name_plural = _("资格证书")
        ordering = ["person_id", "-issued_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="staff_certificate_expiry_after_issue",
                violation_error_message=_("有效期不能早于发证日期。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class HealthCertificate(models.Model):
    """健康证明: valid for 12 months from issue (托育机构工作人员每年体检)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="health_certificates")
    issued_on = models.DateField(_("体检日期"))
    issuer = models.CharField(_("体检机构"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("健康证明")
        verbose_name_plural = _("健康证明")
        ordering = ["person_id", "-issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.issuer} {self.issued_on}"

    @staticmethod
    def expiry_for(issued_on: dt.date) -> dt.date:
        """The last day a certificate from an examination on ``issued_on`` is valid: the same date 12 months
        later. STF-05 asks today − examination date ≤ 12 months, so the anniversary itself still counts."""
        return add_months(issued_on, HEALTH_CERTIFICATE_MONTHS)

    @property
    def expires_on(self) -> dt.date:
        return self.expiry_for(self.issued_on)

    def is_valid(self, on: dt.date) -> bool:
        return self.issued_on <= on <= self.expires_on

    @classmethod
    def issued_since(cls, on: dt.date) -> dt.date:
        """The earliest examination date whose certificate is still valid on ``on`` (the inverse of
        ``expiry_for``, which never decreases as the examination date grows): for queries."""
        day = add_months(on, -HEALTH_CERTIFICATE_MONTHS) - dt.timedelta(days=3)
        while cls.expiry_for(day) < on:
            day += dt.timedelta(days=1)
        return day


class BackgroundCheck(models.Model):
    """背景审查: the no-criminal-record certificate or the sexual-offence record query."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="background_checks")
    kind = models.CharField(_("审查类别"), max_length=20, choices=CheckKind.choices)
    checked_on = models.DateField(_("查询日期"))
    result = models.CharField(_("结果"), max_length=8, choices=CheckResult.choices)
    authority = models.CharField(_("出具机关"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("背景审查")
        verbose_name_plural = _("背景审查")
        ordering = ["person_id", "-checked_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.checked_on}"


class TrainingKind(models.TextChoices):
    """What the training was for: STF-08 counts only the post training (岗位培训) the head of an institution
    must take (WS/T 821-2023 5.2.1); other training (继续教育, first aid, …) is kept but does not count there."""

    POST = "post", _("岗位培训")
    OTHER = "other", _("其他培训（继续教育等）")


class TrainingRecord(models.Model):
    """培训: hours of training in a year, and whether it was the post's own training."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="training_records")
    year = models.PositiveSmallIntegerField(_("年度"))
    # Records made before the kind existed became "other": nobody said they were post training.
    kind = models.CharField(
        _("培训类别"), max_length=10, choices=TrainingKind.choices, default=TrainingKind.OTHER
    )
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    topic = models.CharField(_("培训内容"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["person_id", "-year", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="staff_trainingrecord_hours_positive")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.topic}"


class ClassAssignment(models.Model):
    """带班: a caregiver's employment assigned to a class of the same institution."""

    employment = models.ForeignKey(Employment, on_delete=models.CASCADE, related_name="assignments")
    care_class = models.ForeignKey(CareClass, on_delete=models.CASCADE, related_name="assignments")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("带班安排")
        verbose_name_plural = _("带班安排")
        ordering = ["care_class_id", "-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="staff_classassignment_end_after_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
            models.UniqueConstraint(
                fields=["employment", "care_class"],
                condition=Q(end_date__isnull=True),
                name="staff_classassignment_one_active",
                violation_error_message=_("已安排在该班级。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employment_id} → {self.care_class_id}"


class ExpiryReminderKind(models.TextChoices):
    CERTIFICATE = "certificate", _("资格证书")
    HEALTH = "health", _("健康证明")


class ExpiryReminder(models.Model):
    """到期提醒记录: that an institution's admins were told a certificate of one of its staff expires soon.

    One row per certificate (``kind`` + ``record_id``), expiry date and institution, so the nightly job
    tells each institution once per expiry: a second run sends nothing, and a renewed certificate (a new
    expiry date) is reminded afresh. ``record_id`` is not a foreign key: the record it names may be one of
    two models, and the row must outlive a deleted certificate so the reminder is not sent again."""

    kind = models.CharField(_("证书类型"), max_length=20, choices=ExpiryReminderKind.choices)
    record_id = models.PositiveBigIntegerField(_("证书记录"))
    expires_on = models.DateField(_("有效期至"))
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(_("提醒时间"))

    class Meta:
        verbose_name = _("证书到期提醒")
        verbose_name_plural = _("证书到期提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "record_id", "expires_on", "institution"],
                name="staff_expiryreminder_once_per_expiry",
                violation_error_message=_("该证书的到期提醒已发送。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.record_id} {self.expires_on}"
