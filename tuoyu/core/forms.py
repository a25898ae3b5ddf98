"""What every form of the platform shares: a choice the user must make starts unchosen.

A select whose first option is a real answer (性别 男, 与幼儿关系 父亲) records that answer for everyone who does
not look; a required choice therefore starts on "请选择" (an empty value, which the field refuses as unfilled),
and a model choice on "请选择" instead of Django's "---------".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

CHOOSE = _("请选择")


def choose_first(choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """``choices`` after an empty "请选择": for a required ChoiceField with no honest default."""
    return [("", CHOOSE), *choices]
