"""The demo accounts (README lists them). All share the password DEMO_PASSWORD."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from tuoyu.accounts.models import Role, User
from tuoyu.accounts.services import membership_grant, user_create
from tuoyu.demo.people import adult_birth_date, chinese_name, id_number, mobile
from tuoyu.regions.models import Region

DEMO_PASSWORD = "Demo-Tuoyu-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    region: str | None
    department: str
    note: str
    authority: str = ""


DEMO_ACCOUNTS = [
    DemoAccount("admin", Role.SYSTEM_ADMIN, None, "平台运维", "系统管理员 / system admin"),
    DemoAccount("auditor", Role.AUDITOR, None, "审计", "审计员 / auditor"),
    DemoAccount(
        "zz-city", Role.CITY_ADMIN, "430200", "株洲市卫生健康委员会", "株洲市卫生健康委 / Zhuzhou city"
    ),
    DemoAccount("zz-hetang", Role.REGULATOR, "430202", "荷塘区卫生健康局", "荷塘区 / Hetang district"),
    DemoAccount("zz-lusong", Role.REGULATOR, "430203", "芦淞区卫生健康局", "芦淞区 / Lusong district"),
    DemoAccount("hb-city", Role.CITY_ADMIN, "410600", "鹤壁市卫生健康委员会", "鹤壁市 / Hebi city"),
    DemoAccount(
        "dxh-district", Role.REGULATOR, "420112", "东西湖区卫生健康局", "东西湖区 / Dongxihu district"
    ),
    DemoAccount("yc-city", Role.CITY_ADMIN, "320900", "盐城市卫生健康委员会", "盐城市 / Yancheng city"),
    DemoAccount("lc-city", Role.CITY_ADMIN, "530900", "临沧市卫生健康委员会", "临沧市 / Lincang city"),
    # Registration clerks (登记机关): they push the demo institutions' registrations.
    DemoAccount(
        "zz-samr",
        Role.REGISTRATION_CLERK,
        "430200",
        "株洲市市场监督管理局",
        "株洲市市场监管局登记员 / Zhuzhou market regulation clerk",
        "market_regulation",
    ),
    DemoAccount(
        "zz-civil",
        Role.REGISTRATION_CLERK,
        "430200",
        "株洲市民政局",
        "株洲市民政局登记员 / Zhuzhou civil affairs clerk",
        "civil_affairs",
    ),
    DemoAccount(
        "zz-staffing",
        Role.REGISTRATION_CLERK,
        "430200",
        "中共株洲市委机构编制委员会办公室",
        "株洲市编办登记员 / Zhuzhou staffing office clerk",
        "staffing_office",
    ),
    DemoAccount(
        "hb-samr",
        Role.REGISTRATION_CLERK,
        "410600",
        "鹤壁市市场监督管理局",
        "鹤壁市市场监管局登记员 / Hebi market regulation clerk",
        "market_regulation",
    ),
    DemoAccount(
        "dxh-samr",
        Role.REGISTRATION_CLERK,
        "420112",
        "武汉市东西湖区市场监督管理局",
        "东西湖区市场监管局登记员 / Dongxihu market regulation clerk",
        "market_regulation",
    ),
    DemoAccount(
        "yc-samr",
        Role.REGISTRATION_CLERK,
        "320900",
        "盐城市市场监督管理局",
        "盐城市市场监管局登记员 / Yancheng market regulation clerk",
        "market_regulation",
    ),
    DemoAccount(
        "lc-samr",
        Role.REGISTRATION_CLERK,
        "530900",
        "临沧市市场监督管理局",
        "临沧市市场监管局登记员 / Lincang market regulation clerk",
        "market_regulation",
    ),
]


def demo_accounts_create(*, seed: int = 2026) -> tuple[int, int]:
    """Create the demo accounts that do not exist yet. Returns (created, kept)."""
    rng = random.Random(seed)
    created = kept = 0
    for acct in DEMO_ACCOUNTS:
        # Drawn always, so each account's data does not depend on which accounts already exist.
        name, phone = chinese_name(rng), mobile(rng)
        area = (
            (acct.region or "430202")[:4] + "02"
            if (acct.region or "").endswith("00")
            else (acct.region or "430202")
        )
        born = adult_birth_date(rng, today=dt.date(2026, 1, 1), min_age=26, max_age=55)
        id_no = id_number(rng, area_code=area, born=born)
        if User.objects.filter(username=acct.username).exists():
            kept += 1
            continue
        user = user_create(
            username=acct.username, password=DEMO_PASSWORD, real_name=name, phone=phone, id_number=id_no
        )
        region = Region.objects.get(code=acct.region) if acct.region else None
        membership_grant(
            user=user, role=acct.role, region=region, department=acct.department, authority=acct.authority
        )
        created += 1
    return created, kept
