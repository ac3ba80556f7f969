"""A stored file as a download, and a form's upload as bytes within the limit."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.responses import Response

from pacer.files import service
from pacer.files.kinds import content_disposition
from pacer.models import StoredFile


def download(stored: StoredFile, content: bytes) -> Response:
    """Always an attachment, with Pacer's own type: a browser never runs or renders it in place."""
    return Response(
        content,
        media_type=stored.content_type,
        headers={
            "Content-Disposition": content_disposition(stored.filename),
            "Cache-Control": "private, no-store",
            "ETag": f'"{stored.sha256}"',
        },
    )


def upload_bytes(upload: UploadFile, field: str = "file") -> tuple[str, bytes]:
    """The upload's name as sent and its bytes, refused past PACER_UPLOAD_MAX_BYTES."""
    return upload.filename or "", service.read_limited(upload.file, field)
