"""Printable documents (回执、通知书): Django templates rendered to PDF by WeasyPrint, with QR codes.

Every official paper the platform issues — a filing receipt (备案回执), a non-compliance notice, a
report — is an HTML template extending ``documents/base.html`` (A4, the issuing authority in the
header, "第 X 页 共 Y 页" and the document number in the footer, a field table, a seal placeholder, a
QR code with a verification line) and is turned into PDF bytes by :func:`render_pdf`.

Two rules hold for every render:

- **Chinese text is real text in a real font.** WeasyPrint asks fontconfig for Noto Serif/Sans CJK SC
  (Debian's ``fonts-noto-cjk``). When no such font is installed, :func:`render_pdf` refuses with the
  ``pdf_font_missing`` domain error rather than issue a receipt full of empty boxes. Fonts are never
  downloaded.
- **Rendering never touches the network.** :class:`SafeURLFetcher` serves ``data:`` URIs and files under
  our static directories and refuses everything else (``http:``, ``https:``, ``ftp:``, other files), so a
  template — or a value someone typed into a form — cannot make the server fetch a URL. A refused
  resource is left out and logged; the document still renders.

The context a document template receives (all optional except ``title``)::

    authority        issuing authority, e.g. "株洲市荷塘区卫生健康局" (page header, title block, seal)
    title            document title, e.g. "托育机构备案回执"
    document_number  shown under the title and in every page's footer
    fields           [(label, value), …] rendered as the field table
    issued_on        a date, printed under the seal
    qr_image         a data: URI from qr_data_uri(url)
    qr_caption       text under the QR code
    verify_url       the public address printed in the verification line

Numbering documents is not this module's business: the workflow that issues a document owns its number.
"""

from __future__ import annotations

import io
import logging
import mimetypes
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.ffi import ffi, fontconfig
from weasyprint.urls import URLFetcher, URLFetcherResponse

from tuoyu.core.errors import DomainError

logger = logging.getLogger(__name__)

#: The font families documents are set in (see ``documents/base.html``); any one of them suffices.
CJK_FONT_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")

FcResultMatch = 0


# --- fonts ---------------------------------------------------------------------------------------


def _matched_families(family: str) -> list[str]:
    """The family names of the font fontconfig would actually use when asked for ``family``.

    fontconfig always answers with *some* font (its best substitute), so the caller compares names.
    A fresh configuration is loaded each time: it reads ``FONTCONFIG_FILE`` and the font cache as they
    are now, which is what a newly started WeasyPrint would see (a few milliseconds).
    """
    config = fontconfig.FcInitLoadConfigAndFonts()
    if config == ffi.NULL:
        return []
    pattern = fontconfig.FcPatternCreate()
    try:
        fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcConfigSubstitute(config, pattern, 0)  # FcMatchPattern
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
        if match == ffi.NULL:
            return []
        try:
            names = []
            value = ffi.new("FcChar8 **")
            n = 0
            while fontconfig.FcPatternGetString(match, b"family", n, value) == FcResultMatch:
                names.append(ffi.string(value[0]).decode("utf-8", "replace"))
                n += 1
            return names
        finally:
            fontconfig.FcPatternDestroy(match)
    finally:
        fontconfig.FcPatternDestroy(pattern)
        fontconfig.FcConfigDestroy(config)


def cjk_font_available() -> bool:
    """True when fontconfig has one of :data:`CJK_FONT_FAMILIES` (package ``fonts-noto-cjk``)."""
    wanted = {f.casefold() for f in CJK_FONT_FAMILIES}
    return any(
        name.casefold() in wanted for family in CJK_FONT_FAMILIES for name in _matched_families(family)
    )


class PdfFontMissing(DomainError):
    """No CJK font: the server, not the request, is at fault (503 in the API), until fonts-noto-cjk is installed."""

    status = 503


def require_cjk_font() -> None:
    """Refuse with ``pdf_font_missing`` when Chinese text would print as empty boxes."""
    if cjk_font_available():
        return
    message = _("缺少中文字体 fonts-noto-cjk，无法生成PDF回执：请安装 apt-get install fonts-noto-cjk")
    logger.error("%s (fontconfig has none of %s)", message, ", ".join(CJK_FONT_FAMILIES))
    raise PdfFontMissing("pdf_font_missing", message)


# --- resources: data: URIs and our static files, nothing else -------------------------------------


def static_roots() -> list[Path]:
    """Directories whose files a document may reference: the source static dirs and collectstatic's."""
    # An entry may be a (prefix, path) pair.
    dirs = [d[1] if isinstance(d, tuple | list) else d for d in getattr(settings, "STATICFILES_DIRS", [])]
    roots = [Path(d) for d in dirs]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT))
    return [r.resolve() for r in roots]


class SafeURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that never opens a network connection.

    Allowed: ``data:`` URIs, and ``file:`` URLs naming a file inside one of ``roots`` (after resolving
    ``..`` and symbolic links). Everything else raises, which WeasyPrint reports as a warning and skips
    the resource. ``refused`` lists what was turned away, for logs and tests.
    """

    def __init__(self, roots: Iterable[Path] | None = None) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=False)
        self.roots = [Path(r).resolve() for r in (static_roots() if roots is None else roots)]
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._allowed_file(url)
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
                )
        self.refused.append(url)
        logger.warning("document rendering refused to fetch %s", url[:200])
        raise ValueError(f"documents may only use data: URIs and static files, not {url[:200]}")

    def _allowed_file(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        if not path.is_file():
            return None
        return path if any(path.is_relative_to(root) for root in self.roots) else None


# --- QR codes --------------------------------------------------------------------------------------


def _qr(data: str) -> segno.QRCode:
    # Error level M survives a smudged or folded paper; never a Micro QR, which phone cameras often miss.
    return segno.make(data, error="m", micro=False)


def qr_svg(data: str, *, scale: int = 4) -> str:
    """An inline ``<svg>`` QR code for ``data`` (no XML declaration), black on white with its quiet zone."""
    return _qr(data).svg_inline(scale=scale, dark="#000", light="#fff")


def qr_png(data: str, *, scale: int = 8) -> bytes:
    """The QR code as a PNG image (black on white with its quiet zone), for printing."""
    out = io.BytesIO()
    _qr(data).save(out, kind="png", scale=scale, dark="#000", light="#fff")
    return out.getvalue()


def qr_data_uri(data: str, *, scale: int = 4) -> str:
    """A ``data:image/svg+xml`` URI of the QR code, for ``<img src>`` in documents and pages."""
    return _qr(data).svg_data_uri(scale=scale, dark="#000", light="#fff")


# --- rendering -------------------------------------------------------------------------------------


def css_string(text: str) -> str:
    """``text`` as a double-quoted CSS string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', "\\22 ").replace("\n", "\\A ").replace("\r", "")
    return f'"{escaped}"'


def page_counter_css() -> SafeString:
    """The CSS ``content`` value of the page footer, "第 X 页 共 Y 页" in the active language."""
    pattern = _("第 {page} 页 共 {pages} 页")
    before, _sep, rest = pattern.partition("{page}")
    middle, _sep, after = rest.partition("{pages}")
    parts = [css_string(before), "counter(page)", css_string(middle), "counter(pages)", css_string(after)]
    return mark_safe(" ".join(parts))  # built from escaped CSS strings only


def render_pdf(
    template_name: str,
    context: Mapping[str, Any],
    *,
    base_url: str | None = None,
    language: str = "zh-hans",
    url_fetcher: SafeURLFetcher | None = None,
) -> bytes:
    """Render a document template to PDF bytes.

    ``base_url`` resolves relative references (default: our first static directory, so a template may
    write ``src="tuoyu/logo.svg"``). Official documents are Chinese, so the template is rendered in
    ``language`` (zh-hans) whatever the viewer's UI language. Raises ``DomainError("pdf_font_missing")``
    when no CJK font is installed (:class:`PdfFontMissing`, a DomainError).
    """
    require_cjk_font()
    fetcher = url_fetcher or SafeURLFetcher()
    if base_url is None:
        roots = static_roots()
        base_url = roots[0].as_uri() + "/" if roots else None
    with translation.override(language):
        html = render_to_string(template_name, {"page_counter_css": page_counter_css(), **context})
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
