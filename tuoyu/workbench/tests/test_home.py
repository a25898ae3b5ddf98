"""Each role's home: the institution's admin sees what to do next and by when; the bureau its to-do counts."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tuoyu.calendars.workdays import add_workdays
from tuoyu.fees.services import ItemData, fee_schedule_publish
from tuoyu.filings import services
from tuoyu.filings.models import MaterialKind
from tuoyu.institutions.models import Institution
from tuoyu.testing.filings import fill_form

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach(cast, filing, kind):
    upload = SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf")
    services.filing_attach(by=cast.ann, filing_id=filing.pk, kind=kind, upload=upload)


def submitted(cast):
    filing = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)
    filing = fill_form(cast.ann, filing)
    for kind in services.required_materials(filing):
        attach(cast, filing, kind)
    return services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )


def todos(client):
    page = client.get("/").content.decode()
    assert 'data-testid="todos"' in page
    return page


def test_an_unfiled_institution_is_told_to_file_and_when_it_becomes_overdue(cast, login):
    Institution.objects.filter(pk=cast.inst_a.pk).update(registered_at=timezone.now() - dt.timedelta(days=12))
    page = todos(login(cast.ann))
    assert "已登记 12 天，尚未备案：请办理备案" in page
    deadline = timezone.localdate() + dt.timedelta(days=30 - 12)
    assert f"期限 {deadline:%Y-%m-%d}" in page


def test_a_draft_lists_the_form_and_the_materials_still_missing(cast, login):
    filing = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)
    attach(cast, filing, MaterialKind.REGISTRATION_CERTIFICATE)
    page = todos(login(cast.ann))
    assert "备案尚未提交：还缺 6 项" in page and "备案书未填写完整" in page
    filing = fill_form(cast.ann, filing)
    page = todos(login(cast.ann))
    assert "备案尚未提交：还缺 5 项" in page and "备案书未填写完整" not in page
    assert str(MaterialKind.FIRE_SAFETY.label) in page
    assert str(MaterialKind.REGISTRATION_CERTIFICATE.label) not in page.split("待办事项")[1]


def test_a_returned_filing_shows_each_reason_to_fix(cast, login):
    filing = submitted(cast)
    services.filing_return(
        by=cast.alice,
        filing_id=filing.pk,
        version=filing.version,
        reasons=[("fire_safety", "消防证明已过期"), ("general", "请补充负责人学历")],
    )
    page = todos(login(cast.ann))
    assert "备案被退回：按退回意见补正后重新提交" in page
    assert "消防证明已过期" in page and "请补充负责人学历" in page
    assert "list-group-item-warning" in page


def test_a_submitted_filing_shows_the_bureaus_deadline(cast, login):
    filing = submitted(cast)
    deadline = add_workdays(timezone.localdate(filing.submitted_at), 5).date
    page = todos(login(cast.ann))
    assert "审核中" in page and f"期限 {deadline:%Y-%m-%d}" in page


def test_a_filed_institution_is_asked_to_publish_fees_until_it_does(cast, login):
    filing = submitted(cast)
    services.filing_accept(by=cast.alice, filing_id=filing.pk, version=filing.version)
    ann = login(cast.ann)
    page = todos(ann)
    assert "尚未公示收费标准" in page
    assert services.Filing.objects.get(pk=filing.pk).number in page
    fee_schedule_publish(
        by=cast.ann,
        institution_id=cast.inst_a.pk,
        effective_from=timezone.localdate(),
        max_prepay_months=3,
        items=[ItemData("monthly", "full_day", "全日托", Decimal("2800"), "month")],
    )
    page = todos(ann)
    assert "尚未公示收费标准" not in page and "目前没有待办事项。" in page


def test_staff_see_their_institution_but_not_its_admin_todos(cast, login):
    page = login(cast.stacy).get("/").content.decode()
    assert cast.inst_a.name in page and "待办事项" not in page


def counts(page):
    section = page.split('id="bureau-todo"')[1].split("</section>")[0]
    return [int(n) for n in re.findall(r'<div class="fs-5[^"]*">(\d+)</div>', section)]


def test_the_bureau_sees_its_queue_and_unfiled_registrations_in_its_jurisdiction_only(cast, login):
    submitted(cast)
    Institution.objects.filter(pk=cast.inst_b.pk).update(filing_overdue_at=timezone.now())
    alice = login(cast.alice).get("/").content.decode()
    assert "待审核备案" in alice
    # inst_a waits for review (and is not filed yet); inst_b (overdue, 芦淞区) is not alice's
    assert counts(alice) == [1, 0, 1, 0]
    bob = login(cast.bob).get("/").content.decode()
    assert counts(bob) == [0, 0, 1, 1]
