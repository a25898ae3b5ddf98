"""The staff register in a real browser: an institution's admin hires a caregiver on a phone, adds her
health certificate, and finds her on the roster with the certificate's validity — no warning badge."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.staff.models import Person, add_months
from tuoyu.staff.tests.factories import id_number
from tuoyu.testing.browser import sign_in, submit
from tuoyu.testing.fixtures import hetang_centre, make_user

pytestmark = pytest.mark.browser


def test_an_admin_hires_a_caregiver_on_a_phone_and_sees_her_health_certificate_on_the_roster(
    phone_page, site
):
    institution = hetang_centre()
    ann = make_user("ann", Role.INSTITUTION_ADMIN, institution=institution)
    number = id_number(dt.date(1995, 6, 18), seq=7, male=False)
    today = timezone.localdate()

    phone = phone_page
    sign_in(phone, site, ann)
    phone.goto(f"{site}/staff/")
    with phone.expect_navigation():
        phone.get_by_role("link", name="录用工作人员").click()

    phone.get_by_label("姓名").fill("刘晓雪")
    phone.get_by_label("身份证号").fill(number)
    phone.get_by_label("男", exact=True).check()  # wrong on purpose: the ID number is a woman's
    phone.get_by_label("出生日期").fill("1995-06-18")
    phone.get_by_label("手机号").fill("13912345678")
    phone.get_by_label("保育人员").check()
    phone.get_by_label("入职日期").fill((today - dt.timedelta(days=5)).isoformat())
    submit(phone)
    expect(phone.locator("#id_sex-error")).to_contain_text("性别与身份证号不符")
    assert not Person.objects.exists()

    phone.get_by_label("女", exact=True).check()
    submit(phone)
    expect(phone.locator("h1")).to_have_text("刘晓雪")
    expect(phone.get_by_text(number)).to_have_count(0)  # masked

    phone.locator("#add-health summary").click()
    phone.get_by_label("体检日期").fill(today.isoformat())
    phone.get_by_label("体检机构").fill("荷塘区妇幼保健院")
    submit(phone, "#add-health button[type=submit]")
    expect(phone.locator("#health-certificates")).to_contain_text("荷塘区妇幼保健院")
    expect(phone.locator("#health-certificates")).to_contain_text("有效")

    phone.goto(f"{site}/staff/")
    person = Person.objects.get()
    row = phone.locator(f"[data-testid=staff-{person.pk}]")
    expect(row).to_contain_text("刘晓雪")
    expect(row).to_contain_text("保育人员")
    expires = add_months(today, 12)  # STF-05: valid through the anniversary itself
    expect(row).to_contain_text(f"有效期至{expires.isoformat()}")
    expect(row.get_by_text("无健康证明")).to_have_count(0)
    expect(row.get_by_text("已过期")).to_have_count(0)
