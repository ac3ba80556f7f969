"""The integers a request may carry, bounded by what the database stores: a number beyond that is
a bad parameter (422, naming it), never an overflow deep inside a query."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

# Row ids are INTEGER columns: 32 bits on PostgreSQL (SQLite's hold 64).
MAX_ID = 2**31 - 1
# Counts and offsets: 64 bits on both.
MAX_INT = 2**63 - 1

RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="the row's id")]
Offset = Annotated[int, Query(ge=0, le=MAX_INT, description="Items to skip.")]
