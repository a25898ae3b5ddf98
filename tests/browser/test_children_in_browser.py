"""Rooms, classes, staff and children in a real browser, on a phone: an institution's admin adds a 托小班
class, hires its caregiver and assigns her to it, 15 children are enrolled in it, and the 16th, registered
through the page, is refused with the class-size rule's message next to the class field — and is not saved."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.children.models import Child
from tuoyu.children.services import child_register
from tuoyu.children.tests.helpers import months_before
from tuoyu.institutions.models import CareClass
from tuoyu.staff.tests.factories import id_number
from tuoyu.testing.browser import sign_in, submit
from tuoyu.testing.fixtures import hetang_centre, make_user

pytestmark = pytest.mark.browser


def test_the_16th_child_in_a_toddler_class_is_refused_with_the_rule_shown(phone_page, site):
    institution = hetang_centre()
    ann = make_user("ann", Role.INSTITUTION_ADMIN, institution=institution)
    page = phone_page
    sign_in(page, site, ann)

    page.goto(f"{site}/institutions/classes/")
    page.get_by_label("班级名称").fill("托小一班")
    page.get_by_label("班级类型").select_option(label="托小班")
    page.get_by_label("计划班额").fill("15")
    with page.expect_navigation():
        page.get_by_role("button", name="添加").click()
    expect(page.locator("#classes")).to_contain_text("托小一班")
    care_class = CareClass.objects.get(institution=institution, name="托小一班")

    # the class's caregiver: hired on the phone and assigned to the class (带班)
    page.goto(f"{site}/staff/")
    with page.expect_navigation():
        page.get_by_role("link", name="录用工作人员").click()
    page.get_by_label("姓名").fill("刘晓雪")
    page.get_by_label("身份证号").fill(id_number(dt.date(1995, 6, 18), seq=7, male=False))
    page.get_by_label("女", exact=True).check()
    page.get_by_label("出生日期").fill("1995-06-18")
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_label("保育人员").check()
    page.get_by_label("入职日期").fill((dt.date.today() - dt.timedelta(days=5)).isoformat())
    submit(page)
    expect(page.locator("h1")).to_have_text("刘晓雪")
    page.locator("details", has_text="安排带班").locator("summary").click()
    page.get_by_label("班级", exact=True).select_option(label="托小一班")
    with page.expect_navigation():
        page.get_by_role("button", name="安排", exact=True).click()
    expect(page.get_by_text("带班：托小一班")).to_be_visible()

    today = dt.date.today()
    for i in range(15):
        child_register(
            by=ann,
            institution=institution,
            name=f"幼儿{i:02d}",
            sex="F",
            birth_date=months_before(today, 18),
            guardian_name="家长",
            guardian_relationship="mother",
            guardian_phone="13912345678",
            care_class=care_class,
            start_date=today,
        )
    page.goto(f"{site}/institutions/classes/")
    expect(page.locator("#classes tbody tr").first).to_contain_text("15")

    page.goto(f"{site}/children/new/")
    page.get_by_label("姓名", exact=True).fill("第十六名")
    page.get_by_label("性别").select_option(label="男")
    page.get_by_label("出生日期").fill(months_before(today, 20).isoformat())
    page.get_by_label("监护人姓名").fill("王大明")
    page.get_by_label("与幼儿关系").select_option(label="父亲")
    page.get_by_label("监护人手机号").fill("13812345678")
    page.get_by_label("班级", exact=True).select_option(label="托小一班")
    page.get_by_label("入班日期").fill(today.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="登记", exact=True).click()
    error = page.locator("#id_care_class-error")
    expect(error).to_contain_text("班额已满：托小班不超过15人（CLS-05）")
    expect(page.get_by_label("班级", exact=True)).to_have_class("form-select is-invalid")
    expect(page.get_by_label("姓名", exact=True)).to_have_value("第十六名")
    assert not Child.objects.filter(name="第十六名").exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
