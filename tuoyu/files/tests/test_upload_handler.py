"""A 200 MB upload through Django's real request parsing costs at most the limit on disk, and is
refused by its size."""

from __future__ import annotations

import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.test import RequestFactory

from tuoyu.core.uploads import validate_upload
from tuoyu.files.tests import samples
from tuoyu.files.tests.samples import MiB

BOUNDARY = "tuoyu-test-boundary"


class StreamedBody(io.RawIOBase):
    """A multipart body of ``size`` file bytes, produced as it is read (never held in memory)."""

    ZEROS = bytes(MiB)

    def __init__(self, file_head: bytes, size: int) -> None:
        self.parts = [
            (
                f"--{BOUNDARY}\r\n"
                'Content-Disposition: form-data; name="certificate"; filename="营业执照.pdf"\r\n'
                "Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + file_head,
            size - len(file_head),  # zeros
            f"\r\n--{BOUNDARY}--\r\n".encode(),
        ]
        self.length = len(self.parts[0]) + self.parts[1] + len(self.parts[2])

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:
        while self.parts:
            part = self.parts[0]
            if isinstance(part, int):
                n = min(part, len(buffer), len(self.ZEROS))
                if n == 0:
                    self.parts.pop(0)
                    continue
                buffer[:n] = self.ZEROS[:n]
                self.parts[0] = part - n
                return n
            n = min(len(part), len(buffer))
            if n == 0:
                self.parts.pop(0)
                continue
            buffer[:n] = part[:n]
            self.parts[0] = part[n:]
            return n
        return 0


def streamed_request(file_head: bytes, size: int) -> WSGIRequest:
    body = StreamedBody(file_head, size)
    environ = RequestFactory()._base_environ(
        REQUEST_METHOD="POST",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(body.length),
    )
    environ["wsgi.input"] = io.BufferedReader(body, buffer_size=256 * 1024)
    return WSGIRequest(environ)


def test_a_200_mb_upload_never_takes_more_than_the_limit_on_disk_and_is_refused_by_size():
    request = streamed_request(b"%PDF-1.4\n", 200 * MiB)
    upload = request.FILES["certificate"]
    assert isinstance(upload, TemporaryUploadedFile)
    assert upload.size == 200 * MiB
    assert upload.truncated
    assert os.path.getsize(upload.temporary_file_path()) <= 20 * MiB
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload)
    assert caught.value.messages == ["文件超过20MB（实际200.0MB）。"]
    upload.close()


def test_an_upload_within_the_limit_arrives_whole(settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # so the file goes to a temporary file
    content = samples.pdf_of_size(3 * MiB)
    request = streamed_request(content, len(content))
    upload = request.FILES["certificate"]
    assert isinstance(upload, TemporaryUploadedFile)
    assert not upload.truncated
    assert upload.read() == content


def test_a_small_upload_is_parsed_in_memory():
    request = streamed_request(samples.pdf(), len(samples.pdf()))
    upload = request.FILES["certificate"]
    assert isinstance(upload, InMemoryUploadedFile)
    assert validate_upload(upload).size == len(samples.pdf())
