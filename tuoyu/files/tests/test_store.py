"""Storing, handing out and deleting files: random storage names, audit events, no public URL."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tuoyu.accounts.models import User
from tuoyu.audit.models import Event, Outcome
from tuoyu.audit.services import audit_verify
from tuoyu.files.models import StoredFile
from tuoyu.files.services import file_delete, file_response, file_store
from tuoyu.files.tests import samples


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def blobs(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def body(response) -> bytes:
    data = b"".join(response.streaming_content)
    # Not response.close(): outside a request it would fire request_finished, which drops the test's
    # database connection on PostgreSQL.
    response.file_to_stream.close()
    return data


@pytest.mark.parametrize(
    ("content", "kind", "ext"),
    [(samples.pdf(), "pdf", "pdf"), (samples.JPEG, "jpeg", "jpg"), (samples.png(), "png", "png")],
)
def test_a_stored_file_is_kept_under_a_random_name_never_the_uploaders(cast, media_root, content, kind, ext):
    stored = file_store(upload=upload(content, "../荷塘区 房屋租赁合同.pdf"), by=cast.ann)
    stored.refresh_from_db()
    assert re.fullmatch(rf"materials/\d{{4}}/\d{{2}}/{stored.key}\.{ext}", stored.file.name)
    assert stored.original_name == "荷塘区 房屋租赁合同.pdf"
    assert (stored.kind, stored.size, stored.uploaded_by) == (kind, len(content), cast.ann)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert (media_root / stored.file.name).read_bytes() == content


def test_a_png_renamed_to_pdf_is_stored_and_offered_as_a_png(cast):
    stored = file_store(upload=upload(samples.png(), "营业执照.pdf"), by=cast.ann)
    assert stored.kind == "png"
    assert stored.file.name.endswith(".png")
    assert stored.download_name == "营业执照.png"
    assert stored.content_type == "image/png"


def test_storing_a_file_is_audited_with_its_hash(cast):
    stored = file_store(upload=upload(samples.pdf(), "消防验收意见书.pdf"), by=cast.ann)
    event = Event.objects.get(action="file.upload")
    assert (event.actor, event.outcome, event.object_id) == (cast.ann, Outcome.SUCCESS, str(stored.pk))
    assert event.object_type == "files.storedfile"
    assert event.after["sha256"] == stored.sha256
    assert event.after["original_name"] == "消防验收意见书.pdf"
    assert audit_verify().ok


def test_an_executable_renamed_to_pdf_is_refused_stores_nothing_and_the_attempt_is_audited(cast, media_root):
    with pytest.raises(ValidationError) as caught:
        file_store(upload=upload(samples.WINDOWS_EXE, "营业执照.pdf"), by=cast.ann)
    assert caught.value.messages == ["只接受PDF、JPEG或PNG文件；该文件内容是可执行程序。"]
    assert not StoredFile.objects.exists()
    assert blobs(media_root) == []
    event = Event.objects.get(action="file.upload")
    assert (event.actor, event.outcome) == (cast.ann, Outcome.FAILURE)
    assert event.detail["code"] == "upload_executable"
    assert event.detail["name"] == "营业执照.pdf"


def test_a_blob_is_removed_again_when_its_row_cannot_be_written(cast, media_root):
    nobody = User(username="ghost")  # never saved: the row cannot refer to them
    with pytest.raises((ValidationError, ValueError)):
        file_store(upload=upload(samples.pdf(), "a.pdf"), by=nobody)
    assert not StoredFile.objects.exists()
    assert blobs(media_root) == []


def test_the_response_carries_the_detected_type_nosniff_and_a_utf8_attachment_name(cast):
    stored = file_store(upload=upload(samples.png(), "营业执照 副本.pdf"), by=cast.ann)
    response = file_response(stored, viewer=cast.alice, as_attachment=True)
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"file.png\"; filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%20%E5%89%AF%E6%9C%AC.png"
    )
    assert body(response) == samples.png()


def test_an_ascii_name_is_kept_in_the_plain_filename_too(cast):
    stored = file_store(upload=upload(samples.pdf(), 'fire "safety" 2026.pdf'), by=cast.ann)
    response = file_response(stored, viewer=cast.ann, as_attachment=False)
    assert response["Content-Disposition"] == (
        "inline; filename=\"fire _safety_ 2026.pdf\"; filename*=UTF-8''fire%20_safety_%202026.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    body(response)


def test_handing_out_a_file_is_audited_with_the_viewer(cast):
    stored = file_store(upload=upload(samples.JPEG, "照片.jpg"), by=cast.ann)
    body(file_response(stored, viewer=cast.alice, as_attachment=False))
    event = Event.objects.get(action="file.download")
    assert (event.actor, event.object_id, event.detail) == (
        cast.alice,
        str(stored.pk),
        {"as_attachment": False},
    )


def test_a_file_whose_blob_is_gone_answers_not_found(cast, media_root):
    from django.http import Http404

    stored = file_store(upload=upload(samples.pdf(), "a.pdf"), by=cast.ann)
    (media_root / stored.file.name).unlink()
    with pytest.raises(Http404):
        file_response(stored, viewer=cast.alice)
    assert not Event.objects.filter(action="file.download").exists()


def test_no_url_serves_stored_files_by_path(cast, login):
    stored = file_store(upload=upload(samples.pdf(), "营业执照.pdf"), by=cast.ann)
    for client in (Client(), login(cast.ann), login(cast.sam)):
        assert client.get(f"/media/{stored.file.name}").status_code == 404
        assert client.get(stored.file.url).status_code == 404


def test_deleting_a_file_removes_its_row_and_after_commit_its_blob(
    cast, media_root, django_capture_on_commit_callbacks
):
    stored = file_store(upload=upload(samples.pdf(), "a.pdf"), by=cast.ann)
    path = media_root / stored.file.name
    pk = stored.pk
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        file_delete(stored=stored, by=cast.ann)
    assert not StoredFile.objects.filter(pk=pk).exists()
    assert path.exists()  # not before the commit: a rollback must not lose the blob
    for callback in callbacks:
        callback()
    assert not path.exists()
    event = Event.objects.get(action="file.delete")
    assert (event.actor, event.object_id, event.before["sha256"]) == (cast.ann, str(pk), stored.sha256)


def test_the_database_refuses_an_empty_or_unaccepted_file_row(cast):
    from django.db import IntegrityError, transaction

    for fields in ({"size": 0, "kind": "pdf"}, {"size": 10, "kind": "exe"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            StoredFile.objects.create(
                file="materials/x.pdf", original_name="x", sha256="0" * 64, uploaded_by=cast.ann, **fields
            )


# --- orphaned blobs ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rolled_back_upload_leaves_a_blob_that_the_nightly_sweep_removes_a_day_later(media_root) -> None:
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from tuoyu.files.services import orphans_remove

    user = User.objects.create_user(username="uploader", password="x")
    kept = file_store(upload=upload(samples.pdf(), "留存.pdf"), by=user)
    with pytest.raises(RuntimeError), transaction.atomic():
        file_store(upload=upload(samples.pdf(b"2"), "回滚.pdf"), by=user)
        raise RuntimeError("the caller's transaction rolls back")
    assert len(blobs(media_root)) == 2 and StoredFile.objects.count() == 1
    assert orphans_remove() == 0  # younger than a day: an upload may be writing its row right now
    assert len(blobs(media_root)) == 2
    removed = orphans_remove(now=timezone.now() + dt.timedelta(days=1, minutes=1))
    assert removed == 1
    assert blobs(media_root) == [media_root / kept.file.name]
    event = Event.objects.get(action="file.orphans_removed")
    assert event.detail["removed"] == 1
    assert orphans_remove(now=timezone.now() + dt.timedelta(days=2)) == 0  # nothing left to remove


@pytest.mark.django_db
def test_the_sweep_does_nothing_before_the_first_upload(media_root) -> None:
    from tuoyu.files.services import orphans_remove

    assert orphans_remove() == 0 and not Event.objects.filter(action="file.orphans_removed").exists()
