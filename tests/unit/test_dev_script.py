"""``python3 dev.py run`` is ``kg serve``: the README's two commands (``run`` and ``test``) name
what they start, and no fallback for a CLI without ``serve`` is left to keep true."""

from __future__ import annotations

from typing import NoReturn

import pytest
from _dev import DEV, load_dev


class Exec(Exception):
    """Raised by the fake ``replace_with`` in place of becoming the command."""


@pytest.mark.parametrize("args", [[], ["--port", "8001"]])
def test_run_becomes_kg_serve_with_its_arguments(
    monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    dev = load_dev()
    started: list[list[str]] = []

    def replace_with(argv: list[str]) -> NoReturn:
        started.append(argv)
        raise Exec

    def no_other_command(argv: list[str]) -> int:
        raise AssertionError(f"dev.py run ran {argv} before serving")

    monkeypatch.setattr(dev, "bootstrap", lambda: None)
    monkeypatch.setattr(dev, "replace_with", replace_with)
    monkeypatch.setattr(dev, "call", no_other_command)
    with pytest.raises(Exec):
        dev.cmd_run(args)
    assert started == [[str(dev.BIN / "kg"), "serve", *args]]
    assert not hasattr(dev, "has_serve_command")


def test_the_serial_run_collects_the_files_that_mark_tests_serial() -> None:
    """``dev.py test`` runs the serial tests from these files alone (tests/conftest.py fails a
    run in which a serial test sits elsewhere): both files that mark tests serial, nothing
    else."""
    files = load_dev().serial_files()
    assert files == ["tests/api/test_deadline.py", "tests/api/test_query_limits.py"]
    root = DEV.parent
    assert all("mark.serial" in (root / name).read_text() for name in files)
