"""Children's parts of the institutions app's pages (core.registry): on a class's page, how many children
hold a place against its limit and who they are; on the class list, each class's occupancy (hook
``children.class_occupancy``). Institutions shows them without importing children."""

from __future__ import annotations

from typing import Any

from tuoyu.children.selectors import class_children, class_occupancy
from tuoyu.children.services import class_limit
from tuoyu.core import registry


def _class_size(user: Any, care_class: Any) -> dict[str, Any]:
    return {"n": len(class_children(care_class=care_class)), "limit": class_limit(care_class)}


def _class_children(user: Any, care_class: Any) -> dict[str, Any]:
    return {"children": class_children(care_class=care_class)}


registry.page_panel(
    "class", name="children.class_size", template="children/_class_size.html", order=10, context=_class_size
)
registry.page_panel(
    "class",
    name="children.class_children",
    template="children/_class_children.html",
    order=30,
    context=_class_children,
)
registry.answer("children.class_occupancy")(class_occupancy)
