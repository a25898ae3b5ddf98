"""Certificate-expiry reminders: once per certificate and expiry, active staff only, 30 days ahead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from tuoyu.accounts.services import membership_grant
from tuoyu.notifications.models import Notification
from tuoyu.staff.models import Certificate, Employment, ExpiryReminder, HealthCertificate, add_months
from tuoyu.staff.reminders import expiry_reminders_send
from tuoyu.staff.tests.factories import hire
from tuoyu.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 10)


def certificate(person, expires_on, kind="childcare_worker"):  # noqa: ANN001, ANN201
    return Certificate.objects.create(
        person=person,
        kind=kind,
        number=f"N-{expires_on}",
        issuer="人社局",
        issued_on=dt.date(2020, 1, 1),
        expires_on=expires_on,
    )


def health(person, expires_on):  # noqa: ANN001, ANN201
    """A health certificate whose last valid day is ``expires_on``."""
    issued = add_months(expires_on, -12)
    h = HealthCertificate.objects.create(person=person, issued_on=issued, issuer="妇幼保健院")
    assert h.expires_on == expires_on
    return h


def inbox(user):  # noqa: ANN001, ANN201
    return list(Notification.objects.filter(recipient=user, kind="staff.certificates_expiring"))


def test_one_reminder_per_institution_counts_its_expiring_certificates(cast) -> None:
    p1 = hire(cast.ann, cast.inst_a, seq=1).person
    p2 = hire(cast.ann, cast.inst_a, seq=2, name="王保健").person
    certificate(p1, TODAY + dt.timedelta(days=5))
    health(p2, TODAY + dt.timedelta(days=30))
    summary = expiry_reminders_send(on=TODAY)
    assert (summary.institutions, summary.certificates) == (1, 2)
    [n] = inbox(cast.ann)
    assert "2" in n.body and n.link == f"/staff/?institution={cast.inst_a.pk}"
    assert p1.name not in n.body + n.title and p2.name not in n.body + n.title  # no names in the inbox
    assert not inbox(cast.ben) and not inbox(cast.stacy)


def test_a_second_run_sends_nothing(cast) -> None:
    person = hire(cast.ann, cast.inst_a).person
    certificate(person, TODAY + dt.timedelta(days=10))
    health(person, TODAY + dt.timedelta(days=20))
    assert expiry_reminders_send(on=TODAY).certificates == 2
    again = expiry_reminders_send(on=TODAY + dt.timedelta(days=1))
    assert (again.institutions, again.certificates) == (0, 0)
    assert len(inbox(cast.ann)) == 1
    assert ExpiryReminder.objects.count() == 2


def test_a_new_expiring_certificate_is_reminded_on_its_own(cast) -> None:
    person = hire(cast.ann, cast.inst_a).person
    certificate(person, TODAY + dt.timedelta(days=10))
    expiry_reminders_send(on=TODAY)
    certificate(person, TODAY + dt.timedelta(days=12), kind="teacher")
    assert expiry_reminders_send(on=TODAY).certificates == 1
    assert len(inbox(cast.ann)) == 2


def test_no_reminder_beyond_30_days_or_once_expired(cast) -> None:
    person = hire(cast.ann, cast.inst_a).person
    certificate(person, TODAY + dt.timedelta(days=31))
    certificate(person, TODAY - dt.timedelta(days=1), kind="teacher")
    health(person, TODAY + dt.timedelta(days=31))
    assert expiry_reminders_send(on=TODAY).certificates == 0
    assert not inbox(cast.ann)
    # day 30 is inside the window
    assert expiry_reminders_send(on=TODAY + dt.timedelta(days=1)).certificates == 2


def test_no_reminder_for_ended_employments(cast) -> None:
    person = hire(cast.ann, cast.inst_a).person
    certificate(person, TODAY + dt.timedelta(days=3))
    health(person, TODAY + dt.timedelta(days=3))
    Employment.objects.update(end_date=timezone.localdate())
    assert expiry_reminders_send(on=TODAY).certificates == 0
    assert not inbox(cast.ann)


def test_a_renewed_health_certificate_supersedes_the_expiring_one(cast) -> None:
    person = hire(cast.ann, cast.inst_a).person
    health(person, TODAY + dt.timedelta(days=3))
    health(person, TODAY + dt.timedelta(days=300))
    assert expiry_reminders_send(on=TODAY).certificates == 0


def test_each_institution_of_a_person_employed_twice_is_told(cast) -> None:
    person = hire(cast.ann, cast.inst_a).person
    hire(cast.ben, cast.inst_b)  # the same ID number: the same person, now at B too
    certificate(person, TODAY + dt.timedelta(days=3))
    assert expiry_reminders_send(on=TODAY).institutions == 2
    assert len(inbox(cast.ann)) == 1 and len(inbox(cast.ben)) == 1


def test_every_admin_of_the_institution_is_told(cast) -> None:
    second = make_user("annie", None)
    membership_grant(user=second, role="institution_admin", institution=cast.inst_a)
    person = hire(cast.ann, cast.inst_a).person
    certificate(person, TODAY + dt.timedelta(days=3))
    expiry_reminders_send(on=TODAY)
    assert len(inbox(cast.ann)) == 1 and len(inbox(second)) == 1


def test_tick_prints_the_count(cast, capsys) -> None:
    person = hire(cast.ann, cast.inst_a).person
    certificate(person, timezone.localdate() + dt.timedelta(days=3))
    call_command("tick")
    assert "staff certificates: reminded 1 institutions of 1 expiring certificates" in capsys.readouterr().out
