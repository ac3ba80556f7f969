"""Sizes shown to people: a limit in the largest binary unit it is a whole number of."""

from __future__ import annotations

import pytest

from pacer.web.i18n import file_size


@pytest.mark.parametrize(
    ("n", "shown"),
    [
        (16 * 1024 * 1024, "16 MiB"),
        (20 * 1024 * 1024, "20 MiB"),
        (2 * 1024**3, "2 GiB"),
        (1536 * 1024**2, "1,536 MiB"),
        (512 * 1024, "512 KiB"),
        (1_000_000, "1,000,000 B"),
        (1023, "1,023 B"),
        (1, "1 B"),
    ],
)
def test_a_limit_reads_in_the_largest_unit_it_is_a_whole_number_of(n: int, shown: str) -> None:
    assert file_size(n) == shown
