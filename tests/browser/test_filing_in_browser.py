"""Filing (备案) in a real browser: the institution's admin uploads the materials and submits on a phone; the
county regulator finds it in the queue with its working-day deadline, returns one item, the admin fixes it
and resubmits, and the regulator accepts — the filing number shows."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.calendars.workdays import add_workdays
from tuoyu.filings.models import Filing, MaterialKind
from tuoyu.testing.browser import regulator, sign_in
from tuoyu.testing.filings import fill_form
from tuoyu.testing.fixtures import hetang_centre, make_user

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(page, kind, name="材料.pdf"):
    card = page.locator(f"#material-{kind}")
    card.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": PDF}
    )
    with page.expect_navigation():
        card.locator("button[type=submit]").click()
    expect(page.locator(f"#material-{kind}")).to_contain_text(name)


def test_an_institution_files_on_a_phone_and_the_county_bureau_returns_then_accepts(phone_page, page, site):
    institution = hetang_centre()
    ann = make_user("ann", Role.INSTITUTION_ADMIN, institution=institution)
    alice = regulator("alice", Role.REGULATOR, "430202")

    phone = phone_page
    sign_in(phone, site, ann)
    phone.goto(f"{site}/filings/")
    with phone.expect_navigation():
        phone.get_by_role("button", name="开始备案").click()
    # The 备案书 is filled in the browser by test_whole_path_in_browser; here it is filled for the admin.
    fill_form(ann, Filing.objects.get(institution=institution))
    phone.reload()
    expect(phone.locator("#filing-form-section")).to_contain_text("周一至周五 7:30-17:30")
    for kind in (
        MaterialKind.REGISTRATION_CERTIFICATE,
        MaterialKind.PREMISES_PROOF,
        MaterialKind.STAFF_QUALIFICATIONS,
        MaterialKind.STAFF_HEALTH_CERTIFICATES,
        MaterialKind.HEALTH_ASSESSMENT,
        MaterialKind.FIRE_SAFETY,
    ):
        upload(phone, kind)
    phone.get_by_label("我已阅读并承诺遵守上述备案承诺书").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交备案").click()
    expect(phone.get_by_test_id("filing-state")).to_have_text("待审核")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    filing_url = phone.url

    sign_in(page, site, alice)
    page.locator("nav a[data-nav=filing-review]").click()
    row = page.get_by_role("row", name=institution.name)
    deadline = add_workdays(timezone.localdate(), 5).date  # FIL-04: five working days from receipt
    expect(row).to_contain_text(deadline.strftime("%Y-%m-%d"))
    with page.expect_navigation():
        row.get_by_role("link", name=institution.name).click()
    page.locator("select[name=reasons-0-item]").select_option(MaterialKind.FIRE_SAFETY.value)
    page.fill("input[name=reasons-0-reason]", "消防证明已过期")
    with page.expect_navigation():
        page.get_by_role("button", name="退回补正").click()
    expect(page.get_by_test_id("filing-state")).to_have_text("已退回")

    phone.goto(filing_url)
    expect(phone.get_by_test_id("reason-fire_safety")).to_contain_text("消防证明已过期")
    upload(phone, MaterialKind.FIRE_SAFETY, "新消防证明.pdf")
    phone.get_by_label("我已阅读并承诺遵守上述备案承诺书").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交备案").click()
    expect(phone.get_by_test_id("filing-state")).to_have_text("待审核")

    page.reload()
    with page.expect_navigation():
        page.get_by_role("button", name="通过并发放备案编号").click()
    expect(page.get_by_test_id("filing-number")).to_contain_text("430202-")
    phone.reload()
    expect(phone.get_by_test_id("filing-number")).to_contain_text("430202-")
