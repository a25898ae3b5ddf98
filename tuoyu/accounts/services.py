"""Writes about accounts: people, roles, passwords, API tokens. Each is audited in its transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.models import ApiToken, Membership, PasswordHistory, TokenRevocation, User
from tuoyu.accounts.reveals import USER_REVEAL
from tuoyu.audit.models import Outcome
from tuoyu.audit.reveals import personal_data_reveal
from tuoyu.audit.services import audit_record, model_snapshot
from tuoyu.core import context, scoping
from tuoyu.core.errors import DomainError, PermissionDenied
from tuoyu.core.validators import validate_id_number, validate_mobile


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    real_name: str = "",
    phone: str = "",
    email: str = "",
    id_number: str = "",
    by: User | None = None,
    validate: bool = True,
) -> User:
    user = User(username=username, real_name=real_name, email=email)
    if phone:
        user.phone = validate_mobile(phone)
    if id_number:
        user.id_number = validate_id_number(id_number)
    if validate:
        validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record("user.create", obj=user, actor=by, after=model_snapshot(user))
    return user


@transaction.atomic
def membership_grant(
    *,
    user: User,
    role: str,
    region: Any = None,
    institution: Any = None,
    department: str = "",
    authority: str = "",
    by: User | None = None,
) -> Membership:
    """Give a user a role where it applies (or reactivate it). A role the user did not hold before revokes
    their active API tokens, as removing one does: a token acts with all its owner's roles, and one issued
    for a clerk's system must not turn into an administrator's credential."""
    from tuoyu.accounts.models import Role

    if role == Role.REGISTRATION_CLERK and not authority:
        raise DomainError("authority_required", _("登记机关人员须指定所属登记机关。"), field="authority")
    membership, created = Membership.objects.get_or_create(
        user=user,
        role=role,
        region=region,
        institution=institution,
        defaults={
            "department": department,
            "authority": authority if role == Role.REGISTRATION_CLERK else "",
        },
    )
    changed = created
    if not created and (not membership.is_active or (authority and membership.authority != authority)):
        membership.is_active = True
        if authority and role == Role.REGISTRATION_CLERK:
            membership.authority = authority
        membership.save(update_fields=["is_active", "authority"])
        changed = True
    audit_record("membership.grant", obj=membership, actor=by, after=model_snapshot(membership))
    if changed:
        # A token acts with all its owner's roles: one minted before this grant must not gain the new one.
        _api_tokens_revoke_all(user=user, reason=TokenRevocation.ROLE_CHANGE, by=by)
    user.__dict__.pop("_membership_cache", None)
    return membership


@transaction.atomic
def password_change(*, user: User, new_password: str) -> User:
    """Set a new password after the policy (length, classes, username, history) accepts it.

    Every active API token of the user is revoked with it (a leaked password may have minted them); the
    owner is told in their notifications. This is the one place a password is changed — the user's own
    change and the forced change of an expired password both come here."""
    validate_password(new_password, user)
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = user.password_history.values_list("id", flat=True)[5:]
        PasswordHistory.objects.filter(id__in=list(stale)).delete()
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    audit_record("user.password_change", obj=user, actor=user)
    _api_tokens_revoke_all(user=user, reason=TokenRevocation.PASSWORD_CHANGE, by=user)
    return user


def password_expired(user: User, *, now: dt.datetime | None = None) -> bool:
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    if user.password_changed_at is None:
        return True
    return (now or timezone.now()) - user.password_changed_at > dt.timedelta(days=days)


REVEALABLE_FIELDS = USER_REVEAL.fields


def user_pii_reveal(*, viewer: User, user_id: int, field: str) -> str:
    """A full phone or ID number, for those allowed to see it; every reveal is audited (audit.reveals)."""
    return personal_data_reveal(viewer=viewer, revealable=USER_REVEAL, pk=user_id, field=field)


def api_token_create(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token valid for ``days`` (default and maximum: settings.API_TOKEN_DAYS); the full secret is
    returned once and only its hash is kept. The audit event records the lifetime, never the secret.

    A request authenticated with an API token may not mint tokens (``token_cannot_mint``, 403, audited as
    denied): a token could otherwise hand out a longer-lived copy of itself that survives its revocation.
    Minting needs the browser session, with the second factor where the role requires it. The token comes
    from the request context (``TokenAuth`` puts it there), so no caller can forget to pass it.
    """
    via = context.current().api_token
    if via is not None:
        # Recorded before raising and outside the creation's transaction, so the refusal stays in the trail.
        audit_record(
            "api_token.create",
            object_type="accounts.apitoken",
            actor=user,
            outcome=Outcome.DENIED,
            detail={"reason": "token_cannot_mint", "via_token": via.pk, "via_prefix": via.key_prefix},
        )
        raise PermissionDenied(
            "token_cannot_mint", _("API令牌不能用来创建令牌，请登录网页在“API令牌”页面创建。")
        )
    return _api_token_create(user=user, name=name, days=days)


@transaction.atomic
def _api_token_create(*, user: User, name: str, days: int | None) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name:
        raise DomainError("token_name_required", _("请填写令牌名称。"), field="name")
    if len(name) > 100:
        raise DomainError("token_name_too_long", _("令牌名称不能超过100个字符。"), field="name")
    longest = settings.API_TOKEN_DAYS
    if days is None:
        days = longest
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= longest:
        raise DomainError(
            "token_days_out_of_range",
            _("有效天数须为1至%(max)d之间的整数。") % {"max": longest},
            field="days",
        )
    full, prefix, digest = ApiToken.new_secret()
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_prefix=prefix,
        key_hash=digest,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    audit_record(
        "api_token.create",
        obj=token,
        actor=user,
        after={"name": name, "prefix": prefix},
        detail={"days": days, "expires_at": token.expires_at.isoformat()},
    )
    return token, full


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """The owner revokes one of their tokens (by session or with a token of their own; another user's
    answers 404)."""
    token = scoping.get_scoped_or_404(user, "change", ApiToken.objects.select_for_update(), pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_reason = TokenRevocation.OWNER
        token.save(update_fields=["revoked_at", "revoked_reason"])
        audit_record("api_token.revoke", obj=token, actor=user, after={"revoked_at": token.revoked_at})
    return token


def _api_tokens_revoke_all(*, user: User, reason: str, by: User | None) -> int:
    """Revoke every active token of ``user`` in the caller's transaction, because the account changed under
    them (``reason``: password change, deactivation, role change). Each revocation is audited like the
    owner's own, with the reason; tokens already revoked or expired stay as they are. The owner is told in
    their notifications (a count and a link, no secrets). Returns how many were revoked."""
    from django.db.models import Q
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy

    from tuoyu.notifications.services import notify

    now = timezone.now()
    tokens = list(
        ApiToken.objects.select_for_update()
        .filter(user=user, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .order_by("pk")
    )
    if not tokens:
        return 0
    ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=now, revoked_reason=reason)
    for token in tokens:
        audit_record(
            "api_token.revoke",
            obj=token,
            actor=by,
            after={"revoked_at": now},
            detail={"reason": reason},
        )
    bodies = {
        TokenRevocation.PASSWORD_CHANGE: gettext_lazy(
            "您的密码已修改，您名下{n}个有效的API令牌已同时吊销，使用它们的对接系统将无法调用接口。"
            "如需继续对接，请创建新令牌并更换。"
        ),
        TokenRevocation.ACCOUNT_DISABLED: gettext_lazy(
            "您的账号已停用，您名下{n}个有效的API令牌已同时吊销。"
        ),
        TokenRevocation.ROLE_CHANGE: gettext_lazy(
            "您的角色授权已变更，您名下{n}个有效的API令牌已同时吊销（令牌按账号的全部权限行事，"
            "角色变更后须重新创建）。如需继续对接，请创建新令牌并更换。"
        ),
    }
    notify(
        recipients=[user],
        kind="api_token.revoked",
        title=gettext_lazy("API令牌已吊销"),
        body=format_lazy(bodies[reason], n=len(tokens)),
        link="/accounts/tokens/",
    )
    return len(tokens)


def api_token_authenticate(full: str) -> ApiToken | None:
    """The presented token, if it is active and its owner too (``token.user``), or None. Failures are
    audited without the secret."""
    from tuoyu.accounts.models import TOKEN_PREFIX

    if not full or not full.startswith(TOKEN_PREFIX) or len(full) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(full)).first()
    now = timezone.now()
    # An expired token is refused exactly like a revoked or unknown one (the caller answers the same 401);
    # only the audit trail, which the auditor reads, says why.
    if token is None:
        reason = "unknown"
    elif token.revoked_at is not None:
        reason = "revoked"
    elif token.expires_at is not None and token.expires_at <= now:
        reason = "expired"
    elif not token.user.is_active:
        reason = "user_inactive"
    else:
        reason = ""
    if reason:
        audit_record(
            "api_token.reject",
            object_type="accounts.apitoken",
            object_id=str(token.pk) if token else "",
            outcome=Outcome.DENIED,
            detail={"prefix": full[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8], "reason": reason},
        )
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def api_token_expiry_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Tell each owner, once per token, that an active token of theirs expires within
    API_TOKEN_REMINDER_DAYS (run nightly by ``tuoyu tick``). Returns how many tokens were reminded.

    One transaction per token: the mark, the notification and the audit event stand or fall together; the
    mark is a conditional update, so two overlapping runs remind a token once. The notification names the
    token by its prefix (as the token list shows it) and gives the date — never the secret.
    """
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy

    from tuoyu.accounts.models import API_TOKEN_REMINDER_DAYS
    from tuoyu.notifications.services import notify

    now = now or timezone.now()
    due = (
        ApiToken.objects.filter(
            revoked_at__isnull=True,
            expiry_notified_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + dt.timedelta(days=API_TOKEN_REMINDER_DAYS),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("expires_at", "pk")
    )
    reminded = 0
    for token in due:
        with transaction.atomic():
            if not ApiToken.objects.filter(pk=token.pk, expiry_notified_at__isnull=True).update(
                expiry_notified_at=now
            ):
                continue
            notify(
                recipients=[token.user],
                kind="api_token.expiring",
                title=gettext_lazy("API令牌即将到期"),
                body=format_lazy(
                    gettext_lazy(
                        "您的API令牌 tuoyu_{prefix}… 将于{date}到期，到期后使用它的对接系统将无法调用接口。"
                        "请及时创建新令牌并更换。"
                    ),
                    prefix=token.key_prefix,
                    date=timezone.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M"),
                ),
                link="/accounts/tokens/",
            )
            audit_record(
                "api_token.expiry_reminder",
                obj=token,
                actor=None,
                detail={"expires_at": token.expires_at.isoformat()},
            )
        reminded += 1
    return reminded


# --- Account administration (system admin) ----------------------------------------------------------


def _require_admin(by: User) -> None:
    from tuoyu.accounts.models import Role

    if not by.has_role(Role.SYSTEM_ADMIN):
        raise PermissionDenied("not_system_admin", _("只有系统管理员可以管理账号。"))


@transaction.atomic
def account_create(
    *,
    by: User,
    username: str,
    real_name: str,
    phone: str,
    password: str,
    role: str,
    region: Any = None,
    institution: Any = None,
    department: str = "",
    id_number: str = "",
    authority: str = "",
) -> User:
    """A system admin opens an account with its first role. Bound region/institution must fit the role."""
    from tuoyu.accounts.models import GLOBAL_ROLES, INSTITUTION_ROLES, REGION_ROLES

    _require_admin(by)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("username_taken", _("该用户名已被使用。"), field="username")
    if role in REGION_ROLES and region is None:
        raise DomainError("region_required", _("该角色须指定辖区。"), field="region")
    if role in INSTITUTION_ROLES and institution is None:
        raise DomainError("institution_required", _("该角色须指定机构。"), field="institution")
    if role in GLOBAL_ROLES and (region is not None or institution is not None):
        raise DomainError("no_scope_for_role", _("该角色不绑定辖区或机构。"), field="role")
    if (
        id_number
        and User.objects.filter(
            id_number_index=User._meta.get_field("id_number_index").index_for(id_number)
        ).exists()
    ):
        raise DomainError("id_number_taken", _("该身份证号已有账号。"), field="id_number")
    user = user_create(
        username=username, password=password, real_name=real_name, phone=phone, id_number=id_number, by=by
    )
    membership_grant(
        user=user,
        role=role,
        region=region if role in REGION_ROLES else None,
        institution=institution if role in INSTITUTION_ROLES else None,
        department=department,
        authority=authority,
        by=by,
    )
    return user


@transaction.atomic
def membership_revoke(*, by: User, membership_id: int) -> Membership:
    """A system admin ends one of a user's roles. Every active API token of that user is revoked with it:
    a token acts with its owner's whole permissions, so any role change invalidates what it was issued
    for (the owner mints new ones for what they still may do)."""
    _require_admin(by)
    membership = scoping.get_scoped_or_404(
        by, "change", Membership.objects.select_for_update(), pk=membership_id
    )
    if membership.user_id == by.pk and membership.role == "system_admin":
        raise DomainError("cannot_revoke_self_admin", _("不能撤销自己的系统管理员角色。"))
    before = model_snapshot(membership)
    was_active = membership.is_active
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit_record(
        "membership.revoke", obj=membership, actor=by, before=before, after=model_snapshot(membership)
    )
    if was_active:
        _api_tokens_revoke_all(user=membership.user, reason=TokenRevocation.ROLE_CHANGE, by=by)
    membership.user.__dict__.pop("_membership_cache", None)
    return membership


@transaction.atomic
def account_set_active(*, by: User, user_id: int, active: bool) -> User:
    """A system admin enables or disables an account. Disabling revokes the user's active API tokens (an
    inactive owner's tokens are refused anyway; revoked, they stay dead if the account is enabled again)."""
    _require_admin(by)
    target = scoping.get_scoped_or_404(by, "change", User.objects.select_for_update(), pk=user_id)
    if target.pk == by.pk and not active:
        raise DomainError("cannot_disable_self", _("不能停用自己的账号。"))
    before = model_snapshot(target, ["is_active"])
    target.is_active = active
    target.save(update_fields=["is_active"])
    audit_record(
        "user.activate" if active else "user.deactivate",
        obj=target,
        actor=by,
        before=before,
        after=model_snapshot(target, ["is_active"]),
    )
    if not active:
        _api_tokens_revoke_all(user=target, reason=TokenRevocation.ACCOUNT_DISABLED, by=by)
    return target
