"""An admin of two institutions chooses which one the staff, children and compliance pages are about."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.test import RequestFactory

from tuoyu.accounts.models import Role
from tuoyu.accounts.services import membership_grant
from tuoyu.children.models import Child
from tuoyu.children.tests.helpers import register
from tuoyu.institutions.acting import SESSION_KEY, acting_institution_id
from tuoyu.staff.models import Employment
from tuoyu.staff.tests.factories import hire, id_number
from tuoyu.testing.fixtures import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(cast: Cast) -> Cast:
    """ann keeps institution B as well as A (ben still keeps B)."""
    membership_grant(user=cast.ann, role=Role.INSTITUTION_ADMIN, institution=cast.inst_b)
    return cast


def _request(query: str = "", session: dict[str, Any] | None = None) -> Any:
    request = RequestFactory().get("/x/" + query)
    request.session = session if session is not None else {}
    return request


def test_the_choice_is_taken_remembered_and_defaults_to_the_first() -> None:
    session: dict[str, Any] = {}
    assert acting_institution_id(_request(session=session), [7, 3]) == 3
    assert acting_institution_id(_request("?institution=7", session), [7, 3]) == 7
    assert session[SESSION_KEY] == 7
    assert acting_institution_id(_request(session=session), [7, 3]) == 7
    # a remembered choice that is no longer theirs falls back to the first
    assert acting_institution_id(_request(session=session), [3, 9]) == 3


@pytest.mark.parametrize(
    "query", ["?institution=5", "?institution=abc", "?institution=-3", "?institution=3x"]
)
def test_an_institution_that_is_not_theirs_is_404(query: str) -> None:
    with pytest.raises(Http404):
        acting_institution_id(_request(query), [3, 7])


def test_nobody_without_institutions_acts_for_one() -> None:
    with pytest.raises(Http404):
        acting_institution_id(_request(), [])


def test_the_staff_pages_follow_the_chosen_institution(two: Cast, login: Any) -> None:
    hire(two.ben, two.inst_b, name="芦淞员工")
    ann = login(two.ann)
    text = ann.get("/staff/").content.decode()
    assert 'data-testid="acting-institution"' in text
    assert two.inst_a.name in text and two.inst_b.name in text  # both in the selector
    assert "芦淞员工" not in text  # A's roster (the first) by default
    text = ann.get(f"/staff/?institution={two.inst_b.pk}").content.decode()
    assert "芦淞员工" in text and "录用工作人员" in text  # B's, and hers to change
    assert f"录用工作人员 · {two.inst_b.name}" in ann.get("/staff/new/").content.decode()  # remembered
    response = ann.post(
        "/staff/new/",
        {
            "name": "新保育",
            "id_number": id_number(seq=40),
            "sex": "M",
            "birth_date": "1990-01-01",
            "phone": "13912345678",
            "roles": ["caregiver"],
            "start_date": "2026-01-05",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Employment.objects.get(person__name="新保育").institution == two.inst_b
    assert ann.get(f"/staff/?institution={two.inst_hebi.pk}").status_code == 404


def test_an_admin_of_one_institution_sees_no_selector(two: Cast, login: Any) -> None:
    text = login(two.ben).get("/staff/").content.decode()
    assert 'data-testid="acting-institution"' not in text
    assert login(two.ben).get(f"/staff/new/?institution={two.inst_a.pk}").status_code == 404


def test_the_children_pages_follow_the_chosen_institution(two: Cast, login: Any) -> None:
    register(two.ann, two.inst_a, name="甲幼儿")
    register(two.ben, two.inst_b, name="乙幼儿")
    ann = login(two.ann)
    text = ann.get("/children/").content.decode()
    assert "甲幼儿" in text and "乙幼儿" not in text and 'data-testid="acting-institution"' in text
    text = ann.get(f"/children/?institution={two.inst_b.pk}").content.decode()
    assert "乙幼儿" in text and "甲幼儿" not in text
    assert two.inst_b.name in ann.get("/children/new/").content.decode().split("</h1>")[0]
    assert ann.get(f"/children/?institution={two.inst_hebi.pk}").status_code == 404
    assert Child.objects.count() == 2


def test_the_compliance_page_follows_the_chosen_institution(two: Cast, login: Any) -> None:
    ann = login(two.ann)
    head = ann.get("/standards/").content.decode().split("</h1>")[0]
    assert two.inst_a.name in head
    head = ann.get(f"/standards/?institution={two.inst_b.pk}").content.decode().split("</h1>")[0]
    assert two.inst_b.name in head
    assert ann.get(f"/standards/?institution={two.inst_hebi.pk}").status_code == 404
    assert 'data-testid="acting-institution"' not in login(two.stacy).get("/standards/").content.decode()


def test_the_fee_page_follows_the_chosen_institution(two: Cast, login: Any) -> None:
    # The fee page once always showed the first institution, whatever the header said (issue 10 §2).
    ann = login(two.ann)
    text = ann.get("/fees/").content.decode()
    assert f"收费标准 · {two.inst_a.name}" in text and 'data-testid="acting-institution"' in text
    text = ann.get(f"/fees/?institution={two.inst_b.pk}").content.decode()
    assert f"收费标准 · {two.inst_b.name}" in text
    assert f"收费标准 · {two.inst_b.name}" in ann.get("/fees/").content.decode()  # remembered
    assert ann.get(f"/fees/?institution={two.inst_hebi.pk}").status_code == 404
