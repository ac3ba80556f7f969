"""A form's uploaded workbook or CSV in a file of its own, for the imports that read files."""

from __future__ import annotations

from pathlib import Path

from starlette.datastructures import UploadFile

from pacer.errors import Problem, ValidationFailed
from pacer.kit.tabular import import_max_bytes


def stored_upload(file: UploadFile, folder: str, name: str = "upload.xlsx") -> Path:
    """The upload written to ``folder``, refused past PACER_IMPORT_MAX_BYTES before it is read
    whole (nothing of it is kept)."""
    path, limit, size = Path(folder) / name, import_max_bytes(), 0
    with path.open("wb") as out:
        while chunk := file.file.read(1 << 16):
            size += len(chunk)
            if size > limit:
                raise ValidationFailed(
                    [Problem(f"the file has more than the {limit:,} bytes an import takes (PACER_IMPORT_MAX_BYTES)")],
                    file.filename or "upload",
                )
            out.write(chunk)
    return path
