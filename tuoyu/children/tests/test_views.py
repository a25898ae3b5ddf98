"""The children and premises pages: errors next to the fields, masked data, nothing saved on bad input."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook

from tuoyu.children.models import Child, Enrollment
from tuoyu.children.tests.helpers import id_for, make_class, months_before, register
from tuoyu.core.excel import template_workbook
from tuoyu.institutions.models import CareClass, Room
from tuoyu.testing.fixtures import Cast

TODAY = dt.date.today()


def _child_post(**over: Any) -> dict[str, Any]:
    data = {
        "name": "王小明",
        "sex": "M",
        "birth_date": months_before(TODAY, 18).isoformat(),
        "guardian_name": "王大明",
        "guardian_relationship": "father",
        "guardian_phone": "13912345678",
        "consent_text_version": "",
        "id_number": "",
        "care_class": "",
        "start_date": "",
    }
    return {**data, **over}


def test_sex_and_relationship_start_unchosen_and_must_be_chosen(cast: Cast, login: Any) -> None:
    c = login(cast.ann)
    page = c.get("/children/new/").content.decode()
    for name in ("sex", "guardian_relationship"):
        select = page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
        first = select.split("<option", 2)[1]
        assert 'value=""' in first and "请选择" in first and "selected" not in select.split("<option", 2)[2]
    response = c.post("/children/new/", _child_post(sex="", guardian_relationship=""))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_sex-error"' in body and 'id="id_guardian_relationship-error"' in body
    assert not Child.objects.exists()


def test_an_impossible_date_is_refused_next_to_the_field(cast: Cast, login: Any) -> None:
    c = login(cast.ann)
    response = c.post("/children/new/", _child_post(birth_date="2025-02-30"))
    assert response.status_code == 200
    assert 'id="id_birth_date-error"' in response.content.decode()
    assert not Child.objects.exists()


def test_an_id_number_without_consent_is_refused_citing_pipl(cast: Cast, login: Any) -> None:
    birth = months_before(TODAY, 18)
    response = login(cast.ann).post("/children/new/", _child_post(id_number=id_for(birth)))
    text = response.content.decode()
    assert "第三十一条" in text and 'id="id_id_number-error"' in text
    assert not Child.objects.exists()


def test_an_id_that_disagrees_with_the_birth_date_is_refused_next_to_it(cast: Cast, login: Any) -> None:
    birth = months_before(TODAY, 18)
    post = _child_post(
        id_number=id_for(birth - dt.timedelta(days=40)), consent_scope=["basic"], consent_text_version="v1"
    )
    text = login(cast.ann).post("/children/new/", post).content.decode()
    assert 'id="id_id_number-error"' in text and "不一致" in text
    assert not Child.objects.exists()


def test_a_registered_child_is_shown_masked_with_age_in_months(cast: Cast, login: Any) -> None:
    birth = months_before(TODAY, 18)
    c = login(cast.ann)
    response = c.post(
        "/children/new/",
        _child_post(id_number=id_for(birth), consent_scope=["basic"], consent_text_version="v1"),
    )
    child = Child.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/children/{child.pk}/"
    page = c.get(f"/children/{child.pk}/").content.decode()
    assert id_for(birth) not in page and child.id_number_masked in page and "18 个月" in page
    roster = login(cast.alice).get("/children/").content.decode()
    assert "王小明" in roster and id_for(birth) not in roster and child.id_number_masked in roster


def test_the_roster_groups_children_by_class(cast: Cast, login: Any) -> None:
    care_class = make_class(cast.inst_a)
    register(cast.ann, cast.inst_a, name="在班幼儿", care_class=care_class, start_date=TODAY)
    register(cast.ann, cast.inst_a, name="未分班幼儿")
    text = login(cast.ann).get("/children/").content.decode()
    assert text.index("托小一班") < text.index("在班幼儿") < text.index("未分班") < text.index("未分班幼儿")


def test_the_16th_child_is_refused_on_the_page_with_the_rule(cast: Cast, login: Any) -> None:
    care_class = make_class(cast.inst_a)
    for i in range(15):
        register(cast.ann, cast.inst_a, name=f"幼儿{i:02d}", care_class=care_class, start_date=TODAY)
    post = _child_post(name="第十六名", care_class=str(care_class.pk), start_date=TODAY.isoformat())
    text = login(cast.ann).post("/children/new/", post).content.decode()
    assert 'id="id_care_class-error"' in text and "班额已满：托小班不超过15人（CLS-05）" in text
    assert not Child.objects.filter(name="第十六名").exists()


def test_moving_and_leaving_through_the_page(cast: Cast, login: Any) -> None:
    one, two = make_class(cast.inst_a, name="一班"), make_class(cast.inst_a, name="二班")
    child = register(cast.ann, cast.inst_a, care_class=one, start_date=TODAY - dt.timedelta(days=5))
    c = login(cast.ann)
    assert (
        c.post(
            f"/children/{child.pk}/enroll/", {"care_class": two.pk, "start_date": TODAY.isoformat()}
        ).status_code
        == 302
    )
    assert Enrollment.objects.get(child=child, end_date__isnull=True).care_class == two
    bad = c.post(f"/children/{child.pk}/leave/", {"end_date": "2026-13-01"})
    assert bad.status_code == 400 and 'id="id_end_date-error"' in bad.content.decode()
    assert c.post(f"/children/{child.pk}/leave/", {"end_date": TODAY.isoformat()}).status_code == 302
    assert not Enrollment.objects.filter(child=child, end_date__isnull=True).exists()


def test_a_negative_area_is_refused_next_to_the_field(cast: Cast, login: Any) -> None:
    c = login(cast.ann)
    post = {
        "name": "活动室",
        "floor": "1",
        "floor_area_m2": "-20",
        "window_area_m2": "0",
        "use": "activity",
        "camera_count": "0",
        "beds": "0",
    }
    text = c.post("/institutions/rooms/", post).content.decode()
    assert 'id="id_floor_area_m2-error"' in text
    assert not Room.objects.exists()
    assert c.post("/institutions/rooms/", {**post, "floor_area_m2": "20"}).status_code == 302
    assert Room.objects.get().floor_area_m2 == 20


def test_a_center_class_page_offers_no_home_group_and_regulators_read_premises(
    cast: Cast, login: Any
) -> None:
    c = login(cast.ann)
    page = c.get("/institutions/classes/").content.decode()
    assert "家庭托育点看护组" not in page and "托小班" in page
    assert "（暂不指定房间）" in page and "---------" not in page
    assert (
        c.post(
            "/institutions/classes/",
            {"name": "托小一班", "class_type": "toddler", "room": "", "planned_size": "15"},
        ).status_code
        == 302
    )
    assert CareClass.objects.filter(institution=cast.inst_a).count() == 1
    detail = login(cast.alice).get(f"/institutions/{cast.inst_a.pk}/").content.decode()
    assert "托小一班" in detail and "园舍与班级" in detail


def test_a_class_sharing_an_activity_room_is_saved_with_a_warning_on_the_page(cast: Cast, login: Any) -> None:
    room = Room.objects.create(
        institution=cast.inst_a, name="活动室一", floor=1, floor_area_m2=50, use="activity"
    )
    c = login(cast.ann)
    for name in ("托小一班", "托小二班"):
        response = c.post(
            "/institutions/classes/",
            {"name": name, "class_type": "toddler", "room": str(room.pk), "planned_size": "15"},
            follow=True,
        )
    page = response.content.decode()
    assert "班级已添加。" in page and "“活动室一”同时是“托小一班”的活动室" in page
    assert CareClass.objects.filter(room=room).count() == 2


def test_a_stale_class_edit_is_a_conflict_shown_on_the_form(cast: Cast, login: Any) -> None:
    care_class = make_class(cast.inst_a)
    c = login(cast.ann)
    post = {
        "name": "托小一班",
        "class_type": "toddler",
        "room": care_class.room_id,
        "planned_size": "12",
        "version": "99",
    }
    text = c.post(f"/institutions/classes/{care_class.pk}/", post).content.decode()
    assert "已被他人修改" in text
    care_class.refresh_from_db()
    assert care_class.planned_size == 15


def _roster_file(rows: list[list[Any]]) -> io.BytesIO:
    from tuoyu.children.imports import ROSTER_SHEET

    wb = load_workbook(io.BytesIO(template_workbook(ROSTER_SHEET)))
    ws = wb.worksheets[0]
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "roster.xlsx"
    return out


def test_the_roster_import_is_all_or_nothing_with_a_row_report(cast: Cast, login: Any) -> None:
    make_class(cast.inst_a)
    birth = months_before(TODAY, 20)
    good = ["张一", "男", birth, "张父", "父亲", "13912345678", "否", "", "", "托小一班", TODAY]
    bad = [
        "张二",
        "女",
        months_before(TODAY, 40),
        "张母",
        "母亲",
        "13912345679",
        "否",
        "",
        id_for(birth, "F"),
        "",
        None,
    ]
    c = login(cast.ann)
    response = c.post("/children/import/", {"file": _roster_file([good, bad])})
    text = response.content.decode()
    assert 'id="import-report"' in text and "40个月" in text
    assert not Child.objects.exists()
    assert c.get("/children/import/report.xlsx").status_code == 200
    response = c.post("/children/import/", {"file": _roster_file([good])})
    assert "import-result" in response.content.decode()
    assert Child.objects.get().name == "张一"
    assert Enrollment.objects.get().care_class.name == "托小一班"


def test_the_roster_export_is_masked_and_audited(cast: Cast, login: Any) -> None:
    from tuoyu.audit.models import Event

    birth = months_before(TODAY, 18)
    register(
        cast.ann,
        cast.inst_a,
        birth=birth,
        id_number=id_for(birth),
        consent_scope=["basic"],
        consent_text_version="v1",
    )
    response = login(cast.ann).get("/children/export.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [c.value for c in list(ws.rows)[1]]
    assert "王小明" in values and id_for(birth) not in values and "13912345678" not in values
    assert 18 in values
    assert Event.objects.filter(action="child.export", actor=cast.ann).exists()


def test_the_roster_and_the_api_list_do_not_grow_queries_with_children(cast: Cast, login: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    care_class = make_class(cast.inst_a)
    c = login(cast.ann)

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            assert c.get("/children/").status_code == 200
        with CaptureQueriesContext(connection) as api:
            assert c.get("/api/v1/children").status_code == 200
        return len(page.captured_queries), len(api.captured_queries)

    register(cast.ann, cast.inst_a, name="甲", care_class=care_class, start_date=TODAY)
    counts()  # the first request of a session does one-off work (session, caches)
    few = counts()
    for i in range(6):
        register(cast.ann, cast.inst_a, name=f"乙{i}", care_class=care_class, start_date=TODAY)
    assert counts() == few
