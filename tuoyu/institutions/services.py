"""Registration intake (登记信息推送): the registration authorities' records become institutions.

Every entry point — the clerk's web form, the Excel batch, the registration systems' API — ends in
``registration_record``: the rules (FIL-02 authority, FIL-03 business scope, check characters, the
clerk's own authority and region) are checked here once, and a retry creates nothing new.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tuoyu.accounts.models import Role, User
from tuoyu.audit.services import audit_record
from tuoyu.core import crypto
from tuoyu.core.errors import Conflict, DomainError, PermissionDenied, check_version
from tuoyu.core.masking import mask_id_number, mask_phone
from tuoyu.core.validators import validate_mobile
from tuoyu.core.workflow import Move, Transition, Workflow
from tuoyu.institutions.models import (
    AUTHORITY_FOR_LEGAL_PERSON,
    CLASS_ROOM_USES,
    Institution,
    InstitutionKind,
    InstitutionRevision,
    Invitation,
    LegalPersonKind,
    RegionTransfer,
    Registration,
    RegistrationOutcome,
    TransferStatus,
)
from tuoyu.regions.models import Region, RegionLevel

CENTER_SCOPE_WORDS = ("托育服务", "3岁以下婴幼儿照护服务", "三岁以下婴幼儿照护服务")
HOME_POINT_SCOPE_WORDS = ("家庭托育服务",)
NON_PROFIT_KINDS = {LegalPersonKind.PUBLIC_INSTITUTION, LegalPersonKind.SOCIAL_SERVICE_ORG}
REGISTRATION_FIELDS = [
    "name",
    "kind",
    "legal_person_kind",
    "is_for_profit",
    "registration_authority",
    "registration_date",
    "business_scope",
    "legal_rep_name",
    "legal_rep_id_number",
    "address",
    "region",
    "phone",
]
# Sealed at rest: a change shows only as {"changed": True} in revisions and audit, never with its values.
ENCRYPTED_FIELDS = {"legal_rep_id_number", "director_id_number", "phone"}
FINGERPRINT_PURPOSE = "institutions.Registration.payload_hash"


@dataclass(frozen=True)
class RegistrationData:
    """One registration as the authority states it (already parsed; rules not yet checked)."""

    name: str
    uscc: str
    kind: str
    legal_person_kind: str
    is_for_profit: bool
    authority: str
    registration_date: dt.date
    business_scope: str
    legal_rep_name: str
    legal_rep_id_number: str
    address: str
    region: Region
    phone: str = ""

    def payload(self) -> dict[str, Any]:
        """What is kept of the record as received: the ID number and a mobile phone only masked."""
        return {
            "name": self.name,
            "uscc": self.uscc,
            "kind": self.kind,
            "legal_person_kind": self.legal_person_kind,
            "is_for_profit": self.is_for_profit,
            "authority": self.authority,
            "registration_date": self.registration_date.isoformat(),
            "business_scope": self.business_scope,
            "legal_rep_name": self.legal_rep_name,
            "legal_rep_id_number": mask_id_number(self.legal_rep_id_number),
            "address": self.address,
            "region": self.region.code,
            "phone": mask_phone(self.phone),
        }

    def _digest(self) -> str:
        """SHA-256 of the record in full — never stored: it is the input of the keyed fingerprint (the same
        canonical form as the unkeyed hashes of before, so migration 0007 could re-key those)."""
        full = {**self.payload(), "legal_rep_id_number": self.legal_rep_id_number, "phone": self.phone}
        return hashlib.sha256(json.dumps(full, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def fingerprint(self) -> str:
        """What ``Registration.payload_hash`` keeps: an HMAC under the field key, so the stored value is
        no dictionary target for the ID number (or the phone) inside."""
        return crypto.fingerprint(self._digest(), purpose=FINGERPRINT_PURPOSE)

    def same_as(self, payload_hash: str) -> bool:
        """Is this the data a stored fingerprint was made of (a retry of the same registration)?"""
        return crypto.fingerprint_matches(payload_hash, self._digest(), purpose=FINGERPRINT_PURPOSE)


@dataclass
class RegistrationResult:
    registration: Registration
    institution: Institution
    outcome: str
    replayed: bool = False
    changes: dict[str, Any] = field(default_factory=dict)
    # The move to another county this registration asked for, awaiting review (the region did not change).
    region_transfer: RegionTransfer | None = None

    @property
    def notice(self) -> str:
        """What the clerk is told besides the outcome: a region change that awaits review."""
        t = self.region_transfer
        if t is None or t.status != TransferStatus.PENDING:
            return ""
        return _(
            "所在区划由%(from)s变更为%(to)s跨越监管辖区，须经卫生健康部门审核后生效；审核前机构仍在原区划。"
        ) % {"from": place(t.from_region), "to": place(t.to_region)}


def scope_names_the_service(business_scope: str, kind: str) -> bool:
    """FIL-03: a centre's scope names 托育服务 (or 3岁以下婴幼儿照护服务) in its own right — "家庭托育服务"
    contains the words but is the home point's service, not the centre's; a home point's names 家庭托育服务."""
    if kind == InstitutionKind.HOME_POINT:
        return any(w in business_scope for w in HOME_POINT_SCOPE_WORDS)
    for home_words in HOME_POINT_SCOPE_WORDS:
        business_scope = business_scope.replace(home_words, "")
    return any(w in business_scope for w in CENTER_SCOPE_WORDS)


def registration_problems(data: RegistrationData) -> list[tuple[str, str, str]]:
    """The rules a registration must meet, as (field, code, message). Empty when it is acceptable."""
    problems: list[tuple[str, str, str]] = []
    expected = AUTHORITY_FOR_LEGAL_PERSON.get(LegalPersonKind(data.legal_person_kind))
    if expected != data.authority:
        problems.append(
            (
                "authority",
                "FIL-02",
                _("登记机关与法人类型不一致：%(kind)s应由%(authority)s登记（FIL-02）。")
                % {"kind": LegalPersonKind(data.legal_person_kind).label, "authority": expected.label},
            )
        )
    if data.legal_person_kind in NON_PROFIT_KINDS and data.is_for_profit:
        problems.append(
            (
                "is_for_profit",
                "for_profit_mismatch",
                _("事业单位和社会服务机构为非营利性，不能登记为营利性。"),
            )
        )
    if data.legal_person_kind not in NON_PROFIT_KINDS and not data.is_for_profit:
        problems.append(
            ("is_for_profit", "for_profit_mismatch", _("企业和个体工商户为营利性，不能登记为非营利性。"))
        )
    if not scope_names_the_service(data.business_scope, data.kind):
        words = HOME_POINT_SCOPE_WORDS if data.kind == InstitutionKind.HOME_POINT else CENTER_SCOPE_WORDS
        problems.append(
            (
                "business_scope",
                "FIL-03",
                _("经营（业务）范围须包含“%(words)s”（FIL-03）。") % {"words": "”或“".join(words[:2])},
            )
        )
    if data.region.level not in (RegionLevel.COUNTY, RegionLevel.FUNCTIONAL_ZONE, RegionLevel.STREET):
        problems.append(("region", "region_level", _("所在区划须具体到县（区）或街道（乡镇）。")))
    if data.registration_date > timezone.localdate():
        problems.append(("registration_date", "future_date", _("登记日期不能晚于今天。")))
    return problems


def _clerk_covers(user: User, *, authority: str, region_prefix: str) -> bool:
    return bool(authority) and any(
        m.role == Role.REGISTRATION_CLERK
        and m.authority == authority
        and m.region is not None
        and region_prefix.startswith(m.region.prefix)
        for m in user.active_memberships()
    )


def clerk_may_register(user: User, data: RegistrationData) -> bool:
    """A clerk registers only for their own authority and within their region."""
    return _clerk_covers(user, authority=data.authority, region_prefix=data.region.prefix)


def clerk_may_change(user: User, institution: Institution) -> bool:
    """A clerk changes only an institution their own authority registered, standing in their region: the
    payload alone would let any clerk claim another city's institution by naming its code."""
    return _clerk_covers(
        user, authority=institution.registration_authority, region_prefix=institution.region_prefix
    )


def _not_yours() -> PermissionDenied:
    # One answer for every registration that is not the clerk's, whatever the reason: it says nothing of
    # another authority's or another city's record.
    return PermissionDenied("not_your_registration", _("您只能登记本机关、本辖区的机构。"), field="authority")


def _changes(institution: Institution, values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, new in values.items():
        old = getattr(institution, name)
        if name == "region":
            old, new = institution.region_id, new.code
        if old != new:
            if name in ENCRYPTED_FIELDS:
                out[name] = {"changed": True}
            else:
                out[name] = [str(old) if old is not None else None, str(new) if new is not None else None]
    return out


def _values(data: RegistrationData) -> dict[str, Any]:
    return {
        "name": data.name,
        "kind": data.kind,
        "legal_person_kind": data.legal_person_kind,
        "is_for_profit": data.is_for_profit,
        "registration_authority": data.authority,
        "registration_date": data.registration_date,
        "business_scope": data.business_scope,
        "legal_rep_name": data.legal_rep_name,
        "legal_rep_id_number": data.legal_rep_id_number,
        "address": data.address,
        "region": data.region,
        "phone": data.phone,
    }


@transaction.atomic
def registration_record(
    *,
    by: User,
    data: RegistrationData,
    source: str,
    source_event_id: str = "",
    idempotency_key: str = "",
) -> RegistrationResult:
    """Record one registration: create the institution, or update it when the registration changed.

    A retry (same source event id for this authority, or same Idempotency-Key from this user) returns the
    first result and changes nothing; the same key with different data is a conflict.
    """
    if not clerk_may_register(by, data):
        raise _not_yours()
    previous = None
    if source_event_id:
        previous = (
            Registration.objects.select_related("institution")
            .filter(authority=data.authority, source_event_id=source_event_id)
            .first()
        )
    if previous is None and idempotency_key:
        previous = (
            Registration.objects.select_related("institution")
            .filter(recorded_by=by, idempotency_key=idempotency_key)
            .first()
        )
    if previous is not None:
        if not clerk_may_change(by, previous.institution):
            raise _not_yours()
        if not data.same_as(previous.payload_hash):
            raise Conflict("idempotency_mismatch", _("该事件编号（或幂等键）已用于另一份不同的登记数据。"))
        transfer = previous.region_transfers.select_related("from_region", "to_region").first()
        return RegistrationResult(
            previous, previous.institution, previous.outcome, replayed=True, region_transfer=transfer
        )

    problems = registration_problems(data)
    if problems:
        field_name, code, message = problems[0]
        raise DomainError(code, message, field=field_name)

    values = _values(data)
    institution = Institution.objects.select_for_update().filter(uscc=data.uscc).first()
    if institution is not None and not clerk_may_change(by, institution):
        raise _not_yours()
    move_to = None
    if institution is not None and crosses_jurisdiction(institution.region, data.region):
        # A move to another county is a separate, reviewed act: the rest is recorded, the region stays.
        move_to, values["region"] = data.region, institution.region
    # The field validators run on every save below; uniqueness was just checked under the lock, and the
    # model's check constraints concern lease dates and ages, which a registration does not carry — so
    # they are not re-queried here (a query each, per imported row; the database still enforces them).
    clean = {"validate_unique": False, "validate_constraints": False}
    if institution is None:
        institution = Institution(uscc=data.uscc, registered_at=timezone.now(), **values)
        _validated(institution, **clean)
        institution.save()
        outcome, changes = RegistrationOutcome.CREATED, {}
        audit_record("institution.register", obj=institution, actor=by, after=data.payload())
    else:
        changes = _changes(institution, values)
        outcome = RegistrationOutcome.UPDATED if changes else RegistrationOutcome.UNCHANGED
        if changes:
            for name, value in values.items():
                setattr(institution, name, value)
            institution.version += 1
            _validated(institution, **clean)
            institution.save()
            InstitutionRevision.objects.create(
                institution=institution,
                version=institution.version,
                changed_by=by,
                source=f"registration:{source}",
                changes=changes,
            )
            audit_record(
                "institution.registration_update", obj=institution, actor=by, detail={"changes": changes}
            )
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                institution=institution,
                authority=data.authority,
                source=source,
                source_event_id=source_event_id,
                idempotency_key=idempotency_key,
                payload=data.payload(),
                payload_hash=data.fingerprint(),
                outcome=outcome,
                recorded_by=by,
            )
    except IntegrityError as exc:  # a concurrent retry won the race: it holds the record
        raise Conflict("registration_in_progress", _("同一登记正在处理，请稍后重试。")) from exc
    transfer = None
    if outcome != RegistrationOutcome.CREATED:
        transfer = _region_transfer_follow(institution, registration=registration, to_region=move_to, by=by)
    audit_record(
        "registration.receive",
        obj=registration,
        actor=by,
        detail={
            "outcome": outcome,
            "source": source,
            "event": source_event_id,
            **({"region_transfer": transfer.pk} if transfer else {}),
        },
    )
    return RegistrationResult(registration, institution, outcome, changes=changes, region_transfer=transfer)


# --- region transfers (跨辖区区划变更) -----------------------------------------------------------------

# The workflow (core.workflow): a pending request is approved or rejected by the reviewer, or superseded by a
# later registration of the same institution. Nothing leaves a decided state. The request's own decision
# fields (decided_by, decided_at, comment) are its log; each move is audited as region_transfer.<action>.


def _transfer_decided(transfer: RegionTransfer, move: Move) -> RegionTransfer:
    transfer.decided_by = move.actor
    transfer.decided_at = move.at
    transfer.comment = move.comment
    transfer.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    return transfer


REGION_TRANSFER = Workflow(
    "region_transfer",
    [
        Transition("approve", {TransferStatus.PENDING}, TransferStatus.APPROVED, by="reviewer"),
        Transition("reject", {TransferStatus.PENDING}, TransferStatus.REJECTED, by="reviewer"),
        Transition("supersede", {TransferStatus.PENDING}, TransferStatus.SUPERSEDED, by="registration"),
    ],
    state_field="status",
    states=TransferStatus,
    log=_transfer_decided,
    refusal=gettext_noop("该申请已处理（%(status)s），请刷新页面。"),
    audit_detail=lambda transfer: {"institution": transfer.institution_id},
)
TRANSFER_TRANSITIONS = REGION_TRANSFER.transitions


def place(region: Region) -> str:
    """A region as people name it: a street with its county (月塘街道 alone names several places)."""
    if region.level == RegionLevel.STREET and region.parent_id:
        return f"{region.parent.name}{region.name}"
    return region.name


def crosses_jurisdiction(old: Region, new: Region) -> bool:
    """Does moving from ``old`` to ``new`` change the county (the health bureau that files, inspects and keeps
    the institution)? A move between streets of one county does not."""
    return old.prefix[:6] != new.prefix[:6]


def transfer_reviewers(transfer: RegionTransfer) -> list[User]:
    """The city admins whose region holds both the old and the new region."""
    from tuoyu.accounts.models import Membership

    old, new = transfer.from_region.prefix, transfer.to_region.prefix
    return [
        m.user
        for m in Membership.objects.filter(
            role=Role.CITY_ADMIN, is_active=True, user__is_active=True
        ).select_related("user", "region")
        if m.region and old.startswith(m.region.prefix) and new.startswith(m.region.prefix)
    ]


def _transfer_move(transfer: RegionTransfer, action: str, *, by: User | None, comment: str = "") -> None:
    REGION_TRANSFER.move(transfer, action, by, comment)


def _region_transfer_follow(
    institution: Institution, *, registration: Registration, to_region: Region | None, by: User
) -> RegionTransfer | None:
    """A registration of an existing institution: keep, replace or withdraw its pending move.

    The latest registration states where the institution is: a pending request for another region is
    superseded (the same target keeps the request that is already waiting), and a new one is opened when
    this registration names a region in another county.
    """
    from tuoyu.notifications.services import notify

    pending = (
        RegionTransfer.objects.select_for_update()
        .select_related("from_region", "to_region")
        .filter(institution=institution, status=TransferStatus.PENDING)
        .first()
    )
    if pending is not None and to_region is not None and pending.to_region_id == to_region.pk:
        return pending
    if pending is not None:
        _transfer_move(pending, "supersede", by=by, comment=_("新的登记信息取代了此申请。"))
    if to_region is None:
        return None
    transfer = RegionTransfer.objects.create(
        institution=institution,
        from_region=institution.region,
        to_region=to_region,
        registration=registration,
        requested_by=by,
    )
    audit_record(
        "region_transfer.request",
        obj=transfer,
        actor=by,
        after={
            "institution": institution.pk,
            "from_region": transfer.from_region_id,
            "to_region": transfer.to_region_id,
            "registration": registration.pk,
        },
    )
    notify(
        recipients=transfer_reviewers(transfer),
        kind="region_transfer.requested",
        title=_("区划变更待审核：%(name)s") % {"name": institution.name},
        body=_("登记信息将机构所在区划由%(from)s变更为%(to)s，跨越监管辖区，请审核。")
        % {"from": place(transfer.from_region), "to": place(to_region)},
        link="/institutions/region-transfers/",
    )
    return transfer


def _transfer_for_review(by: User, transfer_id: int) -> RegionTransfer:
    """The pending-or-not request, if ``by`` may decide it; 404 otherwise (missing and forbidden alike)."""
    from tuoyu.core import scoping

    qs = RegionTransfer.objects.select_for_update(of=("self",)).select_related(
        "institution", "from_region", "to_region", "requested_by"
    )
    return scoping.get_scoped_or_404(by, "change", qs, pk=transfer_id)


def _text(value: Any, limit: int = 2000) -> str:
    return str(value or "").replace("\x00", "").strip()[:limit]


@transaction.atomic
def region_transfer_approve(*, by: User, transfer_id: int, comment: str = "") -> RegionTransfer:
    """The city approves the move: the institution takes the new region, as a revision, and everything that
    follows its jurisdiction (filings, notices, alerts, compliance results) follows it."""
    from tuoyu.notifications.services import notify

    transfer = _transfer_for_review(by, transfer_id)
    comment = _text(comment)
    institution = Institution.objects.select_for_update().get(pk=transfer.institution_id)
    if transfer.status == TransferStatus.PENDING and institution.region_id != transfer.from_region_id:
        raise Conflict("region_moved", _("机构所在区划已不是申请时的区划，请驳回此申请。"))
    _transfer_move(transfer, "approve", by=by, comment=comment)
    institution.region = transfer.to_region
    institution.version += 1
    institution.save()
    _region_prefix_follow(institution)
    changes = {"region": [transfer.from_region_id, transfer.to_region_id]}
    InstitutionRevision.objects.create(
        institution=institution,
        version=institution.version,
        changed_by=by,
        source="region_transfer",
        changes=changes,
    )
    audit_record(
        "institution.region_transfer",
        obj=institution,
        actor=by,
        before={"region": transfer.from_region_id},
        after={"region": transfer.to_region_id},
        detail={"transfer": transfer.pk, "version": institution.version},
    )
    notify(
        recipients=[transfer.requested_by],
        kind="region_transfer.approved",
        title=_("区划变更已批准：%(name)s") % {"name": institution.name},
        body=_("机构所在区划已由%(from)s变更为%(to)s。")
        % {"from": place(transfer.from_region), "to": place(transfer.to_region)},
        link=f"/institutions/{institution.pk}/",
    )
    return transfer


@transaction.atomic
def region_transfer_reject(*, by: User, transfer_id: int, comment: str) -> RegionTransfer:
    """The city rejects the move, saying why; the institution stays where it is."""
    from tuoyu.notifications.services import notify

    transfer = _transfer_for_review(by, transfer_id)
    comment = _text(comment)
    if not comment:
        raise DomainError("comment_required", _("驳回须写明理由。"), field="comment")
    _transfer_move(transfer, "reject", by=by, comment=comment)
    notify(
        recipients=[transfer.requested_by],
        kind="region_transfer.rejected",
        title=_("区划变更被驳回：%(name)s") % {"name": transfer.institution.name},
        body=_("机构仍在%(from)s。驳回理由：%(comment)s")
        % {"from": place(transfer.from_region), "comment": comment[:200]},
        link=f"/institutions/{transfer.institution_id}/",
    )
    return transfer


def _region_prefix_follow(institution: Institution) -> None:
    """Rows that copy the institution's region prefix for jurisdiction follow it (without importing their
    apps, which import this one): any model with an ``institution`` key to it and a ``region_prefix``."""
    from django.apps import apps

    for model in apps.get_models():
        if model is Institution:
            continue
        names = {f.name: f for f in model._meta.concrete_fields}
        key = names.get("institution")
        if "region_prefix" in names and key is not None and key.related_model is Institution:
            model._base_manager.filter(institution=institution).update(
                region_prefix=institution.region_prefix
            )


def days_since(moment: dt.datetime | None, *, today: dt.date | None = None) -> int | None:
    if moment is None:
        return None
    return ((today or timezone.localdate()) - timezone.localtime(moment).date()).days


# --- Inviting the institution's administrator --------------------------------------------------------

INVITATION_DAYS = 7


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(
    *, by: User, institution_id: int, invitee_name: str, invitee_phone: str
) -> tuple[Invitation, str]:
    """The health bureau invites the institution's admin. Returns the invitation and its secret token,
    which is shown once and never stored."""
    from django.http import Http404

    from tuoyu.core import scoping

    if not by.has_role(Role.CITY_ADMIN, Role.REGULATOR):  # the health bureau invites; not the institution
        raise Http404
    institution = scoping.get_scoped_or_404(by, "change", Institution, pk=institution_id)
    invitee_name = (invitee_name or "").strip()
    if not invitee_name:
        raise DomainError("invitee_name_required", _("请填写被邀请人姓名。"), field="invitee_name")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        institution=institution,
        token_hash=_token_hash(token),
        invitee_name=invitee_name[:50],
        invitee_phone=validate_mobile(invitee_phone),
        created_by=by,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    audit_record(
        "invitation.create",
        obj=invitation,
        actor=by,
        detail={"institution": institution.pk, "invitee": invitee_name},
    )
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    """The usable invitation behind a link, or None — one answer for unknown, used, revoked and expired."""
    if not token or len(token) > 100:
        return None
    invitation = (
        Invitation.objects.select_related("institution").filter(token_hash=_token_hash(token)).first()
    )
    if (
        invitation is None
        or invitation.used_at
        or invitation.revoked_at
        or invitation.expires_at <= timezone.now()
    ):
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, username: str, real_name: str, phone: str, password: str) -> User:
    """Open the invited admin's account, bound to the institution. Works once."""
    from tuoyu.accounts.services import membership_grant, user_create

    invitation = invitation_for_token(token)
    if invitation is not None:
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation is None or invitation.used_at:
        raise DomainError("invitation_invalid", _("邀请链接无效或已过期，请联系卫生健康部门重新邀请。"))
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("username_taken", _("该用户名已被使用。"), field="username")
    user = user_create(username=username, password=password, real_name=real_name, phone=phone)
    membership_grant(
        user=user,
        role=Role.INSTITUTION_ADMIN,
        institution=invitation.institution,
        department=invitation.institution.name,
    )
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    audit_record(
        "invitation.accept", obj=invitation, actor=user, detail={"institution": invitation.institution_id}
    )
    return user


# --- Reminders for institutions that have not filed yet (run daily by `tuoyu tick`) ------------------


@dataclass
class ReminderSummary:
    reminded: int = 0
    flagged_overdue: int = 0


def filing_reminders_send(*, now: dt.datetime | None = None) -> ReminderSummary:
    """Remind unfiled institutions' admins every FILING_REMINDER_DAYS; flag those unfiled for more than
    FILING_OVERDUE_DAYS once, telling the county (and city) health bureau."""
    from django.conf import settings

    from tuoyu.accounts.models import Membership
    from tuoyu.institutions.models import FilingStatus
    from tuoyu.notifications.services import notify

    now = now or timezone.now()
    summary = ReminderSummary()
    interval = dt.timedelta(days=settings.FILING_REMINDER_DAYS)
    overdue_after = dt.timedelta(days=settings.FILING_OVERDUE_DAYS)
    pending = Institution.objects.filter(filing_status=FilingStatus.REGISTERED, registered_at__isnull=False)
    admins: dict[int, list[User]] = {}
    for m in Membership.objects.filter(
        role=Role.INSTITUTION_ADMIN, is_active=True, user__is_active=True, institution__in=pending
    ).select_related("user"):
        admins.setdefault(m.institution_id, []).append(m.user)
    regulators = list(
        Membership.objects.filter(
            role__in=[Role.REGULATOR, Role.CITY_ADMIN], is_active=True, user__is_active=True
        ).select_related("user", "region")
    )
    for institution in pending.iterator(chunk_size=500):
        with transaction.atomic():
            days = (now - institution.registered_at).days
            if institution.pk in admins and (
                institution.filing_reminded_at is None or now - institution.filing_reminded_at >= interval
            ):
                notify(
                    recipients=admins[institution.pk],
                    kind="filing.reminder",
                    title=_("请尽快办理托育机构备案"),
                    body=_("登记信息已于%(days)d天前推送至卫生健康部门，机构尚未完成备案。") % {"days": days},
                    link="/filings/",
                )
                Institution.objects.filter(pk=institution.pk).update(filing_reminded_at=now)
                summary.reminded += 1
            if institution.filing_overdue_at is None and now - institution.registered_at > overdue_after:
                bureau = [
                    m.user
                    for m in regulators
                    if m.region and institution.region_prefix.startswith(m.region.prefix)
                ]
                notify(
                    recipients=bureau,
                    kind="filing.overdue",
                    title=_("机构逾期未备案：%(name)s") % {"name": institution.name},
                    body=_("登记信息推送已超过%(days)d天，机构仍未备案。")
                    % {"days": settings.FILING_OVERDUE_DAYS},
                    link=f"/institutions/{institution.pk}/",
                )
                Institution.objects.filter(pk=institution.pk).update(filing_overdue_at=now)
                audit_record("institution.filing_overdue", obj=institution, actor=None, detail={"days": days})
                summary.flagged_overdue += 1
    return summary


# --- rooms and classes (园舍与班级): kept by the institution's admin ----------------------------------

ROOM_FIELDS = [
    "name",
    "floor",
    "below_ground",
    "floor_area_m2",
    "window_area_m2",
    "use",
    "camera_count",
    "beds",
]
CLASS_FIELDS = ["name", "class_type", "room", "planned_size"]


def _validated(obj: Any, **clean: Any) -> None:
    """``full_clean(**clean)`` as a DomainError naming the first bad field, so forms and the API show it
    there (never a 500 for a value a form let through)."""
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean(**clean)
    except ValidationError as exc:
        errors = exc.message_dict
        field_name = next(iter(errors))
        raise DomainError(
            "invalid",
            "；".join(str(m) for m in errors[field_name]),
            field=None if field_name == "__all__" else field_name,
        ) from None


def _room_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in ROOM_FIELDS}


@transaction.atomic
def room_create(*, by: User, institution: Institution, **values: Any) -> Any:
    from tuoyu.audit.services import model_snapshot
    from tuoyu.institutions.models import Room

    room = Room(institution=institution, **_room_values(values))
    _validated(room)
    room.save()
    room.refresh_from_db()  # the stored (rounded) values, as the next reader sees them
    audit_record("room.create", obj=room, actor=by, after=model_snapshot(room, ROOM_FIELDS))
    return room


@transaction.atomic
def room_update(*, by: User, room: Any, version: int | None, **values: Any) -> Any:
    from tuoyu.audit.services import model_snapshot
    from tuoyu.institutions.models import Room

    room = Room.objects.select_for_update().get(pk=room.pk)
    check_version(room, version)
    before = model_snapshot(room, ROOM_FIELDS)
    for k, v in _room_values(values).items():
        setattr(room, k, v)
    _validated(room)
    room.version += 1
    room.save()
    room.refresh_from_db()
    audit_record("room.update", obj=room, actor=by, before=before, after=model_snapshot(room, ROOM_FIELDS))
    return room


@transaction.atomic
def room_delete(*, by: User, room: Any) -> None:
    """A room that a class (open or closed) still names cannot go: the class's history would lose it."""
    if room.classes.exists():
        names = "、".join(room.classes.values_list("name", flat=True)[:5])
        raise DomainError(
            "room_in_use", _("该房间仍为班级“%(names)s”所用，不能删除。") % {"names": names}, field="room"
        )
    audit_record("room.delete", obj=room, actor=by, before={"name": room.name})
    room.delete()


def _class_rules(care_class: Any) -> None:
    from tuoyu.institutions.models import CareClass, ClassType

    institution = care_class.institution
    if care_class.room_id and care_class.room.institution_id != institution.pk:
        raise DomainError("room_other_institution", _("所选房间不属于本机构。"), field="room")
    if care_class.room_id and care_class.room.use not in CLASS_ROOM_USES:
        raise DomainError(
            "room_not_for_a_class",
            _("班级应安排在活动室或活动兼寝室，所选的“%(room)s”是%(use)s。")
            % {"room": care_class.room.name, "use": care_class.room.get_use_display()},
            field="room",
        )
    if institution.kind == InstitutionKind.HOME_POINT:
        if care_class.class_type != ClassType.HOME_GROUP:
            raise DomainError(
                "home_point_group",
                _("家庭托育点只设一个看护组，班级类型应为“家庭托育点看护组”（RAT-02）。"),
                field="class_type",
            )
        others = CareClass.objects.filter(institution=institution, closed_on__isnull=True).exclude(
            pk=care_class.pk
        )
        if care_class.closed_on is None and others.exists():
            raise DomainError(
                "home_point_one_group", _("家庭托育点只能有一个看护组（RAT-02）。"), field="class_type"
            )
    elif care_class.class_type == ClassType.HOME_GROUP:
        raise DomainError(
            "center_home_group",
            _("托育机构不能设“家庭托育点看护组”，请选择乳儿班、托小班、托大班或混龄班。"),
            field="class_type",
        )


def class_warnings(care_class: Any) -> list[str]:
    """What a saved class should make its admin look again at, without refusing it: its activity room is
    also another open class's (each class is meant to have its own; a room shared while one moves is
    possible, so this warns)."""
    from tuoyu.institutions.models import CareClass

    if not care_class.room_id or care_class.closed_on is not None:
        return []
    sharing = list(
        CareClass.objects.filter(room_id=care_class.room_id, closed_on__isnull=True)
        .exclude(pk=care_class.pk)
        .order_by("name")
        .values_list("name", flat=True)
    )
    if not sharing:
        return []
    return [
        _("“%(room)s”同时是%(classes)s的活动室；每个班宜有独立的活动室，请核对。")
        % {"room": care_class.room.name, "classes": "、".join(f"“{name}”" for name in sharing)}
    ]


def _class_snapshot(care_class: Any) -> dict[str, Any]:
    return {
        "name": care_class.name,
        "class_type": care_class.class_type,
        "room": care_class.room_id,
        "planned_size": care_class.planned_size,
        "closed_on": care_class.closed_on.isoformat() if care_class.closed_on else None,
    }


@transaction.atomic
def class_create(*, by: User, institution: Institution, **values: Any) -> Any:
    from tuoyu.institutions.models import CareClass

    care_class = CareClass(institution=institution, **{k: v for k, v in values.items() if k in CLASS_FIELDS})
    _validated(care_class)
    _class_rules(care_class)
    care_class.save()
    audit_record("class.create", obj=care_class, actor=by, after=_class_snapshot(care_class))
    return care_class


@transaction.atomic
def class_update(*, by: User, care_class: Any, version: int | None, **values: Any) -> Any:
    from tuoyu.institutions.models import CareClass

    care_class = CareClass.objects.select_for_update().select_related("institution").get(pk=care_class.pk)
    check_version(care_class, version)
    if care_class.closed_on:
        raise Conflict("class_closed", _("该班级已撤销，不能修改。"))
    before = _class_snapshot(care_class)
    for k, v in values.items():
        if k in CLASS_FIELDS:
            setattr(care_class, k, v)
    _validated(care_class)
    _class_rules(care_class)
    care_class.version += 1
    care_class.save()
    audit_record("class.update", obj=care_class, actor=by, before=before, after=_class_snapshot(care_class))
    return care_class


@transaction.atomic
def class_close(*, by: User, care_class: Any, on: dt.date | None = None, version: int | None = None) -> Any:
    """Close a class (撤班). Children still enrolled must leave or move first."""
    from tuoyu.institutions.models import CareClass

    care_class = CareClass.objects.select_for_update().get(pk=care_class.pk)
    check_version(care_class, version)
    if care_class.closed_on:
        raise Conflict("class_closed", _("该班级已撤销。"))
    on = on or timezone.localdate()
    if care_class.enrollments.filter(end_date__isnull=True).exists():
        raise DomainError(
            "class_has_children", _("班级中仍有在班幼儿，请先为他们办理转班或离园。"), field="closed_on"
        )
    before = _class_snapshot(care_class)
    care_class.closed_on = on
    care_class.version += 1
    care_class.save()
    audit_record("class.close", obj=care_class, actor=by, before=before, after=_class_snapshot(care_class))
    return care_class
