"""The README is the manual: every command and every setting must be in it."""

from pathlib import Path

from pacer.config import Settings
from tests.test_cli import all_commands

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented():
    missing = [" ".join(p) for p in all_commands() if f"pacer {' '.join(p)}" not in README]
    assert missing == []


def test_every_setting_is_documented():
    missing = [f"PACER_{name.upper()}" for name in Settings.model_fields if f"PACER_{name.upper()}" not in README]
    assert missing == []


def test_the_readme_opens_with_the_two_commands():
    first_block = README.split("```")[1]
    assert "make demo" in first_block
    assert "make test" in first_block
