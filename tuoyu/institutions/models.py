"""Childcare institutions (托育机构) and the registrations (登记) that bring them onto the platform."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import RegistrationAuthority
from tuoyu.core.fields import BlindIndexField, EncryptedTextField
from tuoyu.core.masking import is_mobile, mask_id_number, mask_phone
from tuoyu.core.validators import normalize_id_number, validate_official_name, validate_uscc


class InstitutionKind(models.TextChoices):
    CENTER = "center", _("托育机构")
    HOME_POINT = "home_point", _("家庭托育点")


class LegalPersonKind(models.TextChoices):
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    SOCIAL_SERVICE_ORG = "social_service_org", _("社会服务机构")
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")


class FilingStatus(models.TextChoices):
    """Where the institution stands with the county health bureau (the filing issue adds the workflow)."""

    REGISTERED = "registered", _("已登记未备案")
    FILED = "filed", _("已备案")
    CANCELLED = "cancelled", _("已注销")


class ServiceType(models.TextChoices):
    """托育服务类型: the four kinds of care (备案办法 art. 2); an institution offers some of them."""

    FULL_DAY = "full_day", _("全日托")
    HALF_DAY = "half_day", _("半日托")
    HOURLY = "hourly", _("计时托")
    TEMPORARY = "temporary", _("临时托")


class SettingMode(models.TextChoices):
    """设置方式 (托育机构设置标准（试行）): set up on its own, or within a host."""

    INDEPENDENT = "independent", _("独立设置")
    ATTACHED = "attached", _("附设（依托幼儿园、用人单位、社区等）")


class PremisesTenure(models.TextChoices):
    OWN = "own", _("自有")
    LEASED = "leased", _("租赁")


class Education(models.TextChoices):
    JUNIOR_HIGH = "junior_high", _("初中及以下")
    SENIOR_HIGH = "senior_high", _("高中/中专")
    JUNIOR_COLLEGE = "junior_college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


# FIL-02 (备案办法 art. 4): which authority registers which kind of legal person.
AUTHORITY_FOR_LEGAL_PERSON = {
    LegalPersonKind.PUBLIC_INSTITUTION: RegistrationAuthority.STAFFING_OFFICE,
    LegalPersonKind.SOCIAL_SERVICE_ORG: RegistrationAuthority.CIVIL_AFFAIRS,
    LegalPersonKind.ENTERPRISE: RegistrationAuthority.MARKET_REGULATION,
    LegalPersonKind.INDIVIDUAL_BUSINESS: RegistrationAuthority.MARKET_REGULATION,
}


class Institution(models.Model):
    """A childcare institution (托育机构) or home childcare point (家庭托育点).

    Registration facts come from the registration authority; the filing (备案) adds premises, staff and
    safety facts. ``version`` guards against two people overwriting each other's edits.
    """

    name = models.CharField(_("机构名称"), max_length=200, validators=[validate_official_name])
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        error_messages={"unique": _("该统一社会信用代码已登记。")},
    )
    kind = models.CharField(
        _("类型"), max_length=16, choices=InstitutionKind.choices, default=InstitutionKind.CENTER
    )
    legal_person_kind = models.CharField(
        _("法人类型"), max_length=24, choices=LegalPersonKind.choices, default=LegalPersonKind.ENTERPRISE
    )
    is_for_profit = models.BooleanField(_("营利性"), default=True)
    is_public = models.BooleanField(_("公办"), default=False)
    is_affordable = models.BooleanField(_("普惠性"), default=False)

    registration_authority = models.CharField(
        _("登记机关"), max_length=24, choices=RegistrationAuthority.choices, blank=True
    )
    registration_date = models.DateField(_("登记日期"), null=True, blank=True)
    business_scope = models.TextField(_("经营（业务）范围"), blank=True)

    legal_rep_name = models.CharField(_("法定代表人"), max_length=50, blank=True)
    legal_rep_id_number = EncryptedTextField(_("法定代表人身份证号"))
    legal_rep_id_index = BlindIndexField(source="legal_rep_id_number", normalize=normalize_id_number)
    director_name = models.CharField(_("负责人"), max_length=50, blank=True)
    director_id_number = EncryptedTextField(_("负责人身份证号"))
    director_id_index = BlindIndexField(source="director_id_number", normalize=normalize_id_number)
    director_education = models.CharField(
        _("负责人学历"), max_length=16, choices=Education.choices, blank=True
    )
    director_management_years = models.PositiveSmallIntegerField(
        _("负责人管理经验（年）"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    director_training_certificate = models.CharField(_("负责人岗位培训证书编号"), max_length=64, blank=True)

    address = models.CharField(_("地址"), max_length=300, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="institutions", verbose_name=_("所在区划")
    )
    # Denormalised region prefix, so jurisdiction is one indexed startswith (kept by save()).
    region_prefix = models.CharField(max_length=12, db_index=True, editable=False)
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # A mobile number is a person's: sealed like the ID numbers, and masked wherever it shows (mask_phone).
    phone = EncryptedTextField(_("联系电话"))

    offers_full_day = models.BooleanField(_("全日托"), default=False)
    offers_half_day = models.BooleanField(_("半日托"), default=False)
    offers_hourly = models.BooleanField(_("计时托"), default=False)
    offers_temporary = models.BooleanField(_("临时托"), default=False)
    min_age_months = models.PositiveSmallIntegerField(
        _("最小收托月龄"), null=True, blank=True, validators=[MaxValueValidator(36)]
    )
    max_age_months = models.PositiveSmallIntegerField(
        _("最大收托月龄"), null=True, blank=True, validators=[MaxValueValidator(36)]
    )
    capacity = models.PositiveIntegerField(
        _("托位数"), null=True, blank=True, validators=[MaxValueValidator(2000)]
    )
    opening_hours = models.CharField(_("服务时间"), max_length=100, blank=True)

    # Meals (膳食): a food business licence is a filing material when meals are served (FIL-01).
    serves_meals = models.BooleanField(_("提供膳食"), default=False)
    food_licence_number = models.CharField(_("食品经营许可证编号"), max_length=64, blank=True)
    food_licence_date = models.DateField(_("食品经营许可证发证日期"), null=True, blank=True)

    # Premises (场地): own, or leased for at least 3 years at filing (设置标准).
    premises_tenure = models.CharField(
        _("场地性质"), max_length=8, choices=PremisesTenure.choices, blank=True
    )
    lease_start = models.DateField(_("租赁起始日"), null=True, blank=True)
    lease_end = models.DateField(_("租赁到期日"), null=True, blank=True)
    floors_used = models.CharField(_("使用楼层"), max_length=50, blank=True, help_text=_("如 1-2 或 1,3"))
    uses_basement = models.BooleanField(_("使用地下室"), default=False)
    indoor_area_m2 = models.DecimalField(
        _("室内面积（㎡）"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    outdoor_area_m2 = models.DecimalField(
        _("室外活动面积（㎡）"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    has_observation_room = models.BooleanField(_("设有观察室"), default=False)
    # SIT-06: the setting standard lets an institution without enough outdoor space of its own use safe public
    # space nearby (a park, a community square) for outdoor activity.
    uses_public_outdoor_space = models.BooleanField(_("利用周边安全的公共场地开展户外活动"), default=False)
    # STF-04: the setting standard asks a guard of an independently set up (独立设置) institution; one set up
    # within a kindergarten, an employer or a community centre shares its host's security.
    setting_mode = models.CharField(
        _("设置方式"),
        max_length=12,
        choices=SettingMode.choices,
        blank=True,
        help_text=_("未填写时按独立设置核查保安配备。"),
    )

    # Surveillance (视频监控), attested by the institution: coverage and retention (≥ 90 days, 管理规范 art. 32).
    camera_count = models.PositiveSmallIntegerField(_("摄像头数量"), null=True, blank=True)
    cameras_cover_entrances = models.BooleanField(_("覆盖出入口"), default=False)
    cameras_cover_children_areas = models.BooleanField(_("覆盖婴幼儿生活和活动区域"), default=False)
    recording_retention_days = models.PositiveSmallIntegerField(
        _("录像保存天数"), null=True, blank=True, validators=[MaxValueValidator(3650)]
    )
    surveillance_attested = models.BooleanField(_("机构已承诺监控情况属实"), default=False)

    has_liability_insurance = models.BooleanField(_("已投保责任保险"), default=False)
    insurance_policy_number = models.CharField(_("保单号"), max_length=64, blank=True)

    filing_status = models.CharField(
        _("备案状态"),
        max_length=16,
        choices=FilingStatus.choices,
        default=FilingStatus.REGISTERED,
        db_index=True,
    )
    registered_at = models.DateTimeField(_("登记信息接收时间"), null=True, blank=True)
    # When the initial filing was accepted (备案日期): the public list's default sort, kept here so the sort is
    # an index scan instead of a correlated subquery over every filed institution's filings.
    filed_at = models.DateTimeField(_("备案通过时间"), null=True, blank=True)
    filing_reminded_at = models.DateTimeField(_("最近一次备案提醒"), null=True, blank=True)
    filing_overdue_at = models.DateTimeField(_("标记逾期未备案时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("托育机构")
        verbose_name_plural = _("托育机构")
        indexes = [
            models.Index(fields=["filing_status", "filed_at"], name="institutions_filed_at"),
            # A filing status within a jurisdiction (the bureau's "registered, not filed" counts and list): the
            # status and the prefix range in one index — with only ``filing_status`` indexed, SQLite reads
            # every institution of that status in the province; the overdue mark makes the count covered.
            models.Index(
                fields=["filing_status", "region_prefix", "filing_overdue_at"],
                name="institutions_status_prefix",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lease_start__isnull=True)
                | models.Q(lease_end__isnull=True)
                | models.Q(lease_start__lt=models.F("lease_end")),
                name="institutions_institution_lease_ordered",
                violation_error_message="租赁到期日须晚于起始日。",
            ),
            models.CheckConstraint(
                condition=models.Q(min_age_months__isnull=True)
                | models.Q(max_age_months__isnull=True)
                | models.Q(min_age_months__lte=models.F("max_age_months")),
                name="institutions_institution_age_range_ordered",
                violation_error_message="最小收托月龄不能大于最大收托月龄。",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.region_prefix = self.region.prefix
        super().save(*args, **kwargs)

    @property
    def legal_rep_id_masked(self) -> str:
        return mask_id_number(self.legal_rep_id_number)

    @property
    def director_id_masked(self) -> str:
        return mask_id_number(self.director_id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def phone_is_mobile(self) -> bool:
        return is_mobile(self.phone)

    @property
    def service_types(self) -> list[str]:
        return [str(t.label) for t in ServiceType if getattr(self, f"offers_{t.value}")]


class InstitutionRevision(models.Model):
    """One saved change to an institution: who, when, and each changed field's old and new value.

    Encrypted fields appear only as "changed", never with their values.
    """

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=32)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "version"], name="institutions_revision_one_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} v{self.version}"

    def change_list(self) -> list[tuple[str, str | None, str | None]]:
        """Each change as the page shows it: the field's label (机构名称, not ``name``), and its old and new
        values as labels too (a choice's label, 是/否) — both None for an encrypted field, which the revision
        records only as changed, and for the region, recorded by key and code."""
        out: list[tuple[str, str | None, str | None]] = []
        for name, change in self.changes.items():
            try:
                field = Institution._meta.get_field(name)
            except FieldDoesNotExist:
                out.append((name, None, None))
                continue
            label = str(getattr(field, "verbose_name", name))
            if not isinstance(change, list) or name == "region" or len(change) != 2:
                out.append((label, None, None))
                continue
            out.append((label, _shown(field, change[0]), _shown(field, change[1])))
        return out


def _shown(field: Any, value: str | None) -> str:
    """A stored value (as text) the way a person reads it."""
    if value in (None, ""):
        return "—"
    if isinstance(field, models.BooleanField) and value in ("True", "False"):
        value_of = value == "True"
        labels = dict(field.flatchoices) if field.choices else {True: _("是"), False: _("否")}
        return str(labels.get(value_of, value))
    if field.choices:
        return str({str(k): v for k, v in field.flatchoices}.get(value, value))
    return value


class RegistrationSource(models.TextChoices):
    WEB = "web", _("网页录入")
    EXCEL = "excel", _("Excel批量导入")
    API = "api", _("系统推送")


class RegistrationOutcome(models.TextChoices):
    CREATED = "created", _("新增")
    UPDATED = "updated", _("更新")
    UNCHANGED = "unchanged", _("无变化")


class Registration(models.Model):
    """登记信息推送: one registration record received from a registration authority.

    A retry with the same source event id (or Idempotency-Key) returns this record and creates nothing new.
    """

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="registrations")
    authority = models.CharField(_("登记机关"), max_length=24, choices=RegistrationAuthority.choices)
    source = models.CharField(_("来源"), max_length=8, choices=RegistrationSource.choices)
    source_event_id = models.CharField(_("来源事件编号"), max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    payload = models.JSONField(_("登记数据"))
    # A keyed fingerprint (core.crypto.fingerprint) of the record in full, to recognise a retry.
    payload_hash = models.CharField(max_length=80)
    outcome = models.CharField(_("处理结果"), max_length=16, choices=RegistrationOutcome.choices)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("登记信息")
        verbose_name_plural = _("登记信息")
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "source_event_id"],
                condition=~models.Q(source_event_id=""),
                name="institutions_registration_event_once",
            ),
            models.UniqueConstraint(
                fields=["recorded_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="institutions_registration_idempotency_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_authority_display()} {self.institution_id} {self.recorded_at:%Y-%m-%d}"


class Invitation(models.Model):
    """邀请: a one-time link with which the institution's administrator opens their account.

    Only a hash of the link's secret is stored; the link is shown once to the health bureau, which passes
    it to the institution. It expires after ``INVITATION_DAYS`` days and works once.
    """

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invitee_name = models.CharField(_("被邀请人"), max_length=50)
    invitee_phone = EncryptedTextField(_("被邀请人手机号"))
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    used_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("机构管理员邀请")
        verbose_name_plural = _("机构管理员邀请")

    def __str__(self) -> str:
        return f"{self.institution_id} → {self.invitee_name}"

    @property
    def status(self) -> str:
        from django.utils import timezone

        if self.used_at:
            return str(_("已使用"))
        if self.revoked_at:
            return str(_("已作废"))
        if self.expires_at <= timezone.now():
            return str(_("已过期"))
        return str(_("待使用"))


# --- rooms and classes (园舍与班级): what the compliance rules read ------------------------------------


class RoomUse(models.TextChoices):
    ACTIVITY = "activity", _("活动室")
    SLEEP = "sleep", _("寝室")
    ACTIVITY_SLEEP = "activity_sleep", _("活动兼寝室")
    OBSERVATION = "observation", _("保健观察室")
    TOILET = "toilet", _("卫生间")
    KITCHEN = "kitchen", _("厨房")
    OTHER = "other", _("其他")


# Rooms where children live and play (the floor and basement rules, SIT-02; windows, SIT-04).
CHILDREN_ROOM_USES = (RoomUse.ACTIVITY, RoomUse.SLEEP, RoomUse.ACTIVITY_SLEEP, RoomUse.OBSERVATION)
# The rooms a class may be given as its own (never the 保健观察室, which is for a child who falls ill).
CLASS_ROOM_USES = (RoomUse.ACTIVITY, RoomUse.ACTIVITY_SLEEP)


class Room(models.Model):
    """A room of an institution's premises (生活用房等)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("房间名称"), max_length=50, validators=[validate_official_name])
    floor = models.SmallIntegerField(
        _("所在楼层"),
        validators=[MinValueValidator(-5), MaxValueValidator(60)],
        help_text=_("地上楼层写 1、2、3……，地下写 -1、-2"),
    )
    below_ground = models.BooleanField(_("地下或半地下"), default=False)
    floor_area_m2 = models.DecimalField(
        _("使用面积（㎡）"),
        max_digits=7,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("100000"))],
    )
    window_area_m2 = models.DecimalField(
        _("窗洞口面积（㎡）"),
        max_digits=7,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100000"))],
    )
    use = models.CharField(_("用途"), max_length=16, choices=RoomUse.choices)
    camera_count = models.PositiveSmallIntegerField(
        _("覆盖本房间的摄像头数"), default=0, validators=[MaxValueValidator(100)]
    )
    beds = models.PositiveSmallIntegerField(_("床位数"), default=0, validators=[MaxValueValidator(500)])
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("房间")
        verbose_name_plural = _("房间")
        ordering = ["institution_id", "floor", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name"],
                name="institutions_room_unique_name",
                violation_error_message=_("本机构已有同名的房间。"),
            ),
            models.CheckConstraint(
                condition=models.Q(floor_area_m2__gt=0), name="institutions_room_area_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(window_area_m2__gte=0), name="institutions_room_window_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClassType(models.TextChoices):
    """班级类型 (设置标准 art. 19): the age band and the size cap come with the type (CLS-01…05)."""

    INFANT = "infant", _("乳儿班")
    TODDLER = "toddler", _("托小班")
    OLDER_TODDLER = "older_toddler", _("托大班")
    MIXED = "mixed", _("混龄班")
    HOME_GROUP = "home_group", _("家庭托育点看护组")


def class_types_for(institution: Institution) -> list[ClassType]:
    """The class types an institution may keep: a home childcare point its care groups, a centre the rest."""
    if institution.kind == InstitutionKind.HOME_POINT:
        return [ClassType.HOME_GROUP]
    return [t for t in ClassType if t != ClassType.HOME_GROUP]


class CareClass(models.Model):
    """A class (班级): its type, its room and its planned size. Caregivers are assigned in ``staff``;
    children are enrolled in ``children``."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(_("班级名称"), max_length=50, validators=[validate_official_name])
    class_type = models.CharField(_("班级类型"), max_length=16, choices=ClassType.choices)
    room = models.ForeignKey(
        Room,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="classes",
        verbose_name=_("活动室"),
    )
    planned_size = models.PositiveSmallIntegerField(
        _("计划班额"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    closed_on = models.DateField(_("撤班日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("班级")
        verbose_name_plural = _("班级")
        ordering = ["institution_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "name"],
                name="institutions_class_unique_name",
                violation_error_message=_("本机构已有同名的班级。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


# --- region transfers (跨辖区区划变更): a registration that moves an institution to another county --------


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    SUPERSEDED = "superseded", _("已被新登记取代")


class RegionTransfer(models.Model):
    """跨辖区区划变更申请: a registration stated a region in another county than the institution's, which
    would move it, its children and its staff to another health bureau. The registration records everything
    else; the region stays until a health-bureau user over both counties (the city) approves the move.

    At most one request per institution is pending: a later registration supersedes it.
    """

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="region_transfers", verbose_name=_("机构")
    )
    from_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("原区划")
    )
    to_region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("申请变更为")
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="region_transfers", verbose_name=_("登记信息")
    )
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=TransferStatus.choices,
        default=TransferStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("区划变更申请")
        verbose_name_plural = _("区划变更申请")
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=models.Q(status="pending"),
                name="institutions_regiontransfer_one_pending",
                violation_error_message=_("该机构已有待审核的区划变更申请。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(from_region=models.F("to_region")),
                name="institutions_regiontransfer_moves",
                violation_error_message="区划变更申请的原区划与新区划相同。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution_id}: {self.from_region_id} → {self.to_region_id}"
