"""Blocks (拦截): a rule of severity ``block`` stops the action it guards, with the rule's own evidence and
remedy as the message. The compliance pages report the same rules after the fact; a guard refuses before.

Guarded here (registered in ``hooks.py`` with ``core.registry.guard``; filings runs them with ``run_guards``
and does not import this module):
- submitting an initial or change filing: STF-01 (the director's qualifications) and SIT-05 (the health
  observation room), read from the institution as the filing would make it. While no rooms are recorded,
  a centre's 备案书 answer "设有观察室" stands in for them (its size is checked when the rooms are entered).

Enrolling a child into a full class (CLS-05) is refused by the children service itself, with the rule's id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tuoyu.core.errors import DomainError
from tuoyu.institutions.models import Institution, InstitutionKind
from tuoyu.standards.engine import context, loaded, outcome
from tuoyu.standards.rules import FAIL, RULES_BY_ID

FILING_GUARDS = ("STF-01", "SIT-05")


def _refusal(rule_id: str, evidence: str, fix: str, field: str) -> DomainError:
    rule = RULES_BY_ID[rule_id]
    message = _("不符合%(id)s（%(title)s）：%(evidence)s%(fix)s") % {
        "id": rule.id,
        "title": rule.title_en if (get_language() or "").startswith("en") else rule.title_zh,
        "evidence": evidence,
        "fix": fix,
    }
    return DomainError(rule.id, message, field=field)


def filing_guard(institution_id: int, proposed: Mapping[str, Any], *, field: str) -> None:
    """Raise the first guarded rule's refusal for the institution with the filing's ``proposed`` values set
    (not saved). ``field`` names the part of the filing the message belongs to."""
    institution: Institution = loaded(Institution.objects.filter(pk=institution_id)).get()
    for name, value in proposed.items():
        setattr(institution, name, value)
    ctx = context(institution)
    for rule_id in FILING_GUARDS:
        result = outcome(RULES_BY_ID[rule_id], ctx)
        if result.status == FAIL:
            raise _refusal(rule_id, result.evidence, result.fix, field)
    if (
        not ctx.rooms
        and institution.kind != InstitutionKind.HOME_POINT
        and not institution.has_observation_room
    ):
        raise _refusal(
            "SIT-05",
            _("备案书申报未设保健观察室。"),
            _("设置保健观察室后，在备案书“场地”部分勾选“设有观察室”。"),
            field,
        )
