"""A block rule stops the action it guards: a filing whose director is not qualified (STF-01) or whose
premises lack a health observation room (SIT-05) cannot be submitted; the message is the rule's."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tuoyu.core.errors import DomainError
from tuoyu.filings import services
from tuoyu.filings.models import FilingState
from tuoyu.filings.tests.test_change import change_filing, filed, submit  # noqa: F401 — ``filed`` is a fixture
from tuoyu.filings.tests.test_form import attach_all, draft
from tuoyu.institutions.models import Room, RoomUse
from tuoyu.testing.filings import fill_form

pytestmark = pytest.mark.django_db


def submit_refused(cast, filing):  # noqa: ANN001, ANN201
    """Submitting is refused; the filing stays a draft at its version."""
    filing.refresh_from_db()
    before = (filing.state, filing.version)
    with pytest.raises(DomainError) as exc:
        services.filing_submit(
            by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
        )
    filing.refresh_from_db()
    assert (filing.state, filing.version) == before
    return exc.value


def ready(cast, **groups):  # noqa: ANN001, ANN003, ANN201
    filing = fill_form(cast.ann, draft(cast), **groups)
    attach_all(filing, cast.ann)
    filing.refresh_from_db()
    return filing


def test_a_director_without_a_college_education_blocks_the_filing_with_the_rules_message(cast) -> None:
    refusal = submit_refused(cast, ready(cast, director={"director_education": "senior_high"}))
    assert refusal.code == "STF-01" and refusal.field == "form"
    assert "不符合STF-01（负责人资质）" in refusal.message and "须大专及以上" in refusal.message


@pytest.mark.parametrize(("years", "blocked"), [(2, True), (3, False)])
def test_three_years_of_management_is_the_boundary(cast, years, blocked) -> None:  # noqa: ANN001
    filing = ready(cast, director={"director_management_years": years})
    if blocked:
        assert "管理经验2年，须不少于3年" in submit_refused(cast, filing).message
    else:
        filing = services.filing_submit(
            by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
        )
        assert filing.state == FilingState.SUBMITTED


def test_a_centre_declaring_no_observation_room_is_blocked(cast) -> None:
    refusal = submit_refused(cast, ready(cast, premises={"has_observation_room": False}))
    assert refusal.code == "SIT-05" and "未设保健观察室" in refusal.message


@pytest.mark.parametrize(("area", "beds", "blocked"), [("5.9", 1, True), ("6", 0, True), ("6", 1, False)])
def test_a_recorded_observation_room_must_have_six_square_metres_and_a_bed(cast, area, beds, blocked) -> None:  # noqa: ANN001
    Room.objects.create(
        institution=cast.inst_a,
        name="保健观察室",
        floor=1,
        floor_area_m2=Decimal(area),
        use=RoomUse.OBSERVATION,
        beds=beds,
    )
    filing = ready(cast)
    if blocked:
        assert submit_refused(cast, filing).code == "SIT-05"
    else:
        services.filing_submit(
            by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
        )


def test_a_change_filing_to_an_unqualified_director_is_blocked_at_its_changes(cast, filed) -> None:  # noqa: ANN001, F811
    filing = change_filing(cast)
    filing = services.filing_change_set(
        by=cast.ann,
        filing_id=filing.pk,
        version=filing.version,
        changes={"director": {"director_education": "senior_high"}},
    )
    with pytest.raises(DomainError) as exc:
        submit(filing, cast.ann)
    assert exc.value.code == "STF-01" and exc.value.field == "changes"


def test_the_api_answers_a_block_as_a_problem_naming_the_rule(cast, login) -> None:  # noqa: ANN001
    filing = ready(cast, director={"director_education": "senior_high"})
    response = login(cast.ann).post(
        f"/api/v1/filings/{filing.pk}/submit",
        data=json.dumps({"version": filing.version, "declaration_accepted": True}),
        content_type="application/json",
    )
    assert response.status_code == 400 and response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"].endswith("STF-01") and "须大专及以上" in body["detail"]
    filing.refresh_from_db()
    assert filing.state == FilingState.DRAFT


def test_the_filing_page_shows_the_block_next_to_the_submit_button(cast, login) -> None:  # noqa: ANN001
    filing = ready(cast, director={"director_management_years": 1})
    response = login(cast.ann).post(
        f"/filings/{filing.pk}/submit/", {"version": filing.version, "declaration": "on"}
    )
    assert response.status_code == 400
    assert "不符合STF-01（负责人资质）：负责人管理经验1年，须不少于3年" in response.content.decode()
    filing.refresh_from_db()
    assert filing.state == FilingState.DRAFT


def test_enrolment_is_refused_at_the_citys_stricter_class_cap(cast) -> None:  # noqa: ANN001
    import datetime as dt

    from django.test.utils import override_settings

    from tuoyu.children.tests.helpers import make_class, months_before, register

    care_class = make_class(cast.inst_a)  # 托小班, planned 15; 株洲 allows 12 here
    born = months_before(dt.date.today(), 18)
    with override_settings(TUOYU_STANDARDS_OVERRIDES={"4302": {"CLS-05": {"toddler": 12}}}):
        for n in range(12):
            register(
                cast.ann,
                cast.inst_a,
                name=f"王{n}",
                birth=born,
                care_class=care_class,
                start_date=dt.date.today(),
            )
        with pytest.raises(DomainError) as exc:
            register(
                cast.ann,
                cast.inst_a,
                name="王十三",
                birth=born,
                care_class=care_class,
                start_date=dt.date.today(),
            )
    assert exc.value.code == "class_full" and "12" in exc.value.message and "CLS-05" in exc.value.message
