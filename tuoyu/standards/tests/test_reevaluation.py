"""Re-evaluation after a change: which saved rows re-evaluate which institutions, once per institution per
transaction, nothing after a rollback, and once per institution for a bulk job (``reevaluation_deferred``)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.db import transaction

from tuoyu.bans.services import BanData, ban_create
from tuoyu.children.tests.helpers import make_class, months_before, register
from tuoyu.core.errors import DomainError
from tuoyu.institutions.models import FilingStatus
from tuoyu.staff.services import health_certificate_add
from tuoyu.staff.tests.factories import hire, id_number
from tuoyu.standards import services
from tuoyu.standards.models import ComplianceResult
from tuoyu.standards.tests.test_engine import compliant
from tuoyu.testing.fixtures import Cast


def spy() -> Any:
    """Watch the evaluations from here on. Institutions an earlier test's rolled-back transaction left pending
    (evaluated with the next commit, by design) are forgotten first, so the test sees only its own."""
    from django.db import transaction

    transaction.get_connection()._tuoyu_compliance_pending = set()
    return mock.patch.object(services, "reevaluate", wraps=services.reevaluate)


def failing(institution: Any) -> list[str]:
    return ComplianceResult.objects.get(institution=institution).failing_rules.split()


@pytest.mark.django_db
def test_a_hire_and_its_health_certificate_reevaluate_the_institution(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    compliant(cast.inst_a)
    with django_capture_on_commit_callbacks(execute=True):
        person = hire(cast.ann, cast.inst_a).person
    assert "STF-05" in failing(cast.inst_a)  # hired without a health certificate
    with django_capture_on_commit_callbacks(execute=True):
        health_certificate_add(
            by=cast.ann, person_id=person.pk, issued_on=dt.date.today(), issuer="区妇幼保健院"
        )
    assert "STF-05" not in failing(cast.inst_a)


@pytest.mark.django_db
def test_fifteen_enrolments_in_one_transaction_evaluate_the_institution_once(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    compliant(cast.inst_a)
    with django_capture_on_commit_callbacks(execute=True):  # the class's own evaluation runs here
        care_class = make_class(cast.inst_a)
    with (
        spy() as reevaluate,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        for n in range(15):
            register(
                cast.ann,
                cast.inst_a,
                name=f"王小{n}",
                birth=months_before(dt.date.today(), 18),
                care_class=care_class,
                start_date=dt.date.today(),
            )
    reevaluate.assert_called_once_with(cast.inst_a.pk)
    assert ComplianceResult.objects.filter(institution=cast.inst_a).exists()


@pytest.mark.django_db
def test_a_rolled_back_change_is_not_evaluated_on_its_own_and_the_next_commit_evaluates(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    compliant(cast.inst_a)
    with django_capture_on_commit_callbacks(execute=True):
        care_class = make_class(cast.inst_a)
    with spy() as reevaluate, django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(DomainError), transaction.atomic():
            care_class.planned_size = 12
            care_class.save()
            raise DomainError("x", "回滚")
        reevaluate.assert_not_called()
        care_class.save()
    reevaluate.assert_called_once_with(cast.inst_a.pk)


@pytest.mark.django_db
def test_a_certificate_reevaluates_every_institution_where_the_person_works(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    compliant(cast.inst_a)
    compliant(cast.inst_b)
    number = id_number(seq=7)
    person = hire(cast.ann, cast.inst_a, id_number=number).person
    hire(cast.ben, cast.inst_b, id_number=number)
    with spy() as reevaluate, django_capture_on_commit_callbacks(execute=True):
        health_certificate_add(
            by=cast.ann, person_id=person.pk, issued_on=dt.date.today(), issuer="区妇幼保健院"
        )
    assert sorted(c.args[0] for c in reevaluate.call_args_list) == sorted([cast.inst_a.pk, cast.inst_b.pk])


@pytest.mark.django_db
def test_a_new_ban_on_an_employed_person_reevaluates_their_institution(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    compliant(cast.inst_a)
    number = id_number(seq=9)
    hire(cast.ann, cast.inst_a, id_number=number)
    with spy() as reevaluate, django_capture_on_commit_callbacks(execute=True):
        ban_create(
            by=cast.zhou,
            data=BanData(
                id_number=number,
                name="李保育",
                reason="虐待婴幼儿",
                decision_authority="株洲市卫生健康委员会",
                decision_number="株卫禁〔2026〕1号",
                decision_date=dt.date.today(),
                scope="city",
            ),
        )
    assert cast.inst_a.pk in {c.args[0] for c in reevaluate.call_args_list}


@pytest.mark.django_db
def test_a_bulk_job_evaluates_each_institution_once_when_it_ends(cast: Cast) -> None:
    compliant(cast.inst_a)
    compliant(cast.inst_b, filing_status=FilingStatus.REGISTERED)
    with spy() as reevaluate, services.reevaluation_deferred():
        for seq in range(3):
            hire(cast.ann, cast.inst_a, seq=seq + 20)
        hire(cast.ben, cast.inst_b, seq=30)
        reevaluate.assert_not_called()
    assert sorted(c.args[0] for c in reevaluate.call_args_list) == sorted([cast.inst_a.pk, cast.inst_b.pk])
    assert ComplianceResult.objects.filter(institution=cast.inst_a).exists()
    assert not ComplianceResult.objects.filter(institution=cast.inst_b).exists()  # not filed: no result


@pytest.mark.django_db
def test_a_failing_evaluation_does_not_keep_the_others_stale(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    compliant(cast.inst_a)
    compliant(cast.inst_b)
    real = services.reevaluate

    def flaky(institution_id: int) -> Any:
        if institution_id == cast.inst_a.pk:
            raise RuntimeError("boom")
        return real(institution_id)

    with (
        mock.patch.object(services, "reevaluate", side_effect=flaky),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        services.reevaluate_on_commit(cast.inst_a.pk, cast.inst_b.pk)
    assert ComplianceResult.objects.filter(institution=cast.inst_b).exists()


@pytest.mark.django_db
def test_an_evaluation_opens_no_staff_id_number_or_phone(cast: Cast) -> None:
    """The rules read an employee's name and blind index; the sealed ID number and phone stay sealed (a
    roster import's re-evaluation would otherwise decrypt two values per employee)."""
    from tuoyu.core import crypto
    from tuoyu.institutions.models import Institution
    from tuoyu.standards.engine import evaluate_loaded, loaded

    for seq in range(3):
        hire(cast.ann, cast.inst_a, seq=seq + 40)
    opened: list[str] = []
    real = crypto.decrypt
    with mock.patch.object(
        crypto,
        "decrypt",
        side_effect=lambda stored, context: opened.append(context) or real(stored, context=context),
    ):
        institution = loaded(Institution.objects.filter(pk=cast.inst_a.pk)).get()
        evaluate_loaded(institution)
    assert len(institution.standard_employments) == 3
    assert not [c for c in opened if c.startswith("staff.Person.")]
    assert {"id_number", "phone"} <= institution.standard_employments[0].person.get_deferred_fields()
