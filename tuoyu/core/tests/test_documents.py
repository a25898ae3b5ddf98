"""PDF documents: Chinese text set in Noto CJK, QR codes, page footers, and no network while rendering."""

from __future__ import annotations

import datetime as dt
import http.server
import re
import shutil
import subprocess
import threading
import time
import zlib
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.test import override_settings

from tuoyu.core.documents import (
    SafeURLFetcher,
    cjk_font_available,
    css_string,
    qr_data_uri,
    qr_svg,
    render_pdf,
)
from tuoyu.core.errors import DomainError

PUBLIC_URL = "https://tuoyu.example.gov.cn/public/institutions/430202-0001/"


def receipt_context(**extra) -> dict:
    context = {
        "authority": "株洲市荷塘区卫生健康局",
        "title": "托育机构备案回执",
        "document_number": "荷卫托备〔2026〕第0001号",
        "institution_name": "株洲市荷塘区小星星托育有限公司",
        "fields": [
            ("机构名称", "株洲市荷塘区小星星托育有限公司"),
            ("统一社会信用代码", "91430202MA4QXXXX0X"),
            ("地址", "湖南省株洲市荷塘区月塘街道新华东路100号"),
            ("服务类型", "全日托、半日托"),
            ("托位数", "60"),
            ("备注", "<b>不是标签</b>"),
        ],
        "issued_on": dt.date(2026, 3, 2),
        "qr_image": qr_data_uri(PUBLIC_URL),
        "qr_caption": "扫码查看公示信息",
        "verify_url": PUBLIC_URL,
    }
    context.update(extra)
    return context


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as a reader would copy it (poppler's pdftotext), pages separated by form feeds."""
    if shutil.which("pdftotext") is None:
        pytest.skip(
            "pdftotext (Debian package poppler-utils) is not installed, so the PDF's text cannot be read back; "
            "scripts/ensure-system-packages.sh installs it when run as root"
        )
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF with every Flate stream inflated: WeasyPrint keeps font dictionaries in compressed object streams."""
    inflated = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            inflated.append(zlib.decompressobj().decompress(pdf[match.end() :]))
        except zlib.error:
            continue  # not a Flate stream (or not a stream at all)
    return b"\n".join(inflated)


@pytest.fixture(scope="module")
def receipt_pdf() -> bytes:
    started = time.perf_counter()
    pdf = render_pdf("documents/sample_receipt.html", receipt_context())
    print(f"\nrendered the sample receipt in {time.perf_counter() - started:.3f} s ({len(pdf)} bytes)")
    return pdf


@pytest.fixture
def counting_http_server() -> Iterator[tuple[str, list[str]]]:
    """A local web server that records every request it gets: proof that nothing was fetched."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_rendered_receipt_is_a_pdf(receipt_pdf):
    assert receipt_pdf.startswith(b"%PDF-")
    assert receipt_pdf.rstrip().endswith(b"%%EOF")


def test_the_receipt_embeds_a_noto_cjk_font(receipt_pdf):
    objects = pdf_objects(receipt_pdf)
    # Subset fonts are named like /ABCDEF+Noto-Serif-CJK-SC (or NotoSerifCJKsc-Regular, by version).
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+Noto-?(Sans|Serif)-?CJK", objects)
    assert b"/FontFile3" in objects or b"/FontFile2" in objects  # embedded, not merely named


def test_the_receipt_carries_its_chinese_text_as_text(receipt_pdf):
    text = pdf_text(receipt_pdf)
    compact = re.sub(r"\s+", "", text)
    for expected in (
        "托育机构备案回执",
        "株洲市荷塘区卫生健康局",
        "编号：荷卫托备〔2026〕第0001号",
        "统一社会信用代码91430202MA4QXXXX0X",
        "予以备案",
        "2026年3月2日",
        "扫码查看公示信息",
        f"扫码或访问{PUBLIC_URL}核验",
        "第1页共1页",
    ):
        assert expected in compact, expected
    assert "<b>不是标签</b>" in compact  # values are escaped, never markup


def test_every_page_shows_its_number_the_page_count_and_the_document_number():
    many_fields = [(f"附加事项{i}", "内容" * 20) for i in range(60)]
    pdf = render_pdf("documents/sample_receipt.html", receipt_context(fields=many_fields))
    pages = [re.sub(r"\s+", "", page) for page in pdf_text(pdf).split("\f") if page.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页共{len(pages)}页" in page
        assert "荷卫托备〔2026〕第0001号" in page
    # The authority heads every page after the first, which carries it in the title block.
    assert all(page.startswith("株洲市荷塘区卫生健康局") for page in pages[1:])


def test_qr_codes_are_svg_and_the_data_uri_holds_the_same_code():
    svg = qr_svg(PUBLIC_URL)
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert "<path" in svg
    uri = qr_data_uri(PUBLIC_URL)
    assert uri.startswith("data:image/svg+xml")
    modules = re.compile(r"class=.qrline. stroke=.#000. d=.([^\"']+)")
    assert modules.search(unquote(uri))[1] == modules.search(svg)[1]  # the same code, drawn alike
    assert qr_svg(PUBLIC_URL + "x") != svg


def test_css_strings_cannot_break_out_of_their_quotes():
    assert css_string('第 "1" 页\\') == '"第 \\22 1\\22  页\\\\"'


def test_rendering_fetches_no_external_url_and_still_succeeds(counting_http_server, tmp_path):
    server, requests = counting_http_server
    outside = tmp_path / "secret.css"
    outside.write_text("body { color: red }")
    hostile = (
        '{% extends "documents/base.html" %}'
        "{% block style %}@font-face { font-family: X; src: url(" + server + "/font.woff2); }"
        "h1 { font-family: X; }{% endblock %}"
        "{% block body %}<style>@import url(" + server + "/import.css);</style>"
        "<link rel=stylesheet href='" + server + "/style.css'>"
        "<link rel=stylesheet href='" + outside.as_uri() + "'>"
        "<link rel=stylesheet href='../../../../../../" + str(outside).lstrip("/") + "'>"
        "<p>正文</p>{% endblock %}"
    )
    templates = [
        {
            **settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {"documents/hostile.html": hostile}),
                    "django.template.loaders.filesystem.Loader",
                ],
            },
        }
    ]
    fetcher = SafeURLFetcher()
    with override_settings(TEMPLATES=templates):
        pdf = render_pdf(
            "documents/hostile.html",
            receipt_context(qr_image=server + "/qr.png"),  # a value that reached a src attribute
            url_fetcher=fetcher,
        )
    assert pdf.startswith(b"%PDF-")
    assert requests == []
    refused_here = {url.removeprefix(server) for url in fetcher.refused if url.startswith(server)}
    assert refused_here == {"/import.css", "/font.woff2", "/style.css", "/qr.png"}
    assert outside.as_uri() in fetcher.refused  # a file outside the static directories, by absolute URL
    assert (
        len([url for url in fetcher.refused if url.endswith("secret.css")]) == 2
    )  # … and by ../ from base_url


def test_data_uris_and_static_files_are_allowed():
    fetcher = SafeURLFetcher()
    static_css = settings.BASE_DIR / "tuoyu" / "static" / "tuoyu" / "app.css"
    response = fetcher(static_css.as_uri())
    assert response.read() == static_css.read_bytes()
    assert fetcher(qr_data_uri("x")).read().startswith(b"<svg")
    assert fetcher.refused == []


def test_a_machine_without_chinese_fonts_gets_a_clear_error_not_a_pdf_of_boxes(monkeypatch, tmp_path, caplog):
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig></fontconfig>')
    assert cjk_font_available()
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))  # fontconfig now knows no fonts at all
    assert not cjk_font_available()
    with pytest.raises(DomainError) as refused:
        render_pdf("documents/sample_receipt.html", receipt_context())
    assert refused.value.code == "pdf_font_missing"
    assert refused.value.status == 503  # the server lacks something; the request was fine
    assert "apt-get install fonts-noto-cjk" in refused.value.message
    assert "fonts-noto-cjk" in caplog.text
