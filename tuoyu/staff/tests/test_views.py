"""The staff pages: hiring with errors next to the fields, the roster's badges, the record, reveal, end."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tuoyu.audit.models import Event
from tuoyu.institutions.models import CareClass
from tuoyu.staff import services
from tuoyu.staff.models import Employment, Person
from tuoyu.staff.tests.factories import hire, id_number

pytestmark = pytest.mark.django_db


def form(**overrides):  # noqa: ANN201
    data = {
        "name": "李保育",
        "id_number": id_number(),
        "sex": "M",
        "birth_date": "1990-01-01",
        "phone": "13912345678",
        "roles": ["caregiver", "health_worker"],
        "start_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
    }
    data.update(overrides)
    return data


def test_the_hire_form_has_the_labels_the_law_uses(cast, login) -> None:
    text = login(cast.ann).get("/staff/new/").content.decode()
    for label in ("姓名", "身份证号", "性别", "出生日期", "手机号", "岗位", "入职日期", "保育人员", "负责人"):
        assert label in text


def test_an_admin_hires_and_lands_on_the_record(cast, login) -> None:
    response = login(cast.ann).post("/staff/new/", form())
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/{person.pk}/"
    assert person.employments.get().roles == ["caregiver", "health_worker"]


def test_a_mismatched_sex_is_shown_next_to_the_field_and_nothing_is_saved(cast, login) -> None:
    response = login(cast.ann).post("/staff/new/", form(sex="F"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "性别与身份证号不符" in text and "is-invalid" in text
    assert not Person.objects.exists()


def test_a_person_employed_elsewhere_is_flagged_after_the_hire(cast, login) -> None:
    hire(cast.ben, cast.inst_b)
    response = login(cast.ann).post("/staff/new/", form(), follow=True)
    assert "此人目前仍在其他机构在职" in response.content.decode()
    assert cast.inst_b.name in response.content.decode()


def test_the_roster_shows_badges_for_health_certificates_and_background_checks(cast, login) -> None:
    person = hire(cast.ann, cast.inst_a).person
    text = login(cast.ann).get("/staff/").content.decode()
    assert person.name in text and "无健康证明" in text and "缺无犯罪记录证明" in text
    services.health_certificate_add(
        by=cast.ann, person_id=person.pk, issued_on=timezone.localdate() - dt.timedelta(days=350), issuer="x"
    )
    text = login(cast.ann).get("/staff/").content.decode()
    assert "30天内到期" in text


def test_a_regulator_reads_an_institutions_roster_in_jurisdiction_only(cast, login) -> None:
    person = hire(cast.ann, cast.inst_a).person
    alice = login(cast.alice)
    assert cast.inst_a.name in alice.get("/staff/").content.decode()  # the picker
    response = alice.get(f"/staff/?institution={cast.inst_a.pk}")
    assert response.status_code == 200 and person.name in response.content.decode()
    assert "录用工作人员" not in response.content.decode()
    assert alice.get(f"/staff/?institution={cast.inst_b.pk}").status_code == 404
    assert login(cast.bob).get(f"/staff/?institution={cast.inst_a.pk}").status_code == 404
    assert login(cast.stacy).get(f"/staff/?institution={cast.inst_a.pk}").status_code == 404
    assert alice.get("/staff/?institution=abc").status_code == 404


def test_the_record_masks_the_id_number_and_the_reveal_is_audited(cast, login) -> None:
    person = hire(cast.ann, cast.inst_a).person
    ann = login(cast.ann)
    text = ann.get(f"/staff/{person.pk}/").content.decode()
    assert person.id_number not in text and person.id_number_masked in text
    assert "13912345678" not in text
    response = ann.post(f"/staff/{person.pk}/reveal/id_number/")
    assert person.id_number in response.content.decode()
    assert Event.objects.filter(action="staff.id_number_reveal", object_id=str(person.pk)).exists()
    assert login(cast.ivan).post(f"/staff/{person.pk}/reveal/id_number/").status_code == 404
    assert ann.post(f"/staff/{person.pk}/reveal/name/").status_code == 404


def test_records_are_added_from_the_page_with_errors_next_to_the_fields(cast, login) -> None:
    person = hire(cast.ann, cast.inst_a).person
    ann = login(cast.ann)
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = ann.post(f"/staff/{person.pk}/add/health/", {"health-issued_on": future, "health-issuer": "x"})
    assert response.status_code == 200 and "体检日期不能晚于今天" in response.content.decode()
    response = ann.post(
        f"/staff/{person.pk}/add/health/",
        {"health-issued_on": timezone.localdate().isoformat(), "health-issuer": "荷塘区妇幼保健院"},
    )
    assert response.status_code == 302
    assert person.health_certificates.get().issuer == "荷塘区妇幼保健院"
    response = ann.post(
        f"/staff/{person.pk}/add/certificate/",
        {
            "certificate-kind": "childcare_worker",
            "certificate-number": "BY-2026-1",
            "certificate-issuer": "株洲市人社局",
            "certificate-issued_on": "2025-06-01",
            "certificate-expires_on": "2025-05-01",
        },
    )
    assert "有效期不能早于发证日期" in response.content.decode()
    assert ann.post(f"/staff/{person.pk}/add/unknown/", {}).status_code == 404
    assert login(cast.alice).post(f"/staff/{person.pk}/add/health/", {}).status_code == 404


def test_ending_an_employment_from_the_page(cast, login) -> None:
    employment = hire(cast.ann, cast.inst_a).employment
    ann = login(cast.ann)
    early = (employment.start_date - dt.timedelta(days=1)).isoformat()
    response = ann.post(
        f"/staff/employments/{employment.pk}/end/",
        {f"end{employment.pk}-end_date": early, f"end{employment.pk}-version": 1},
    )
    assert "离职日期不能早于入职日期" in response.content.decode()
    response = ann.post(f"/staff/employments/{employment.pk}/end/", {f"end{employment.pk}-version": 1})
    assert response.status_code == 302
    assert Employment.objects.get().end_date == timezone.localdate()
    assert login(cast.ben).post(f"/staff/employments/{employment.pk}/end/", {}).status_code == 404


def test_assigning_a_caregiver_to_a_class_from_the_page(cast, login) -> None:
    employment = hire(cast.ann, cast.inst_a).employment
    care_class = CareClass.objects.create(
        institution=cast.inst_a, name="小一班", class_type="toddler", planned_size=20
    )
    ann = login(cast.ann)
    assert "安排带班" in ann.get(f"/staff/{employment.person_id}/").content.decode()
    response = ann.post(
        f"/staff/employments/{employment.pk}/assign/", {f"assign{employment.pk}-care_class": care_class.pk}
    )
    assert response.status_code == 302
    assignment = employment.assignments.get()
    assert ann.post(f"/staff/assignments/{assignment.pk}/unassign/").status_code == 302
    assert employment.assignments.get().end_date is not None


def test_the_roster_page_does_not_query_per_person(cast, login, django_assert_max_num_queries) -> None:
    for seq in range(1, 4):
        person = hire(cast.ann, cast.inst_a, seq=seq, name=f"员工{seq}").person
        services.health_certificate_add(
            by=cast.ann, person_id=person.pk, issued_on=timezone.localdate(), issuer="x"
        )
    ann = login(cast.ann)
    ann.get("/staff/")  # warm the session
    with django_assert_max_num_queries(20) as few:
        ann.get("/staff/")
    for seq in range(4, 12):
        hire(cast.ann, cast.inst_a, seq=seq, name=f"员工{seq}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = ann.get("/staff/")
    assert "员工11" in response.content.decode()


def test_the_roster_is_in_the_navigation_of_those_who_read_rosters(cast, login) -> None:
    for user in (cast.ann, cast.alice, cast.ivan):
        assert 'data-nav="staff"' in login(user).get("/").content.decode()
    for user in (cast.stacy, cast.pat, cast.audrey):
        assert 'data-nav="staff"' not in login(user).get("/").content.decode()


@pytest.fixture
def two_a_page():
    from tuoyu.staff.lists import STAFF

    size = STAFF.page_size
    object.__setattr__(STAFF, "page_size", 2)  # the roster's declaration (staff.lists), lowered for a test
    yield
    object.__setattr__(STAFF, "page_size", size)


def test_the_roster_is_paged_and_the_links_keep_the_institution(cast, login, two_a_page) -> None:
    for seq, name in enumerate(["员工A", "员工B", "员工C"], start=1):
        hire(cast.ann, cast.inst_a, seq=seq, name=name)
    alice = login(cast.alice)
    text = alice.get(f"/staff/?institution={cast.inst_a.pk}").content.decode()
    assert "员工A" in text and "员工B" in text and "员工C" not in text
    assert f"?institution={cast.inst_a.pk}&page=2" in text
    text = alice.get(f"/staff/?institution={cast.inst_a.pk}&page=2").content.decode()
    assert "员工C" in text and "员工A" not in text
    text = login(cast.ann).get("/staff/?page=2").content.decode()
    assert "员工C" in text and "员工A" not in text
    assert login(cast.ann).get("/staff/?page=999").status_code == 200  # past the end: the last page


@pytest.mark.parametrize("raw", ["abc", "-1", "1" * 30, "1\x00"])
def test_a_malformed_institution_in_the_roster_link_is_404(cast, login, raw) -> None:
    from urllib.parse import quote

    # (a NUL byte is refused before the view, with 400)
    assert login(cast.alice).get(f"/staff/?institution={quote(raw)}").status_code in (400, 404)


def test_a_part_time_hire_from_the_page_shows_on_the_roster(cast, login) -> None:
    ann = login(cast.ann)
    text = ann.get("/staff/new/").content.decode()
    assert "专职" in text and "兼职" in text and 'value="1" id="id_full_time_0" checked' in text
    response = ann.post("/staff/new/", form(roles=["health_worker"], full_time="0"))
    assert response.status_code == 302
    assert Employment.objects.get().full_time is False
    assert Event.objects.get(action="staff.hire").after["full_time"] is False
    roster = ann.get("/staff/").content.decode()
    assert '<span class="badge text-bg-info">兼职</span>' in roster


def test_a_hire_from_the_page_is_full_time_by_default_and_not_marked(cast, login) -> None:
    ann = login(cast.ann)
    assert ann.post("/staff/new/", form()).status_code == 302
    assert Employment.objects.get().full_time is True
    assert '<span class="badge text-bg-info">兼职</span>' not in ann.get("/staff/").content.decode()


def test_a_forged_full_time_value_is_shown_next_to_the_field(cast, login) -> None:
    response = login(cast.ann).post("/staff/new/", form(full_time="2"))
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not Person.objects.exists()
