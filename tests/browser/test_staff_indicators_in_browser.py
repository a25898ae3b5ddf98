"""Staff indicators in a real browser, on a phone: the city administrator opens 从业人员指标 from the menu,
reads the city's shares, drills down into 荷塘区 and finds the institution's row; an admin of two
institutions switches the roster between them with the selector in the page header."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.accounts.services import membership_grant
from tuoyu.institutions.models import Institution
from tuoyu.regions.models import Region
from tuoyu.staff.models import Certificate, HealthCertificate
from tuoyu.staff.tests.factories import hire
from tuoyu.testing.browser import regulator, sign_in, submit
from tuoyu.testing.fixtures import hetang_centre, make_user, with_check

pytestmark = pytest.mark.browser


def _institutions() -> tuple[Institution, Institution]:
    a = hetang_centre()
    b = Institution.objects.create(
        name="芦淞区阳光宝贝托育园",
        uscc=with_check("52430203MJJ123456"),
        region=Region.objects.get(code="430203"),
    )
    return a, b


def test_a_city_admin_drills_down_from_the_city_to_an_institution_on_a_phone(phone_page, site):
    a, _b = _institutions()
    ann = make_user("ann", Role.INSTITUTION_ADMIN, institution=a)
    today = timezone.localdate()
    certified = hire(ann, a, seq=1, name="甲", roles=["caregiver"]).person
    Certificate.objects.create(
        person=certified,
        kind="childcare_worker",
        number="BY-1",
        issuer="人社局",
        issued_on=dt.date(2024, 1, 1),
    )
    HealthCertificate.objects.create(person=certified, issued_on=today, issuer="妇幼保健院")
    hire(ann, a, seq=2, name="乙", roles=["caregiver"])
    zhou = regulator("zhou", Role.CITY_ADMIN, "430200")

    phone = phone_page
    sign_in(phone, site, zhou)
    phone.locator(".navbar-toggler").click()
    with phone.expect_navigation():
        phone.get_by_role("link", name="从业人员指标").click()
    expect(phone.locator("h1")).to_have_text("从业人员指标 · 株洲市")
    total = phone.locator("[data-testid=region-total]")
    expect(total).to_contain_text("50.0%")  # 1 of 2 caregivers certified
    expect(phone.locator("[data-testid=region-430211]")).to_contain_text("—")  # nobody there: no division

    with phone.expect_navigation():
        phone.locator("[data-testid=region-430202] a").click()
    expect(phone.locator("h1")).to_have_text("从业人员指标 · 荷塘区")
    row = phone.locator(f"[data-testid=institution-{a.pk}]")
    expect(row).to_contain_text("荷塘区小星星托育中心")
    expect(row).to_contain_text("1/2")
    # the page fits the phone: no sideways scrolling of the whole page
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_an_admin_of_two_institutions_switches_the_roster(page, site):
    a, b = _institutions()
    ann = make_user("ann", Role.INSTITUTION_ADMIN, institution=a)
    membership_grant(user=ann, role=Role.INSTITUTION_ADMIN, institution=b)
    hire(ann, b, seq=3, name="芦淞员工")

    sign_in(page, site, ann)
    page.goto(f"{site}/staff/")
    expect(page.locator("h1")).to_have_text("工作人员 · 荷塘区小星星托育中心")
    page.get_by_label("当前机构").select_option(label="芦淞区阳光宝贝托育园")
    submit(page, "[data-testid=acting-institution] button[type=submit]")
    expect(page.locator("h1")).to_have_text("工作人员 · 芦淞区阳光宝贝托育园")
    expect(page.locator("#roster")).to_contain_text("芦淞员工")
    with page.expect_navigation():
        page.get_by_role("link", name="录用工作人员").click()
    expect(page.locator("h1")).to_have_text("录用工作人员 · 芦淞区阳光宝贝托育园")
