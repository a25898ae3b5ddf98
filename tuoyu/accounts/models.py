"""Accounts: people, their roles and where those roles apply (属地管理)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuoyu.core.fields import BlindIndexField, EncryptedTextField
from tuoyu.core.masking import mask_id_number, mask_mobile
from tuoyu.core.validators import normalize_id_number, normalize_mobile


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市级管理员")
    REGULATOR = "regulator", _("监管人员")
    INSPECTOR = "inspector", _("协同部门检查人员")
    REGISTRATION_CLERK = "registration_clerk", _("登记机关人员")
    INSTITUTION_ADMIN = "institution_admin", _("机构管理员")
    INSTITUTION_STAFF = "institution_staff", _("机构工作人员")
    HEALTH_WORKER = "health_worker", _("保健人员")
    PARENT = "parent", _("家长")
    AUDITOR = "auditor", _("审计员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


REGION_ROLES = {Role.CITY_ADMIN, Role.REGULATOR, Role.INSPECTOR, Role.REGISTRATION_CLERK}
INSTITUTION_ROLES = {Role.INSTITUTION_ADMIN, Role.INSTITUTION_STAFF, Role.HEALTH_WORKER}
GLOBAL_ROLES = {Role.AUDITOR, Role.SYSTEM_ADMIN}
# Roles that must pass a second factor (等保2.0 三级: 双因素认证 for privileged users).
MFA_ROLES = {Role.CITY_ADMIN, Role.REGULATOR, Role.INSPECTOR, Role.AUDITOR, Role.SYSTEM_ADMIN}


class RegistrationAuthority(models.TextChoices):
    """The authority that registers an institution (登记机关); a registration clerk's membership names one.
    Here, not in institutions, because a membership (this app) holds it and accounts sits below institutions."""

    STAFFING_OFFICE = "staffing_office", _("机构编制部门")
    CIVIL_AFFAIRS = "civil_affairs", _("民政部门")
    MARKET_REGULATION = "market_regulation", _("市场监管部门")


# Institution columns a membership does not load (``User.active_memberships``).
MEMBERSHIP_INSTITUTION_DEFERRED = (
    "business_scope",
    "legal_rep_id_number",
    "legal_rep_id_index",
    "director_id_number",
    "director_id_index",
    "phone",
    "director_training_certificate",
    "food_licence_number",
    "insurance_policy_number",
)


class User(AbstractUser):
    """A person who signs in: regulator, institution staff, parent, auditor or administrator."""

    real_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedTextField(_("手机号"))
    phone_index = BlindIndexField(source="phone", normalize=normalize_mobile)
    # 实名制: optional resident ID number, for staff accounts that must be real-name verified.
    id_number = EncryptedTextField(_("身份证号"))
    id_number_index = BlindIndexField(source="id_number", normalize=normalize_id_number)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def phone_masked(self) -> str:
        return mask_mobile(self.phone)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    def active_memberships(self) -> list[Membership]:
        cache = getattr(self, "_membership_cache", None)
        if cache is None:
            # The institution's sealed and long columns are deferred: every signed-in request loads the
            # memberships, and none of it reads them (a page that does loads them when it reads them).
            cache = list(
                self.memberships.filter(is_active=True)
                .select_related("region", "institution")
                .defer(*(f"institution__{name}" for name in MEMBERSHIP_INSTITUTION_DEFERRED))
            )
            self._membership_cache = cache
        return cache

    def roles(self) -> set[str]:
        return {m.role for m in self.active_memberships()}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles() & set(roles))

    @property
    def requires_mfa(self) -> bool:
        return bool(self.roles() & MFA_ROLES) or self.is_superuser


class Membership(models.Model):
    """A role a user holds, and where it applies: a region (regulators) or an institution (staff)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("辖区")
    )
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("机构")
    )
    department = models.CharField(_("单位"), max_length=100, blank=True)
    # For registration clerks: which registration authority they work for (机构编制/民政/市场监管).
    authority = models.CharField(
        _("登记机关"), max_length=24, choices=RegistrationAuthority.choices, blank=True
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        role__in=sorted(r.value for r in REGION_ROLES),
                        region__isnull=False,
                        institution__isnull=True,
                    )
                    | models.Q(
                        role__in=sorted(r.value for r in INSTITUTION_ROLES),
                        institution__isnull=False,
                        region__isnull=True,
                    )
                    | models.Q(
                        role__in=sorted(r.value for r in GLOBAL_ROLES | {Role.PARENT}),
                        region__isnull=True,
                        institution__isnull=True,
                    )
                ),
                name="accounts_membership_scope_matches_role",
                violation_error_message="a regulator role binds a region, an institution role an institution",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region", "institution"],
                name="accounts_membership_unique",
                violation_error_message=_("该用户已有这一角色。"),
            ),
        ]

    def __str__(self) -> str:
        where = self.region or self.institution or ""
        return f"{self.user} · {self.get_role_display()} · {where}"


class PasswordHistory(models.Model):
    """Hashes of a user's earlier passwords, so the last five cannot be reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


TOKEN_PREFIX = "tuoyu_"
# Owners are told once when a token of theirs expires within this many days (tuoyu tick).
API_TOKEN_REMINDER_DAYS = 14


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenRevocation(models.TextChoices):
    """Why a token was revoked (吊销原因): its owner did it, or a change to the account ended it."""

    OWNER = "owner", _("本人吊销")
    PASSWORD_CHANGE = "password_change", _("密码已修改")
    ACCOUNT_DISABLED = "account_disabled", _("账号已停用")
    ROLE_CHANGE = "role_change", _("角色已变更")


class ApiToken(models.Model):
    """A personal API token (个人API令牌, for systems such as registration authorities). Only its hash is stored.

    A token acts with its owner's whole permissions but cannot mint tokens (that needs the browser session).
    It ends when its owner revokes it, when it expires, and when the account changes under it: a password
    change, deactivation or any role change revokes every active token of the owner (``revoked_reason``).

    Every token created since expiry was introduced has an ``expires_at`` (等保2.0: credentials have a lifetime,
    ``settings.API_TOKEN_DAYS`` at most). Tokens created before that have none and work until revoked.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    key_prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    # Empty for tokens revoked before the reason was kept (and for active ones).
    revoked_reason = models.CharField(
        _("吊销原因"), max_length=24, choices=TokenRevocation.choices, blank=True, default=""
    )
    # Null only for tokens created before expiry existed: those keep working until revoked.
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    # When tick told the owner that this token expires soon (once per token).
    expiry_notified_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def expires_soon(self) -> bool:
        """Still valid, but expiring within API_TOKEN_REMINDER_DAYS (the list page warns)."""
        if self.expires_at is None or self.revoked_at is not None or self.is_expired:
            return False
        return self.expires_at - timezone.now() <= dt.timedelta(days=API_TOKEN_REMINDER_DAYS)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @staticmethod
    def new_secret() -> tuple[str, str, str]:
        """(full token to show once, its lookup prefix, its hash)."""
        prefix = secrets.token_hex(4)
        full = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        return full, prefix, _hash_token(full)

    @staticmethod
    def hash(full: str) -> str:
        return _hash_token(full)
