"""The filing workflow through its services: rules, refusals, timeline and concurrency."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from tuoyu.audit.models import Event
from tuoyu.core.errors import Conflict, DomainError
from tuoyu.filings import policy, services
from tuoyu.filings.models import FilingEvent, FilingKind, FilingState, MaterialKind
from tuoyu.institutions.models import FilingStatus
from tuoyu.testing.filings import fill_form

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="材料.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def attach_all(filing, by, kinds=None):
    for kind in kinds or services.required_materials(filing):
        services.filing_attach(by=by, filing_id=filing.pk, kind=kind, upload=pdf())


def test_the_whole_path_return_fix_resubmit_accept_issues_a_number(cast):
    filing = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)
    filing = fill_form(cast.ann, filing)
    attach_all(filing, cast.ann)
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    assert (
        filing.state == FilingState.SUBMITTED and filing.declaration_version == services.DECLARATION_VERSION
    )
    filing = services.filing_return(
        by=cast.alice,
        filing_id=filing.pk,
        version=filing.version,
        reasons=[(MaterialKind.FIRE_SAFETY, "消防证明已过期，请上传有效证明")],
        comment="请补正",
    )
    assert filing.state == FilingState.RETURNED
    services.filing_attach(
        by=cast.ann, filing_id=filing.pk, kind=MaterialKind.FIRE_SAFETY, upload=pdf("新消防.pdf")
    )
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    filing = services.filing_accept(by=cast.alice, filing_id=filing.pk, version=filing.version)
    assert filing.state == FilingState.ACCEPTED and filing.number.startswith("430202-")
    assert filing.number.endswith("-0001")
    cast.inst_a.refresh_from_db()
    assert cast.inst_a.filing_status == FilingStatus.FILED
    assert cast.inst_a.filed_at == filing.decided_at  # the public list's 备案日期 and sort key
    timeline = list(FilingEvent.objects.filter(filing=filing).values_list("action", "actor__username"))
    assert timeline == [
        ("start", "ann"),
        ("submit", "ann"),
        ("return", "alice"),
        ("submit", "ann"),
        ("accept", "alice"),
    ]
    reason = FilingEvent.objects.get(filing=filing, action="return").reasons.get()
    assert reason.item == "fire_safety" and "过期" in reason.reason
    assert Event.objects.filter(action="filing.accept", object_id=str(filing.pk), actor=cast.alice).exists()


def test_submitting_without_the_declaration_or_a_material_is_refused_with_what_is_missing(cast):
    filing = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)
    filing = fill_form(cast.ann, filing)
    attach_all(filing, cast.ann, kinds=[MaterialKind.REGISTRATION_CERTIFICATE, MaterialKind.PREMISES_PROOF])
    with pytest.raises(DomainError, match="承诺书"):
        services.filing_submit(
            by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=False
        )
    with pytest.raises(DomainError) as exc:
        services.filing_submit(
            by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
        )
    assert exc.value.code == "FIL-01" and "消防安全检查合格证明" in exc.value.message
    filing.refresh_from_db()
    assert filing.state == FilingState.DRAFT


def test_meals_require_the_food_licence(cast):
    filing = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)
    filing = fill_form(
        cast.ann,
        filing,
        meals={
            "serves_meals": True,
            "food_licence_number": "JY14302020000018",
            "food_licence_date": "2025-03-01",
        },
    )
    attach_all(filing, cast.ann, kinds=policy.REQUIRED_MATERIALS)
    with pytest.raises(DomainError, match="食品经营许可证"):
        services.filing_submit(
            by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
        )


def test_two_reviewers_acting_at_once_one_succeeds_the_other_gets_a_conflict(cast):
    filing = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)
    filing = fill_form(cast.ann, filing)
    attach_all(filing, cast.ann)
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    seen = filing.version
    services.filing_accept(by=cast.alice, filing_id=filing.pk, version=seen)
    with pytest.raises(Conflict):
        services.filing_return(
            by=cast.zhou, filing_id=filing.pk, version=seen, reasons=[("fire_safety", "x")]
        )
    filing.refresh_from_db()
    assert filing.state == FilingState.ACCEPTED and filing.events.filter(action="return").count() == 0


def test_reviewers_act_only_in_their_county_and_institutions_only_on_their_own(cast):
    filing = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)
    filing = fill_form(cast.ann, filing)
    attach_all(filing, cast.ann)
    with pytest.raises(Http404):
        services.filing_start(by=cast.ben, institution_id=cast.inst_a.pk)
    with pytest.raises(Http404):
        services.filing_submit(
            by=cast.ben, filing_id=filing.pk, version=filing.version, declaration_accepted=True
        )
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    for outsider in (cast.bob, cast.carol, cast.ivan, cast.ann, cast.clerk):
        with pytest.raises(Http404):
            services.filing_accept(by=outsider, filing_id=filing.pk, version=filing.version)


def test_return_needs_a_reason_per_item_and_only_one_filing_is_open_at_a_time(cast):
    filing = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)
    filing = fill_form(cast.ann, filing)
    with pytest.raises(Conflict):
        services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)
    attach_all(filing, cast.ann)
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    with pytest.raises(DomainError, match="逐项"):
        services.filing_return(by=cast.alice, filing_id=filing.pk, version=filing.version, reasons=[("", "")])


def test_cancellation_needs_a_settlement_plan_and_ends_with_the_institution_cancelled(cast):
    with pytest.raises(DomainError, match="尚未备案"):
        services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk, kind=FilingKind.CANCELLATION)
    cast.inst_a.filing_status = FilingStatus.FILED
    cast.inst_a.save()
    with pytest.raises(DomainError, match="安置方案"):
        services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk, kind=FilingKind.CANCELLATION)
    filing = services.filing_start(
        by=cast.ann,
        institution_id=cast.inst_a.pk,
        kind=FilingKind.CANCELLATION,
        settlement_plan="12名在托婴幼儿转入荷塘区阳光托育中心，家长已书面同意；5名工作人员已妥善安置。",
        stop_date=timezone.localdate() + dt.timedelta(days=30),
        parents_notified=True,
    )
    attach_all(filing, cast.ann)
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    services.filing_accept(by=cast.alice, filing_id=filing.pk, version=filing.version)
    cast.inst_a.refresh_from_db()
    assert cast.inst_a.filing_status == FilingStatus.CANCELLED


def test_an_executable_renamed_to_pdf_is_refused_as_a_material(cast):
    from django.core.exceptions import ValidationError

    filing = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)

    filing = fill_form(cast.ann, filing)
    exe = SimpleUploadedFile("消防证明.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.filing_attach(by=cast.ann, filing_id=filing.pk, kind=MaterialKind.FIRE_SAFETY, upload=exe)
    assert not filing.materials.exists()


@pytest.fixture
def committed(transactional_db):
    """A transactional test's data is committed; the flush after it needs the audit trail emptied first."""
    from tuoyu.testing.browser import empty_audit_trail

    yield
    empty_audit_trail()


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_in_two_threads_at_the_same_moment_exactly_one_wins(committed, cast):
    """Not one after the other in one thread: two connections race for the same version, as two
    browsers would. The row lock (select_for_update) makes the second wait, then see the new version and
    get a conflict. SQLite's in-memory test database locks whole tables and fails at once instead of
    waiting, so this runs on PostgreSQL (CI runs both); on a SQLite file the write lock taken at BEGIN
    (IMMEDIATE) serialises the two the same way."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's shared in-memory test database cannot wait for a lock")

    filing = fill_form(cast.ann, services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk))
    attach_all(filing, cast.ann)
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    seen = filing.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name, call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[name] = "ok"
        except Conflict:
            outcomes[name] = "conflict"
        except Exception as exc:  # noqa: BLE001 — recorded, so the assertion shows it
            outcomes[name] = repr(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=act,
            args=("accept", lambda: services.filing_accept(by=cast.alice, filing_id=filing.pk, version=seen)),
        ),
        threading.Thread(
            target=act,
            args=(
                "return",
                lambda: services.filing_return(
                    by=cast.zhou, filing_id=filing.pk, version=seen, reasons=[("fire_safety", "过期")]
                ),
            ),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "ok"], outcomes
    filing.refresh_from_db()
    assert filing.version == seen + 1
    assert filing.events.filter(action__in=["accept", "return"]).count() == 1
