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


def _inserts(queries, table):
    return [q["sql"] for q in queries if q["sql"].startswith("INSERT") and f'"{table}"' in q["sql"]]


def test_a_batch_is_written_in_a_few_inserts_with_every_audit_event(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tuoyu.audit.models import Event
    from tuoyu.audit.services import audit_verify
    from tuoyu.institutions.imports import registration_import

    rows = [registration_payload(seq=400 + i) for i in range(60)]
    with CaptureQueriesContext(connection) as queries:
        outcome = registration_import(by=cast.clerk, file=workbook(rows))
    assert outcome.committed and outcome.applied == 60
    # A few INSERTs per table (batches bounded by the database's parameter limit), not one per row:
    # the write transaction stays short.
    for table in ("institutions_institution", "institutions_registration", "audit_event"):
        assert 1 <= len(_inserts(queries, table)) <= 6, table
    # The same trail as registration_record writes for each row, in file order, and the chain holds.
    institutions = list(Institution.objects.filter(name__startswith="测试托育中心4").order_by("id"))
    assert [i.name for i in institutions] == [r["name"] for r in rows]
    assert all(i.region_prefix == "430202001" and i.registered_at for i in institutions)
    events = list(Event.objects.filter(actor=cast.clerk).order_by("id"))
    # The service now writes the file-level event too, last, in the same transaction (it was the view's).
    assert [e.action for e in events] == ["institution.register", "registration.receive"] * 60 + [
        "registration.import"
    ]
    assert events[-1].detail["rows"] == 60 and len(events[-1].detail["digest"]) == 64
    first = events[0]
    assert first.object_id == str(institutions[0].pk) and first.after["uscc"] == rows[0]["uscc"]
    assert "*" in first.after["legal_rep_id_number"]  # masked, as registration_record keeps it
    registration = Registration.objects.get(institution=institutions[0])
    assert registration.outcome == "created" and registration.source_event_id == rows[0]["source_event_id"]
    assert events[1].detail == {"outcome": "created", "source": "excel", "event": rows[0]["source_event_id"]}
    assert audit_verify().ok


def test_every_row_is_checked_before_the_write_transaction_opens(cast):
    from django.db import connection

    from tuoyu.institutions import forms, imports

    depth_at_start = len(connection.savepoint_ids)
    seen = []
    real_is_valid = forms.RegistrationForm.is_valid

    def is_valid(form):
        seen.append(len(connection.savepoint_ids))
        return real_is_valid(form)

    rows = [registration_payload(seq=500 + i) for i in range(5)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(forms.RegistrationForm, "is_valid", is_valid)
        outcome = imports.registration_import(by=cast.clerk, file=workbook(rows))
    assert outcome.committed
    assert seen == [depth_at_start] * 5  # no transaction (savepoint) open while rows are validated


def test_a_bad_row_opens_no_write_transaction(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tuoyu.institutions.imports import registration_import

    rows = [registration_payload(seq=600 + i) for i in range(5)]
    rows[4] = registration_payload(seq=604, business_scope="餐饮服务")
    with CaptureQueriesContext(connection) as queries:
        outcome = registration_import(by=cast.clerk, file=workbook(rows))
    assert not outcome.committed and [line.row for line in outcome.report_rows()] == [6]
    assert not [q for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "SAVEPOINT"))]


def test_a_credit_code_registered_between_check_and_write_goes_through_the_service(cast):
    from tuoyu.institutions import imports
    from tuoyu.institutions.services import registration_record

    rows = [registration_payload(seq=700 + i) for i in range(3)]
    real_existing = imports._existing
    calls = []

    def existing(rows_):
        calls.append(1)
        if len(calls) == 2:  # the write phase's re-check: another clerk got there first
            form = imports.RegistrationForm(data={**rows[1], "is_for_profit": "true"})
            assert form.is_valid(), form.errors
            registration_record(by=cast.clerk, data=form.registration_data(), source="api")
        return real_existing(rows_)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(imports, "_existing", existing)
        outcome = imports.registration_import(by=cast.clerk, file=workbook(rows))
    assert outcome.committed and outcome.applied == 3
    assert Institution.objects.filter(uscc=rows[1]["uscc"]).count() == 1
    # The raced row was recorded by registration_record against the existing institution.
    assert Registration.objects.filter(institution__uscc=rows[1]["uscc"]).count() == 2
    assert Institution.objects.filter(name__startswith="测试托育中心70").count() == 3


def test_each_institution_is_validated_as_full_clean_validates_it():
    """The import validates the file's institutions field by field after the first (imports._InstitutionMaker);
    what it refuses, and with which messages, is what Institution.full_clean refuses — a repeated value too."""
    import dataclasses
    import datetime as dt

    from django.core.exceptions import ValidationError

    from tuoyu.institutions.imports import _InstitutionMaker
    from tuoyu.institutions.services import RegistrationData
    from tuoyu.regions.models import Region

    region = Region.objects.get(code="430202001")
    payload = registration_payload(1)
    good = RegistrationData(
        **{k: v for k, v in payload.items() if k not in {"source_event_id", "registration_date", "region"}},
        registration_date=dt.date(2026, 3, 2),
        region=region,
    )
    bad = [
        dataclasses.replace(good, name="长" * 201),
        dataclasses.replace(good, kind="nursery"),  # not one of the choices
        dataclasses.replace(good, authority="tax", legal_rep_name="名" * 51),
        dataclasses.replace(good, uscc=good.uscc[:-1] + "0"),
    ]
    maker = _InstitutionMaker()
    maker.make(good)  # the first: full_clean itself
    for data in [*bad, *bad]:  # twice: a verdict seen before is the same
        with pytest.raises(ValidationError) as ours:
            maker.make(data)
        with pytest.raises(ValidationError) as theirs:
            _InstitutionMaker().make(data)  # a new maker's first institution: full_clean itself
        assert ours.value.message_dict == theirs.value.message_dict
    assert maker.make(dataclasses.replace(good, uscc=payload["uscc"])).uscc == payload["uscc"]
