"""The README's `kg` table and settings table name every command and every setting the code has.

Both tables are hand-written for readers; this keeps them from falling behind the code, which is how
`serve`, `synth` and most settings went missing from them before.
"""

from __future__ import annotations

import re
from pathlib import Path

import typer

from kg.cli import app
from kg.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands(group: typer.Typer, prefix: str = "kg") -> set[str]:
    """Every command line the CLI offers, sub-groups expanded (`kg import iati`, ...)."""
    names = {
        f"{prefix} {c.name or c.callback.__name__}" for c in group.registered_commands if c.callback
    }
    for sub in group.registered_groups:
        assert sub.typer_instance is not None and sub.name is not None
        names |= _commands(sub.typer_instance, f"{prefix} {sub.name}")
    return names


def test_every_command_has_a_row_in_the_readme() -> None:
    commands = _commands(app)
    assert {"kg serve", "kg synth", "kg import iati"} <= commands
    missing = {c for c in commands if not re.search(rf"`{re.escape(c)}[ `]", README)}
    assert not missing, f"README's `kg` table lacks {sorted(missing)}"


def test_every_setting_is_in_the_readme() -> None:
    names = {f"KG_{name.upper()}" for name in Settings.model_fields}
    assert "KG_STORE" in names and len(names) > 15
    missing = {n for n in names if f"`{n}`" not in README}
    assert not missing, f"README's settings table lacks {sorted(missing)}"
