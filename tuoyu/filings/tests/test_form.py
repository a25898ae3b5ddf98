"""The initial filing's 备案书: filled by the institution, required before submission, seen by the reviewer,
applied to the institution on acceptance — through the services, the pages and the API."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tuoyu.audit.models import Event
from tuoyu.core.errors import Conflict, DomainError
from tuoyu.filings import services
from tuoyu.filings.models import FilingKind, FilingState, MaterialKind
from tuoyu.institutions.models import FilingStatus, InstitutionKind, InstitutionRevision
from tuoyu.testing.filings import DIRECTOR_ID, fill_form, form, form_json, form_post

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach_all(filing, by):
    for kind in services.required_materials(filing):
        upload = SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf")
        services.filing_attach(by=by, filing_id=filing.pk, kind=kind, upload=upload)


def draft(cast):
    return services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)


def refused(cast, filing, field, **groups):
    """The form with ``groups`` overridden is refused, naming ``field``; nothing is saved."""
    filing.refresh_from_db()
    before = (filing.version, filing.facts, filing.changed_items)
    with pytest.raises(DomainError) as exc:
        services.filing_form_set(by=cast.ann, filing_id=filing.pk, form=form(**groups))
    assert exc.value.field == field, exc.value.message
    filing.refresh_from_db()
    assert (filing.version, filing.facts, filing.changed_items) == before
    return exc.value.message


def test_the_form_reads_sit01s_lease_and_rat02s_size_with_the_citys_overrides(cast, settings):
    # The form once kept its own 3 years and 5 children, so a city's stricter rule passed the form and then
    # failed on the compliance page (issue 10 §5).
    from tuoyu.standards.engine import evaluate

    settings.TUOYU_STANDARDS_OVERRIDES = {"4302": {"SIT-01": {"min_lease_years": 5}}}
    filing = draft(cast)
    four_years = {"lease_start": "2025-01-01", "lease_end": "2029-01-01"}
    assert "不得少于5年" in refused(cast, filing, "lease_end", premises=four_years)
    cast.inst_a.premises_tenure = "leased"
    cast.inst_a.lease_start, cast.inst_a.lease_end = dt.date(2025, 1, 1), dt.date(2029, 1, 1)
    cast.inst_a.save()
    assert evaluate(cast.inst_a, on=dt.date(2026, 1, 1)).outcome("SIT-01").status == "fail"


def test_a_lease_from_29_february_is_counted_alike_by_the_form_and_sit01(cast):
    # 民法典 art. 203: three years from 29 February 2024 end on 28 February 2027, the month's last day.
    from tuoyu.standards.engine import evaluate

    filing = draft(cast)
    leap = {"lease_start": "2024-02-29", "lease_end": "2027-02-28"}
    fill_form(cast.ann, filing, premises=leap)
    cast.inst_a.premises_tenure = "leased"
    cast.inst_a.lease_start, cast.inst_a.lease_end = dt.date(2024, 2, 29), dt.date(2027, 2, 28)
    cast.inst_a.save()
    assert evaluate(cast.inst_a, on=dt.date(2026, 1, 1)).outcome("SIT-01").status == "pass"
    cast.inst_a.lease_end = dt.date(2027, 2, 27)
    cast.inst_a.save()
    assert evaluate(cast.inst_a, on=dt.date(2026, 1, 1)).outcome("SIT-01").status == "fail"
    assert "3年" in refused(cast, filing, "lease_end", premises={**leap, "lease_end": "2027-02-27"})


# --- the service -----------------------------------------------------------------------------------------


def test_submission_needs_the_whole_form_and_acceptance_applies_it_as_one_revision(cast):
    filing = draft(cast)
    attach_all(filing, cast.ann)
    with pytest.raises(DomainError) as exc:
        services.filing_submit(
            by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
        )
    assert exc.value.code == "form_incomplete" and "机构负责人" in exc.value.message
    part = services.filing_form_set(by=cast.ann, filing_id=filing.pk, form={"director": form()["director"]})
    assert part.changed_items == ["director"]
    with pytest.raises(DomainError, match="服务类型"):
        services.filing_submit(
            by=cast.ann, filing_id=filing.pk, version=part.version, declaration_accepted=True
        )
    filing = fill_form(cast.ann, filing)
    assert filing.changed_items == list(services.change_groups.FORM_GROUPS)
    assert DIRECTOR_ID not in json.dumps(filing.facts)  # sealed at rest, like the institution's own field
    cast.inst_a.refresh_from_db()
    assert cast.inst_a.capacity is None  # nothing applied before the bureau accepts
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    filing = services.filing_accept(by=cast.alice, filing_id=filing.pk, version=filing.version)
    cast.inst_a.refresh_from_db()
    assert cast.inst_a.filing_status == FilingStatus.FILED
    assert (cast.inst_a.capacity, cast.inst_a.director_name, cast.inst_a.director_id_number) == (
        60,
        "李静",
        DIRECTOR_ID,
    )
    assert cast.inst_a.offers_full_day and cast.inst_a.surveillance_attested
    revision = InstitutionRevision.objects.get(institution=cast.inst_a, source="initial_filing")
    assert revision.changed_by == cast.alice and "capacity" in revision.changes
    assert DIRECTOR_ID not in json.dumps(revision.changes)
    assert Event.objects.filter(action="filing.form_set", object_id=str(filing.pk)).exists()
    assert Event.objects.filter(action="institution.initial_filing", actor=cast.alice).exists()


def test_the_form_is_checked_by_the_filing_rules_and_nothing_is_saved_on_a_refusal(cast):
    filing = draft(cast)
    assert "3年" in refused(
        cast, filing, "lease_end", premises={"lease_start": "2025-01-01", "lease_end": "2027-12-31"}
    )
    assert "食品经营许可证" in refused(
        cast, filing, "food_licence_number", meals={"serves_meals": True, "food_licence_number": ""}
    )
    assert "托位数" in refused(cast, filing, "capacity", services={"capacity": None})
    refused(cast, filing, "capacity", services={"capacity": -3})
    refused(cast, filing, "indoor_area_m2", premises={"indoor_area_m2": "-10"})
    refused(cast, filing, "director_id_number", director={"director_id_number": "110105194912310021"})
    refused(cast, filing, "max_age_months", services={"max_age_months": 40})
    assert "服务类型" in refused(
        cast, filing, "offers_full_day", services={"offers_full_day": False, "offers_half_day": False}
    )
    assert "属实" in refused(
        cast, filing, "surveillance_attested", surveillance={"surveillance_attested": False}
    )
    refused(cast, filing, "opening_hours", services={"opening_hours": "x\x00" * 80})


def test_a_home_point_states_at_most_five_places(cast):
    cast.inst_a.kind = InstitutionKind.HOME_POINT
    cast.inst_a.save()
    filing = draft(cast)
    assert "5人" in refused(cast, filing, "capacity", services={"capacity": 6})
    filing = fill_form(cast.ann, filing, services={"capacity": 5})
    assert services.form_missing(filing) == []


def test_a_form_saying_meals_are_served_asks_for_the_food_licence(cast):
    filing = draft(cast)
    assert MaterialKind.FOOD_LICENCE not in services.required_materials(filing)
    filing = fill_form(
        cast.ann,
        filing,
        meals={
            "serves_meals": True,
            "food_licence_number": "JY14302020000018",
            "food_licence_date": "2025-03-01",
        },
    )
    assert MaterialKind.FOOD_LICENCE in services.required_materials(filing)


def test_only_the_filer_edits_only_an_open_initial_filing_at_the_version_it_saw(cast):
    filing = fill_form(cast.ann, draft(cast))
    with pytest.raises(Conflict):
        services.filing_form_set(by=cast.ann, filing_id=filing.pk, form=form(), version=filing.version - 1)
    with pytest.raises(DomainError, match="没有这些部分"):
        services.filing_form_set(by=cast.ann, filing_id=filing.pk, form={"basic": {"name": "新名"}})
    from django.http import Http404

    for outsider in (cast.ben, cast.alice, cast.stacy):
        with pytest.raises(Http404):
            services.filing_form_set(by=outsider, filing_id=filing.pk, form=form())
    attach_all(filing, cast.ann)
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    with pytest.raises(Conflict):
        services.filing_form_set(by=cast.ann, filing_id=filing.pk, form=form())
    filing = services.filing_return(
        by=cast.alice, filing_id=filing.pk, version=filing.version, reasons=[("premises", "租期请核实")]
    )
    filing = fill_form(cast.ann, filing, premises={"lease_end": "2031-12-31"})  # returned: editable again
    assert filing.state == FilingState.RETURNED


def test_a_change_filing_has_no_form(cast):
    from tuoyu.testing.filings import file_and_accept

    file_and_accept(cast.inst_a, cast.ann, cast.alice)
    change = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk, kind=FilingKind.CHANGE)
    with pytest.raises(DomainError, match="首次备案"):
        services.filing_form_set(by=cast.ann, filing_id=change.pk, form=form())


# --- the pages -------------------------------------------------------------------------------------------


def test_the_form_page_saves_the_whole_form_and_shows_errors_next_to_the_fields(cast, login):
    filing = draft(cast)
    ann = login(cast.ann)
    page = ann.get(f"/filings/{filing.pk}/form/")
    assert (
        page.status_code == 200
        and "机构负责人" in page.content.decode()
        and "膳食服务" in page.content.decode()
    )
    bad = ann.post(
        f"/filings/{filing.pk}/form/", {"version": filing.version, **form_post(services={"capacity": "-1"})}
    )
    text = bad.content.decode()
    assert bad.status_code == 400 and 'data-testid="error-capacity"' in text and "未保存任何内容" in text
    short = ann.post(
        f"/filings/{filing.pk}/form/",
        {"version": filing.version, **form_post(premises={"lease_end": "2026-06-30"})},
    )
    assert short.status_code == 400 and "租期不得少于3年" in short.content.decode()
    filing.refresh_from_db()
    assert filing.changed_items == [] and filing.version == 1
    ok = ann.post(f"/filings/{filing.pk}/form/", {"version": filing.version, **form_post()})
    assert ok.status_code == 302 and ok["Location"] == f"/filings/{filing.pk}/"
    filing.refresh_from_db()
    assert filing.changed_items == list(services.change_groups.FORM_GROUPS)
    again = ann.get(f"/filings/{filing.pk}/form/").content.decode()
    assert "李静" in again and DIRECTOR_ID not in again and "1****************X" in again
    detail = ann.get(f"/filings/{filing.pk}/").content.decode()
    assert 'data-testid="form-capacity">60<' in detail and DIRECTOR_ID not in detail


def test_the_reviewer_reads_the_form_and_returns_one_part_which_shows_on_the_form_page(cast, login):
    filing = fill_form(cast.ann, draft(cast))
    attach_all(filing, cast.ann)
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    alice = login(cast.alice)
    page = alice.get(f"/filings/{filing.pk}/").content.decode()
    assert "备案书" in page and "周一至周五 7:30-17:30" in page and DIRECTOR_ID not in page
    assert '<option value="services">' in page  # each part of the form can be returned on its own
    response = alice.post(
        f"/filings/{filing.pk}/return/",
        {
            "version": filing.version,
            "reasons-TOTAL_FORMS": "1",
            "reasons-INITIAL_FORMS": "0",
            "reasons-0-item": "services",
            "reasons-0-reason": "托位数与场地面积不符",
        },
    )
    assert response.status_code == 302
    form_page = login(cast.ann).get(f"/filings/{filing.pk}/form/").content.decode()
    assert 'data-testid="reason-services"' in form_page and "托位数与场地面积不符" in form_page
    assert login(cast.ben).get(f"/filings/{filing.pk}/form/").status_code == 404
    assert alice.get(f"/filings/{filing.pk}/form/").status_code == 404  # the bureau reads the detail page


# --- the API ---------------------------------------------------------------------------------------------


def test_the_api_fills_the_form_in_parts_and_refuses_bad_values_as_problems(cast, login):
    filing = draft(cast)
    ann = login(cast.ann)
    url = f"/api/v1/filings/{filing.pk}/form"

    def post(body):
        return ann.post(url, body, content_type="application/json")

    empty = ann.get(url).json()
    assert empty["complete"] is False and empty["filled"] == [] and empty["missing"]
    bad = post({"version": 1, "form": {"services": {**form_json()["services"], "capacity": "很多"}}})
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["field"] == "capacity"
    assert post({"version": 1, "form": {"nope": {}}}).status_code == 400
    assert post({"version": 1, "form": "x"}).status_code == 422
    part = post({"version": 1, "form": {"director": form_json()["director"]}})
    assert part.status_code == 200 and part.json()["filled"] == ["director"] and not part.json()["complete"]
    assert post({"version": 1, "form": form_json()}).status_code == 409  # stale: someone saved first
    whole = post({"version": part.json()["version"], "form": form_json()})
    body = whole.json()
    assert whole.status_code == 200 and body["complete"] and body["missing"] == []
    rows = {r["field"]: r["proposed"] for g in body["groups"] for r in g["rows"]}
    assert rows["capacity"] == "60" and rows["director_id_number"] == "1****************X"
    assert DIRECTOR_ID not in whole.content.decode()
    assert login(cast.alice).get(url).status_code == 200
    assert login(cast.ben).get(url).status_code == 404
