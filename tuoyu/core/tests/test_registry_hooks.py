"""core.registry's hooks and page panels: what an app asks another without importing it, and what it gets
when nobody answers (the answering app is not installed)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tuoyu.core import registry
from tuoyu.core.errors import DomainError


@pytest.fixture
def clean_registry() -> Iterator[None]:
    """Whatever a test registers is forgotten after it; the apps' own registrations stay."""
    answers = dict(registry._answers)
    guards = {point: list(found) for point, found in registry._guards.items()}
    panels = dict(registry._panels)
    yield
    registry._answers.clear()
    registry._answers.update(answers)
    registry._guards.clear()
    registry._guards.update(guards)
    registry._panels.clear()
    registry._panels.update(panels)


def test_the_apps_answer_the_hooks_they_registered() -> None:
    # standards answers rule_params (with the city's overrides: none in the test settings)
    assert registry.rule_params("SIT-01", "430202")["min_lease_years"] == 3
    assert registry.rule_params("RAT-02", "430202")["max_children"] == 5
    # standards guards filing.submit; staff answers children's caregiver rule; children the class occupancy
    assert [name for name, _fn in registry._guards["filing.submit"]] == ["standards.filing_guard"]
    assert "children.scoping.sees_classes" in registry._answers
    assert "children.class_occupancy" in registry._answers


def test_a_hook_nobody_answers_answers_empty(clean_registry: None) -> None:
    registry._answers.pop("standards.rule_params")
    registry._guards.pop("filing.submit")
    assert registry.rule_params("SIT-01", "430202") == {}
    assert registry.ask("nobody.answers", 1, default="none") == "none"
    assert registry.run_guards("filing.submit", object(), proposed={}, field="form") is None


def test_two_answers_to_one_hook_are_refused(clean_registry: None) -> None:
    registry.answer("test.question")(lambda: 1)
    with pytest.raises(ValueError, match="two answers"):
        registry.answer("test.question")(lambda: 2)


def test_guards_run_in_order_and_the_first_refusal_stops_the_action(clean_registry: None) -> None:
    ran: list[str] = []

    def first(obj: Any, **context: Any) -> None:
        ran.append("first")

    def refuses(obj: Any, **context: Any) -> None:
        ran.append("refuses")
        raise DomainError("test_refused", "不行。", field=context["field"])

    def never(obj: Any, **context: Any) -> None:
        ran.append("never")

    for name, fn in [("a", first), ("b", refuses), ("c", never)]:
        registry.guard("test.point", name=name)(fn)
    registry.guard("test.point", name="a")(first)  # the same guard again: still once
    with pytest.raises(DomainError) as refused:
        registry.run_guards("test.point", object(), field="form")
    assert refused.value.field == "form" and ran == ["first", "refuses"]
    with pytest.raises(ValueError, match="two guards"):
        registry.guard("test.point", name="a")(never)


def test_page_panels_are_per_page_in_their_order_and_skip_those_with_nothing(clean_registry: None) -> None:
    registry.page_panel(
        "test", name="later", template="b.html", order=20, context=lambda user, obj: {"o": obj}
    )
    registry.page_panel(
        "test", name="first", template="a.html", order=10, context=lambda user, obj: {"u": user}
    )
    registry.page_panel("test", name="empty", template="c.html", order=5, context=lambda user, obj: None)
    assert [p.name for p in registry.page_panels("test")] == ["empty", "first", "later"]
    assert registry.panels_for("test", "ann", "班级") == [("a.html", {"u": "ann"}), ("b.html", {"o": "班级"})]
    assert all(p.page == "home" for p in registry.home_panels())
    with pytest.raises(ValueError, match="two test panels"):
        registry.page_panel("test", name="first", template="other.html", order=10, context=lambda u, o: 1)


def test_the_institution_and_class_pages_have_their_apps_panels() -> None:
    assert [p.name for p in registry.page_panels("institution")] == ["fees.schedule"]
    assert [p.name for p in registry.page_panels("class")] == [
        "children.class_size",
        "staff.caregivers",
        "children.class_children",
    ]
