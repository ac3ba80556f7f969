"""A stored file as a download, and a form's uploads as bytes within the limit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import File
from fastapi import UploadFile as FormFile  # the type FastAPI reads a form's file part as
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


# A form's file field: a field left empty comes as a part without a file name, or as "" from a
# client that sends it as text; either is no file, never a bad request.
FormUploads = Annotated[list[FormFile | str], File()]


def chosen_uploads(parts: Sequence[UploadFile | str], limit: int, field: str) -> list[tuple[str, bytes]]:
    """The files chosen in a form's file field (the first ``limit``), as (name, bytes) within the
    upload size limit; a problem names the field and the file's place, ``evidence[2]``."""
    chosen = [p for p in parts if isinstance(p, UploadFile) and p.filename][:limit]
    return [upload_bytes(f, f"{field}[{n}]") for n, f in enumerate(chosen, start=1)]
