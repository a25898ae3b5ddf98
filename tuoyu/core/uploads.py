"""Uploaded files: what we accept and how we tell (上传文件校验).

Filing materials (备案材料) and later evidence photos are PDF, JPEG or PNG, at most
``settings.MAX_UPLOAD_BYTES`` (20 MB by default) each. The kind is decided by the file's *content* — its
magic bytes — never by its name or the browser's Content-Type, both of which the uploader controls: an
executable renamed ``营业执照.pdf`` is refused, a PNG renamed ``.pdf`` is stored as a PNG.

After the signature, a light structural check catches the common damage (an interrupted upload, a
half-written export) without an image library:

- PDF: ``%PDF-1.x`` or ``%PDF-2.x`` and an ``%%EOF`` marker in the last 1024 bytes (the tolerance
  Acrobat applies; incremental updates append more ``%%EOF`` markers, trailing bytes are allowed).
- PNG: the first chunk is a well-formed IHDR (length 13, CRC, non-zero size, a valid bit depth and colour
  type) and an IEND chunk closes the file.
- JPEG: the marker segments are walked from SOI through every scan to the EOI (FF D9) that ends the main
  image. A thumbnail's EOI inside an APP1 (Exif) segment is skipped by the segment length, so a
  truncated photo is not taken for a whole one; data after the EOI (phone makers' trailers) is allowed.

The size is checked first, from ``UploadedFile.size``, before a byte is read: a 200 MB upload costs
nothing here. :class:`CappedTemporaryFileUploadHandler` (in ``FILE_UPLOAD_HANDLERS``) makes sure it
never cost more than the limit on disk either.
"""

from __future__ import annotations

import math
import os
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import models
from django.utils.translation import gettext_lazy as _

MiB = 1024 * 1024

PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

HEAD_BYTES = 33  # every signature below, and the PNG IHDR chunk with its CRC
TAIL_BYTES = 1024  # where %%EOF / IEND must be


class Kind(models.TextChoices):
    """The file kinds we accept. The value is stored on ``files.StoredFile.kind``."""

    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"

    @property
    def extension(self) -> str:
        return {"pdf": "pdf", "jpeg": "jpg", "png": "png"}[self.value]

    @property
    def content_type(self) -> str:
        return {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}[self.value]


@dataclass(frozen=True)
class Detected:
    """What validate_upload found: the kind by content and the real size in bytes."""

    kind: Kind
    size: int

    @property
    def extension(self) -> str:
        return self.kind.extension

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def detect_kind(head: bytes) -> Kind | None:
    """The kind named by the file's first bytes, or None for anything we do not accept."""
    if head.startswith(PDF_MAGIC):
        return Kind.PDF
    if head.startswith(JPEG_MAGIC):
        return Kind.JPEG
    if head.startswith(PNG_MAGIC):
        return Kind.PNG
    return None


# --- What a refused file is, so the message can say so ---------------------------------------------

_EXECUTABLE_MAGICS = (
    b"MZ",  # Windows PE / DOS
    b"\x7fELF",  # Linux, Android
    b"\xfe\xed\xfa\xce",  # Mach-O, both word sizes and byte orders, and universal binaries
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",  # scripts
)
_ARCHIVE_MAGICS = (
    b"PK\x03\x04",  # ZIP, and so .docx/.xlsx/.apk/.jar
    b"PK\x05\x06",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE2: .doc/.xls/.msi
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",  # gzip
)
_OTHER_IMAGES = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_MARKUP = re.compile(rb"^\s*<(?:!doctype|html|\?xml|svg|script|head|body|iframe)", re.IGNORECASE)


def _refusal(head: bytes) -> ValidationError:
    """The wrong-type error for a file whose head matched no accepted kind, naming what it is."""
    if head.startswith(_EXECUTABLE_MAGICS):
        return ValidationError(
            _("只接受PDF、JPEG或PNG文件；该文件内容是可执行程序。"), code="upload_executable"
        )
    if head.startswith(_ARCHIVE_MAGICS):
        return ValidationError(
            _("只接受PDF、JPEG或PNG文件；该文件内容是压缩包或Office文档，请另存为PDF后上传。"),
            code="upload_type",
        )
    image = next((name for magic, name in _OTHER_IMAGES if head.startswith(magic)), None)
    if image is None and head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"avif"):
        image = "HEIC/AVIF"  # iPhone photos
    if image is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        image = "WebP"
    if image is not None:
        return ValidationError(
            _("只接受PDF、JPEG或PNG文件；该文件是%(format)s格式的图片，请转换为JPEG或PNG后上传。"),
            code="upload_type",
            params={"format": image},
        )
    if _MARKUP.match(head.lstrip(b"\xef\xbb\xbf")):
        return ValidationError(_("只接受PDF、JPEG或PNG文件；该文件内容是网页或脚本。"), code="upload_type")
    return ValidationError(_("只接受PDF、JPEG或PNG文件；无法识别该文件的内容。"), code="upload_type")


# --- Structural checks ------------------------------------------------------------------------------

_PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"
# Allowed (colour type: bit depths), PNG specification 11.2.2.
_PNG_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}


def _pdf_is_whole(head: bytes, tail: bytes) -> bool:
    return re.match(rb"%PDF-[12]\.\d", head) is not None and b"%%EOF" in tail


def _png_is_whole(head: bytes, tail: bytes) -> bool:
    if len(head) < 33 or head[8:16] != b"\x00\x00\x00\x0dIHDR":
        return False
    width, height, depth, colour, compression, filtering, interlace = struct.unpack(">IIBBBBB", head[16:29])
    (crc,) = struct.unpack(">I", head[29:33])
    return (
        zlib.crc32(head[12:29]) == crc
        and 0 < width < 2**31
        and 0 < height < 2**31
        and depth in _PNG_DEPTHS.get(colour, ())
        and compression == 0
        and filtering == 0
        and interlace in (0, 1)
        and _PNG_IEND in tail
    )


def _jpeg_is_whole(data: bytes) -> bool:
    """Walk the marker segments from SOI to the EOI of the main image (ITU T.81 annex B)."""
    n = len(data)
    i = 2  # after SOI
    while i < n:
        if data[i] != 0xFF:
            return False
        while i < n and data[i] == 0xFF:  # fill bytes
            i += 1
        if i >= n:
            return False
        marker = data[i]
        i += 1
        if marker == 0xD9:  # EOI
            return True
        if marker in (0x00, 0xD8):
            return False
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # RSTn, TEM: no length
            continue
        if i + 2 > n:
            return False
        length = int.from_bytes(data[i : i + 2], "big")
        if length < 2:
            return False
        i += length
        if marker == 0xDA:  # SOS: entropy-coded data runs to the next marker that is not RSTn or stuffing
            while True:
                j = data.find(b"\xff", i)
                if j < 0 or j + 1 >= n:
                    return False
                following = data[j + 1]
                if following == 0xFF:
                    i = j + 1
                elif following == 0x00 or 0xD0 <= following <= 0xD7:
                    i = j + 2
                else:
                    i = j
                    break
    return False


def _read_at(f: IO[bytes], offset: int, size: int) -> bytes:
    f.seek(offset)
    return f.read(size)


def _real_size(f: UploadedFile) -> int:
    f.seek(0, os.SEEK_END)
    return f.tell()


def _read_all(f: UploadedFile) -> bytes:
    f.seek(0)
    return b"".join(f.chunks())


def _too_large(size: int) -> ValidationError:
    limit = settings.MAX_UPLOAD_BYTES
    return ValidationError(
        _("文件超过%(limit)sMB（实际%(actual)sMB）。"),
        code="upload_too_large",
        params={
            "limit": f"{limit / MiB:g}",
            # Rounded up, so 20 MB and one byte reads 20.1 MB, never a puzzling "20.0".
            "actual": f"{math.ceil(size * 10 / MiB) / 10:.1f}",
        },
    )


def validate_upload(f: UploadedFile) -> Detected:
    """Accept ``f`` or raise ValidationError saying what is wrong (size, empty, type, damage).

    The declared size is checked before anything is read; the real size is checked as well, so a
    file object whose ``size`` understates its content gains nothing. Leaves ``f`` at position 0.
    """
    declared = f.size
    if declared is not None and declared > settings.MAX_UPLOAD_BYTES:
        raise _too_large(declared)
    size = _real_size(f)
    if size > settings.MAX_UPLOAD_BYTES:
        raise _too_large(size)
    if size == 0:
        raise ValidationError(_("文件是空的（0字节），请重新选择文件。"), code="upload_empty")
    head = _read_at(f, 0, HEAD_BYTES)
    kind = detect_kind(head)
    if kind is None:
        f.seek(0)
        raise _refusal(head)
    tail = _read_at(f, max(0, size - TAIL_BYTES), TAIL_BYTES)
    if kind == Kind.PDF:
        whole = _pdf_is_whole(head, tail)
    elif kind == Kind.PNG:
        whole = _png_is_whole(head, tail)
    else:
        whole = _jpeg_is_whole(_read_all(f))
    f.seek(0)
    if not whole:
        raise ValidationError(
            _("%(kind)s文件不完整或已损坏，请重新导出或重新拍摄后上传。"),
            code="upload_damaged",
            params={"kind": kind.label},
        )
    return Detected(kind=kind, size=size)


# --- Names ------------------------------------------------------------------------------------------

_UNSAFE_NAME_CHARS = re.compile(r'[<>:"|?*]')
MAX_NAME_LENGTH = 120


def clean_filename(name: str | None) -> str:
    """The uploader's file name, made safe to keep and show: no directories, no control or bidi
    characters (``报告\u202egpj.exe``), no characters Windows refuses, at most 120 characters. Never
    used in a storage path."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_NAME_CHARS.sub("_", name).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        ext = ext[:10]
        name = stem[: MAX_NAME_LENGTH - len(ext)] + ext
    return name or "文件"


def display_name(original: str, kind: Kind) -> str:
    """``original`` with the extension of the kind its content has (营业执照.pdf holding a PNG → .png)."""
    stem, _ext = os.path.splitext(clean_filename(original))
    return f"{stem or '文件'}.{kind.extension}"


# --- Request parsing and forms ----------------------------------------------------------------------


class CappedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams an upload to a temporary file but writes at most ``MAX_UPLOAD_BYTES`` of it; the rest is
    counted, not kept. ``size`` is the true size, so validate_upload refuses an oversize file by its
    size (with the size in the message) while it never took more than the limit of disk. Such a file
    has ``truncated = True``; its content must not be used.

    Django hands every file to this handler once it is bigger than FILE_UPLOAD_MAX_MEMORY_SIZE.
    """

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.written = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = settings.MAX_UPLOAD_BYTES - self.written
        if room > 0:
            part = raw_data[:room]
            self.file.write(part)
            self.written += len(part)

    def file_complete(self, file_size: int) -> UploadedFile:
        uploaded = super().file_complete(file_size)
        uploaded.truncated = file_size > self.written
        return uploaded


class MaterialFileField(forms.FileField):
    """A form field for one PDF/JPEG/PNG material: runs validate_upload, and tells the browser's file
    picker what we accept (a hint only — the check is on the content)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_empty_file", True)  # validate_upload says it in our words
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png")

    def clean(self, data: Any, initial: Any = None) -> Any:
        cleaned = super().clean(data, initial)
        if isinstance(cleaned, UploadedFile):
            cleaned.detected = validate_upload(cleaned)
        return cleaned
