"""Every vector in shared/reference/spc is checked, within the tolerance its file states.

A vector without a check fails here, so a vector added to the references cannot go untested.
"""

from __future__ import annotations

import pytest

from tests.spc import checks_counts, checks_other, checks_variables  # noqa: F401  (they register their checks)
from tests.spc.reference import CHECKS, load, vector_names


def test_the_reference_vectors_are_there():
    assert len(vector_names()) >= 18


@pytest.mark.parametrize("name", vector_names())
def test_the_engine_reproduces_the_reference_vector(name: str):
    assert name in CHECKS, f"no check for the reference vector {name}"
    CHECKS[name](load(name))
