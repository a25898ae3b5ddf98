"""Excel bombs: an upload whose zip declares (or hides) far more than a filled template can need is refused
from its directory and a capped read, quickly and before openpyxl parses anything."""

from __future__ import annotations

import io
import struct
import time
import zipfile
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from tuoyu.core import excel
from tuoyu.core.excel import Column, Sheet, read_rows, template_workbook

SHEET = Sheet("登记", [Column("name", "机构名称", required=True), Column("code", "代码")], max_rows=100)
SST_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def filled(rows: list[list[str]]) -> bytes:
    wb = load_workbook(io.BytesIO(template_workbook(SHEET)))
    for row in rows:
        wb[SHEET.name].append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def with_shared_strings(sst: bytes) -> bytes:
    """The filled template with ``sst`` as its xl/sharedStrings.xml."""
    return zipped({**parts_of(filled([["阳光托育", "1"]])), "xl/sharedStrings.xml": sst})


def declaring(data: bytes, name: str, size: int) -> bytes:
    """``data`` with the uncompressed size of part ``name`` rewritten in its local and central headers."""
    buffer = bytearray(data)
    encoded = name.encode()
    for signature, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := buffer.find(signature, start)) != -1:
            if buffer[start + name_at : start + name_at + len(encoded)] == encoded:
                buffer[start + offset : start + offset + 4] = struct.pack("<I", size)
            start += 4
    return bytes(buffer)


@pytest.fixture(autouse=True)
def openpyxl_must_not_run(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A bomb is refused before openpyxl is handed it (read_rows turns any openpyxl error into a message,
    so the calls are recorded, not raised)."""
    calls: list[object] = []
    if "parses" not in request.node.name:
        real = excel.load_workbook

        def recording(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            calls.append(args)
            return real(*args, **kwargs)

        monkeypatch.setattr(excel, "load_workbook", recording)
    yield
    assert calls == [], "openpyxl was handed a bomb"


def refused_quickly(data: bytes, *fragments: str) -> None:
    started = time.perf_counter()
    result = read_rows(data, SHEET)
    assert time.perf_counter() - started < 2
    assert result.rows == [] and len(result.file_errors) == 1, result.file_errors
    for fragment in fragments:
        assert fragment in result.file_errors[0]


def test_shared_strings_declaring_390_mb_are_refused_from_the_directory():
    bomb = declaring(
        with_shared_strings(SST_HEAD + b"><si><t>a</t></si></sst>"), "xl/sharedStrings.xml", 390 << 20
    )
    refused_quickly(bomb, "解压后过大", "390.0 MB")


def test_highly_compressible_shared_strings_are_refused_by_their_ratio():
    sst = SST_HEAD + b">" + b"<si><t>a</t></si>" * 600_000 + b"</sst>"  # 10 MB deflating to ~20 KB
    bomb = with_shared_strings(sst)
    assert len(bomb) < 100_000
    refused_quickly(bomb, "压缩比异常")


def test_shared_strings_over_their_own_size_limit_are_refused(settings):
    settings.XLSX_MAX_SHARED_STRINGS_BYTES = 1 << 20
    sst = SST_HEAD + b">" + b"".join(b"<si><t>%d</t></si>" % i for i in range(200_000)) + b"</sst>"
    refused_quickly(with_shared_strings(sst), "解压后过大")


def test_a_part_whose_header_understates_its_size_is_refused_as_damaged_after_a_capped_read():
    sst = SST_HEAD + b">" + b"".join(b"<si><t>%d</t></si>" % i for i in range(2_000_000)) + b"</sst>"
    bomb = declaring(with_shared_strings(sst), "xl/sharedStrings.xml", 4096)  # inflates to 40 MB
    refused_quickly(bomb, "文件已损坏")


def test_a_declared_count_of_shared_strings_beyond_what_the_rows_allow_is_refused():
    sst = SST_HEAD + b' count="5000000" uniqueCount="5000000"><si><t>a</t></si></sst>'
    refused_quickly(with_shared_strings(sst), "文字条目过多", "5000000")


def test_more_shared_strings_than_declared_are_counted_and_refused():
    limit = excel._shared_strings_limit(SHEET)
    strings = b"".join(b"<si><t>%d</t></si>" % i for i in range(limit + 1))
    sst = SST_HEAD + b' count="1" uniqueCount="1">' + strings + b"</sst>"
    refused_quickly(with_shared_strings(sst), "文字条目过多")


def test_a_zip_of_too_many_parts_is_refused():
    parts = parts_of(filled([["阳光托育", "1"]]))
    parts.update({f"xl/media/padding{i}.bin": b"" for i in range(600)})
    refused_quickly(zipped(parts), "内部结构异常", "6")


def test_a_normal_filled_template_still_parses_and_imports():
    result = read_rows(filled([["阳光托育", "1"], ["星星托育", "2"]]), SHEET)
    assert result.ok and [r["name"] for r in result.rows] == ["阳光托育", "星星托育"]


@pytest.mark.django_db
def test_a_bomb_uploaded_to_an_import_page_and_the_api_gets_the_refusal_in_chinese(cast, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tuoyu.bans.imports import BAN_SHEET

    sst = SST_HEAD + b">" + b"<si><t>a</t></si>" * 600_000 + b"</sst>"
    parts = parts_of(template_workbook(BAN_SHEET))
    bomb = zipped({**parts, "xl/sharedStrings.xml": sst})
    client = login(cast.zhou)
    page = client.post("/bans/import/", {"file": SimpleUploadedFile("禁入.xlsx", bomb)})
    assert page.status_code == 200 and "压缩比异常" in page.content.decode()
    api = client.post("/api/v1/bans/import", {"file": SimpleUploadedFile("禁入.xlsx", bomb)})
    assert api.status_code == 422 and api.json()["committed"] is False
    assert "压缩比异常" in api.json()["summary"]
