"""``python3 dev.py run`` is ``kg serve``: the README's two commands (``run`` and ``test``) name
what they start, and no fallback for a CLI without ``serve`` is left to keep true."""

from __future__ import annotations

from typing import NoReturn

import pytest
from _dev import load_dev


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


def test_test_runs_one_pytest_on_every_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lint steps, then one pytest session with xdist: the tests marked serial run in it
    (tests/conftest.py groups them), not in a second session afterwards."""
    dev = load_dev()
    ran: list[list[str]] = []

    def call(argv: list[str]) -> int:
        ran.append(argv)
        return 0

    monkeypatch.setattr(dev, "bootstrap", lambda: None)
    monkeypatch.setattr(dev, "call", call)
    assert dev.cmd_test(["-x"]) == 0
    pytest_runs = [argv for argv in ran if argv[0].endswith("/pytest")]
    assert pytest_runs == [[str(dev.BIN / "pytest"), *dev.PYTEST_PARALLEL, "-x"]]
    assert "serial" not in " ".join(pytest_runs[0])
