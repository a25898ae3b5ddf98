import datetime as dt

import pytest

from tuoyu.children.models import age_in_months

D = dt.date


@pytest.mark.parametrize(
    ("born", "on", "months"),
    [
        (D(2025, 3, 15), D(2025, 3, 15), 0),
        (D(2025, 3, 15), D(2025, 4, 14), 0),
        (D(2025, 3, 15), D(2025, 4, 15), 1),
        (D(2025, 3, 15), D(2026, 3, 14), 11),
        (D(2025, 3, 15), D(2026, 3, 15), 12),
        (D(2023, 3, 15), D(2026, 3, 14), 35),
        (D(2023, 3, 15), D(2026, 3, 15), 36),
    ],
)
def test_age_counts_completed_months(born: dt.date, on: dt.date, months: int) -> None:
    assert age_in_months(born, on) == months


def test_a_child_born_on_31_january_is_one_month_old_on_the_last_day_of_february() -> None:
    assert age_in_months(D(2025, 1, 31), D(2025, 2, 27)) == 0
    assert age_in_months(D(2025, 1, 31), D(2025, 2, 28)) == 1
    assert age_in_months(D(2024, 1, 31), D(2024, 2, 28)) == 0  # a leap year: February has a 29th
    assert age_in_months(D(2024, 1, 31), D(2024, 2, 29)) == 1
    assert age_in_months(D(2025, 1, 31), D(2025, 3, 30)) == 1
    assert age_in_months(D(2025, 1, 31), D(2025, 3, 31)) == 2
    assert age_in_months(D(2025, 1, 31), D(2025, 4, 30)) == 3


def test_a_child_born_on_29_february_turns_twelve_months_on_28_february() -> None:
    assert age_in_months(D(2024, 2, 29), D(2025, 2, 27)) == 11
    assert age_in_months(D(2024, 2, 29), D(2025, 2, 28)) == 12


def test_there_is_no_age_before_birth() -> None:
    with pytest.raises(ValueError):
        age_in_months(D(2025, 3, 15), D(2025, 3, 14))
