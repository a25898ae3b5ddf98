"""The navigation each role sees. Apps add their entries here as they grow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tuoyu.accounts.models import REGION_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    name: str
    # A count shown as a badge after the label (None: no badge; 0: hidden), and what it counts, for screen
    # readers ("3 条未读").
    badge: Any = None
    badge_label: str | Promise = ""


def navigation_for(request: HttpRequest, *, unread: Any = 0) -> list[NavItem]:
    user = getattr(request, "user", None)
    # public disclosure (信息公示): the one entry everyone sees, signed in or not
    public = NavItem(_("机构公示"), reverse("disclosure:list"), "public-institutions")
    if user is None or not user.is_authenticated:
        return [public]
    roles = user.roles()
    items = [NavItem(_("首页"), reverse("home"), "home")]
    # Everyone has an inbox: filing steps, reminders and decisions arrive there.
    items.append(
        NavItem(
            _("消息"), reverse("notifications:inbox"), "notifications", badge=unread, badge_label=_("条未读")
        )
    )
    if roles & {r.value for r in REGION_ROLES} or Role.SYSTEM_ADMIN in roles:
        items.append(NavItem(_("行政区划"), reverse("regions:tree"), "regions"))
    if roles & {
        Role.CITY_ADMIN.value,
        Role.REGULATOR.value,
        Role.INSPECTOR.value,
        Role.REGISTRATION_CLERK.value,
    }:
        items.append(NavItem(_("托育机构"), reverse("institutions:list"), "institutions"))
    if roles & {Role.CITY_ADMIN.value, Role.REGULATOR.value}:
        items.append(NavItem(_("待备案"), reverse("institutions:pending"), "pending"))
    if Role.CITY_ADMIN in roles:  # a move to another county: the city over both decides
        items.append(NavItem(_("区划变更审核"), reverse("institutions:region_transfers"), "region-transfers"))
    if roles & {Role.CITY_ADMIN.value, Role.REGULATOR.value}:
        items.append(NavItem(_("备案审核"), reverse("filings:review"), "filing-review"))
        # change filing helper: FIL-05 non-compliance notices of the jurisdiction
        items.append(NavItem(_("核查不符通知"), reverse("filings:notices"), "filing-notices"))
    # compliance engine (standards): the regulators' risk list; an institution's own outcomes
    if roles & {Role.CITY_ADMIN.value, Role.REGULATOR.value, Role.INSPECTOR.value}:
        items.append(NavItem(_("合规风险"), reverse("standards:risk"), "compliance-risk"))
    if roles & {Role.INSTITUTION_ADMIN.value, Role.INSTITUTION_STAFF.value, Role.HEALTH_WORKER.value}:
        items.append(NavItem(_("合规自查"), reverse("standards:mine"), "compliance"))
    # lifetime bans (bans): the city administrators keep the list; regulators receive its alerts
    if Role.CITY_ADMIN in roles:
        from tuoyu.bans.services import keeper_cities

        if keeper_cities(user):
            items.append(NavItem(_("禁入名单"), reverse("bans:list"), "bans"))
    if roles & {Role.CITY_ADMIN.value, Role.REGULATOR.value}:
        items.append(NavItem(_("禁入预警"), reverse("bans:alerts"), "ban-alerts"))
    if Role.INSTITUTION_ADMIN in roles:
        items.append(NavItem(_("备案"), reverse("filings:list"), "filings"))
        items.append(NavItem(_("收费标准"), reverse("fees:schedule"), "fees"))
    # children (幼儿): the roster; rooms and classes for the institution's admin
    if roles & {
        Role.INSTITUTION_ADMIN.value,
        Role.HEALTH_WORKER.value,
        Role.CITY_ADMIN.value,
        Role.REGULATOR.value,
    }:
        items.append(NavItem(_("幼儿"), reverse("children:list"), "children"))
    if Role.INSTITUTION_ADMIN in roles:
        items.append(NavItem(_("园舍与班级"), reverse("institutions:classes"), "classes"))
    # staff register (staff): the admin's roster; regulators and inspectors read rosters in their region
    if roles & {
        Role.INSTITUTION_ADMIN.value,
        Role.CITY_ADMIN.value,
        Role.REGULATOR.value,
        Role.INSPECTOR.value,
    }:
        items.append(NavItem(_("工作人员"), reverse("staff:list"), "staff"))
    # staff indicators (从业人员指标): the rates of the regulators' region
    if roles & {Role.CITY_ADMIN.value, Role.REGULATOR.value, Role.INSPECTOR.value}:
        items.append(NavItem(_("从业人员指标"), reverse("staff:indicators"), "staff-indicators"))
    if Role.REGISTRATION_CLERK in roles:
        items.append(NavItem(_("登记录入"), reverse("institutions:registration_create"), "registration"))
        items.append(
            NavItem(_("批量导入"), reverse("institutions:registration_import"), "registration-import")
        )
    if Role.SYSTEM_ADMIN in roles:
        items.append(NavItem(_("账号管理"), reverse("users:list"), "users"))
    if Role.SYSTEM_ADMIN in roles:
        items.append(NavItem(_("节假日安排"), reverse("calendars:index"), "calendar"))
    if Role.AUDITOR in roles:
        items.append(NavItem(_("审计日志"), reverse("audit:events"), "audit"))
    items.append(public)  # public disclosure
    items.append(NavItem(_("API令牌"), reverse("accounts:tokens"), "tokens"))
    items.append(NavItem(_("API文档"), "/api/v1/docs", "api-docs"))
    return items
