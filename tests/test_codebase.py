"""The house keeps itself in order: sizes that a reader can hold, and imports that point one way.

CONTRIBUTING.md states these rules; this module is what makes them hold.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "pacer"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# What the shared plumbing may build on (besides itself): never the application, nor a feature.
FOUNDATIONS = ("pacer.config", "pacer.db", "pacer.errors", "pacer.kit")
PLUMBING = {
    "kit": FOUNDATIONS,
    "models": FOUNDATIONS,
    "web": (*FOUNDATIONS, "pacer.models", "pacer.analysis"),  # the engine's figures and their words
}


def modules() -> Iterator[Path]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.relative_to(SRC).parts:
            yield path


def imported(path: Path) -> set[str]:
    """Every module that ``path`` imports, absolute names only (the codebase uses no relative imports)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _name(path: Path) -> str:
    return str(path.relative_to(SRC.parent))


def test_no_module_is_longer_than_a_reader_can_hold() -> None:
    long = {_name(p): n for p in modules() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}, f"split these modules (over {MAX_MODULE_LINES} lines)"


def test_no_function_is_longer_than_a_screen() -> None:
    long = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{_name(path)}:{node.lineno} {node.name} ({lines} lines)")
    assert long == [], f"split these functions (over {MAX_FUNCTION_LINES} lines)"


@pytest.mark.parametrize("package", sorted(PLUMBING))
def test_shared_plumbing_imports_neither_the_application_nor_a_feature(package: str) -> None:
    allowed = (f"pacer.{package}", *PLUMBING[package])
    crossing = [
        f"{_name(path)} imports {name}"
        for path in sorted((SRC / package).rglob("*.py"))
        for name in sorted(imported(path))
        if name.startswith("pacer") and not any(name == a or name.startswith(a + ".") for a in allowed)
    ]
    assert crossing == []


def test_the_checker_sees_an_import_that_crosses(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from pacer.cockpit.service import x\nimport pacer.app\n", encoding="utf-8")
    assert {"pacer.cockpit.service", "pacer.app"} <= imported(module)


# Each layer of the analysis engine, with the layers it must never import (see each package's docstring).
LAYERS = {
    "core": ("load", "answers", "shown", "serve"),
    "load": ("answers", "shown", "serve"),
    "answers": ("load", "shown", "serve"),
    "shown": ("load", "serve"),
}


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_each_layer_of_the_analysis_engine_imports_only_those_below_it(layer: str) -> None:
    above = tuple(f"pacer.analysis.{name}" for name in LAYERS[layer])
    crossing = [
        f"{_name(path)} imports {name}"
        for path in sorted((SRC / "analysis" / layer).rglob("*.py"))
        for name in sorted(imported(path))
        if name.startswith(above)
    ]
    assert crossing == []


def test_the_core_of_the_engine_imports_nothing_of_the_product_but_the_kit() -> None:
    crossing = [
        f"{_name(path)} imports {name}"
        for path in sorted((SRC / "analysis" / "core").rglob("*.py"))
        for name in sorted(imported(path))
        if name.startswith("pacer.") and not name.startswith(("pacer.kit", "pacer.analysis.core"))
    ]
    assert crossing == []


def test_code_outside_the_engine_uses_its_public_api() -> None:
    crossing = [
        f"{_name(path)} imports {name}"
        for path in modules()
        if "analysis" not in path.relative_to(SRC).parts
        for name in sorted(imported(path))
        if name.startswith("pacer.analysis.") and name.split(".")[2] in {*LAYERS, "serve"}
    ]
    assert crossing == []
