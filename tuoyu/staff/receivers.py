"""The staff register answers the ban list's questions (``tuoyu.bans.signals``): bans does not import staff."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.dispatch import receiver

from tuoyu.bans.signals import Employed, employed_among, employed_now
from tuoyu.core.imports import chunks
from tuoyu.staff.models import Employment, Person


def _index(id_number: str) -> str:
    return Person._meta.get_field("id_index").index_for(id_number)


@receiver(employed_now, dispatch_uid="tuoyu.staff.employed_now")
def answer_employed_now(
    sender: Any, *, id_numbers: Iterable[str], **kwargs: Any
) -> dict[str, list[Employed]]:
    number_of = {_index(n): n for n in id_numbers}
    found: dict[str, list[Employed]] = {}
    for indexes in chunks(list(number_of)):
        employments = (
            Employment.objects.filter(person__id_index__in=indexes, end_date__isnull=True)
            .select_related("institution", "person")
            .order_by("institution_id")
        )
        for e in employments:
            found.setdefault(number_of[e.person.id_index], []).append(
                Employed(institution=e.institution, name=e.person.name)
            )
    return found


@receiver(employed_among, dispatch_uid="tuoyu.staff.employed_among")
def answer_employed_among(
    sender: Any,
    *,
    id_numbers: Iterable[str],
    institution: Any = None,
    indexes: Iterable[str] | None = None,
    **kwargs: Any,
) -> set[str]:
    if indexes is None:
        indexes = Employment.objects.filter(institution=institution, end_date__isnull=True).values_list(
            "person__id_index", flat=True
        )
    employed = set(indexes)
    return {number for number in id_numbers if _index(number) in employed}
