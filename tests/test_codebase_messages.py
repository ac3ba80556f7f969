"""Every interface string is defined once: a key written in two of the message modules (or twice
in one) would let the later one silently win, so that a change to the first does nothing."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

WEB = Path(__file__).parents[1] / "src" / "pacer" / "web"


def message_keys(source: str) -> list[str]:
    """The keys of every dict literal of ``(中文, English)`` pairs in a module's source."""
    keys: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str) and isinstance(value, ast.Tuple):
                    keys.append(key.value)
    return keys


def test_no_interface_string_is_defined_twice() -> None:
    counts = Counter(k for path in sorted(WEB.glob("messages*.py")) for k in message_keys(path.read_text("utf-8")))
    assert sorted(k for k, n in counts.items() if n > 1) == []


def test_the_check_sees_a_key_written_twice() -> None:
    source = 'A = {"nav.x": ("甲", "A"), "nav.y": ("乙", "B")}\nB = {"nav.x": ("甲", "A")}\n'
    assert Counter(message_keys(source))["nav.x"] == 2


def test_every_key_of_the_modules_reaches_the_pages() -> None:
    from pacer.web.messages import MESSAGES

    keys = {k for path in WEB.glob("messages*.py") for k in message_keys(path.read_text("utf-8"))}
    assert keys - set(MESSAGES) == set()
