"""Change filing (变更备案), cancellation (注销) and FIL-05 non-compliance notices, through the services."""

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from tuoyu.audit.models import Event
from tuoyu.core.errors import Conflict, DomainError
from tuoyu.core.validators import id_check_character
from tuoyu.filings import changes, selectors, services
from tuoyu.filings.models import Filing, FilingKind, FilingState, MaterialKind, NonComplianceNotice
from tuoyu.institutions.models import FilingStatus, InstitutionKind, InstitutionRevision
from tuoyu.notifications.models import Notification
from tuoyu.testing.filings import file_and_accept, pdf

pytestmark = pytest.mark.django_db

ID_NUMBER = "43020219900101123" + id_check_character("43020219900101123")


@pytest.fixture
def filed(cast):
    cast.inst_a.capacity = 40
    cast.inst_a.offers_full_day = True
    cast.inst_a.save()
    filing = file_and_accept(cast.inst_a, cast.ann, cast.alice)
    cast.inst_a.refresh_from_db()
    return filing


def change_filing(cast):
    return services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk, kind=FilingKind.CHANGE)


def submit(filing, by):
    for kind in services.required_materials(filing):
        services.filing_attach(by=by, filing_id=filing.pk, kind=kind, upload=pdf())
    filing.refresh_from_db()
    return services.filing_submit(
        by=by, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )


# --- change filing ------------------------------------------------------------------------------------


def test_a_change_cannot_start_for_an_institution_that_is_not_filed(cast):
    with pytest.raises(DomainError, match="尚未备案"):
        services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk, kind=FilingKind.CHANGE)


def test_capacity_change_is_stored_reviewed_as_a_diff_and_applied_on_accept(cast, filed):
    filing = change_filing(cast)
    filing = services.filing_change_set(
        by=cast.ann,
        filing_id=filing.pk,
        version=filing.version,
        changes={"services": {"capacity": "60"}},
    )
    assert filing.changed_items == ["services"]
    assert filing.facts["proposed"]["capacity"] == 60
    assert filing.facts["proposed"]["offers_full_day"] is True  # a field left out keeps its value
    assert services.required_materials(filing) == []
    diff = changes.diff(filing.institution, filing.changed_items, filing.facts)
    assert [(g["key"], [r["field"] for r in g["rows"]]) for g in diff] == [("services", ["capacity"])]
    assert diff[0]["rows"][0]["current"] == "40" and diff[0]["rows"][0]["proposed"] == "60"
    filing = submit(filing, cast.ann)
    version_before = cast.inst_a.version
    filing = services.filing_accept(by=cast.alice, filing_id=filing.pk, version=filing.version)
    assert filing.state == FilingState.ACCEPTED and filing.number == ""
    cast.inst_a.refresh_from_db()
    assert cast.inst_a.capacity == 60 and cast.inst_a.filing_status == FilingStatus.FILED
    assert cast.inst_a.version > version_before
    revision = InstitutionRevision.objects.get(institution=cast.inst_a, source="change_filing")
    assert revision.changes == {"capacity": ["40", "60"]} and revision.version == cast.inst_a.version
    assert selectors.original_number(filing) == filed.number  # the original number is kept
    assert Event.objects.filter(action="filing.change_set").exists()
    assert Event.objects.filter(action="institution.change_filing").exists()


def test_an_empty_or_unchanged_change_is_refused(cast, filed):
    filing = change_filing(cast)
    with pytest.raises(DomainError, match="至少选择"):
        services.filing_change_set(by=cast.ann, filing_id=filing.pk, changes={})
    with pytest.raises(DomainError, match="没有需要变更"):
        services.filing_change_set(by=cast.ann, filing_id=filing.pk, changes={"services": {"capacity": 40}})
    with pytest.raises(DomainError, match="未知的变更事项"):
        services.filing_change_set(by=cast.ann, filing_id=filing.pk, changes={"nope": {}})
    with pytest.raises(DomainError, match="变更事项"):
        services.filing_submit(
            by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
        )


@pytest.mark.parametrize(
    ("group", "values", "field"),
    [
        ("services", {"capacity": "abc"}, "capacity"),
        ("services", {"capacity": 5000}, "capacity"),
        ("services", {"min_age_months": 30, "max_age_months": 12}, None),
        (
            "legal_rep",
            {"legal_rep_name": "王五", "legal_rep_id_number": "430202199001011230"},
            "legal_rep_id_number",
        ),
        (
            "premises",
            {"premises_tenure": "leased", "lease_start": "2026-01-01", "lease_end": "2027-01-01"},
            "lease_end",
        ),
        ("meals", {"serves_meals": True, "food_licence_number": ""}, "food_licence_number"),
        ("basic", {"region": "999999"}, "region"),
        ("basic", {"region": "430203"}, "region"),  # another county: cancel and file there instead
    ],
)
def test_invalid_values_are_refused_and_nothing_is_saved(cast, filed, group, values, field):
    filing = change_filing(cast)
    with pytest.raises(DomainError) as exc:
        services.filing_change_set(by=cast.ann, filing_id=filing.pk, changes={group: values})
    if field:
        assert exc.value.field == field
    filing.refresh_from_db()
    assert filing.changed_items == [] and "proposed" not in filing.facts


def test_a_home_point_takes_at_most_five_children(cast, filed):
    cast.inst_a.kind = InstitutionKind.HOME_POINT
    cast.inst_a.capacity = 4
    cast.inst_a.save()
    filing = change_filing(cast)
    with pytest.raises(DomainError, match="5人"):
        services.filing_change_set(by=cast.ann, filing_id=filing.pk, changes={"services": {"capacity": 6}})


def test_a_stale_version_or_a_submitted_change_is_refused(cast, filed):
    filing = change_filing(cast)
    with pytest.raises(Conflict):
        services.filing_change_set(
            by=cast.ann,
            filing_id=filing.pk,
            version=filing.version + 5,
            changes={"services": {"capacity": 1}},
        )
    filing = services.filing_change_set(
        by=cast.ann, filing_id=filing.pk, changes={"services": {"capacity": 1}}
    )
    filing = submit(filing, cast.ann)
    with pytest.raises(Conflict):
        services.filing_change_set(by=cast.ann, filing_id=filing.pk, changes={"services": {"capacity": 2}})


def test_only_the_admin_of_the_institution_sets_changes(cast, filed):
    filing = change_filing(cast)
    for outsider in (cast.ben, cast.stacy, cast.alice):
        with pytest.raises(Http404):
            services.filing_change_set(
                by=outsider, filing_id=filing.pk, changes={"services": {"capacity": 1}}
            )


def test_id_numbers_are_sealed_in_facts_masked_in_the_diff_and_applied(cast, filed):
    filing = change_filing(cast)
    filing = services.filing_change_set(
        by=cast.ann,
        filing_id=filing.pk,
        changes={
            "director": {
                "director_name": "李四",
                "director_id_number": ID_NUMBER,
                "director_education": "bachelor",
                "director_management_years": 5,
            }
        },
    )
    raw = Filing.objects.filter(pk=filing.pk).values_list("facts", flat=True).get()
    assert ID_NUMBER not in str(raw) and ID_NUMBER[6:14] not in str(raw)
    assert services.required_materials(filing) == [MaterialKind.STAFF_QUALIFICATIONS]
    rows = changes.diff(filing.institution, filing.changed_items, filing.facts)[0]["rows"]
    shown = {r["field"]: r["proposed"] for r in rows}
    assert shown["director_id_number"] == "4" + "*" * 16 + ID_NUMBER[-1]
    filing = submit(filing, cast.ann)
    services.filing_accept(by=cast.alice, filing_id=filing.pk, version=filing.version)
    cast.inst_a.refresh_from_db()
    assert cast.inst_a.director_id_number == ID_NUMBER and cast.inst_a.director_name == "李四"
    revision = InstitutionRevision.objects.get(institution=cast.inst_a, source="change_filing")
    assert revision.changes["director_id_number"] == {"changed": True}


def test_a_name_change_needs_the_new_registration_certificate(cast, filed):
    filing = change_filing(cast)
    filing = services.filing_change_set(
        by=cast.ann, filing_id=filing.pk, changes={"basic": {"phone": "13800138000"}}
    )
    assert services.required_materials(filing) == []
    filing = services.filing_change_set(
        by=cast.ann, filing_id=filing.pk, changes={"basic": {"name": "荷塘区小星星托育园"}}
    )
    assert services.required_materials(filing) == [MaterialKind.REGISTRATION_CERTIFICATE]
    with pytest.raises(DomainError, match="FIL-01"):
        services.filing_submit(
            by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
        )


def test_return_reasons_of_a_change_name_only_the_changed_items(cast, filed):
    filing = change_filing(cast)
    filing = services.filing_change_set(
        by=cast.ann, filing_id=filing.pk, changes={"premises": {"floors_used": "1-3"}}
    )
    filing = submit(filing, cast.ann)
    assert services.change_return_items(filing) == ["premises", MaterialKind.PREMISES_PROOF]
    with pytest.raises(DomainError, match="不在本次变更范围"):
        services.filing_return(
            by=cast.alice,
            filing_id=filing.pk,
            version=filing.version,
            reasons=[(MaterialKind.FIRE_SAFETY, "过期")],
        )
    filing.refresh_from_db()
    assert filing.state == FilingState.SUBMITTED
    filing = services.filing_return(
        by=cast.alice,
        filing_id=filing.pk,
        version=filing.version,
        reasons=[("premises", "楼层与场地证明不一致"), (MaterialKind.PREMISES_PROOF, "请上传租赁合同")],
    )
    assert filing.state == FilingState.RETURNED
    # returned: the admin can fix the items again
    services.filing_change_set(by=cast.ann, filing_id=filing.pk, changes={"premises": {"floors_used": "1"}})


def test_an_invalid_change_at_accept_changes_nothing(cast, filed):
    filing = change_filing(cast)
    filing = services.filing_change_set(
        by=cast.ann, filing_id=filing.pk, changes={"services": {"capacity": 6}}
    )
    filing = submit(filing, cast.ann)
    cast.inst_a.refresh_from_db()
    cast.inst_a.kind = InstitutionKind.HOME_POINT  # meanwhile the institution became a home point
    cast.inst_a.save()
    with pytest.raises(DomainError, match="5人"):
        services.filing_accept(by=cast.alice, filing_id=filing.pk, version=filing.version)
    filing.refresh_from_db()
    cast.inst_a.refresh_from_db()
    assert filing.state == FilingState.SUBMITTED and cast.inst_a.capacity == 40


# --- cancellation ------------------------------------------------------------------------------------


PLAN = "12名在托婴幼儿转入荷塘区阳光托育中心，家长已书面同意；5名工作人员已妥善安置。"


def test_cancellation_needs_a_real_plan_a_stop_date_and_the_parents_told(cast, filed):
    with pytest.raises(DomainError, match="安置方案"):
        services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk, kind=FilingKind.CANCELLATION)
    with pytest.raises(DomainError, match="至少20字"):
        services.filing_start(
            by=cast.ann, institution_id=cast.inst_a.pk, kind=FilingKind.CANCELLATION, settlement_plan="转园"
        )
    with pytest.raises(DomainError, match="不能早于今天"):
        services.filing_start(
            by=cast.ann,
            institution_id=cast.inst_a.pk,
            kind=FilingKind.CANCELLATION,
            settlement_plan=PLAN,
            stop_date=timezone.localdate() - dt.timedelta(days=1),
        )
    filing = services.filing_start(
        by=cast.ann, institution_id=cast.inst_a.pk, kind=FilingKind.CANCELLATION, settlement_plan=PLAN
    )
    services.filing_attach(by=cast.ann, filing_id=filing.pk, kind=MaterialKind.SETTLEMENT_PLAN, upload=pdf())
    with pytest.raises(DomainError, match="停止服务日期"):
        services.filing_submit(
            by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
        )
    stop = timezone.localdate() + dt.timedelta(days=20)
    filing = services.filing_cancellation_set(
        by=cast.ann, filing_id=filing.pk, settlement_plan=PLAN, stop_date=stop, parents_notified=False
    )
    with pytest.raises(DomainError, match="告知"):
        services.filing_submit(
            by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
        )
    filing = services.filing_cancellation_set(
        by=cast.ann, filing_id=filing.pk, settlement_plan=PLAN, stop_date=stop, parents_notified=True
    )
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    assert filing.facts == {"stop_date": stop.isoformat(), "parents_notified": True}
    services.filing_accept(by=cast.alice, filing_id=filing.pk, version=filing.version)
    cast.inst_a.refresh_from_db()
    assert cast.inst_a.filing_status == FilingStatus.CANCELLED


# --- FIL-05 notices ---------------------------------------------------------------------------------


def issue(cast, found_on=None, by=None, **kw):
    today = timezone.localdate()
    return services.notice_issue(
        by=by or cast.alice,
        institution_id=cast.inst_a.pk,
        found_on=found_on or today,
        items=kw.get("items", ["实际托位数60个，与备案的40个不符"]),
        required_action=kw.get("required_action", "按备案托位数收托，或办理变更备案"),
        rectify_by=kw.get("rectify_by", today + dt.timedelta(days=30)),
    )


def test_a_notice_needs_a_filed_institution_and_the_county_bureau(cast):
    with pytest.raises(DomainError, match="已备案"):
        issue(cast)
    file_and_accept(cast.inst_a, cast.ann, cast.alice)
    for outsider in (cast.bob, cast.carol, cast.ivan, cast.ann, cast.stacy, cast.pat):
        with pytest.raises(Http404):
            issue(cast, by=outsider)
    assert not NonComplianceNotice.objects.exists()


def test_a_notice_is_refused_for_a_future_finding_no_items_or_a_past_deadline(cast, filed):
    today = timezone.localdate()
    with pytest.raises(DomainError, match="不能晚于今天") as exc:
        issue(cast, found_on=today + dt.timedelta(days=1))
    assert exc.value.field == "found_on"
    with pytest.raises(DomainError, match="至少一项"):
        issue(cast, items=["", "  "])
    with pytest.raises(DomainError, match="整改期限"):
        issue(cast, rectify_by=today - dt.timedelta(days=1))
    assert not NonComplianceNotice.objects.exists()


def test_a_timely_notice_is_recorded_and_the_institution_told(cast, filed):
    notice = issue(cast)
    assert notice.workdays_to_issue == 0 and not notice.late and notice.filing == filed
    assert Notification.objects.filter(recipient=cast.ann, kind="filing.noncompliance").exists()
    assert not selectors.published_notices(cast.inst_a).exists()


def test_a_notice_after_fifteen_working_days_is_flagged_late(cast, filed):
    notice = issue(cast, found_on=timezone.localdate() - dt.timedelta(days=40))
    assert notice.workdays_to_issue > 15 and notice.late


def test_publish_respond_close_and_the_public_selector(cast, filed):
    notice = issue(cast)
    with pytest.raises(Http404):
        services.notice_publish(by=cast.bob, notice_id=notice.pk, version=notice.version)
    with pytest.raises(Http404):
        services.notice_publish(by=cast.ann, notice_id=notice.pk, version=notice.version)
    notice = services.notice_publish(by=cast.alice, notice_id=notice.pk, version=notice.version)
    assert list(selectors.published_notices(cast.inst_a)) == [notice]
    with pytest.raises(Conflict):
        services.notice_publish(by=cast.zhou, notice_id=notice.pk, version=notice.version)
    for outsider in (cast.ben, cast.stacy, cast.alice):
        with pytest.raises(Http404):
            services.notice_respond(
                by=outsider, notice_id=notice.pk, version=notice.version, response="已整改"
            )
    with pytest.raises(DomainError, match="整改情况"):
        services.notice_respond(by=cast.ann, notice_id=notice.pk, version=notice.version, response=" ")
    notice = services.notice_respond(
        by=cast.ann, notice_id=notice.pk, version=notice.version, response="已减少收托"
    )
    with pytest.raises(Conflict):
        services.notice_close(by=cast.alice, notice_id=notice.pk, version=notice.version - 1)
    notice = services.notice_close(
        by=cast.alice, notice_id=notice.pk, version=notice.version, comment="整改到位"
    )
    assert notice.is_closed
    with pytest.raises(Conflict):
        services.notice_respond(by=cast.ann, notice_id=notice.pk, version=notice.version, response="再补充")
    actions = set(Event.objects.filter(action__startswith="notice.").values_list("action", flat=True))
    assert actions == {"notice.issue", "notice.publish", "notice.respond", "notice.close"}


def test_a_notice_moves_through_its_workflow_and_refuses_what_its_state_does_not_allow(cast, filed):
    """filings/workflow.py NOTICE: issued → responded (again, until closed) → closed; nothing leaves closed."""
    from tuoyu.filings.models import NoticeStatus

    notice = issue(cast)
    assert notice.status == NoticeStatus.ISSUED
    notice = services.notice_respond(
        by=cast.ann, notice_id=notice.pk, version=notice.version, response="已减少收托"
    )
    assert notice.status == NoticeStatus.RESPONDED and notice.responded_by == cast.ann
    notice = services.notice_respond(
        by=cast.ann, notice_id=notice.pk, version=notice.version, response="已补充照片"
    )
    assert notice.status == NoticeStatus.RESPONDED and notice.institution_response == "已补充照片"
    with pytest.raises(Conflict) as stale:
        services.notice_close(by=cast.alice, notice_id=notice.pk, version=notice.version - 1)
    assert stale.value.code == "stale_version"
    notice = services.notice_close(
        by=cast.alice, notice_id=notice.pk, version=notice.version, comment="整改到位"
    )
    assert notice.status == NoticeStatus.CLOSED and notice.closed_by == cast.alice
    for attempt in (
        lambda: services.notice_close(by=cast.alice, notice_id=notice.pk, version=notice.version),
        lambda: services.notice_respond(
            by=cast.ann, notice_id=notice.pk, version=notice.version, response="再补充"
        ),
    ):
        with pytest.raises(Conflict, match="已办结") as closed:
            attempt()
        assert closed.value.code == "wrong_state"
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED and notice.closing_comment == "整改到位"
    moves = list(
        Event.objects.filter(action__in=["notice.respond", "notice.close"], object_id=str(notice.pk))
        .order_by("id")
        .values_list("action", "before", "after")
    )
    assert [(a, b["status"], c["status"]) for a, b, c in moves] == [
        ("notice.respond", "issued", "responded"),
        ("notice.respond", "responded", "responded"),
        ("notice.close", "responded", "closed"),
    ]


def test_an_empty_response_changes_nothing(cast, filed):
    notice = issue(cast)
    with pytest.raises(DomainError, match="整改情况"):
        services.notice_respond(by=cast.ann, notice_id=notice.pk, version=notice.version, response=" ")
    notice.refresh_from_db()
    assert notice.status == "issued" and notice.version == 1 and notice.responded_at is None
    assert not Event.objects.filter(action="notice.respond").exists()
