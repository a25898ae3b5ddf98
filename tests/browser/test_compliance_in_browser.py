"""A county regulator opens the compliance risk list in a real browser, sees the institution with a failing
rule at the top, and opens its explanation; on a phone the list stays usable."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.institutions.models import (
    CareClass,
    ClassType,
    Education,
    FilingStatus,
    Institution,
    PremisesTenure,
    Room,
    RoomUse,
)
from tuoyu.regions.models import Region
from tuoyu.standards.services import evaluate_all
from tuoyu.testing.browser import regulator, sign_in
from tuoyu.testing.fixtures import with_check

pytestmark = pytest.mark.browser


def filed(name: str, uscc17: str, region: str, *, floor: int = 1, **changes) -> Institution:
    values = {
        "director_education": Education.BACHELOR,
        "director_management_years": 5,
        "director_training_certificate": "PX-1",
        "premises_tenure": PremisesTenure.OWN,
        "outdoor_area_m2": Decimal("100"),
        "recording_retention_days": 90,
        "registration_authority": "market_regulation",
        "business_scope": "托育服务",
        "filing_status": FilingStatus.FILED,
    }
    values.update(changes)
    inst = Institution.objects.create(
        name=name, uscc=with_check(uscc17), region=Region.objects.get(code=region), **values
    )
    room = Room.objects.create(
        institution=inst,
        name="活动室一",
        floor=floor,
        floor_area_m2=Decimal("50"),
        window_area_m2=Decimal("12"),
        use=RoomUse.ACTIVITY,
        camera_count=2,
    )
    Room.objects.create(
        institution=inst,
        name="保健观察室",
        floor=1,
        floor_area_m2=Decimal("8"),
        window_area_m2=Decimal("2"),
        use=RoomUse.OBSERVATION,
        camera_count=1,
        beds=1,
    )
    CareClass.objects.create(
        institution=inst, name="托小一班", class_type=ClassType.TODDLER, room=room, planned_size=15
    )
    return inst


def setup_institutions() -> None:
    filed("荷塘区合规托育园", "91430202MA4L0AAA1", "430202001")
    filed("荷塘区四楼托育中心", "91430202MA4L0BBB2", "430202001", floor=4)  # SIT-02 fails
    filed("芦淞区四楼托育中心", "91430203MA4L0CCC3", "430203", floor=4, recording_retention_days=30)
    evaluate_all()


def test_county_regulator_finds_the_failing_institution_first_and_reads_why(page, site):
    setup_institutions()
    alice = regulator("alice", Role.REGULATOR, "430202")
    sign_in(page, site, alice)

    page.locator("nav a[data-nav=compliance-risk]").click()
    expect(page).to_have_url(f"{site}/standards/risk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("合规风险排序")
    rows = page.get_by_test_id("risk-table").locator("tbody tr")
    expect(rows).to_have_count(2)  # 芦淞区 is not hers
    expect(rows.first).to_contain_text("荷塘区四楼托育中心")
    expect(rows.first).to_contain_text("SIT-02")
    expect(rows.nth(1)).to_contain_text("荷塘区合规托育园")
    expect(page.locator("main")).not_to_contain_text("芦淞区四楼托育中心")

    rows.first.get_by_role("link", name="荷塘区四楼托育中心").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("荷塘区四楼托育中心")
    failing = page.locator("section[data-status=fail]")
    expect(failing.locator("[data-rule=SIT-02]")).to_contain_text("活动室一在4层，高于3层")
    expect(failing.locator("[data-rule=SIT-02]")).to_contain_text("整改建议")
    expect(page.locator("section[data-status=pass] [data-rule=SAF-01]")).to_be_visible()

    # Filter by rule: only the failing one stays.
    page.goto(f"{site}/standards/risk/")
    page.select_option("#rule", "SIT-02")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    expect(rows).to_have_count(1)


def test_risk_list_on_a_phone(phone_page, site):
    setup_institutions()
    alice = regulator("alice", Role.REGULATOR, "430202")
    sign_in(phone_page, site, alice)
    phone_page.goto(f"{site}/standards/risk/")
    link = phone_page.get_by_role("link", name="荷塘区四楼托育中心")
    expect(link).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page scrolls sideways on a phone: {width}px"
    link.click()
    expect(phone_page.locator("[data-rule=SIT-02]")).to_be_visible()
