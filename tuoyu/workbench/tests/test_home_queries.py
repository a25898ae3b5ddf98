"""What a signed-in request costs in queries: the fixed part every page pays, and each role's home page — the
same number for a jurisdiction with a few filings as for one with dozens (no query per row)."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tuoyu.audit.models import Outcome
from tuoyu.audit.services import audit_event, audit_record_many
from tuoyu.filings.models import Filing, FilingState
from tuoyu.institutions.models import Institution
from tuoyu.testing.fixtures import Cast

pytestmark = pytest.mark.django_db


def grow(cast: Cast, n: int, start: int) -> None:
    """``n`` more institutions in 荷塘区 (alice's) and 株洲市 (zhou's): half waiting in the review queue —
    submitted from today back over three weeks, so some are past FIL-04's five working days —, the other
    half registered only, every third of those past the filing deadline; and audit events of the kinds
    the auditor's panel counts."""
    now = timezone.now()
    events = []
    for i in range(start, start + n):
        inst = Institution.objects.create(
            name=f"计数托育{i:03d}", uscc=f"91430202MA4Q{i:04d}X", region=cast.inst_a.region
        )
        if i % 2:
            Filing.objects.create(
                institution=inst,
                state=FilingState.SUBMITTED,
                submitted_at=now - dt.timedelta(days=i % 21),
                created_by=cast.ann,
                region_prefix=inst.region_prefix,
            )
        elif i % 3 == 0:
            Institution.objects.filter(pk=inst.pk).update(filing_overdue_at=now)
        events += [
            audit_event("auth.login_failed", outcome=Outcome.FAILURE, actor_username=f"u{i}"),
            audit_event("access.denied", outcome=Outcome.DENIED, actor_username=f"u{i}"),
        ]
    audit_record_many(events)


def assert_flat(cast: Cast, user: Any, login: Any, django_assert_num_queries: Any, expected: int) -> None:
    client = login(user)
    client.get("/")  # the session's first request renews it (a write): not counted
    grow(cast, 4, 0)
    with django_assert_num_queries(expected):
        assert client.get("/").status_code == 200
    grow(cast, 40, 4)
    with django_assert_num_queries(expected):
        assert client.get("/").status_code == 200


# Every signed-in page: the session, the user, (a role with a second factor) the TOTP device, the
# memberships, and the menu's unread-notifications badge.
FIXED = 4
FIXED_MFA = 5


def test_the_fixed_cost_of_a_signed_in_page(cast: Cast, login: Any, django_assert_num_queries: Any) -> None:
    """A parent's home has no panel: what remains is what every signed-in page pays."""
    assert_flat(cast, cast.pat, login, django_assert_num_queries, FIXED)


def test_a_signed_in_ping_loads_only_session_user_and_device(
    cast: Cast, login: Any, django_assert_num_queries: Any
) -> None:
    """/ping through the whole stack as a regulator: the session, the user and the second factor's device
    (checked on every request, so a removed device stops the session at once) — no memberships, no menu."""
    client = login(cast.alice)
    client.get("/")
    with django_assert_num_queries(3):
        assert client.get("/ping").status_code == 200


def test_the_city_admins_home(cast: Cast, login: Any, django_assert_num_queries: Any) -> None:
    """Fixed + jurisdiction (the region and its subdivisions with their populations, institutions,
    streets) + the bureau's to-do (the holiday table, the queue's aggregate, the unfiled
    registrations' aggregate)."""
    assert_flat(cast, cast.zhou, login, django_assert_num_queries, FIXED_MFA + 3 + 3)


def test_the_county_regulators_home(cast: Cast, login: Any, django_assert_num_queries: Any) -> None:
    assert_flat(cast, cast.alice, login, django_assert_num_queries, FIXED_MFA + 3 + 3)


def test_the_auditors_home(cast: Cast, login: Any, django_assert_num_queries: Any) -> None:
    """Fixed + the trail's total and one aggregate of the last day's figures."""
    assert_flat(cast, cast.audrey, login, django_assert_num_queries, FIXED_MFA + 2)


def test_the_system_admins_home(cast: Cast, login: Any, django_assert_num_queries: Any) -> None:
    """Fixed + users, grants by role, regions."""
    assert_flat(cast, cast.sam, login, django_assert_num_queries, FIXED_MFA + 3)


def test_the_institution_admins_home(cast: Cast, login: Any, django_assert_num_queries: Any) -> None:
    """Fixed + the institution, its filings (registered, not filed: no open filing, no fee schedule to ask
    for) — the jurisdiction's growth around it costs nothing."""
    assert_flat(cast, cast.ann, login, django_assert_num_queries, FIXED + 2)


def test_the_bureaus_overdue_count_matches_each_filings_clock(cast: Cast, login: Any) -> None:
    """The queue's overdue figure, counted by one cut-off in the database, is what clocking each filing
    says (FIL-04: five working days after the day of receipt)."""
    from tuoyu.calendars.workdays import load_calendar
    from tuoyu.filings import selectors

    grow(cast, 44, 0)
    queue = list(selectors.review_queue(viewer=cast.zhou))
    calendar = load_calendar()
    for offset in range(-3, 60, 2):  # across weekends and the holidays of the coming weeks
        today = timezone.localdate() + dt.timedelta(days=offset)
        clocked = sum(1 for f in queue if selectors.review_clock(f, today=today, calendar=calendar).overdue)
        counts = selectors.review_queue_counts(viewer=cast.zhou, today=today, calendar=calendar)
        assert (counts.waiting, counts.overdue) == (len(queue), clocked), today
    assert 0 < selectors.review_queue_counts(viewer=cast.zhou).overdue < len(queue) == 22
