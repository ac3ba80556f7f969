"""Uploads kept in the database: what is taken, what is refused (nothing stored), and who reads."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from sqlalchemy import func, select

from pacer.auth.permissions import SUPERVISE, load_actor
from pacer.config import get_settings
from pacer.errors import NotFound, ValidationFailed
from pacer.files import service
from pacer.files.kinds import content_disposition, kind_of, safe_name
from pacer.models import StoredFile, StoredFileContent

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # dated, so that every test worker builds the same bytes
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml", (2026, 1, 1, 0, 0, 0)), "<Types/>")
        archive.writestr(zipfile.ZipInfo(part, (2026, 1, 1, 0, 0, 0)), "<x/>")
    return buffer.getvalue()


def stored_count(session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(StoredFile)),
        session.scalar(select(func.count()).select_from(StoredFileContent)),
    )


def save(session, org, name: str, content: bytes, who: str = "grace", unit=None):
    actor = load_actor(session, who)
    unit = unit or org.G
    return service.save(
        session, actor, owner="meeting:1", unit_id=unit.id, action=SUPERVISE, filename=name, content=content
    )


def test_a_pdf_is_stored_with_its_digest_size_and_pacers_own_type(session, org):
    stored = save(session, org, "纪要 2026.pdf", PDF)
    assert (stored.filename, stored.content_type, stored.size) == ("纪要 2026.pdf", "application/pdf", len(PDF))
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert service.content(session, stored) == PDF


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        (
            "a.docx",
            office("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("a.xlsx", office("xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("a.png", PNG, "image/png"),
        ("a.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 10, "image/jpeg"),
        ("讲话.txt", "一是稳增长，二是防风险。\n".encode(), "text/plain; charset=utf-8"),
        ("讲话-gbk.txt", "一是稳增长。\r\n".encode("gb18030"), "text/plain; charset=utf-8"),
    ],
)
def test_allowed_kinds_are_recognised_by_their_content(name, content, content_type):
    assert kind_of(name, content).content_type == content_type


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("report.docx", PDF, "is named .docx but its content is not Word (it is a PDF)"),
        ("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 50, "is named .pdf but its content is not PDF"),
        ("tool.exe", b"MZ\x90\x00", "is not a type Pacer keeps"),
        ("page.html", b"<script>alert(1)</script>", "is not a type Pacer keeps"),
        ("book.xlsx", office("word/document.xml"), "its content is not Excel (it is a Word file)"),
        ("notes.txt", b"\x00\x01\x02binary", "its content is not text"),
        ("empty.pdf", b"", "is empty"),
        ("noextension", PDF, "is not a type Pacer keeps"),
    ],
)
def test_a_forbidden_or_disguised_file_is_refused_and_nothing_is_stored(session, org, name, content, words):
    before = stored_count(session)
    with pytest.raises(ValidationFailed) as refused:
        save(session, org, name, content)
    problem = refused.value.problems[0]
    assert words in problem.message
    assert problem.field == "file"
    assert problem.said("zh").startswith("file：")
    assert problem.zh in problem.said("zh")
    assert stored_count(session) == before


@pytest.mark.parametrize(
    "name", ["../../x", "../../x.pdf", "..\\..\\x.pdf", "/etc/passwd.txt", ".htaccess", "a\x00.pdf"]
)
def test_a_name_with_a_folder_or_a_control_character_is_refused(session, org, name):
    before = stored_count(session)
    with pytest.raises(ValidationFailed) as refused:
        save(session, org, name, PDF)
    assert refused.value.problems[0].field == "file"
    assert stored_count(session) == before


def test_a_file_over_the_limit_is_refused_before_it_is_stored(session, org, monkeypatch):
    monkeypatch.setenv("PACER_UPLOAD_MAX_BYTES", "100")
    get_settings.cache_clear()
    try:
        before = stored_count(session)
        with pytest.raises(ValidationFailed) as refused:
            save(session, org, "big.pdf", PDF + b"0" * 100)
        assert refused.value.status == 413
        assert "PACER_UPLOAD_MAX_BYTES" in refused.value.problems[0].message
        with pytest.raises(ValidationFailed):
            service.read_limited(io.BytesIO(PDF + b"0" * 100))
        assert service.read_limited(io.BytesIO(PDF)) == PDF
        assert stored_count(session) == before
    finally:
        get_settings.cache_clear()


def test_a_long_name_is_shortened_keeping_its_extension():
    name = safe_name("长" * 300 + ".pdf")
    assert len(name) == 255
    assert name.endswith(".pdf")


def test_the_download_header_cannot_be_broken_by_the_name():
    header = content_disposition('季度"报告";\r\nSet-Cookie: x.pdf')
    assert "\r" not in header
    assert "\n" not in header
    assert "filename*=UTF-8''%E5%AD%A3%E5%BA%A6%22" in header
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert '"' not in fallback
    assert ";" not in fallback


def test_only_supervisors_of_the_unit_store_and_only_those_who_see_it_read(session, org):
    with pytest.raises(Exception, match="not allowed"):
        save(session, org, "a.pdf", PDF, who="alice", unit=org.A1)  # a reporter does not supervise
    stored = save(session, org, "a.pdf", PDF, unit=org.A)
    victor, bob = load_actor(session, "victor"), load_actor(session, "bob")
    assert service.found(session, victor, stored.id, "meeting:1").id == stored.id
    with pytest.raises(NotFound):
        service.found(session, bob, stored.id, "meeting:1")  # B1 does not see A
    with pytest.raises(NotFound):
        service.found(session, victor, stored.id, "meeting:2")  # another record's path
    assert [f.id for f in service.listed(session, victor, "meeting:1")] == [stored.id]
    assert service.listed(session, bob, "meeting:1") == []


def test_a_removed_file_takes_its_content_with_it(session, org):
    stored = save(session, org, "a.pdf", PDF)
    before = stored_count(session)
    service.remove(session, load_actor(session, "grace"), stored.id, "meeting:1", SUPERVISE)
    assert stored_count(session) == (before[0] - 1, before[1] - 1)
