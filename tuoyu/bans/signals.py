"""What the ban list asks of the staff register without importing it (bans must not import staff).

The staff app answers both signals (``tuoyu/staff/receivers.py``, connected in ``StaffConfig.ready``). When no
app answers — the staff register is not installed — nobody is employed: a sweep finds no one, and
``active_matches`` keeps every open alert (it cannot tell that the person left).

- ``employed_now`` (``id_numbers``): the people with those ID numbers employed now, as
  ``{id_number: [Employed, …]}`` (the institution and the name the register holds), in a few queries whatever
  the number of ID numbers (a ban import's sweep asks for all its rows at once). ``ban_sweep`` alerts for each.
- ``employed_among`` (``id_numbers``, and either ``institution`` or ``indexes``): which of the ban list's
  ``id_numbers`` belong to someone employed now at ``institution`` — or, given ``indexes`` (the register's own
  blind indexes of an institution's active employments, already loaded by the compliance engine), whose
  register index is among them. A ban's blind index is keyed for the ban list, so the register indexes the
  numbers itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal

employed_now = Signal()
employed_among = Signal()


@dataclass(frozen=True)
class Employed:
    institution: Any  # institutions.Institution
    name: str


def answers_employed_now(id_numbers: Iterable[str]) -> dict[str, list[Employed]]:
    numbers = list(dict.fromkeys(id_numbers))
    found: dict[str, list[Employed]] = {}
    for _receiver, answer in employed_now.send(sender=None, id_numbers=numbers):
        for number, employed in (answer or {}).items():
            found.setdefault(number, []).extend(employed)
    return {n: sorted(e, key=lambda x: x.institution.pk) for n, e in found.items()}


def answers_employed_among(
    id_numbers: Iterable[str], *, institution: Any = None, indexes: Iterable[str] | None = None
) -> set[str] | None:
    """The employed subset of ``id_numbers``; ``None`` when no app keeps a staff register."""
    if not employed_among.has_listeners():
        return None
    numbers = list(id_numbers)
    employed: set[str] = set()
    for _receiver, answer in employed_among.send(
        sender=None,
        id_numbers=numbers,
        institution=institution,
        indexes=None if indexes is None else list(indexes),
    ):
        employed.update(answer or ())
    return employed
