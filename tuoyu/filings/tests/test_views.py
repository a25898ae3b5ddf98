"""The filing workflow through its web pages: the institution's admin files, the county bureau reviews."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tuoyu.calendars.workdays import add_workdays
from tuoyu.filings import services
from tuoyu.filings.models import Filing, FilingMaterial, FilingState, MaterialKind
from tuoyu.filings.selectors import review_clock
from tuoyu.notifications.models import Notification
from tuoyu.testing.filings import fill_form, form_post

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STALE = "该备案已被他人处理或修改，请刷新后再操作。"


def pdf(name="材料.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def upload(client, filing, kind, name="材料.pdf", content=PDF):
    return client.post(f"/filings/{filing.pk}/materials/", {"kind": kind, "file": pdf(name, content)})


def started(cast, login):
    ann = login(cast.ann)
    response = ann.post("/filings/start/", {"institution": cast.inst_a.pk})
    filing = Filing.objects.get(institution=cast.inst_a)
    assert response.status_code == 302 and response["Location"] == f"/filings/{filing.pk}/"
    response = ann.post(f"/filings/{filing.pk}/form/", {"version": filing.version, **form_post()})
    assert response.status_code == 302, response.content.decode()
    filing.refresh_from_db()
    return ann, filing


def submitted(cast, login):
    ann, filing = started(cast, login)
    for kind in services.required_materials(filing):
        assert upload(ann, filing, kind).status_code == 302
    filing.refresh_from_db()
    response = ann.post(f"/filings/{filing.pk}/submit/", {"version": filing.version, "declaration": "on"})
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.state == FilingState.SUBMITTED
    return ann, filing


def test_an_institution_admin_files_the_bureau_returns_and_then_accepts_with_a_number(cast, login):
    ann = login(cast.ann)
    page = ann.get("/filings/").content.decode()
    assert "开始备案" in page and cast.inst_a.name in page
    ann, filing = submitted(cast, login)
    page = ann.get(f"/filings/{filing.pk}/").content.decode()
    assert "待审核" in page and "提交备案" not in page  # no longer editable

    alice = login(cast.alice)
    queue = alice.get("/filings/review/").content.decode()
    deadline = add_workdays(timezone.localdate(filing.submitted_at), 5).date
    assert cast.inst_a.name in queue
    assert deadline.strftime("%Y-%m-%d") in queue and deadline >= timezone.localdate() + dt.timedelta(days=5)
    detail = alice.get(f"/filings/{filing.pk}/").content.decode()
    material = filing.materials.first()
    assert f"/filings/{filing.pk}/materials/{material.pk}/" in detail and "退回补正" in detail
    response = alice.post(
        f"/filings/{filing.pk}/return/",
        {
            "version": filing.version,
            "reasons-TOTAL_FORMS": "3",
            "reasons-INITIAL_FORMS": "0",
            "reasons-0-item": MaterialKind.FIRE_SAFETY,
            "reasons-0-reason": "消防证明已过期，请上传有效证明",
            "comment": "请补正",
        },
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.state == FilingState.RETURNED

    page = ann.get(f"/filings/{filing.pk}/").content.decode()
    fire = page.index('id="material-fire_safety"')
    assert page.index("消防证明已过期", fire) < page.index("</section>", fire)  # next to its material
    assert upload(ann, filing, MaterialKind.FIRE_SAFETY, "新消防.pdf").status_code == 302
    filing.refresh_from_db()
    response = ann.post(f"/filings/{filing.pk}/submit/", {"version": filing.version, "declaration": "on"})
    assert response.status_code == 302
    filing.refresh_from_db()

    response = alice.post(f"/filings/{filing.pk}/accept/", {"version": filing.version}, follow=True)
    filing.refresh_from_db()
    assert filing.state == FilingState.ACCEPTED and filing.number.startswith("430202-")
    assert filing.number in response.content.decode()
    page = ann.get(f"/filings/{filing.pk}/").content.decode()
    timeline = page[page.index('data-testid="timeline"') :]
    assert filing.number in page and timeline.count(str(cast.alice)) == 2  # return and accept


def test_the_material_downloads_for_the_filer_and_the_reviewer_as_the_stored_file(cast, login):
    ann, filing = submitted(cast, login)
    material = filing.materials.first()
    url = f"/filings/{filing.pk}/materials/{material.pk}/"
    for client in (ann, login(cast.alice), login(cast.zhou)):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == PDF
    assert login(cast.bob).get(url).status_code == 404
    assert login(cast.ben).get(url).status_code == 404
    assert ann.get(f"/filings/{filing.pk}/materials/99999999/").status_code == 404


def test_submitting_without_the_declaration_is_refused_next_to_it_and_nothing_changes(cast, login):
    ann, filing = started(cast, login)
    for kind in services.required_materials(filing):
        upload(ann, filing, kind)
    filing.refresh_from_db()
    response = ann.post(f"/filings/{filing.pk}/submit/", {"version": filing.version})
    assert response.status_code == 400
    assert "请阅读并接受备案承诺书" in response.content.decode()
    filing.refresh_from_db()
    assert filing.state == FilingState.DRAFT and filing.submitted_at is None


def test_submitting_with_a_material_missing_names_it(cast, login):
    ann, filing = started(cast, login)
    response = ann.post(f"/filings/{filing.pk}/submit/", {"version": filing.version, "declaration": "on"})
    assert response.status_code == 400 and "消防安全检查合格证明" in response.content.decode()


def test_an_executable_renamed_pdf_is_refused_and_not_stored(cast, login):
    ann, filing = started(cast, login)
    response = upload(ann, filing, MaterialKind.FIRE_SAFETY, "消防.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="upload-error"' in page
    assert page.index("upload-error") > page.index('id="material-fire_safety"')
    assert not FilingMaterial.objects.filter(filing=filing).exists()


def test_a_reviewer_acting_on_a_stale_version_gets_the_conflict_message(cast, login):
    ann, filing = submitted(cast, login)
    seen = filing.version
    services.filing_accept(by=cast.zhou, filing_id=filing.pk, version=seen)  # the city admin was first
    response = login(cast.alice).post(f"/filings/{filing.pk}/accept/", {"version": seen})
    assert response.status_code == 409 and STALE in response.content.decode()
    response = login(cast.alice).post(
        f"/filings/{filing.pk}/return/",
        {
            "version": seen,
            "reasons-TOTAL_FORMS": "1",
            "reasons-INITIAL_FORMS": "0",
            "reasons-0-item": "general",
            "reasons-0-reason": "补充说明",
        },
    )
    assert response.status_code == 409 and STALE in response.content.decode()
    filing.refresh_from_db()
    assert filing.state == FilingState.ACCEPTED and filing.events.filter(action="return").count() == 0


def test_returning_without_a_reason_is_refused(cast, login):
    ann, filing = submitted(cast, login)
    response = login(cast.alice).post(
        f"/filings/{filing.pk}/return/",
        {"version": filing.version, "reasons-TOTAL_FORMS": "3", "reasons-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 400 and "退回须逐项写明原因" in response.content.decode()
    filing.refresh_from_db()
    assert filing.state == FilingState.SUBMITTED


def test_another_county_regulator_cannot_open_or_act_on_the_filing(cast, login):
    ann, filing = submitted(cast, login)
    bob = login(cast.bob)
    assert bob.get(f"/filings/{filing.pk}/").status_code == 404
    assert bob.post(f"/filings/{filing.pk}/accept/", {"version": filing.version}).status_code == 404
    assert cast.inst_a.name not in bob.get("/filings/review/").content.decode()
    filing.refresh_from_db()
    assert filing.state == FilingState.SUBMITTED


def test_the_institution_staff_and_the_inspector_read_but_cannot_act(cast, login):
    ann, filing = started(cast, login)
    stacy = login(cast.stacy)
    page = stacy.get(f"/filings/{filing.pk}/")
    assert page.status_code == 200 and "提交备案" not in page.content.decode()
    assert upload(stacy, filing, MaterialKind.FIRE_SAFETY).status_code == 404
    assert stacy.post(f"/filings/{filing.pk}/withdraw/", {"version": filing.version}).status_code == 404
    assert not FilingMaterial.objects.filter(filing=filing).exists()


def test_the_reviewer_queue_lists_oldest_first_with_an_overdue_badge(cast, login):
    ann, filing = submitted(cast, login)
    long_ago = timezone.now() - dt.timedelta(days=30)
    Filing.objects.filter(pk=filing.pk).update(submitted_at=long_ago)
    filing.refresh_from_db()
    clock = review_clock(filing)
    assert clock.overdue and clock.elapsed >= 15
    page = login(cast.alice).get("/filings/review/").content.decode()
    assert "逾期" in page and f'data-testid="elapsed-{filing.pk}">{clock.elapsed}' in page


def test_submit_notifies_the_county_bureau_and_decisions_notify_the_institution_admin(cast):
    filing = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)
    filing = fill_form(cast.ann, filing)
    for kind in services.required_materials(filing):
        services.filing_attach(by=cast.ann, filing_id=filing.pk, kind=kind, upload=pdf())
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    submitted_to = set(
        Notification.objects.filter(kind="filing.submitted").values_list("recipient__username", flat=True)
    )
    assert submitted_to == {"alice", "zhou"}  # not bob (芦淞区), not carol (鹤壁)
    assert Notification.objects.get(recipient=cast.alice).link == f"/filings/{filing.pk}/"
    filing = services.filing_return(
        by=cast.alice, filing_id=filing.pk, version=filing.version, reasons=[("general", "请补充")]
    )
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    filing = services.filing_accept(by=cast.alice, filing_id=filing.pk, version=filing.version)
    to_ann = list(
        Notification.objects.filter(recipient__username="ann").order_by("id").values_list("kind", "body")
    )
    assert [k for k, _ in to_ann] == ["filing.returned", "filing.accepted"]
    assert filing.number in to_ann[1][1]
    assert not Notification.objects.filter(recipient__username__in=["ben", "stacy"]).exists()
