"""The shared web plumbing in ``pacer.web`` serves every feature, so it imports none of them and
not the application that assembles them."""

from __future__ import annotations

import ast
from pathlib import Path

import pacer.web

# What the plumbing may build on: itself, the engine, and the shared foundations.
ALLOWED = ("pacer.web", "pacer.analysis", "pacer.config", "pacer.db", "pacer.errors", "pacer.kit", "pacer.models")


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names if node.module == "pacer")
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return {n for n in names if n == "pacer" or n.startswith("pacer.")}


def test_web_plumbing_imports_neither_the_application_nor_a_feature() -> None:
    folder = Path(pacer.web.__file__).parent
    outside = {
        f"{path.name}: {name}"
        for path in sorted(folder.glob("*.py"))
        for name in _imported(path)
        if not any(name == a or name.startswith(a + ".") for a in ALLOWED)
    }
    assert outside == set()
