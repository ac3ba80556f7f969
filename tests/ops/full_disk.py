"""A full disk under the database, staged by the caller: ``fill`` makes the disk refuse writes,
``free`` gives the space back. What a client sees meanwhile and after, and what the database
holds, for the suite (a file-size limit of 0 in a process of its own, no rights needed:
tests/ops/test_full_disk.py) and for benchmarks/full_disk.py (small file systems, as root)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pacer.app import create_app
from pacer.db import make_engine
from tests.ops.test_faults import URL, _counts, _figures
from tests.webclient import settings_for


def _integrity(engine: Engine) -> str:
    if engine.dialect.name != "sqlite":
        return "ok"  # PostgreSQL: its own recovery; what counts is what the tables hold
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("PRAGMA integrity_check").scalar())


def scenario(
    url: str, headers: dict[str, str], fill: Callable[[], None], free: Callable[[], None], tries: int = 1
) -> dict[str, object]:
    """A reporter's figure saved, the disk filled, the next change of it tried (up to ``tries``
    times until refused: a database may still write into free room of its files) and the figure
    read, the space given back and the change tried again: the answers and the rows at each step."""
    engine = make_engine(url)
    app = create_app(settings_for(url, jobs_workers=0, workflow_tick_seconds=0))
    seen: dict[str, object] = {}
    with TestClient(app) as client:
        seen["saved"] = client.put(URL, headers=headers, json=_figures("10", 0)).status_code
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:  # the write-ahead log emptied: the next change needs new space
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        seen["before"] = _counts(engine)
        fill()
        try:
            for version in range(1, tries + 1):
                during = _counts(engine)
                refused = client.put(URL, headers=headers, json=_figures(str(10 + version), version))
                if refused.status_code != 200:
                    break
            seen["accepted while full"] = version - 1
            seen["refused"] = [refused.status_code, refused.json().get("error", {}).get("message", refused.text)]
            read = client.get(URL, headers=headers)  # reading needs no space
            seen["read"] = [read.status_code, read.json()["figures"][0]["value"] if read.status_code == 200 else ""]
            seen["during"], seen["before refused"] = _counts(engine), during
            seen["integrity"] = _integrity(engine)
        finally:
            free()
        again = client.put(URL, headers=headers, json=_figures("99", version))
        seen["again"] = [again.status_code, client.get(URL, headers=headers).json()["figures"][0]["value"]]
        seen["after"] = _counts(engine)
    app.state.db_engine.dispose()
    engine.dispose()
    return seen
