"""A full disk under the database, filled for real (needs root: it mounts small file systems).

`python benchmarks/full_disk.py` runs the suite's full-disk scenario (tests/ops/full_disk.py: a
reporter's figure saved, the disk filled, the next change tried, the space given back, the change
tried again) twice:

- SQLite: the database file on a 16 MB tmpfs, filled with a file until it answers ENOSPC;
- PostgreSQL: a database whose tablespace is on a 64 MB tmpfs, filled the same way (its
  write-ahead log stays on the server's own disk); the change is tried up to 200 times, since
  PostgreSQL writes into free room left in its files' pages until it needs a new one.

The suite's own test (tests/ops/test_full_disk.py) needs no rights: a file-size limit of 0 in a
process of its own. Results: benchmarks/results/full_disk.md.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text
from sqlalchemy.engine import make_url

from benchmarks.common import RESULTS, machine
from pacer.db import make_engine
from tests.conftest import _migrated
from tests.ops.full_disk import scenario
from tests.ops.test_faults import _people

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextlib.contextmanager
def small_disk(size: str, owner: str | None = None) -> Iterator[Path]:
    disk = Path(tempfile.mkdtemp(prefix="pacer-full-disk-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(disk)], check=True)
    try:
        if owner:
            shutil.chown(disk, owner, owner)
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
        disk.rmdir()


def filler(disk: Path) -> tuple[Callable[[], None], Callable[[], None]]:
    path = disk / "filler"

    def fill() -> None:
        with path.open("wb") as out:
            try:
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise

    return fill, lambda: path.unlink()


def on_sqlite() -> dict[str, object]:
    with small_disk("16m") as disk:
        url = f"sqlite:///{disk / 'pacer.db'}"
        _migrated(url)
        people = _people(url)
        fill, free = filler(disk)
        return scenario(url, people["alice"], fill, free)


def _admin(statement: str) -> None:
    engine = make_engine(SERVER)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(statement))
    engine.dispose()


def on_postgresql() -> dict[str, object]:
    name = f"pacer_full_disk_{uuid.uuid4().hex[:8]}"
    with small_disk("64m", owner="postgres") as disk:
        _admin(f"CREATE TABLESPACE {name} LOCATION '{disk}'")
        try:
            _admin(f"CREATE DATABASE {name} TABLESPACE {name}")
            url = str(make_url(SERVER).set(database=name))
            _migrated(url)
            people = _people(url)
            fill, free = filler(disk)
            return scenario(url, people["alice"], fill, free, tries=200)
        finally:
            _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            _admin(f"DROP TABLESPACE IF EXISTS {name}")


def main() -> None:
    out = ["## Full disk\n", f"Run {time.strftime('%Y-%m-%d %H:%M')}; machine: {machine()}.\n"]
    for label, run in (("SQLite", on_sqlite), ("PostgreSQL", on_postgresql)):
        started = time.perf_counter()
        seen = run()
        out.append(f"- {label} ({time.perf_counter() - started:.0f} s): `{json.dumps(seen, ensure_ascii=False)}`")
        print(out[-1], flush=True)
    out.append(f"\nLoad average (1/5/15 min) at the end: {'/'.join(f'{x:.1f}' for x in os.getloadavg())}.")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "full_disk.md").write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
