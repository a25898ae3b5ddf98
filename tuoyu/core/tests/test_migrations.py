import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_filed_at_is_filled_from_the_latest_accepted_initial_filing(cast):
    """filings/0003 gives every filed institution its initial filing's decision time (the public sort key)."""
    import datetime as dt
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from tuoyu.filings.models import Filing, FilingKind, FilingState
    from tuoyu.institutions.models import FilingStatus, Institution

    old = timezone.now() - dt.timedelta(days=30)
    new = timezone.now() - dt.timedelta(days=3)
    inst = cast.inst_a
    Institution.objects.filter(pk=inst.pk).update(filing_status=FilingStatus.FILED, filed_at=None)
    for decided, state in (
        (old, FilingState.ACCEPTED),
        (new, FilingState.ACCEPTED),
        (timezone.now(), "draft"),
    ):
        Filing.objects.create(
            institution=inst,
            kind=FilingKind.INITIAL,
            state=state,
            decided_at=decided,
            created_by=cast.alice,
            region_prefix=inst.region_prefix,
        )
    importlib.import_module("tuoyu.filings.migrations.0003_institution_filed_at").fill(apps, None)
    assert Institution.objects.get(pk=inst.pk).filed_at == new
    assert Institution.objects.get(pk=cast.inst_b.pk).filed_at is None  # not filed: left empty


@pytest.mark.django_db
def test_notice_status_is_filled_from_what_happened_to_each_notice(cast):
    """filings/0004: closed if closed, else responded if responded, else issued."""
    import datetime as dt
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from tuoyu.filings.models import NonComplianceNotice

    now = timezone.now()
    base = {
        "institution": cast.inst_a,
        "found_on": now.date(),
        "required_action": "整改",
        "rectify_by": now.date() + dt.timedelta(days=30),
        "issued_at": now,
        "issued_by": cast.alice,
        "workdays_to_issue": 0,
        "region_prefix": cast.inst_a.region_prefix,
    }
    issued = NonComplianceNotice.objects.create(**base)
    responded = NonComplianceNotice.objects.create(**base, responded_at=now)
    closed = NonComplianceNotice.objects.create(**base, responded_at=now, closed_at=now)
    NonComplianceNotice.objects.update(status="issued")
    importlib.import_module("tuoyu.filings.migrations.0004_notice_status").fill(apps, None)
    status = dict(NonComplianceNotice.objects.values_list("pk", "status"))
    assert status == {issued.pk: "issued", responded.pk: "responded", closed.pk: "closed"}
