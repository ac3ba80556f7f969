"""A full disk under the database file, without special rights: the server runs in a process of
its own whose file-size limit is set to 0 (RLIMIT_FSIZE: no file it writes may grow or change, as
on a disk with no space left), then given back. The change tried meanwhile is refused with a clear
answer (507) and nothing of it kept; the figure accepted before, its audit rows and the database's
integrity stay; once the space is back the same change is saved. The same on small file systems
(SQLite's file and a PostgreSQL tablespace filled for real) needs root: benchmarks/full_disk.py."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from pacer.web.errors import DISK_FULL_SAID, storage_fault
from tests.conftest import SERVER_URL, _migrated
from tests.ops.test_faults import SRC, _people

ASKED = "PACER_FULL_DISK"  # the child's database URL and the reporter's token, as JSON


def child() -> None:
    """In the child process: the scenario with the file-size limit at 0 while the disk is "full";
    what was seen, as JSON on standard output (a pipe, which no file-size limit reaches)."""
    from tests.ops.full_disk import scenario

    url, headers = json.loads(os.environ[ASKED])
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    seen = scenario(
        url,
        headers,
        fill=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard)),
        free=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard)),
    )
    print(json.dumps(seen))


def test_a_full_disk_is_answered_507_keeps_what_was_accepted_and_works_again_once_freed(database_template, tmp_path):
    path = tmp_path / "pacer.db"
    if SERVER_URL:  # the PostgreSQL pass: the embedded database built here
        _migrated(f"sqlite:///{path}")
    else:
        path.write_bytes(Path(make_url(database_template).database or "").read_bytes())
    url = f"sqlite:///{path}"
    people = _people(url)
    env = os.environ | {ASKED: json.dumps([url, people["alice"]]), "PYTHONPATH": f"{SRC}{os.pathsep}{SRC.parent}"}
    program = "from tests.ops.test_full_disk import child; child()"
    done = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-5000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])

    assert seen["saved"] == 200
    assert seen["refused"] == [507, DISK_FULL_SAID], done.stderr[-3000:]
    assert seen["accepted while full"] == 0
    assert seen["read"] == [200, "10.00"]  # the figure accepted before is there
    assert seen["during"] == seen["before"]  # nothing of the refused change: figures, facts, audit
    assert seen["integrity"] == "ok"
    assert seen["again"] == [200, "99.00"]  # the space back, the same change is saved
    after, before = seen["after"], seen["before"]
    assert after["submission"] == before["submission"]  # the same submission, its figure changed
    assert after["audit_entry"] > before["audit_entry"]  # and audited


@pytest.mark.parametrize(
    "error",
    [
        psycopg.errors.DiskFull("could not extend file: No space left on device"),
        psycopg.errors.IoError("could not write"),
    ],
)
def test_postgresql_s_full_disk_raised_by_the_driver_itself_is_a_507(error):
    """A bulk write (COPY) raises the driver's own error, not SQLAlchemy's: the same answer (the
    full PostgreSQL tablespace of benchmarks/full_disk.py answered 500 before)."""
    assert storage_fault(error) == (507, DISK_FULL_SAID)
