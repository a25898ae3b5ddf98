"""Change filing, cancellation and FIL-05 notices through the web pages."""

import datetime as dt

import pytest
from django.utils import timezone

from tuoyu.filings import services
from tuoyu.filings.models import Filing, FilingKind, FilingState, NonComplianceNotice
from tuoyu.filings.tests.test_change import PLAN
from tuoyu.institutions.models import FilingStatus
from tuoyu.testing.filings import file_and_accept, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(cast):
    cast.inst_a.capacity = 40
    cast.inst_a.save()
    filing = file_and_accept(cast.inst_a, cast.ann, cast.alice)
    cast.inst_a.refresh_from_db()
    return filing


def change_started(cast, login):
    ann = login(cast.ann)
    page = ann.get("/filings/")
    assert "办理变更备案" in page.content.decode() and "办理注销备案" in page.content.decode()
    response = ann.post("/filings/start/", {"institution": cast.inst_a.pk, "kind": "change"})
    filing = Filing.objects.get(institution=cast.inst_a, kind=FilingKind.CHANGE)
    assert response.status_code == 302 and response["Location"] == f"/filings/{filing.pk}/changes/"
    return ann, filing


def test_the_admin_chooses_groups_edits_prefilled_values_and_the_reviewer_sees_only_the_diff(
    cast, login, filed
):
    ann, filing = change_started(cast, login)
    chooser = ann.get(f"/filings/{filing.pk}/changes/")
    assert chooser.status_code == 200 and "服务类型、收托月龄、托位数和服务时间" in chooser.content.decode()
    form = ann.get(f"/filings/{filing.pk}/changes/", {"groups": ["services"]})
    text = form.content.decode()
    assert 'name="capacity"' in text and 'value="40"' in text and 'name="premises_tenure"' not in text
    bad = ann.post(
        f"/filings/{filing.pk}/changes/",
        {"groups": ["services"], "save": "1", "version": filing.version, "capacity": "abc"},
    )
    assert bad.status_code == 400 and 'data-testid="error-capacity"' in bad.content.decode()
    filing.refresh_from_db()
    assert filing.changed_items == []
    prefilled = {  # what the browser sends back: the prefilled values, capacity edited
        "offers_full_day": "on",
        "offers_half_day": "on",
        "min_age_months": "12",
        "max_age_months": "36",
        "opening_hours": "周一至周五 7:30-17:30",
    }
    ok = ann.post(
        f"/filings/{filing.pk}/changes/",
        {"groups": ["services"], "save": "1", "version": filing.version, "capacity": "60", **prefilled},
    )
    assert ok.status_code == 302
    filing.refresh_from_db()
    assert filing.changed_items == ["services"]
    submit = ann.post(f"/filings/{filing.pk}/submit/", {"version": filing.version, "declaration": "on"})
    assert submit.status_code == 302
    alice = login(cast.alice)
    page = alice.get(f"/filings/{filing.pk}/").content.decode()
    assert 'data-testid="diff-capacity"' in page and 'data-testid="change-premises"' not in page
    assert 'data-testid="diff-opening_hours"' not in page  # unchanged fields are not shown
    assert '<option value="services">' in page and '<option value="fire_safety">' not in page
    filing.refresh_from_db()
    wrong = alice.post(
        f"/filings/{filing.pk}/return/",
        {
            "version": filing.version,
            "reasons-TOTAL_FORMS": "1",
            "reasons-INITIAL_FORMS": "0",
            "reasons-0-item": "fire_safety",
            "reasons-0-reason": "过期",
        },
    )
    assert wrong.status_code == 400
    accept = alice.post(f"/filings/{filing.pk}/accept/", {"version": filing.version})
    assert accept.status_code == 302
    cast.inst_a.refresh_from_db()
    assert cast.inst_a.capacity == 60


def test_the_change_page_is_for_the_institution_admin_only(cast, login, filed):
    _ann, filing = change_started(cast, login)
    for outsider in (cast.ben, cast.alice, cast.stacy):
        assert login(outsider).get(f"/filings/{filing.pk}/changes/").status_code == 404


def test_cancellation_page_starts_with_a_plan_and_refuses_a_short_one(cast, login, filed):
    ann = login(cast.ann)
    assert ann.get(f"/filings/cancel/{cast.inst_a.pk}/").status_code == 200
    stop = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    short = ann.post(
        f"/filings/cancel/{cast.inst_a.pk}/",
        {"settlement_plan": "转园", "stop_date": stop, "parents_notified": "on"},
    )
    assert short.status_code == 400 and "至少20字" in short.content.decode()
    unnotified = ann.post(f"/filings/cancel/{cast.inst_a.pk}/", {"settlement_plan": PLAN, "stop_date": stop})
    assert unnotified.status_code == 400
    assert not Filing.objects.filter(kind=FilingKind.CANCELLATION).exists()
    ok = ann.post(
        f"/filings/cancel/{cast.inst_a.pk}/",
        {"settlement_plan": PLAN, "stop_date": stop, "parents_notified": "on"},
    )
    filing = Filing.objects.get(kind=FilingKind.CANCELLATION)
    assert ok.status_code == 302 and ok["Location"] == f"/filings/{filing.pk}/"
    services.filing_attach(by=cast.ann, filing_id=filing.pk, kind="settlement_plan", upload=pdf())
    assert (
        ann.post(
            f"/filings/{filing.pk}/submit/", {"version": filing.version, "declaration": "on"}
        ).status_code
        == 302
    )
    filing.refresh_from_db()
    assert filing.state == FilingState.SUBMITTED
    login(cast.alice).post(f"/filings/{filing.pk}/accept/", {"version": filing.version})
    cast.inst_a.refresh_from_db()
    assert cast.inst_a.filing_status == FilingStatus.CANCELLED
    assert login(cast.ben).get(f"/filings/cancel/{cast.inst_a.pk}/").status_code == 404


def test_the_reviewer_issues_a_late_notice_publishes_it_and_the_institution_responds(cast, login, filed):
    alice = login(cast.alice)
    detail = alice.get(f"/institutions/{cast.inst_a.pk}/").content.decode()
    assert f"/filings/notices/new/{cast.inst_a.pk}/" in detail
    today = timezone.localdate()
    future = alice.post(
        f"/filings/notices/new/{cast.inst_a.pk}/",
        {
            "found_on": (today + dt.timedelta(days=2)).isoformat(),
            "items": "托位数不符",
            "required_action": "整改",
            "rectify_by": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert future.status_code == 400 and 'data-testid="error-found_on"' in future.content.decode()
    response = alice.post(
        f"/filings/notices/new/{cast.inst_a.pk}/",
        {
            "found_on": (today - dt.timedelta(days=40)).isoformat(),
            "items": "实际托位数60个\n未设观察室",
            "required_action": "按备案信息整改",
            "rectify_by": (today + dt.timedelta(days=30)).isoformat(),
        },
    )
    notice = NonComplianceNotice.objects.get()
    assert response.status_code == 302 and notice.items == ["实际托位数60个", "未设观察室"] and notice.late
    listing = alice.get("/filings/notices/").content.decode()
    assert "超时" in listing and cast.inst_a.name in listing
    assert (
        alice.post(f"/filings/notices/{notice.pk}/publish/", {"version": notice.version}).status_code == 302
    )
    notice.refresh_from_db()
    assert notice.published_at is not None
    ann = login(cast.ann)
    assert 'data-testid="open-notices"' in ann.get("/filings/").content.decode()
    page = ann.get(f"/filings/notices/{notice.pk}/").content.decode()
    assert "反馈整改情况" in page and "向社会公开" not in page
    assert login(cast.ben).get(f"/filings/notices/{notice.pk}/").status_code == 404
    assert (
        login(cast.ben)
        .post(f"/filings/notices/{notice.pk}/respond/", {"version": notice.version, "response": "x"})
        .status_code
        == 404
    )
    assert (
        ann.post(
            f"/filings/notices/{notice.pk}/respond/", {"version": notice.version, "response": "已整改"}
        ).status_code
        == 302
    )
    notice.refresh_from_db()
    stale = alice.post(f"/filings/notices/{notice.pk}/close/", {"version": notice.version - 1})
    assert stale.status_code == 409
    assert alice.post(f"/filings/notices/{notice.pk}/close/", {"version": notice.version}).status_code == 302
