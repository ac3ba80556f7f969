"""Peak memory, as every benchmark reports it: a process's own high-water mark of resident
memory, ``VmHWM`` in /proc/<pid>/status (Linux).

Never ``ru_maxrss``: Linux carries the high-water mark of the address space a child replaces at
exec into the child's ``ru_maxrss`` (and so into its parent's ``RUSAGE_CHILDREN``), so a child
started by a 2 GB process reports at least 2 GB however little it uses itself. This module uses
the standard library only, so loading it adds next to nothing to what a process measures.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path


def peak_mib(pid: int | str = "self") -> float:
    """Peak resident memory of one process, in MiB: its own high-water mark (``VmHWM`` in
    /proc/<pid>/status), which a child does not inherit from its parent. ``pid`` must be alive
    (``"self"`` by default)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError as exc:
        raise RuntimeError(
            f"peak memory of process {pid}: cannot read /proc/{pid}/status "
            f"(the benchmarks measure memory on Linux only): {exc}"
        ) from exc
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"peak memory of process {pid}: no VmHWM in /proc/{pid}/status")


def children(pid: int | str = "self") -> list[int]:
    """The live child processes of ``pid``."""
    parent = os.getpid() if pid == "self" else int(pid)
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            # "pid (command) state ppid ...": the command may hold spaces and parentheses
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return found


class ChildPeaks:
    """The peak memory of each child process this process starts while the block runs
    (``with ChildPeaks() as kids: ...``, then ``kids.peaks``: pid -> MiB).

    A child's ``VmHWM`` can only be read while the child lives, so a thread reads it every
    ``interval`` seconds; the high-water mark only grows, so the last reading before the
    child exits is its peak unless it grew in its final ``interval``. New children are looked
    for by a scan of /proc (milliseconds each), at once and then less and less often, up to
    every ``scan_max`` seconds: meant for children started early that live for seconds, as
    the column-wise readers of a cold start do."""

    def __init__(self, interval: float = 0.01, scan_max: float = 1.0) -> None:
        self.interval, self.scan_max = interval, scan_max
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> ChildPeaks:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        scan_every, next_scan = self.interval, 0.0
        while True:
            now = time.monotonic()
            if now >= next_scan:
                for pid in children():
                    self.peaks.setdefault(pid, 0.0)
                scan_every = min(2 * scan_every, self.scan_max)
                next_scan = now + scan_every
            for pid in self.peaks:
                # a process that exited (or a zombie) has no memory left to read
                with contextlib.suppress(RuntimeError):
                    self.peaks[pid] = max(self.peaks[pid], peak_mib(pid))
            if self._stop.wait(self.interval):
                return
