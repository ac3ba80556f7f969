"""What an upload may be, judged by its bytes, and the name it may be shown under. Pure: no I/O.

A file's type is the one its extension names, and its content must be that type (a PDF renamed
``.docx`` is refused, as is a program renamed ``.pdf``); the type stored and served is Pacer's,
never the one a browser sent.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from pacer.errors import Problem

MAX_NAME = 255


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str
    label: str


_ZIPPED = {  # an Office Open XML file is a zip archive holding this part
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the legacy Office container (.doc, .xls, .ppt)
_MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "doc": (_OLE,),
    "xls": (_OLE,),
    "ppt": (_OLE,),
}
KINDS = {
    k.extension: k
    for k in (
        Kind("pdf", "application/pdf", "PDF"),
        Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
        Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
        Kind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint"),
        Kind("doc", "application/msword", "Word 97–2003"),
        Kind("xls", "application/vnd.ms-excel", "Excel 97–2003"),
        Kind("ppt", "application/vnd.ms-powerpoint", "PowerPoint 97–2003"),
        Kind("png", "image/png", "PNG"),
        Kind("jpg", "image/jpeg", "JPEG"),
        Kind("jpeg", "image/jpeg", "JPEG"),
        Kind("gif", "image/gif", "GIF"),
        Kind("txt", "text/plain; charset=utf-8", "text"),
        Kind("csv", "text/csv; charset=utf-8", "CSV"),
        Kind("md", "text/markdown; charset=utf-8", "Markdown"),
    )
}
TEXT = frozenset({"txt", "csv", "md"})
ALLOWED = ", ".join(f".{e}" for e in KINDS)


class Refused(Exception):
    """An upload that is not taken; ``problem`` says why in both languages."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def refuse(field: str, en: str, zh: str) -> Refused:
    return Refused(Problem(en, field=field, zh=zh))


def safe_name(name: str, field: str = "file") -> str:
    """The name to keep and show: Unicode-normalised and stripped of spaces at its ends. A name
    with a folder in it (``../../x``, ``C:\\x``), a control character or a leading dot is refused."""
    text = unicodedata.normalize("NFC", name or "").strip()
    if not text:
        raise refuse(field, "the file has no name", "文件没有名称")
    if "/" in text or "\\" in text or text.startswith("."):
        raise refuse(
            field,
            f"the file name '{text[:80]}' names a folder or starts with a dot; give the file's own name",
            f"文件名“{text[:80]}”含有路径或以点开头，请使用文件本身的名称",
        )
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text):
        raise refuse(field, "the file name holds control characters", "文件名含有控制字符")
    if len(text) > MAX_NAME:
        stem, dot, extension = text.rpartition(".")
        text = stem[: MAX_NAME - len(extension) - 1] + dot + extension if dot else text[:MAX_NAME]
    return text


def kind_of(name: str, content: bytes, field: str = "file") -> Kind:
    """The file's kind from its extension, once its content is seen to be of that kind."""
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    kind = KINDS.get(extension)
    if kind is None:
        raise refuse(
            field,
            f"'{name}' is not a type Pacer keeps; allowed: {ALLOWED}",
            f"不接受“{name}”这种文件类型；可上传：{ALLOWED}",
        )
    if not content:
        raise refuse(field, f"'{name}' is empty", f"“{name}”是空文件")
    if not _content_is(extension, content):
        raise refuse(
            field,
            f"'{name}' is named .{extension} but its content is not {kind.label}{_seen(content)}",
            f"“{name}”的扩展名是 .{extension}，但内容不是 {kind.label} 文件{_seen(content, 'zh')}",
        )
    return kind


def _content_is(extension: str, content: bytes) -> bool:
    if extension in _MAGIC:
        return content.startswith(_MAGIC[extension])
    if extension in _ZIPPED:
        return _zip_holds(content, _ZIPPED[extension])
    return _is_text(content)


def _zip_holds(content: bytes, part: str) -> bool:
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:  # the central directory only: nothing is decompressed
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return part in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def _is_text(content: bytes) -> bool:
    """UTF-8 (or GB18030, as Chinese Windows saves text) without control characters other than
    tab, line breaks and form feed: a binary file decodes to such characters or not at all."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(ord(c) < 32 and c not in "\t\n\r\f" for c in text)
    return False


def _seen(content: bytes, lang: str = "en") -> str:
    """What the content looks like instead, when it is one of the known kinds."""
    for extension in ("pdf", "png", "jpg", "gif"):
        if content.startswith(_MAGIC[extension]):
            return f"（而是 {KINDS[extension].label}）" if lang == "zh" else f" (it is a {KINDS[extension].label})"
    for extension, part in _ZIPPED.items():
        if _zip_holds(content, part):
            return f"（而是 {KINDS[extension].label}）" if lang == "zh" else f" (it is a {KINDS[extension].label} file)"
    return ""


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one encoded (RFC 6266, 5987):
    nothing in a stored name can end the header or add another."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;%' else "_" for c in name) or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
