"""What an upload is, decided by its content: accepted kinds, refusals with their messages, limits."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tuoyu.core.uploads import (
    JPEG_MAGIC,
    PDF_MAGIC,
    PNG_MAGIC,
    Kind,
    MaterialFileField,
    clean_filename,
    detect_kind,
    display_name,
    validate_upload,
)
from tuoyu.files.tests import samples
from tuoyu.files.tests.samples import MiB


def upload(content: bytes, name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def refusal(content: bytes, name: str = "材料.pdf") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload(content, name))
    return caught.value


class UnreadableUpload(UploadedFile):
    """An upload that claims a size and fails the test if anything tries to read, seek or hash it."""

    def __init__(self, size: int) -> None:
        super().__init__(file=None, name="大文件.pdf", content_type="application/pdf", size=size)

    def _touched(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("the upload was read")

    read = seek = tell = chunks = open = _touched


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (samples.pdf(), Kind.PDF),
        (samples.png(), Kind.PNG),
        (samples.JPEG, Kind.JPEG),
        (samples.JPEG_PROGRESSIVE, Kind.JPEG),
        (samples.jpeg_with_exif_thumbnail(), Kind.JPEG),
    ],
    ids=["pdf", "png", "jpeg", "progressive-jpeg", "jpeg-with-exif-thumbnail"],
)
def test_each_accepted_kind_is_detected_by_content_and_accepted(content, kind):
    assert detect_kind(content[:16]) == kind
    detected = validate_upload(upload(content, name="whatever.bin"))
    assert detected.kind == kind
    assert detected.size == len(content)


def test_a_pdf_as_weasyprint_writes_it_is_accepted():
    from weasyprint import HTML

    content = HTML(string="<p>备案回执</p>").write_pdf()
    assert validate_upload(upload(content)).kind == Kind.PDF


def test_validation_leaves_the_upload_at_its_start_for_whoever_stores_it():
    f = upload(samples.JPEG)
    validate_upload(f)
    assert f.read(3) == JPEG_MAGIC


@pytest.mark.parametrize("content", [samples.WINDOWS_EXE, samples.LINUX_ELF, samples.SHELL_SCRIPT])
def test_an_executable_renamed_to_pdf_is_refused_as_an_executable(content):
    error = refusal(content, name="营业执照.pdf")
    assert error.code == "upload_executable"
    assert error.messages == ["只接受PDF、JPEG或PNG文件；该文件内容是可执行程序。"]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (samples.ZIP, "压缩包或Office文档"),
        (samples.DOC, "压缩包或Office文档"),
        (samples.GIF, "GIF格式的图片"),
        (samples.HEIC, "HEIC/AVIF格式的图片"),
        (samples.HTML, "网页或脚本"),
        (samples.SVG, "网页或脚本"),
        (samples.TEXT, "无法识别该文件的内容"),
    ],
    ids=["zip", "doc", "gif", "heic", "html", "svg", "text"],
)
def test_other_formats_are_refused_with_a_message_that_names_them(content, says):
    error = refusal(content)
    assert error.code == "upload_type"
    (message,) = error.messages
    assert message.startswith("只接受PDF、JPEG或PNG文件；")
    assert says in message


def test_an_empty_file_is_refused():
    error = refusal(b"")
    assert error.code == "upload_empty"
    assert "空" in error.messages[0]


def test_a_200_mb_upload_is_refused_by_its_size_without_being_read():
    with pytest.raises(ValidationError) as caught:
        validate_upload(UnreadableUpload(size=200 * MiB))
    assert caught.value.code == "upload_too_large"
    assert caught.value.messages == ["文件超过20MB（实际200.0MB）。"]


def test_exactly_20_mb_is_accepted():
    assert validate_upload(upload(samples.pdf_of_size(20 * MiB))).size == 20 * MiB


def test_20_mb_and_one_byte_is_refused_and_says_so():
    error = refusal(samples.pdf_of_size(20 * MiB + 1))
    assert error.code == "upload_too_large"
    assert error.messages == ["文件超过20MB（实际20.1MB）。"]


def test_a_size_attribute_that_understates_the_content_gains_nothing(settings):
    settings.MAX_UPLOAD_BYTES = 1000
    f = upload(samples.pdf_of_size(5000))
    f.size = 10
    with pytest.raises(ValidationError) as caught:
        validate_upload(f)
    assert caught.value.code == "upload_too_large"


def test_the_limit_follows_the_setting(settings):
    settings.MAX_UPLOAD_BYTES = 2 * MiB
    assert refusal(samples.pdf_of_size(3 * MiB)).messages == ["文件超过2MB（实际3.0MB）。"]


@pytest.mark.parametrize(
    "content",
    [
        samples.pdf()[:-8],  # cut before %%EOF
        b"%PDF-\n%%EOF",  # no version
        samples.png()[:-12],  # no IEND
        samples.png()[:20],  # IHDR cut short
        samples.png()[:29] + b"\x00\x00\x00\x00" + samples.png()[33:],  # IHDR CRC wrong
        samples.JPEG[:-2],  # no EOI
        samples.JPEG[: len(samples.JPEG) // 2],  # half a photo
        samples.JPEG_PROGRESSIVE[:-100],  # scans missing
        samples.jpeg_with_exif_thumbnail()[:-40],  # the thumbnail's EOI must not pass for the photo's
        JPEG_MAGIC,  # the signature and nothing else
        PNG_MAGIC,
        PDF_MAGIC,
    ],
    ids=[
        "pdf-no-eof",
        "pdf-no-version",
        "png-no-iend",
        "png-short-ihdr",
        "png-bad-crc",
        "jpeg-no-eoi",
        "jpeg-half",
        "progressive-jpeg-cut",
        "jpeg-thumbnail-eoi-only",
        "jpeg-magic-only",
        "png-magic-only",
        "pdf-magic-only",
    ],
)
def test_a_damaged_or_truncated_file_is_refused_as_damaged(content):
    error = refusal(content)
    assert error.code == "upload_damaged"
    assert "不完整或已损坏" in error.messages[0]


def test_a_jpeg_with_a_trailer_after_its_end_marker_is_accepted():
    # Some phones append data (motion photos, maker notes) after the image's EOI.
    assert validate_upload(upload(samples.JPEG + b"SEFH\x00\x00trailer")).kind == Kind.JPEG


SIGNATURES = (PDF_MAGIC, JPEG_MAGIC, PNG_MAGIC)


@hsettings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048).filter(lambda b: not b.startswith(SIGNATURES)))
def test_bytes_that_do_not_start_with_an_accepted_signature_are_always_refused(content):
    assert detect_kind(content) is None
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload(content))
    assert caught.value.code in {"upload_type", "upload_executable", "upload_empty"}


@hsettings(max_examples=300, deadline=None)
@given(st.sampled_from(SIGNATURES), st.binary(max_size=2048))
def test_anything_behind_an_accepted_signature_is_accepted_or_refused_never_crashes(magic, rest):
    try:
        detected = validate_upload(upload(magic + rest))
    except ValidationError as exc:
        assert exc.code == "upload_damaged"
    else:
        assert detected.kind == detect_kind(magic)


@hsettings(max_examples=100, deadline=None)
@given(st.sampled_from([samples.JPEG, samples.JPEG_PROGRESSIVE, samples.png(), samples.pdf()]), st.data())
def test_a_truncated_image_or_document_is_never_accepted(content, data):
    cut = data.draw(st.integers(min_value=1, max_value=len(content) - 1))
    if content.startswith(PDF_MAGIC) and b"%%EOF" in content[:cut]:
        return  # a PDF cut after its last %%EOF is still whole
    with pytest.raises(ValidationError):
        validate_upload(upload(content[:cut]))


# --- Names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_name", "kept"),
    [
        ("营业执照.pdf", "营业执照.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\张三\\Desktop\\房屋租赁合同.jpg", "房屋租赁合同.jpg"),
        ("报告\u202egpj.exe", "报告gpj.exe"),  # right-to-left override would show "报告exe.jpg"
        ("a<b>c:d|e?.png", "a_b_c_d_e_.png"),
        ("  ...  ", "文件"),
        ("", "文件"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_the_uploaders_file_name_is_cleaned_before_it_is_kept(given_name, kept):
    assert clean_filename(given_name) == kept


def test_the_offered_name_carries_the_extension_of_the_real_kind():
    assert display_name("营业执照.pdf", Kind.PNG) == "营业执照.png"
    assert display_name("照片", Kind.JPEG) == "照片.jpg"


# --- The form field -----------------------------------------------------------------------------


class MaterialForm(forms.Form):
    certificate = MaterialFileField(label="营业执照")


def test_the_form_field_refuses_an_executable_with_the_executable_message():
    form = MaterialForm(files={"certificate": upload(samples.WINDOWS_EXE, "营业执照.pdf")})
    assert not form.is_valid()
    assert form.errors["certificate"] == ["只接受PDF、JPEG或PNG文件；该文件内容是可执行程序。"]


def test_the_form_field_refuses_an_empty_file_in_its_own_words():
    form = MaterialForm(files={"certificate": upload(b"")})
    assert not form.is_valid()
    assert form.errors["certificate"] == ["文件是空的（0字节），请重新选择文件。"]


def test_the_form_field_accepts_a_png_named_pdf_and_says_what_it_is():
    form = MaterialForm(files={"certificate": upload(samples.png(), "营业执照.pdf")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["certificate"].detected.kind == Kind.PNG
    assert 'accept=".pdf,.jpg,.jpeg,.png' in str(form["certificate"])
