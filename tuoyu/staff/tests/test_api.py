"""The staff register through the API: problem+json on bad input, scoped reads, masked personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tuoyu.core.problems import PROBLEM_CONTENT_TYPE
from tuoyu.staff.models import Person
from tuoyu.staff.tests.factories import hire, id_number

pytestmark = pytest.mark.django_db


def body(institution, **overrides):  # noqa: ANN001, ANN201
    data = {
        "institution_id": institution.pk,
        "name": "李保育",
        "id_number": id_number(),
        "phone": "13912345678",
        "roles": ["caregiver"],
        "start_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
    }
    data.update(overrides)
    return data


def post(client, path, data):  # noqa: ANN001, ANN201
    return client.post(f"/api/v1/staff{path}", data, content_type="application/json")


def test_the_admin_hires_through_the_api(cast, login) -> None:
    response = post(login(cast.ann), "", body(cast.inst_a))
    assert response.status_code == 201, response.content
    assert response.json()["employment"]["roles"] == ["caregiver"]
    assert response.json()["active_elsewhere"] == []


def test_a_mismatch_is_a_422_naming_the_field(cast, login) -> None:
    response = post(login(cast.ann), "", body(cast.inst_a, birth_date="1991-01-01"))
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert "birth_date" in response.content.decode()
    assert post(login(cast.ann), "", body(cast.inst_a, roles=[])).status_code == 422
    assert post(login(cast.ann), "", body(cast.inst_a, name="a\x00b")).status_code == 422
    assert not Person.objects.exists()


def test_another_institution_cannot_hire_here(cast, login) -> None:
    response = post(login(cast.ben), "", body(cast.inst_a))
    assert response.status_code == 404 and response["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_reads_are_scoped_and_masked(cast, login) -> None:
    person = hire(cast.ann, cast.inst_a).person
    response = login(cast.alice).get(f"/api/v1/staff?institution_id={cast.inst_a.pk}")
    assert response.status_code == 200 and [r["person_id"] for r in response.json()["items"]] == [person.pk]
    assert login(cast.bob).get(f"/api/v1/staff?institution_id={cast.inst_a.pk}").status_code == 404
    detail = login(cast.ann).get(f"/api/v1/staff/{person.pk}").json()
    assert detail["id_number_masked"] == person.id_number_masked and person.id_number not in str(detail)
    assert login(cast.carol).get(f"/api/v1/staff/{person.pk}").status_code == 404


def test_end_with_a_stale_version_is_a_409_and_then_ends(cast, login) -> None:
    employment = hire(cast.ann, cast.inst_a).employment
    ann = login(cast.ann)
    assert post(ann, f"/employments/{employment.pk}/end", {"version": 5}).status_code == 409
    response = post(ann, f"/employments/{employment.pk}/end", {"version": 1})
    assert response.status_code == 200 and response.json()["end_date"] == timezone.localdate().isoformat()


def test_records_through_the_api(cast, login) -> None:
    person = hire(cast.ann, cast.inst_a).person
    ann = login(cast.ann)
    today = timezone.localdate().isoformat()
    r = post(ann, f"/{person.pk}/health-certificates", {"issued_on": today, "issuer": "妇幼保健院"})
    assert r.status_code == 201 and r.json()["expires_on"]
    r = post(
        ann,
        f"/{person.pk}/certificates",
        {
            "kind": "teacher",
            "number": "T1",
            "issuer": "教育局",
            "issued_on": today,
            "expires_on": "2000-01-01",
        },
    )
    assert r.status_code == 422 and "expires_on" in r.content.decode()
    r = post(
        ann,
        f"/{person.pk}/background-checks",
        {"kind": "no_criminal_record", "checked_on": today, "result": "clear", "authority": "派出所"},
    )
    assert r.status_code == 201
    r = post(
        ann, f"/{person.pk}/training", {"year": timezone.localdate().year, "hours": "8", "topic": "急救"}
    )
    assert r.status_code == 201
    assert (
        post(
            login(cast.alice), f"/{person.pk}/training", {"year": 2025, "hours": "8", "topic": "x"}
        ).status_code
        == 404
    )


def test_a_hire_is_full_time_by_default_and_part_time_when_asked(cast, login) -> None:
    ann = login(cast.ann)
    response = post(ann, "", body(cast.inst_a))
    assert response.status_code == 201 and response.json()["employment"]["full_time"] is True
    response = post(
        ann, "", body(cast.inst_a, id_number=id_number(seq=7), roles=["health_worker"], full_time=False)
    )
    assert response.status_code == 201 and response.json()["employment"]["full_time"] is False
    person_id = response.json()["person_id"]
    assert ann.get(f"/api/v1/staff/{person_id}").json()["employments"][0]["full_time"] is False
    rows = ann.get(f"/api/v1/staff?institution_id={cast.inst_a.pk}").json()["items"]
    assert sorted(r["employment"]["full_time"] for r in rows) == [False, True]


def test_a_full_time_flag_that_is_not_a_boolean_is_a_422(cast, login) -> None:
    response = post(login(cast.ann), "", body(cast.inst_a, full_time="sometimes"))
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert "full_time" in response.content.decode()
    assert not Person.objects.exists()
