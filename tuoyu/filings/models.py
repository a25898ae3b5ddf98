"""Filing (备案) with the county health bureau: the workflow, its timeline and its materials."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FilingKind(models.TextChoices):
    INITIAL = "initial", _("备案")
    CHANGE = "change", _("变更备案")
    CANCELLATION = "cancellation", _("注销备案")


class FilingState(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class MaterialKind(models.TextChoices):
    """The materials of 备案办法 art. 8 (FIL-01)."""

    REGISTRATION_CERTIFICATE = "registration_certificate", _("营业执照或法人登记证书")
    PREMISES_PROOF = "premises_proof", _("场地证明")
    STAFF_QUALIFICATIONS = "staff_qualifications", _("工作人员专业资格证明")
    STAFF_HEALTH_CERTIFICATES = "staff_health_certificates", _("工作人员健康合格证明")
    HEALTH_ASSESSMENT = "health_assessment", _("托幼机构卫生评价报告")
    FIRE_SAFETY = "fire_safety", _("消防安全检查合格证明")
    FOOD_LICENCE = "food_licence", _("食品经营许可证")
    SETTLEMENT_PLAN = "settlement_plan", _("婴幼儿和工作人员安置方案")
    OTHER = "other", _("其他材料")


class Filing(models.Model):
    """One filing (备案/变更/注销) of an institution, moved only by the services in filings.services.

    ``version`` makes concurrent reviewer actions safe: an action names the version it saw, and a stale
    one is refused with a conflict.
    """

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="filings"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=FilingKind.choices, default=FilingKind.INITIAL)
    state = models.CharField(_("状态"), max_length=16, choices=FilingState.choices, default=FilingState.DRAFT)
    version = models.PositiveIntegerField(default=1)
    number = models.CharField(_("备案编号"), max_length=32, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    declaration_version = models.CharField(_("承诺书版本"), max_length=16, blank=True)
    declaration_accepted_at = models.DateTimeField(_("承诺时间"), null=True, blank=True)
    declaration_accepted_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    facts = models.JSONField(_("备案书内容"), default=dict, blank=True)
    changed_items = models.JSONField(_("变更事项"), default=list, blank=True)
    settlement_plan = models.TextField(_("安置方案"), blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Denormalised for the reviewer's queue (jurisdiction is a startswith on it).
    region_prefix = models.CharField(max_length=12, db_index=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("备案")
        verbose_name_plural = _("备案")
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~models.Q(number=""), name="filings_filing_number_unique"
            ),
            # At most one filing in progress per institution.
            models.UniqueConstraint(
                fields=["institution"],
                condition=models.Q(state__in=["draft", "submitted", "returned"]),
                name="filings_filing_one_open_per_institution",
                violation_error_message=_("该机构已有正在办理的备案。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.institution_id} {self.get_state_display()}"


class FilingEvent(models.Model):
    """One step of a filing's timeline: who moved it from which state to which, when, and why."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=16)
    from_state = models.CharField(max_length=16, choices=FilingState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=FilingState.choices)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.filing_id}: {self.from_state} → {self.to_state}"


class ReturnReason(models.Model):
    """退回原因: what to fix, one per material or field, attached to the 'return' step."""

    event = models.ForeignKey(FilingEvent, on_delete=models.CASCADE, related_name="reasons")
    item = models.CharField(_("事项"), max_length=64)
    reason = models.CharField(_("原因"), max_length=500)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item}: {self.reason}"


class FilingMaterial(models.Model):
    """An uploaded material of a filing (the file itself is a files.StoredFile, never publicly served)."""

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("材料类型"), max_length=32, choices=MaterialKind.choices)
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filing_id} {self.kind}"


class FilingCounter(models.Model):
    """The last filing number issued per county and year (numbers are 430202-2026-0001)."""

    region_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year"], name="filings_counter_one_per_county_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code}-{self.year}: {self.last}"


class NoticeStatus(models.TextChoices):
    """Where a 核查不符通知 stands (core.workflow: filings/workflow.py NOTICE). Publishing is not a state: a
    notice is made public (published_at) whatever its status."""

    ISSUED = "issued", _("待整改")
    RESPONDED = "responded", _("机构已反馈")
    CLOSED = "closed", _("已办结")


class NonComplianceNotice(models.Model):
    """核查不符通知 (FIL-05): the county bureau found on site that a filed institution does not match its
    filing; it notifies the institution within 15 working days of the finding and makes the notice public.

    ``workdays_to_issue`` is the FIL-05 clock (working days from ``found_on`` to the issue date); a notice
    issued later is still recorded but flagged ``late`` (超时). ``version`` guards the reviewer's and the
    institution's concurrent actions.
    """

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="noncompliance_notices"
    )
    filing = models.ForeignKey(
        Filing, on_delete=models.PROTECT, null=True, blank=True, related_name="noncompliance_notices"
    )
    found_on = models.DateField(_("核查发现日期"))
    items = models.JSONField(_("不符事项"), default=list)
    required_action = models.TextField(_("整改要求"))
    rectify_by = models.DateField(_("整改期限"))
    issued_at = models.DateTimeField(_("通知时间"))
    issued_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    workdays_to_issue = models.PositiveSmallIntegerField(_("发现至通知工作日数"))
    clock_provisional = models.BooleanField(default=False)
    late = models.BooleanField(_("超时"), default=False)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    institution_response = models.TextField(_("整改情况"), blank=True)
    responded_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    responded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closing_comment = models.TextField(_("办结意见"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED, db_index=True
    )
    version = models.PositiveIntegerField(default=1)
    # Denormalised for jurisdiction (a startswith on it), as on Filing.
    region_prefix = models.CharField(max_length=12, db_index=True, editable=False)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("核查不符通知")
        verbose_name_plural = _("核查不符通知")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rectify_by__gte=models.F("found_on")),
                name="filings_noncompliancenotice_rectify_after_finding",
                violation_error_message="整改期限不能早于核查发现日期。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.found_on:%Y-%m-%d}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_closed(self) -> bool:
        return self.status == NoticeStatus.CLOSED
