"""Fill Institution.filed_at from each institution's latest accepted initial filing (what the public list's
sort computed on every request before the column existed)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Institution = apps.get_model("institutions", "Institution")
    Filing = apps.get_model("filings", "Filing")
    initial = (
        Filing.objects.filter(institution=OuterRef("pk"), kind="initial", state="accepted")
        .order_by("-decided_at", "-id")
        .values("decided_at")[:1]
    )
    Institution.objects.filter(filing_status="filed").update(filed_at=Subquery(initial))


class Migration(migrations.Migration):
    dependencies = [
        ("filings", "0002_noncompliance_notice"),
        ("institutions", "0011_filed_at"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
