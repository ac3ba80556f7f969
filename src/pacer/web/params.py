"""The integers a request may carry, bounded by what the database stores: a number beyond that is
a bad parameter (422, naming it), never an overflow deep inside a query."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

# The largest integer a row id or a count can be in the database (64-bit, SQLite and PostgreSQL).
MAX_INT = 2**63 - 1

RowId = Annotated[int, Path(ge=1, le=MAX_INT, description="the row's id")]
Offset = Annotated[int, Query(ge=0, le=MAX_INT, description="Items to skip.")]
