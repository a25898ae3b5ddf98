"""A region transfer in a real browser: a registration moved an institution from 荷塘区 to 芦淞区; the city
health bureau finds the request in its menu, tries to reject it without a reason (told next to the field),
then approves it — the institution is in 芦淞区 and the page passes axe-core's WCAG 2.1 AA checks."""

import pytest
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.institutions.forms import RegistrationForm
from tuoyu.institutions.models import RegionTransfer
from tuoyu.institutions.services import registration_record
from tuoyu.institutions.tests.factories import registration_payload
from tuoyu.testing.browser import assert_accessible, regulator, sign_in
from tuoyu.testing.fixtures import make_user

pytestmark = pytest.mark.browser


def record(clerk, payload):
    form = RegistrationForm(data={**payload, "is_for_profit": "true"})
    assert form.is_valid(), form.errors
    return registration_record(
        by=clerk, data=form.registration_data(), source="api", source_event_id=payload["source_event_id"]
    )


def test_the_city_approves_a_move_to_another_county(page, site):
    clerk = make_user("clerk", Role.REGISTRATION_CLERK, region="430200", authority="market_regulation")
    zhou = regulator("zhou", Role.CITY_ADMIN, "430200")
    payload = registration_payload(seq=90)
    institution = record(clerk, payload).institution
    result = record(clerk, {**payload, "source_event_id": "moved-90", "region": "430203"})
    assert result.region_transfer is not None and "审核" in result.notice
    transfer = RegionTransfer.objects.get()

    sign_in(page, site, zhou)
    page.locator("nav a[data-nav=region-transfers]").click()
    card = page.locator(f"#transfer-{transfer.pk}")
    expect(card).to_contain_text(institution.name)
    expect(page.get_by_test_id(f"from-{transfer.pk}")).to_contain_text("荷塘区")
    expect(page.get_by_test_id(f"to-{transfer.pk}")).to_contain_text("芦淞区")
    assert_accessible(page)

    with page.expect_navigation():
        card.get_by_role("button", name="驳回").click()
    card = page.locator(f"#transfer-{transfer.pk}")
    expect(card.locator(".invalid-feedback")).to_contain_text("驳回须写明理由")
    assert_accessible(page)

    card.get_by_label("审核意见").fill("经核实，机构已迁至芦淞区")
    with page.expect_navigation():
        card.get_by_role("button", name="批准变更").click()
    expect(page.locator(".alert-success")).to_contain_text(institution.name)
    expect(page.get_by_test_id(f"status-{transfer.pk}")).to_have_text("已批准")
    assert_accessible(page)
    institution.refresh_from_db()
    assert institution.region_id == "430203"
