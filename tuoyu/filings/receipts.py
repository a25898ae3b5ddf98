"""The filing receipt (备案回执): a Chinese PDF with a QR code to the public verification page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tuoyu.core.documents import qr_data_uri, render_pdf
from tuoyu.filings.models import Filing, FilingKind, FilingState
from tuoyu.regions.models import Region


def issuing_authority(filing: Filing) -> str:
    """The county health bureau that filed it, e.g. 株洲市荷塘区卫生健康局."""
    county = Region.objects.select_related("parent").filter(code=filing.institution.region_prefix[:6]).first()
    if county is None:
        return _("卫生健康部门")
    city = county.parent.name if county.parent and county.parent.name != "市辖区" else ""
    return f"{city}{county.name}卫生健康局"


def has_receipt(filing: Filing) -> bool:
    return filing.state == FilingState.ACCEPTED and filing.kind == FilingKind.INITIAL and bool(filing.number)


def receipt_pdf(filing: Filing, *, verify_url: str) -> bytes:
    institution = filing.institution
    fields: list[tuple[Any, Any]] = [
        (_("机构名称"), institution.name),
        (_("统一社会信用代码"), institution.uscc),
        (_("类型"), f"{institution.get_kind_display()} · {institution.get_legal_person_kind_display()}"),
        (_("法定代表人"), institution.legal_rep_name or "—"),
        (_("地址"), institution.address or "—"),
        (_("所在区划"), institution.region.name),
        (_("备案编号"), filing.number),
        (_("备案日期"), f"{filing.decided_at:%Y-%m-%d}" if filing.decided_at else "—"),
    ]
    context = {
        "authority": issuing_authority(filing),
        "title": _("托育机构备案回执"),
        "document_number": filing.number,
        "institution_name": institution.name,
        "fields": fields,
        "issued_on": filing.decided_at.date() if filing.decided_at else None,
        "qr_image": qr_data_uri(verify_url),
        "qr_caption": _("扫码核验备案信息"),
        "verify_url": verify_url,
    }
    return render_pdf("documents/filing_receipt.html", context)
