"""Writes about accounts: people, roles, passwords, API tokens. Each is audited in its transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from tuoyu.accounts.models import ApiToken, Membership, PasswordHistory, User
from tuoyu.audit.models import Outcome
from tuoyu.audit.services import audit_record, model_snapshot
from tuoyu.core import scoping
from tuoyu.core.errors import DomainError
from tuoyu.core.validators import validate_mobile


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    real_name: str = "",
    phone: str = "",
    email: str = "",
    by: User | None = None,
    validate: bool = True,
) -> User:
    user = User(username=username, real_name=real_name, email=email)
    if phone:
        user.phone = validate_mobile(phone)
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
    by: User | None = None,
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, role=role, region=region, institution=institution, defaults={"department": department}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    audit_record("membership.grant", obj=membership, actor=by, after=model_snapshot(membership))
    user.__dict__.pop("_membership_cache", None)
    return membership


@transaction.atomic
def password_change(*, user: User, new_password: str) -> User:
    """Set a new password after the policy (length, classes, username, history) accepts it."""
    validate_password(new_password, user)
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = user.password_history.values_list("id", flat=True)[5:]
        PasswordHistory.objects.filter(id__in=list(stale)).delete()
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    audit_record("user.password_change", obj=user, actor=user)
    return user


def password_expired(user: User, *, now: dt.datetime | None = None) -> bool:
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    if user.password_changed_at is None:
        return True
    return (now or timezone.now()) - user.password_changed_at > dt.timedelta(days=days)


def user_phone_reveal(*, viewer: User, user_id: int) -> str:
    """The full phone number, for those allowed to see it; every reveal is audited."""
    target = scoping.get_scoped_or_404(viewer, "reveal", User, pk=user_id)
    audit_record("user.phone_reveal", obj=target, actor=viewer)
    return target.phone


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the full secret is returned once and only its hash is kept."""
    name = (name or "").strip()
    if not name:
        raise DomainError("token_name_required", "请填写令牌名称。", field="name")
    if len(name) > 100:
        raise DomainError("token_name_too_long", "令牌名称不能超过100个字符。", field="name")
    full, prefix, digest = ApiToken.new_secret()
    token = ApiToken.objects.create(user=user, name=name, key_prefix=prefix, key_hash=digest)
    audit_record("api_token.create", obj=token, actor=user, after={"name": name, "prefix": prefix})
    return token, full


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    token = scoping.get_scoped_or_404(user, "change", ApiToken.objects.select_for_update(), pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record("api_token.revoke", obj=token, actor=user, after={"revoked_at": token.revoked_at})
    return token


def api_token_authenticate(full: str) -> User | None:
    """The active owner of a presented token, or None. Failures are audited without the secret."""
    from tuoyu.accounts.models import TOKEN_PREFIX

    if not full or not full.startswith(TOKEN_PREFIX) or len(full) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(full)).first()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        audit_record(
            "api_token.reject",
            object_type="accounts.apitoken",
            object_id=str(token.pk) if token else "",
            outcome=Outcome.DENIED,
            detail={"prefix": full[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8]},
        )
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
