"""One engine per machine: the processes of a machine map one snapshot of the engine instead of
each building and holding its own.

A snapshot is one file holding an :class:`~pacer.analysis.serve.service.Analysis` as it stands at
a change marker: its big arrays (facts, year-to-date sums, counts, targets) at page-aligned
offsets, and the rest pickled after them (pickle protocol 5, the arrays out of band). A process
maps the file read-only and unpickles the rest around the mapping, so the arrays are the file's
pages in the page cache, shared by every process that maps them (resident memory does not grow
with the number of workers), and a new worker has its engine in the time it takes to map it.
The mapped arrays are read-only: nothing can write into a snapshot another process reads.

Snapshots are versioned by change marker, never changed in place. The first process that needs
the engine at a marker no snapshot has yet takes the directory's lock, catches its engine up (or
builds it) as a single process would, writes the result as a new snapshot and maps it; the others
wait on the lock and then map what it wrote. Every process still reads the change marker on each
request (:func:`~pacer.analysis.serve.service.get_analysis`), so every process sees every
change as before; only the work of catching up is done once per machine.

Crash safety: a snapshot is written under a temporary name and renamed when whole, so a process
dying mid-write leaves a temporary file (removed by the next writer) and never a snapshot that
can be mapped. The directory's name carries the machine's boot id, so a file the page cache
lost in a power failure is never read after the reboot; where the boot id cannot be read, the
file is flushed to disk (fsync) before the rename. The name also carries the database (a hash of
its URL) and the snapshot format and Pacer version, so neither another database's snapshot nor
one a different version wrote is ever mapped. Older snapshots are removed when a newer one is
written: a process still mapping one keeps its pages until it moves on (Linux frees a removed
file's pages when the last mapping goes).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import mmap
import os
import pickle
import re
import secrets
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FORMAT = 2
MAGIC = b"PACERSN1"
_FOOTER = struct.Struct("<Q8s")  # where the pickled part starts, MAGIC
_SMALL_ALIGN = 64  # arrays under a page are aligned to a cache line, the others to a page
_SNAPSHOT = re.compile(r"^(\d{20})\.engine$")
_TEMP = ".tmp-"


class SnapshotError(Exception):
    """A snapshot file that is not whole or not one this version wrote."""


def boot_id() -> str | None:
    """This boot of the machine (Linux), or None where it cannot be read."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip().replace("-", "")
    except OSError:
        return None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pacer")
    except PackageNotFoundError:
        return "0"


class Store:
    """The snapshots of one database's engine in ``root`` (shared by the processes of a machine)."""

    def __init__(self, root: Path | str, database: str) -> None:
        self.root = Path(root)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = self.root.stat()
        # a snapshot is unpickled: only this user may be able to put one there
        if found.st_uid != os.geteuid() or found.st_mode & 0o022:
            raise SnapshotError(f"{self.root}: engine snapshots need a directory only this user can write to")
        self._boot = boot_id()
        self.database_key = hashlib.sha256(database.encode()).hexdigest()[:16]
        label = re.sub(r"[^0-9A-Za-z.]+", "_", _version())
        self.dir = self.root / f"{self.database_key}-{(self._boot or 'noboot')[:12]}-f{FORMAT}-{label}"

    def snapshots(self) -> list[tuple[int, Path]]:
        """(marker, path) of every whole snapshot, oldest first."""
        try:
            names = os.listdir(self.dir)
        except FileNotFoundError:
            return []
        found = [(int(m.group(1)), self.dir / name) for name in names if (m := _SNAPSHOT.match(name))]
        return sorted(found)

    def newest(self, at_least: int = 0) -> tuple[int, Path] | None:
        """The newest snapshot, if its marker is at least ``at_least``."""
        found = self.snapshots()
        return found[-1] if found and found[-1][0] >= at_least else None

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """The machine-wide lock of this database's snapshots (one writer at a time)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def write(self, analysis: Any, marker: int) -> Path:
        """Write ``analysis`` as the snapshot at ``marker``, whole or not at all; hold :meth:`lock`."""
        self.dir.mkdir(parents=True, exist_ok=True)
        buffers: list[pickle.PickleBuffer] = []
        # every contiguous array out of band: mapped, read-only, in every process that loads it
        payload = pickle.dumps(analysis, protocol=5, buffer_callback=buffers.append)
        temp = self.dir / f"{_TEMP}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            with temp.open("wb") as f:
                placed = []
                for buffer in buffers:
                    raw = buffer.raw()
                    at = f.tell()
                    align = mmap.PAGESIZE if raw.nbytes >= mmap.PAGESIZE else _SMALL_ALIGN
                    at += f.write(b"\0" * (-at % align))
                    f.write(raw)
                    placed.append((at, raw.nbytes))
                meta_at = f.tell()
                f.write(pickle.dumps((payload, placed), protocol=5))
                f.write(_FOOTER.pack(meta_at, MAGIC))
                f.flush()
                if self._boot is None:
                    os.fsync(f.fileno())
            path = self.dir / f"{marker:020d}.engine"
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return path

    def prune(self, keep: Path) -> None:
        """Remove every snapshot older than ``keep``, left-over temporary files (hold :meth:`lock`),
        and this database's snapshots of another boot, format or version."""
        for _, path in self.snapshots():
            if path.name < keep.name:
                path.unlink(missing_ok=True)
        for entry in self.dir.iterdir():
            if entry.name.startswith(_TEMP):
                entry.unlink(missing_ok=True)
        for other in self.root.glob(f"{self.database_key}-*"):
            if other != self.dir and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)


def load(path: Path) -> Any:
    """What :meth:`Store.write` wrote to ``path``, its big arrays read-only views of the file's
    pages (shared with every process that maps them). FileNotFoundError when it was removed."""
    with path.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size < _FOOTER.size:
            raise SnapshotError(f"{path}: not a whole snapshot")
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    meta_at, magic = _FOOTER.unpack_from(mapped, size - _FOOTER.size)
    if magic != MAGIC or meta_at > size - _FOOTER.size:
        raise SnapshotError(f"{path}: not a whole snapshot")
    payload, placed = pickle.loads(mapped[meta_at : size - _FOOTER.size])
    view = memoryview(mapped)
    if any(at + n > meta_at for at, n in placed):
        raise SnapshotError(f"{path}: not a whole snapshot")
    return pickle.loads(payload, buffers=[view[at : at + n] for at, n in placed])
