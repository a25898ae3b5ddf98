"""The filing receipt (备案回执) and its public verification page."""

import shutil
import subprocess

import pytest

from tuoyu.audit.models import Event
from tuoyu.filings import services
from tuoyu.filings.tests.test_workflow import attach_all
from tuoyu.testing.filings import fill_form

pytestmark = pytest.mark.django_db


def accepted(cast):
    filing = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)
    filing = fill_form(cast.ann, filing)
    attach_all(filing, cast.ann)
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    return services.filing_accept(by=cast.alice, filing_id=filing.pk, version=filing.version)


def test_the_receipt_is_a_chinese_pdf_carrying_the_number_and_is_audited(cast, login, tmp_path):
    filing = accepted(cast)
    response = login(cast.ann).get(f"/filings/{filing.pk}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert Event.objects.filter(action="filing.receipt", object_id=str(filing.pk), actor=cast.ann).exists()
    if shutil.which("pdftotext"):
        pdf = tmp_path / "r.pdf"
        pdf.write_bytes(response.content)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "托育机构备案回执" in text and filing.number in text and cast.inst_a.name in text
        assert "株洲市荷塘区卫生健康局" in text and f"/verify/{filing.number}/" in text


def test_only_those_who_may_read_the_filing_get_its_receipt_and_only_once_accepted(cast, login):
    filing = services.filing_start(by=cast.ann, institution_id=cast.inst_a.pk)
    filing = fill_form(cast.ann, filing)
    assert login(cast.ann).get(f"/filings/{filing.pk}/receipt.pdf").status_code == 404  # not accepted yet
    attach_all(filing, cast.ann)
    filing = services.filing_submit(
        by=cast.ann, filing_id=filing.pk, version=filing.version, declaration_accepted=True
    )
    filing = services.filing_accept(by=cast.alice, filing_id=filing.pk, version=filing.version)
    for who in ("bob", "ben", "carol", "pat", "sam"):
        assert login(getattr(cast, who)).get(f"/filings/{filing.pk}/receipt.pdf").status_code == 404, who
    assert login(cast.alice).get(f"/filings/{filing.pk}/receipt.pdf").status_code == 200


def test_anyone_can_verify_a_filing_number_without_signing_in_and_sees_only_public_facts(cast, client):
    filing = accepted(cast)
    page = client.get(f"/verify/{filing.number}/").content.decode()
    assert cast.inst_a.name in page and "有效" in page and "株洲市荷塘区卫生健康局" in page
    assert cast.inst_a.uscc not in page  # the code and the people behind it are not on the public page
    missing = client.get("/verify/430202-2026-9999/")
    assert missing.status_code == 404 and "未找到备案编号" in missing.content.decode()
