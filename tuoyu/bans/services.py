"""Keeping the ban list (终身禁入) and screening hires against it.

- ``ban_create`` / ``ban_update`` (versioned) / ``ban_lift``: a city administrator, for their own city only;
  each audited with the ID number masked (the trail never holds it in plain text).
- ``hire_screen``: called by ``tuoyu.staff.services.staff_hire`` **before** it opens its own transaction.
  On a match it records a :class:`BanAlert`, audits it and notifies the regulators whose region contains the
  institution — and commits that — then raises ``DomainError("banned", "不得录用，请联系卫生健康部门")``: the
  institution learns nothing else. If the caller were inside a transaction, the refusal would roll the alert
  back with it, so a call inside a (non-test) atomic block is a programming error: ``RuntimeError``.
- ``ban_sweep``: after a ban is created or imported, alerts for each institution where the person works now.
- ``active_matches(institution)``: the open employed-match alerts of an institution (for the compliance engine).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuoyu.accounts.models import Membership, Role, User
from tuoyu.audit.services import audit_event, audit_record, audit_record_many
from tuoyu.bans.models import AlertKind, Ban, BanAlert, BanScope
from tuoyu.bans.signals import answers_employed_among, answers_employed_now
from tuoyu.core.errors import Conflict, DomainError, check_version
from tuoyu.core.imports import BATCH_SIZE, bulk_insert, chunks
from tuoyu.core.masking import mask_id_number
from tuoyu.core.validators import validate_id_number, validate_official_name
from tuoyu.institutions.models import Institution
from tuoyu.notifications.services import notify
from tuoyu.regions.models import Region, RegionLevel

BANNED_MESSAGE = gettext_lazy("不得录用，请联系卫生健康部门")
IMPORT_BATCH_SIZE = BATCH_SIZE  # rows per INSERT and per IN (…) (core.imports: under the parameter limits)
ALERT_ROLES = {Role.REGULATOR.value, Role.CITY_ADMIN.value}
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class BanData:
    name: str
    id_number: str
    reason: str
    decision_authority: str
    decision_number: str
    decision_date: dt.date
    scope: str


# --- who may keep the list -----------------------------------------------------------------------------


def keeper_cities(user: Any) -> list[Region]:
    """The cities (prefecture-level regions) whose ban list the user keeps: their city-admin memberships."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return [
        m.region
        for m in user.active_memberships()
        if m.role == Role.CITY_ADMIN and m.region_id and m.region.level == RegionLevel.PREFECTURE
    ]


def _city_for(by: User, region: Region | None) -> Region:
    cities = keeper_cities(by)
    if region is None:
        if len(cities) != 1:
            raise Http404
        return cities[0]
    if region.pk not in {c.pk for c in cities}:
        raise Http404
    return region


def _check_can_change(by: User, ban: Ban) -> None:
    if ban.region_id not in {c.pk for c in keeper_cities(by)}:
        raise Http404


# --- validation ----------------------------------------------------------------------------------------


# The labels are translated only when a message names them (an import cleans thousands of rows).
_TEXT_FIELDS = [
    ("name", gettext_lazy("姓名"), 50),
    ("decision_authority", gettext_lazy("决定机关"), 100),
    ("decision_number", gettext_lazy("决定文号"), 100),
]


def _clean(data: BanData) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    try:
        out["id_number"] = validate_id_number(data.id_number)
    except ValidationError as e:
        errors["id_number"] = e.messages[0]
    for field, label, limit in _TEXT_FIELDS:
        value = (getattr(data, field) or "").strip()
        if not value:
            errors[field] = _("请填写%(label)s。") % {"label": label}
        elif CONTROL_RE.search(value):
            errors[field] = _("%(label)s不能包含控制字符或换行。") % {"label": label}
        elif len(value) > limit:
            errors[field] = _("%(label)s不能超过%(n)d个字。") % {"label": label, "n": limit}
        elif field == "name":
            try:
                validate_official_name(value)
            except ValidationError as e:
                errors[field] = e.messages[0]
        out[field] = value
    reason = (data.reason or "").strip()
    if not reason:
        errors["reason"] = _("请填写禁入事由。")
    elif CONTROL_RE.search(reason.replace("\n", "").replace("\r", "").replace("\t", "")):
        errors["reason"] = _("禁入事由不能包含控制字符。")
    elif len(reason) > 2000:
        errors["reason"] = _("禁入事由不能超过%(n)d个字。") % {"n": 2000}
    out["reason"] = reason
    if not isinstance(data.decision_date, dt.date):
        errors["decision_date"] = _("请填写决定日期。")
    elif data.decision_date > timezone.localdate():
        errors["decision_date"] = _("决定日期不能晚于今天。")
    out["decision_date"] = data.decision_date
    if data.scope not in BanScope.values:
        errors["scope"] = _("请选择禁入范围。")
    out["scope"] = data.scope
    if errors:
        field, message = next(iter(errors.items()))
        error = DomainError("invalid", message, field=field)
        error.errors = errors  # type: ignore[attr-defined]
        raise error
    return out


def _audit_view(ban: Ban) -> dict[str, Any]:
    """What the trail keeps of a ban: everything but the ID number, which appears masked."""
    return {
        "name": ban.name,
        "id_number": mask_id_number(ban.id_number),
        "reason": ban.reason,
        "decision_authority": ban.decision_authority,
        "decision_number": ban.decision_number,
        "decision_date": ban.decision_date,
        "scope": ban.scope,
        "region": ban.region_id,
    }


# --- writes --------------------------------------------------------------------------------------------


def _decision_key(decision_number: str) -> str:
    return "".join(decision_number.split()).upper()


def already_recorded(city: Region, values: list[dict[str, Any]]) -> dict[int, Ban]:
    """Which of ``values`` (cleaned bans) the city already holds as an active ban of the same person under
    the same decision — a second entry of one decision, which would send every alert twice. By position in
    ``values``; a few queries for a whole file (``IN (…)`` on the blind index per slice)."""
    index_for = Ban._meta.get_field("id_index").index_for
    wanted: dict[tuple[str, str], list[int]] = {}
    for i, v in enumerate(values):
        wanted.setdefault((index_for(v["id_number"]), _decision_key(v["decision_number"])), []).append(i)
    indexes = sorted({index for index, _number in wanted})
    found: dict[int, Ban] = {}
    for start in range(0, len(indexes), IMPORT_BATCH_SIZE):
        for ban in Ban.objects.filter(
            region_prefix=city.prefix,
            lifted_at__isnull=True,
            id_index__in=indexes[start : start + IMPORT_BATCH_SIZE],
        ).only("id", "id_index", "decision_number", "decision_date"):
            for i in wanted.get((ban.id_index, _decision_key(ban.decision_number)), []):
                found.setdefault(i, ban)
    return found


def duplicate_message(ban: Ban) -> str:
    return _("此人已按该决定（文号%(number)s，%(date)s）登记为禁入，不必重复登记。") % {
        "number": ban.decision_number,
        "date": ban.decision_date.isoformat(),
    }


def _create(*, by: User, city: Region, values: dict[str, Any], source: str) -> Ban:
    ban = Ban(region=city, created_by=by, **values)
    ban.save()
    audit_record("bans.create", obj=ban, actor=by, after=_audit_view(ban), detail={"source": source})
    return ban


def ban_create(*, by: User, data: BanData, region: Region | None = None) -> Ban:
    """Add a ban to the list of the user's city, then alert where the person works now."""
    with transaction.atomic():
        city = _city_for(by, region)
        values = _clean(data)
        existing = already_recorded(city, [values]).get(0)
        if existing is not None:
            raise Conflict("duplicate_ban", duplicate_message(existing), field="decision_number")
        ban = _create(by=by, city=city, values=values, source="form")
        ban_sweep(ban, by=by)
    return ban


def ban_create_many(*, by: User, city: Region, values: list[dict[str, Any]]) -> list[Ban]:
    """The bans of an import (``tuoyu.bans.imports``; values that ``_clean`` passed), inside the import's
    transaction: a few INSERTs, their ``bans.create`` events appended in bulk, one sweep for them all."""
    _city_for(by, city)  # again inside the transaction: a keeper's role withdrawn meanwhile stops the import
    bans = [Ban(region=city, region_prefix=city.prefix, created_by=by, **v) for v in values]
    bulk_insert(Ban, bans, batch_size=IMPORT_BATCH_SIZE)  # calls no save(): prefix set above
    audit_record_many(
        [
            audit_event("bans.create", obj=ban, actor=by, after=_audit_view(ban), detail={"source": "import"})
            for ban in bans
        ]
    )
    ban_sweep_many(bans, by=by)
    return bans


@transaction.atomic
def ban_update(*, by: User, ban_id: int, version: int, data: BanData) -> Ban:
    ban = Ban.objects.select_for_update().select_related("region").filter(pk=ban_id).first()
    if ban is None:
        raise Http404
    _check_can_change(by, ban)
    check_version(ban, version)
    if not ban.is_active:
        raise DomainError("lifted", _("该禁入记录已解除，不能修改。"), field="version")
    values = _clean(data)
    before = _audit_view(ban)
    id_changed = values["id_number"] != ban.id_number
    for key, value in values.items():
        setattr(ban, key, value)
    ban.version += 1
    ban.save()
    audit_record("bans.update", obj=ban, actor=by, before=before, after=_audit_view(ban))
    if id_changed or before["scope"] != ban.scope:
        ban_sweep(ban, by=by)
    return ban


@transaction.atomic
def ban_lift(*, by: User, ban_id: int, version: int, reason: str) -> Ban:
    ban = Ban.objects.select_for_update().select_related("region").filter(pk=ban_id).first()
    if ban is None:
        raise Http404
    _check_can_change(by, ban)
    check_version(ban, version)
    if not ban.is_active:
        raise DomainError("lifted", _("该禁入记录已解除。"), field="reason")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("请填写解除原因。"), field="reason")
    if len(reason) > 2000:
        raise DomainError("reason_too_long", _("解除原因不能超过%(n)d个字。") % {"n": 2000}, field="reason")
    ban.lifted_at = timezone.now()
    ban.lifted_by = by
    ban.lift_reason = reason
    ban.version += 1
    ban.save()
    audit_record("bans.lift", obj=ban, actor=by, after={"lift_reason": reason}, before={"lifted_at": None})
    return ban


@transaction.atomic
def alert_acknowledge(*, by: User, alert_id: int) -> BanAlert:
    from tuoyu.core.scoping import get_scoped_or_404

    alert = get_scoped_or_404(by, "change", BanAlert.objects.select_for_update(), pk=alert_id)
    if alert.acknowledged_at is not None:
        raise Conflict("acknowledged", _("该预警已确认。"), field="alert")
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = by
    alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record("bans.alert_acknowledge", obj=alert, actor=by)
    return alert


# --- matching ------------------------------------------------------------------------------------------


def _reach_q(region_prefix: str) -> Q:
    """Active bans whose scope reaches a place with this region prefix."""
    return Q(lifted_at__isnull=True) & (
        Q(scope=BanScope.NATIONAL)
        | Q(scope=BanScope.PROVINCIAL, region_prefix__startswith=region_prefix[:2])
        | Q(scope=BanScope.CITY, region_prefix=region_prefix[:4])
    )


def matching_bans(*, id_number: str, region_prefix: str) -> list[Ban]:
    """The active bans on this ID number that reach a place (the newest decision first)."""
    index = Ban._meta.get_field("id_index").index_for(id_number or "")
    if not index:
        return []
    return list(Ban.objects.filter(_reach_q(region_prefix), id_index=index).select_related("region"))


def alert_recipients(institution: Institution) -> list[User]:
    """Active regulators and city administrators whose region contains the institution."""
    rows = Membership.objects.filter(
        is_active=True, user__is_active=True, role__in=ALERT_ROLES, region__isnull=False
    ).select_related("user", "region")
    return list(
        {m.user_id: m.user for m in rows if institution.region_prefix.startswith(m.region.prefix)}.values()
    )


def _raise_alert(*, ban: Ban, institution: Institution, kind: str, name: str, by: User | None) -> BanAlert:
    alert = BanAlert.objects.create(
        ban=ban, institution=institution, kind=kind, person_name=name[:50], attempted_by=by
    )
    audit_record(
        f"bans.alert.{kind}",
        obj=alert,
        actor=by,
        detail={
            "ban": ban.pk,
            "institution": institution.pk,
            "person_name": name,
            "id_number": ban.id_number_masked,
            "decision_number": ban.decision_number,
        },
    )
    # The notification names the institution and the decision; the person (name, masked ID) is on the
    # alert page behind the link, where scoping and the audit trail apply (no personal data in the inbox).
    if kind == AlertKind.HIRE_ATTEMPT:
        title = format_lazy(
            gettext_lazy("禁入人员录用拦截：{institution}"), institution=institution.name[:150]
        )
    else:
        title = format_lazy(
            gettext_lazy("在职人员匹配禁入名单：{institution}"), institution=institution.name[:150]
        )
    notify(
        recipients=alert_recipients(institution),
        kind=f"bans.{kind}",
        title=title,
        body=format_lazy(
            gettext_lazy(
                "{institution}涉及禁入人员（决定文号：{number}，{authority}）。请登录查看详情并处理。"
            ),
            institution=institution.name,
            number=ban.decision_number,
            authority=ban.decision_authority,
        ),
        link=reverse("bans:alert_detail", args=[alert.pk]),
    )
    return alert


def _caller_transaction_open() -> bool:
    """True inside an atomic block other than a test case's own wrapping ones."""
    connection = transaction.get_connection()
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def hire_screen(*, by: User, institution: Institution, id_number: str, name: str) -> None:
    """Refuse a hire of a banned person; record, audit and report the attempt in a committed transaction.

    Must be called outside any transaction of the caller: the refusal would otherwise roll back the
    alert. Raises ``DomainError("banned", "不得录用，请联系卫生健康部门", field="id_number")`` on a match —
    the institution is told nothing else (no reason, no decision, no place).
    """
    if _caller_transaction_open():
        raise RuntimeError("hire_screen must be called outside any transaction.atomic block")
    bans = matching_bans(id_number=id_number, region_prefix=institution.region_prefix)
    if not bans:
        return
    with transaction.atomic():
        _raise_alert(
            ban=bans[0],
            institution=institution,
            kind=AlertKind.HIRE_ATTEMPT,
            name=name or bans[0].name,
            by=by,
        )
    raise DomainError("banned", str(BANNED_MESSAGE), field="id_number")


def hire_screen_many(*, by: User, institution: Institution, people: list[tuple[str, str]]) -> set[int]:
    """``hire_screen`` for the people of a file ((ID number, name) each): one query per slice of
    ``IMPORT_BATCH_SIZE`` instead of one per person. Each banned person's attempt is recorded, audited and
    reported in a committed transaction, as ``hire_screen`` does; returns the positions in ``people`` of those
    who must not be hired (the caller refuses them with ``BANNED_MESSAGE``, and nothing else)."""
    if _caller_transaction_open():
        raise RuntimeError("hire_screen_many must be called outside any transaction.atomic block")
    index_for = Ban._meta.get_field("id_index").index_for
    positions: dict[str, list[int]] = {}
    for i, (id_number, _name) in enumerate(people):
        index = index_for(id_number or "")
        if index:
            positions.setdefault(index, []).append(i)
    indexes = list(positions)
    bans: dict[str, Ban] = {}
    for start in range(0, len(indexes), IMPORT_BATCH_SIZE):
        found = Ban.objects.filter(
            _reach_q(institution.region_prefix), id_index__in=indexes[start : start + IMPORT_BATCH_SIZE]
        ).select_related("region")
        for ban in found:  # the model's order: the newest decision first, as matching_bans gives
            bans.setdefault(ban.id_index, ban)
    banned: set[int] = set()
    for index, ban in bans.items():
        for i in positions[index]:
            with transaction.atomic():
                _raise_alert(
                    ban=ban,
                    institution=institution,
                    kind=AlertKind.HIRE_ATTEMPT,
                    name=people[i][1] or ban.name,
                    by=by,
                )
            banned.add(i)
    return banned


def ban_sweep(ban: Ban, *, by: User | None = None) -> list[BanAlert]:
    """Alert for each institution (within the ban's reach) where the banned person is employed now."""
    return ban_sweep_many([ban], by=by)


def ban_sweep_many(bans: list[Ban], *, by: User | None = None) -> list[BanAlert]:
    """``ban_sweep`` for many bans (a ban import): one question to the staff register for all their ID numbers
    and one query for the open employed-match alerts they already have (a match is alerted once until it is
    acknowledged)."""
    active = [ban for ban in bans if ban.is_active]
    if not active:
        return []
    # The staff register answers who is employed now under each number (bans.signals); without one, nobody is.
    employed = answers_employed_now(ban.id_number for ban in active)
    open_alerts = {
        (ban_id, institution_id)
        for ids in chunks([b.pk for b in active])
        for ban_id, institution_id in BanAlert.objects.filter(
            ban_id__in=ids, kind=AlertKind.EMPLOYED_MATCH, acknowledged_at__isnull=True
        ).values_list("ban_id", "institution_id")
    }
    alerts: list[BanAlert] = []
    with transaction.atomic():
        for ban in active:
            for employment in employed.get(ban.id_number, ()):
                institution = employment.institution
                key = (ban.pk, institution.pk)
                if key in open_alerts or not ban.applies_to(institution.region_prefix):
                    continue
                open_alerts.add(key)
                alerts.append(
                    _raise_alert(
                        ban=ban,
                        institution=institution,
                        kind=AlertKind.EMPLOYED_MATCH,
                        name=employment.name,
                        by=by,
                    )
                )
    return alerts


def open_match_alerts() -> QuerySet[BanAlert]:
    """Employed-match alerts whose ban is still in force (with the ban): the rows ``employed_matches`` sifts.
    The compliance engine prefetches this queryset for a batch of institutions; ``active_matches`` filters
    it for one."""
    return BanAlert.objects.filter(kind=AlertKind.EMPLOYED_MATCH, ban__lifted_at__isnull=True).select_related(
        "ban"
    )


def employed_matches(alerts: Iterable[BanAlert], employed_indexes: Iterable[str]) -> list[BanAlert]:
    """Of an institution's ``open_match_alerts``, those whose banned person still works there — one per ban.

    ``employed_indexes`` are the staff blind indexes (``staff.Person.id_index``) of the institution's active
    employments. A ban's blind index is keyed for the ban list, so the ban's ID number is indexed afresh
    with the staff register's key to compare them (the register answers ``bans.signals.employed_among``)."""
    alerts = list(alerts)
    if not alerts:
        return []
    employed = answers_employed_among({a.ban.id_number for a in alerts}, indexes=employed_indexes)
    return _one_per_ban(alerts, employed)


def _one_per_ban(alerts: Iterable[BanAlert], employed: set[str] | None) -> list[BanAlert]:
    """The alerts whose ban's person is in ``employed`` (every one when ``None``: no staff register), one per
    ban."""
    out: list[BanAlert] = []
    seen: set[int] = set()
    for alert in alerts:
        if alert.ban_id in seen:
            continue
        if employed is None or alert.ban.id_number in employed:
            seen.add(alert.ban_id)
            out.append(alert)
    return out


def active_matches(institution: Institution) -> list[BanAlert]:
    """Employed-match alerts of the institution whose ban is still in force and whose person still works
    there: what the compliance engine counts as a failure (BAN-01). Acknowledging an alert does not clear it."""
    alerts = list(open_match_alerts().filter(institution=institution))
    if not alerts:
        return []
    employed = answers_employed_among({a.ban.id_number for a in alerts}, institution=institution)
    if employed is None:  # no staff register: the alerts stand
        return alerts
    return _one_per_ban(alerts, employed)
