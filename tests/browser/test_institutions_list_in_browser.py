"""The institutions list in a real browser (core.lists): the county regulator filters by filing status, the
table refreshes in place (htmx) with the filter in the address, sorts by a column, and exports what it shows."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tuoyu.accounts.models import Role
from tuoyu.audit.models import Event
from tuoyu.institutions.models import FilingStatus, Institution
from tuoyu.regions.models import Region
from tuoyu.testing.browser import regulator, sign_in
from tuoyu.testing.fixtures import with_check

pytestmark = pytest.mark.browser


def test_the_regulator_filters_sorts_and_exports_the_institutions_list(page, site):
    street = Region.objects.get(code="430202001")
    for n, status in enumerate([FilingStatus.FILED, FilingStatus.FILED, FilingStatus.REGISTERED]):
        Institution.objects.create(
            name=f"荷塘区第{n + 1}托育中心",
            uscc=with_check(f"91430202MA4L0X{n}B1"),
            region=street,
            filing_status=status,
        )
    alice = regulator("alice", Role.REGULATOR, "430202")
    sign_in(page, site, alice)
    page.goto(f"{site}/institutions/")
    table = page.locator("#institutions-table")
    expect(table).to_contain_text("共 3 家")

    page.get_by_label("备案状态").select_option(FilingStatus.FILED.value)
    with page.expect_response(lambda r: "/institutions/?" in r.url and r.request.headers.get("hx-request")):
        page.get_by_role("button", name="搜索").click()
    expect(table).to_contain_text("共 2 家")
    expect(table).not_to_contain_text("荷塘区第3托育中心")
    expect(page).to_have_url(
        re.compile(r"/institutions/\?.*filing_status=filed")
    )  # a link to the filtered list

    with page.expect_response(lambda r: "sort=name" in r.url):
        table.get_by_role("link", name="机构名称").click()  # ascending first …
    expect(table.locator("th[aria-sort=ascending]")).to_have_count(1)
    with page.expect_response(lambda r: "sort=-name" in r.url):
        table.get_by_role("link", name="机构名称 ▲").click()  # … then descending
    rows = table.locator("tbody tr")
    expect(rows.first).to_contain_text("荷塘区第2托育中心")
    expect(table.locator("th[aria-sort=descending]")).to_have_count(1)

    with page.expect_download() as download:
        table.get_by_role("link", name="导出CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    exported = [r[0] for r in csv.reader(io.StringIO(text))]
    assert exported == ["机构名称", "荷塘区第2托育中心", "荷塘区第1托育中心"]
    assert Event.objects.filter(action="institution.export", actor=alice).count() == 1
