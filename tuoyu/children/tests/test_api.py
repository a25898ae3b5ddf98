"""The children and premises API: problem+json for bad input, nothing saved, masked output."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tuoyu.children.models import Child
from tuoyu.children.tests.helpers import id_for, make_class, months_before, register
from tuoyu.core.problems import PROBLEM_CONTENT_TYPE
from tuoyu.institutions.models import Room
from tuoyu.testing.fixtures import Cast

TODAY = dt.date.today()


def _post(c: Any, url: str, body: dict[str, Any], method: str = "post") -> Any:
    return getattr(c, method)(url, json.dumps(body), content_type="application/json")


def _child(**over: Any) -> dict[str, Any]:
    return {
        "name": "王小明",
        "sex": "M",
        "birth_date": months_before(TODAY, 18).isoformat(),
        "guardian_name": "王大明",
        "guardian_relationship": "father",
        "guardian_phone": "13912345678",
        **over,
    }


def test_a_child_is_registered_and_enrolled_through_the_api(cast: Cast, login: Any) -> None:
    care_class = make_class(cast.inst_a)
    birth = months_before(TODAY, 18)
    body = _child(
        id_number=id_for(birth),
        consent_scope=["basic"],
        consent_text_version="v1",
        class_id=care_class.pk,
        start_date=TODAY.isoformat(),
    )
    response = _post(login(cast.ann), "/api/v1/children", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["age_months"] == 18 and "*" in data["id_number_masked"]
    assert data["enrollments"][0]["class_name"] == "托小一班"
    assert data["guardians"][0]["phone_masked"] == "139****5678"
    assert id_for(birth) not in response.content.decode()


def test_an_impossible_date_is_a_422_problem_and_saves_nothing(cast: Cast, login: Any) -> None:
    response = _post(login(cast.ann), "/api/v1/children", _child(birth_date="2025-02-30"))
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert not Child.objects.exists()


def test_a_mismatched_id_or_a_child_of_40_months_is_a_400_problem_naming_the_field(
    cast: Cast, login: Any
) -> None:
    c = login(cast.ann)
    birth = months_before(TODAY, 18)
    body = _child(
        id_number=id_for(birth - dt.timedelta(days=1)), consent_scope=["basic"], consent_text_version="v1"
    )
    response = _post(c, "/api/v1/children", body)
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert response.json()["errors"][0]["field"] == "id_number"
    response = _post(c, "/api/v1/children", _child(birth_date=months_before(TODAY, 40).isoformat()))
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "birth_date"
    assert not Child.objects.exists()


def test_the_16th_enrollment_is_refused_through_the_api(cast: Cast, login: Any) -> None:
    care_class = make_class(cast.inst_a)
    for i in range(15):
        register(cast.ann, cast.inst_a, name=f"幼儿{i:02d}", care_class=care_class, start_date=TODAY)
    child = register(cast.ann, cast.inst_a, name="第十六名")
    response = _post(
        login(cast.ann),
        f"/api/v1/children/{child.pk}/enrollments",
        {"class_id": care_class.pk, "start_date": TODAY.isoformat()},
    )
    assert response.status_code == 400
    assert "班额已满：托小班不超过15人（CLS-05）" in response.json()["errors"][0]["message"]


def test_a_room_with_a_negative_area_is_a_422_and_a_stale_update_a_409(cast: Cast, login: Any) -> None:
    c = login(cast.ann)
    room = {"name": "活动室", "floor": 1, "floor_area_m2": "-3", "use": "activity"}
    response = _post(c, "/api/v1/rooms", room)
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert not Room.objects.exists()
    created = _post(c, "/api/v1/rooms", {**room, "floor_area_m2": "30"})
    assert created.status_code == 201 and created.json()["floor_area_m2"] == "30.0"
    room_id = created.json()["id"]
    stale = _post(c, f"/api/v1/rooms/{room_id}", {**room, "floor_area_m2": "31", "version": 7}, "put")
    assert stale.status_code == 409
    ok = _post(c, f"/api/v1/rooms/{room_id}", {**room, "floor_area_m2": "31", "version": 1}, "put")
    assert ok.status_code == 200 and ok.json()["version"] == 2


def test_a_class_with_another_institutions_room_is_refused(cast: Cast, login: Any) -> None:
    other = Room.objects.create(institution=cast.inst_b, name="B", floor=1, floor_area_m2=30, use="activity")
    response = _post(
        login(cast.ann),
        "/api/v1/classes",
        {"name": "托小一班", "class_type": "toddler", "room_id": other.pk, "planned_size": 15},
    )
    assert response.status_code in {400, 422} and response["Content-Type"] == PROBLEM_CONTENT_TYPE


def test_a_caregiver_sees_only_the_children_of_the_classes_assigned_to_them(cast: Cast, login: Any) -> None:
    from tuoyu.staff.models import ClassAssignment, Employment, Person

    one, two = make_class(cast.inst_a, name="一班"), make_class(cast.inst_a, name="二班")
    mine = register(cast.ann, cast.inst_a, name="一班幼儿", care_class=one, start_date=TODAY)
    register(cast.ann, cast.inst_a, name="二班幼儿", care_class=two, start_date=TODAY)
    c = login(cast.stacy)
    assert c.get("/api/v1/children").json()["items"] == []
    person = Person.objects.create(
        name="史黛西",
        id_number=id_for(dt.date(1995, 5, 5), "F"),
        sex="F",
        birth_date=dt.date(1995, 5, 5),
        user=cast.stacy,
    )
    employment = Employment.objects.create(
        person=person, institution=cast.inst_a, start_date=TODAY - dt.timedelta(days=30)
    )
    assignment = ClassAssignment.objects.create(employment=employment, care_class=one, start_date=TODAY)
    assert [i["id"] for i in c.get("/api/v1/children").json()["items"]] == [mine.pk]
    assert c.get(f"/api/v1/children/{mine.pk}").status_code == 200
    assert _post(c, f"/api/v1/children/{mine.pk}/leave", {"end_date": TODAY.isoformat()}).status_code == 404
    assignment.end_date = TODAY
    assignment.save()
    assert c.get("/api/v1/children").json()["items"] == []
