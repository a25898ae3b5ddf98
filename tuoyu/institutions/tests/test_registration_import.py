"""The Excel registration batch: template, all-or-nothing import, row-by-row report."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tuoyu.core.excel import template_workbook
from tuoyu.institutions.imports import REGISTRATION_SHEET
from tuoyu.institutions.models import Institution, Registration
from tuoyu.institutions.tests.factories import registration_payload

pytestmark = pytest.mark.django_db

LABELS = {
    "center": "托育机构",
    "home_point": "家庭托育点",
    "enterprise": "企业",
    "social_service_org": "社会服务机构",
    "market_regulation": "市场监管部门",
    "civil_affairs": "民政部门",
}


def workbook(rows):
    wb = load_workbook(io.BytesIO(template_workbook(REGISTRATION_SHEET)))
    ws = wb[REGISTRATION_SHEET.name]
    headers = [c.value for c in ws[1]]
    keys = {str(col.header): col.key for col in REGISTRATION_SHEET.columns}
    for payload in rows:
        values = {**payload, "is_for_profit": "营利性" if payload["is_for_profit"] else "非营利性"}
        values = {k: LABELS.get(v, v) if isinstance(v, str) else v for k, v in values.items()}
        ws.append([values.get(keys[h], "") for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("登记.xlsx", out.getvalue())


def test_the_template_downloads_and_a_filled_batch_imports_every_row(cast, login):
    client = login(cast.clerk)
    template = client.get("/institutions/registrations/import/template.xlsx")
    assert template.status_code == 200 and template["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    rows = [registration_payload(seq=100 + i) for i in range(20)]
    response = client.post("/institutions/registrations/import/", {"file": workbook(rows)})
    assert "已导入20行" in response.content.decode()
    assert Institution.objects.filter(name__startswith="测试托育中心1").count() == 20
    assert set(Registration.objects.values_list("source", flat=True)) == {"excel"}
    again = client.post("/institutions/registrations/import/", {"file": workbook(rows)})
    assert "已导入20行" in again.content.decode()  # same event ids: replayed, nothing new
    assert Registration.objects.count() == 20


def test_one_bad_row_imports_nothing_and_the_report_names_each_problem(cast, login):
    client = login(cast.clerk)
    rows = [registration_payload(seq=200 + i) for i in range(10)]
    rows[3] = registration_payload(seq=203, business_scope="餐饮服务")
    rows[6] = registration_payload(seq=206, uscc="91430202MA00000006")
    rows[8] = {**rows[7], "source_event_id": "other"}  # the same code twice in the file
    response = client.post("/institutions/registrations/import/", {"file": workbook(rows)})
    html = response.content.decode()
    assert "未导入任何数据" in html and "FIL-03" in html and "校验码" in html and "重复" in html
    assert not Institution.objects.filter(name__startswith="测试托育中心2").exists()
    assert not Registration.objects.exists()
    report = client.get("/institutions/registrations/import/report.xlsx")
    assert report.status_code == 200
    ws = load_workbook(io.BytesIO(report.content)).worksheets[0]
    results = [row[-1] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert results.count("✓") == 6 and any("FIL-03" in (r or "") for r in results)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not a workbook", "xlsx"),
        (b"", ""),
    ],
)
def test_a_file_that_is_not_the_template_is_refused_whole(cast, login, content, message):
    response = login(cast.clerk).post(
        "/institutions/registrations/import/", {"file": SimpleUploadedFile("x.xlsx", content)}
    )
    assert response.status_code == 200
    assert 'id="import-result"' in response.content.decode() or "请选择" in response.content.decode()
    assert not Institution.objects.filter(name__startswith="测试").exists()


def test_a_workbook_with_the_wrong_columns_names_them(cast, login):
    wb = Workbook()
    wb.active.title = "登记信息"
    wb.active.append(["机构名称", "备注2"])
    wb.active.append(["某托育中心", "x"])
    out = io.BytesIO()
    wb.save(out)
    response = login(cast.clerk).post(
        "/institutions/registrations/import/", {"file": SimpleUploadedFile("x.xlsx", out.getvalue())}
    )
    html = response.content.decode()
    assert "缺少列" in html and "统一社会信用代码" in html and "备注2" in html


def test_rows_outside_the_clerks_region_are_reported_and_nothing_is_imported(cast, login):
    rows = [registration_payload(seq=300), registration_payload(seq=301, region="410611")]
    html = (
        login(cast.clerk)
        .post("/institutions/registrations/import/", {"file": workbook(rows)})
        .content.decode()
    )
    assert "本机关、本辖区" in html
    assert not Institution.objects.filter(name__startswith="测试托育中心30").exists()
