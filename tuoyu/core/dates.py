"""Periods counted in months and years, the one way the platform counts them.

民法典 第二百零三条: a period counted in months or years ends on the corresponding day of its last month, and
where that month has no such day, on the month's last day. So one month after 31 January is 28 (or 29)
February, and three years after 29 February 2024 is 28 February 2027. Health certificates, leases, ages and
every other "N months / N years later" use these two functions.
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), or the last day of that month when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later: 29 February falls on 28 February in a common year."""
    return add_months(day, 12 * years)
