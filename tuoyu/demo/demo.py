"""The demo world's steps, in the order ``tuoyu demo`` runs them (core.registry). Another app adds a step
with a ``demo.py`` of its own and an ``order`` between these."""

from __future__ import annotations

from typing import Any

from tuoyu.core.progress import Progress
from tuoyu.core.registry import demo_step
from tuoyu.demo.accounts import demo_accounts_create
from tuoyu.demo.children import demo_children_create
from tuoyu.demo.filings import demo_filings_create
from tuoyu.demo.institutions import demo_filed_institution, demo_institutions_create
from tuoyu.demo.staff import demo_staff_account_and_ban, demo_staff_create


def _accounts(*, seed: int, password: str, out: Any) -> list[str]:
    created, kept = demo_accounts_create(seed=seed)
    return [f"demo accounts: {created} created, {kept} already there"]


def _institutions(*, seed: int, password: str, out: Any) -> list[str]:
    made = demo_institutions_create(seed=seed, progress=Progress("demo", out))
    lines = [f"demo institutions: {made} registered"]
    number = demo_filed_institution(password=password)
    if number:
        lines.append(f"demo filing: inst-demo's institution filed as {number}")
    return lines


def _filings(*, seed: int, password: str, out: Any) -> list[str]:
    moved = demo_filings_create(seed=seed, progress=Progress("demo", out))
    return [f"demo filings: {moved} institutions moved through the filing workflow"]


def _staff(*, seed: int, password: str, out: Any) -> list[str]:
    hired = demo_staff_create(seed=seed, progress=Progress("demo", out))
    return [f"demo staff: {hired} hired"]


def _children(*, seed: int, password: str, out: Any) -> list[str]:
    children = demo_children_create(seed=seed, progress=Progress("demo", out))
    return [f"demo rooms, classes and children: {children} children registered"]


def _staff_account_and_ban(*, seed: int, password: str, out: Any) -> list[str]:
    return [f"demo: {line}" for line in demo_staff_account_and_ban(password=password)]


demo_step(name="accounts", order=10, run=_accounts)
demo_step(name="institutions", order=20, run=_institutions)
demo_step(name="filings", order=30, run=_filings)
# Thousands of small committed transactions: each changed institution is evaluated once, at the end.
demo_step(name="staff", order=40, run=_staff, deferred=True)
demo_step(name="children", order=50, run=_children, deferred=True)
demo_step(name="staff-account-and-ban", order=60, run=_staff_account_and_ban, deferred=True)
