"""The whole path of issue 3 in a real browser, one user after another as it happens in a county:

the 市场监管局 clerk records a registration → the 荷塘区 health bureau invites the institution's admin → the
admin opens the one-time link, creates the account, files and uploads → the
reviewer returns one item → the admin fixes it and resubmits → the reviewer accepts → the receipt PDF
carries the filing number → the public list and the open-data CSV show the institution."""

import csv
import io
import re
import shutil
import subprocess

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.filings.models import Filing, MaterialKind
from tuoyu.institutions.models import Institution
from tuoyu.testing.browser import regulator, sign_in, submit, submit_login
from tuoyu.testing.fixtures import make_user, with_check

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NAME = "荷塘区星河湾托育中心"
USCC = with_check("91430202MA4Q7HX21")
PASSWORD = "Xinghe-Wan-2026!"


def upload(page, kind, name="材料.pdf"):
    card = page.locator(f"#material-{kind}")
    card.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": PDF}
    )
    with page.expect_navigation():
        card.locator("button[type=submit]").click()
    expect(page.locator(f"#material-{kind}")).to_contain_text(name)


def register(page, site, clerk):
    sign_in(page, site, clerk)
    page.goto(f"{site}/institutions/registrations/new/")
    page.get_by_label("机构名称").fill(NAME)
    page.get_by_label("统一社会信用代码").fill(USCC)
    page.get_by_label("法人类型").select_option("enterprise")
    page.get_by_label("营利性质").select_option("true")
    page.get_by_label("登记机关").select_option("market_regulation")
    page.get_by_label("登记日期").fill(timezone.localdate().isoformat())
    page.get_by_label("经营（业务）范围").fill("托育服务；3岁以下婴幼儿照护服务")
    page.get_by_label("法定代表人", exact=True).fill("刘海燕")
    page.get_by_label("法定代表人身份证号").fill("430202198805120027")
    page.get_by_label("地址", exact=True).fill("株洲市荷塘区月塘街道新华路88号")
    page.get_by_label("所在区划代码").fill("430202001")
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(NAME)


def invite(page, site, alice) -> str:
    sign_in(page, site, alice)
    page.goto(f"{site}/institutions/pending/")
    with page.expect_navigation():
        page.get_by_role("link", name=NAME).click()
    page.get_by_label("被邀请人姓名").fill("刘海燕")
    page.get_by_label("被邀请人手机号").fill("13973312345")
    with page.expect_navigation():
        page.get_by_role("button", name="生成邀请链接").click()
    return page.locator("#invitation-link").inner_text().strip()


def accept_invitation(phone, site, link):
    phone.goto(link)
    phone.get_by_label("用户名").fill("liuhaiyan")
    phone.get_by_label("手机号").fill("13973312345")
    phone.get_by_label("密码", exact=True).fill(PASSWORD)
    phone.get_by_label("确认密码").fill(PASSWORD)
    submit(phone)
    expect(phone).to_have_url(re.compile(r"/accounts/login/"))
    submit_login(phone, site, "liuhaiyan", PASSWORD)
    expect(phone.get_by_role("heading", level=1)).to_have_text("您好，刘海燕")


def fill_the_form(phone):
    """The 备案书 on a phone: a two-year lease is refused next to its field, a longer one saves."""
    expect(phone.get_by_test_id("form-missing")).to_contain_text("备案书")
    with phone.expect_navigation():
        phone.locator("#edit-form").click()
    phone.get_by_label("负责人", exact=True).fill("刘海燕")
    phone.get_by_label("负责人身份证号").fill("430202198805120027")
    phone.get_by_label("负责人学历").select_option("bachelor")
    phone.get_by_label("全日托").check()
    phone.get_by_label("最小收托月龄").fill("12")
    phone.get_by_label("最大收托月龄").fill("36")
    phone.get_by_label("托位数").fill("60")
    phone.get_by_label("服务时间").fill("周一至周五 7:30-17:30")
    phone.get_by_label("场地性质").select_option("leased")
    phone.get_by_label("租赁起始日").fill("2026-01-01")
    phone.get_by_label("租赁到期日").fill("2027-12-31")
    phone.get_by_label("使用楼层").fill("1-2")
    phone.get_by_label("室内面积（㎡）").fill("420")
    phone.get_by_label("摄像头数量").fill("16")
    phone.get_by_label("录像保存天数").fill("90")
    phone.get_by_label("机构已承诺监控情况属实").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="保存备案书").click()
    expect(phone.get_by_test_id("error-lease_end")).to_contain_text("租期不得少于3年")
    phone.get_by_label("租赁到期日").fill("2031-12-31")
    with phone.expect_navigation():
        phone.get_by_role("button", name="保存备案书").click()
    expect(phone.get_by_test_id("form-capacity")).to_have_text("60")
    expect(phone.get_by_test_id("form-director_id_number")).to_have_text("4****************7")


def file_it(phone, site):
    expect(phone.get_by_test_id("todos")).to_contain_text("尚未备案")
    phone.goto(f"{site}/filings/")
    with phone.expect_navigation():
        phone.get_by_role("button", name="开始备案").click()
    fill_the_form(phone)
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
    # SIT-05 blocks a filing: the form did not state a health observation room, and no rooms are recorded
    expect(phone.get_by_text("不符合SIT-05（保健观察室）")).to_be_visible()
    expect(phone.get_by_test_id("filing-state")).not_to_have_text("待审核")
    with phone.expect_navigation():
        phone.locator("#edit-form").click()
    expect(phone.get_by_label("租赁到期日")).to_have_value("2031-12-31")  # the saved dates stay in the form
    phone.get_by_label("设有观察室").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="保存备案书").click()
    phone.get_by_label("我已阅读并承诺遵守上述备案承诺书").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交备案").click()
    expect(phone.get_by_test_id("filing-state")).to_have_text("待审核")
    return phone.url


def test_from_the_clerks_registration_to_the_public_list_and_open_data(
    page, phone_page, open_page, site, tmp_path
):
    clerk = make_user("zz-samr", Role.REGISTRATION_CLERK, region="430200", authority="market_regulation")
    TOTPDevice.objects.create(user=clerk, name="手机", confirmed=True)
    alice = regulator("alice", Role.REGULATOR, "430202")
    phone = phone_page

    register(page, site, clerk)
    institution = Institution.objects.get(uscc=USCC)
    assert institution.filing_status == "registered"
    page.context.clear_cookies()

    link = invite(page, site, alice)
    accept_invitation(phone, site, link)
    filing_url = file_it(phone, site)

    # The reviewer returns the fire-safety proof.
    page.locator("nav a[data-nav=filing-review]").click()
    with page.expect_navigation():
        page.get_by_role("row", name=NAME).get_by_role("link", name=NAME).click()
    page.locator("select[name=reasons-0-item]").select_option(MaterialKind.FIRE_SAFETY.value)
    page.fill("input[name=reasons-0-reason]", "消防证明已过期")
    with page.expect_navigation():
        page.get_by_role("button", name="退回补正").click()
    expect(page.get_by_test_id("filing-state")).to_have_text("已退回")
    review_url = page.url

    # The admin sees what to fix on their home, fixes it and resubmits.
    phone.goto(f"{site}/")
    expect(phone.get_by_test_id("todos")).to_contain_text("消防证明已过期")
    phone.goto(filing_url)
    upload(phone, MaterialKind.FIRE_SAFETY, "新消防证明.pdf")
    phone.get_by_label("我已阅读并承诺遵守上述备案承诺书").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="提交备案").click()
    expect(phone.get_by_test_id("filing-state")).to_have_text("待审核")

    page.goto(review_url)
    with page.expect_navigation():
        page.get_by_role("button", name="通过并发放备案编号").click()
    expect(page.get_by_test_id("filing-number")).to_contain_text("430202-")
    number = Filing.objects.get(institution=institution).number

    # The receipt PDF carries the number.
    phone.reload()
    response = phone.request.get(f"{filing_url}receipt.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    if shutil.which("pdftotext"):
        pdf = tmp_path / "receipt.pdf"
        pdf.write_bytes(response.body())
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert number in text and NAME in text

    # The public — nobody signed in — finds it in the list and in the open data.
    visitor = open_page()  # its own context: nobody signed in
    visitor.goto(f"{site}/public/institutions/")
    visitor.get_by_label("机构名称").fill("星河湾")
    with visitor.expect_navigation():
        visitor.locator("main form button[type=submit]").click()
    with visitor.expect_navigation():
        visitor.get_by_role("link", name=NAME).click()
    expect(visitor.locator("main")).to_contain_text(number)
    expect(visitor.locator("main")).to_contain_text("全日托")  # the 备案书's facts, public once filed
    csv_response = visitor.request.get(f"{site}/public/institutions.csv")
    assert csv_response.ok
    rows = list(csv.DictReader(io.StringIO(csv_response.body().decode("utf-8-sig"))))
    assert [r for r in rows if NAME in r.values() and number in r.values()]
