"""The staffing rules read a person's records through rules.base.person_records: the lists ``loaded``
prefetched (to_attr), or — for a person that did not come through it — the same records from the database."""

from __future__ import annotations

import datetime as dt

import pytest

from tuoyu.staff.models import HealthCertificate, Person
from tuoyu.staff.tests.factories import id_number
from tuoyu.standards.rules.base import PERSON_RECORDS, person_records

pytestmark = pytest.mark.django_db


def _person() -> Person:
    person = Person.objects.create(
        name="李四", id_number=id_number(seq=7), sex="M", birth_date=dt.date(1990, 1, 1), phone="13800007777"
    )
    HealthCertificate.objects.create(person=person, issued_on=dt.date(2026, 1, 5), issuer="市妇幼")
    HealthCertificate.objects.create(person=person, issued_on=dt.date(2025, 1, 5), issuer="市妇幼")
    return person


def test_a_person_not_loaded_reads_its_records_from_the_database(django_assert_num_queries):
    person = Person.objects.get(pk=_person().pk)
    with django_assert_num_queries(1):
        records = person_records(person, "health_certificates")
    assert [h.issued_on for h in records] == [dt.date(2026, 1, 5), dt.date(2025, 1, 5)]
    assert "health_certificates" in PERSON_RECORDS


def test_a_prefetched_person_costs_no_query(django_assert_num_queries):
    from django.db.models import Prefetch

    _person()
    person = Person.objects.prefetch_related(
        Prefetch("health_certificates", to_attr="standard_health_certificates")
    ).get()
    with django_assert_num_queries(0):
        records = person_records(person, "health_certificates")
    assert [h.issued_on for h in records] == [dt.date(2026, 1, 5), dt.date(2025, 1, 5)]
