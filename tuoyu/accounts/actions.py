"""The audit actions the accounts app writes: accounts, roles, API tokens, sign-in and two-step verification
(see tuoyu.audit.registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    USER_CREATE = "user.create", _("创建账号")
    USER_ACTIVATE = "user.activate", _("启用账号")
    USER_DEACTIVATE = "user.deactivate", _("停用账号")
    USER_PASSWORD_CHANGE = "user.password_change", _("修改密码")
    USER_PHONE_REVEAL = "user.phone_reveal", _("查看账号手机号明文")
    USER_ID_NUMBER_REVEAL = "user.id_number_reveal", _("查看账号身份证号明文")
    MEMBERSHIP_GRANT = "membership.grant", _("授予角色")
    MEMBERSHIP_REVOKE = "membership.revoke", _("撤销角色")
    API_TOKEN_CREATE = "api_token.create", _("创建API令牌")
    API_TOKEN_REVOKE = "api_token.revoke", _("吊销API令牌")
    API_TOKEN_REJECT = "api_token.reject", _("拒绝无效API令牌")
    API_TOKEN_EXPIRY_REMINDER = "api_token.expiry_reminder", _("提醒API令牌即将到期")
    AUTH_LOGIN = "auth.login", _("登录")
    AUTH_LOGOUT = "auth.logout", _("退出登录")
    AUTH_LOGIN_FAILED = "auth.login_failed", _("登录失败")
    AUTH_LOCKOUT = "auth.lockout", _("多次登录失败被锁定")
    MFA_ENROL = "mfa.enrol", _("绑定两步验证")
    MFA_ENROL_FAILED = "mfa.enrol_failed", _("绑定两步验证失败")
    MFA_VERIFY = "mfa.verify", _("两步验证通过")
    MFA_VERIFY_FAILED = "mfa.verify_failed", _("两步验证失败")
