"""Which saved rows change an institution's compliance, and which institution(s) each one concerns.

Every model the rules read is listed here (an accepted filing among them) with a function from a row to its institution ids; the app
connects ``changed`` to their ``post_save`` and ``post_delete``. Rows that belong to a person (certificates,
checks, training) concern every institution where the person works now. The nightly ``evaluate_all`` still
runs, for what changes with the date alone (a certificate expiring, a child growing out of a class's band).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from django.db import models


def _own(instance: Any) -> Iterable[int | None]:
    return [instance.institution_id]


def _employers(instance: Any) -> Iterable[int]:
    from tuoyu.staff.models import Employment

    return Employment.objects.filter(person_id=instance.person_id, end_date__isnull=True).values_list(
        "institution_id", flat=True
    )


def _class_institution(instance: Any) -> Iterable[int]:
    from tuoyu.institutions.models import CareClass

    return CareClass.objects.filter(pk=instance.care_class_id).values_list("institution_id", flat=True)


def _ban_institutions(instance: Any) -> Iterable[int]:
    from tuoyu.bans.models import BanAlert

    return BanAlert.objects.filter(ban_id=instance.pk).values_list("institution_id", flat=True).distinct()


def _accepted_filing(instance: Any) -> Iterable[int | None]:
    """An accepted filing changed its institution's facts (the 备案书's or a change's values, its status, its
    materials): re-evaluate it — the one trigger, filings does not ask for it."""
    from tuoyu.filings.models import FilingState

    return [instance.institution_id] if instance.state == FilingState.ACCEPTED else []


@cache
def watched() -> dict[type[models.Model], Callable[[Any], Iterable[int | None]]]:
    from tuoyu.bans.models import Ban, BanAlert
    from tuoyu.children.models import Child, Enrollment
    from tuoyu.filings.models import Filing
    from tuoyu.institutions.models import CareClass, Room
    from tuoyu.staff.models import (
        BackgroundCheck,
        Certificate,
        ClassAssignment,
        Employment,
        HealthCertificate,
        TrainingRecord,
    )

    return {
        Room: _own,
        CareClass: _own,
        Employment: _own,
        ClassAssignment: _class_institution,
        Certificate: _employers,
        HealthCertificate: _employers,
        BackgroundCheck: _employers,
        TrainingRecord: _employers,
        Child: _own,
        Enrollment: _class_institution,
        Ban: _ban_institutions,
        BanAlert: _own,
        Filing: _accepted_filing,
    }


def created_in_bulk(sender: type[models.Model], instances: Iterable[Any], **kwargs: Any) -> None:
    """``core.signals.rows_created``: the rows of a bulk write (an import), as ``changed`` would see each,
    with one query for all the rows that name their institution through a class."""
    from tuoyu.standards.services import reevaluate_on_commit

    institutions = watched().get(sender)
    if institutions is None:
        return
    rows = list(instances)
    if institutions is _own:
        reevaluate_on_commit(*{row.institution_id for row in rows})
    elif institutions is _class_institution:
        from tuoyu.institutions.models import CareClass

        classes = {row.care_class_id for row in rows}
        reevaluate_on_commit(
            *set(CareClass.objects.filter(pk__in=classes).values_list("institution_id", flat=True))
        )
    else:
        reevaluate_on_commit(*{i for row in rows for i in institutions(row)})


def changed(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    from tuoyu.standards.services import reevaluate_on_commit

    if kwargs.get("raw"):  # loaddata
        return
    institutions = watched().get(sender)
    if institutions is not None:
        reevaluate_on_commit(*institutions(instance))
