"""Writes and hand-outs for stored files: store, serve (after the owner's permission check), delete.
Each is audited; a refused upload is audited too (someone tried to upload an executable)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.audit.models import Outcome
from tuoyu.audit.services import audit_record, model_snapshot
from tuoyu.core.downloads import content_disposition
from tuoyu.core.uploads import clean_filename, validate_upload
from tuoyu.files.models import UPLOAD_FOLDER, StoredFile

logger = logging.getLogger(__name__)


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def file_store(*, upload: UploadedFile, by: User) -> StoredFile:
    """Check ``upload`` by content and keep it: the blob through the default storage under a random
    name, the row with its original name, kind, size and SHA-256. Raises ValidationError (in Chinese,
    naming the problem) for a file we do not accept; the refusal is audited.

    If the row cannot be written the blob is removed again. A caller that wraps this in its own
    transaction and then rolls back leaves an unreferenced blob behind (storage is not transactional);
    it is never served, since only a StoredFile row can be, and ``orphans_remove`` sweeps it a day later.
    """
    name = clean_filename(upload.name)
    try:
        detected = validate_upload(upload)
    except ValidationError as exc:
        audit_record(
            "file.upload",
            object_type="files.storedfile",
            actor=by,
            outcome=Outcome.FAILURE,
            detail={"name": name, "size": upload.size, "code": exc.code, "reason": " ".join(exc.messages)},
        )
        raise
    stored = StoredFile(
        original_name=name,
        kind=detected.kind,
        size=detected.size,
        sha256=_sha256(upload),
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )
    stored.file.save(f"upload.{detected.extension}", upload, save=False)
    try:
        with transaction.atomic():
            stored.full_clean()
            stored.save()
            audit_record("file.upload", obj=stored, actor=by, after=model_snapshot(stored))
    except BaseException:
        stored.file.storage.delete(stored.file.name)
        raise
    return stored


@transaction.atomic
def file_delete(*, stored: StoredFile, by: User) -> None:
    """Remove the row (audited) and, once that is committed, the blob."""
    before = model_snapshot(stored)
    storage, name = stored.file.storage, stored.file.name
    audit_record("file.delete", obj=stored, actor=by, before=before)
    stored.delete()
    transaction.on_commit(lambda: storage.delete(name))


ORPHAN_MIN_AGE = dt.timedelta(days=1)


def _blobs(storage: Storage, folder: str) -> Iterator[str]:
    dirs, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in dirs:
        yield from _blobs(storage, f"{folder}/{sub}")


def orphans_remove(*, min_age: dt.timedelta = ORPHAN_MIN_AGE, now: dt.datetime | None = None) -> int:
    """Remove the blobs no ``StoredFile`` names: what an upload leaves behind when a caller's transaction
    rolls back after ``file_store`` (storage is not transactional). Only blobs older than ``min_age`` go, so
    an upload whose row is being written is never touched. Run nightly by ``tuoyu tick``; one audit event
    with the count. Returns how many were removed."""
    storage = StoredFile._meta.get_field("file").storage
    if not storage.exists(UPLOAD_FOLDER):
        return 0
    now = now or timezone.now()
    named = set(StoredFile.objects.values_list("file", flat=True))
    removed = 0
    for name in _blobs(storage, UPLOAD_FOLDER):
        if name in named or now - storage.get_modified_time(name) < min_age:
            continue
        storage.delete(name)
        removed += 1
    if removed:
        audit_record(
            "file.orphans_removed",
            object_type="files.storedfile",
            detail={"removed": removed, "min_age_hours": round(min_age.total_seconds() / 3600, 1)},
        )
    return removed


def file_response(stored: StoredFile, *, viewer: User, as_attachment: bool = True) -> FileResponse:
    """Hand ``stored`` to ``viewer``. Only for the owning view, AFTER its own permission check: this
    function checks nothing. The type comes from the detected kind, never from the upload; the
    download is audited."""
    try:
        handle = stored.file.storage.open(stored.file.name, "rb")
    except FileNotFoundError:
        logger.error("stored file %s (%s) has no blob", stored.pk, stored.file.name)
        raise Http404 from None
    audit_record("file.download", obj=stored, actor=viewer, detail={"as_attachment": as_attachment})
    response = FileResponse(handle, content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition(stored.download_name, as_attachment=as_attachment)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
