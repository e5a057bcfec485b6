#!/usr/bin/env python3
"""Developer entry point for coop-kg; needs only a bare Python 3.11+ (standard library).

    python3 dev.py setup            create/refresh .venv from requirements.lock
    python3 dev.py run [ARGS...]    kg serve ARGS (builds the store if missing or stale)
    python3 dev.py test [ARGS...]   ruff, mypy, then pytest ARGS on every core (pytest-xdist)
    python3 dev.py lock             re-resolve pyproject.toml into requirements.lock

Every command first makes sure .venv matches requirements.lock and pyproject.toml: it
reinstalls whenever their sha256 differs from the one recorded in .venv/.coop-kg-stamp.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NoReturn

MIN_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
STAMP = VENV / ".coop-kg-stamp"
LINT_PATHS = ["src/kg", "src/kg_synth", "tests"]
# pytest-xdist: one worker per core, each with its own session build and throwaway Virtuoso;
# tests marked xdist_group (they share a file of the checkout, or a costly fixture) run on one
# worker in turn, and so do the tests marked serial (deadlines of a second: tests/conftest.py
# puts them in one group, so that no two of them compete). A later -n in ARGS wins (-n 0: one
# process).
PYTEST_PARALLEL = ["-n", "auto", "--dist", "loadgroup"]
# pip freeze leaves these out; setuptools is the build backend, installed without isolation.
BUILD_PINS = ["setuptools"]


def say(message: str) -> None:
    print(f"dev.py: {message}", flush=True)


def header(title: str) -> None:
    print(f"\n==> {title}", flush=True)


def die(message: str, code: int = 2) -> NoReturn:
    print(f"dev.py: error: {message}", file=sys.stderr, flush=True)
    sys.exit(code)


def check_python() -> None:
    if sys.version_info < MIN_PYTHON:
        found = ".".join(str(part) for part in sys.version_info[:3])
        wanted = ".".join(str(part) for part in MIN_PYTHON)
        die(f"Python {wanted} or newer is required, but {sys.executable} is {found}.")


def child_env() -> dict[str, str]:
    """The environment of an activated .venv, so tests that spawn `kg` find the same one."""
    env = dict(os.environ)
    env["VIRTUAL_ENV"] = str(VENV)
    env["PATH"] = os.pathsep.join([str(BIN), env.get("PATH", "")])
    env.pop("PYTHONHOME", None)
    # Bytecode is cached (__pycache__/, ignored by git) even where the environment says not
    # to: with PYTHONDONTWRITEBYTECODE=1, as on our CI machines, every process compiled src/
    # and pytest rewrote the assertions of ~450 modules (the tests, hypothesis, schemathesis)
    # again: each xdist worker and every `kg` or uvicorn process a test starts. Collecting
    # the suite took 10.0 s that way and 5.4 s with the cache.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def call(argv: list[str]) -> int:
    try:
        return subprocess.call(argv, cwd=ROOT, env=child_env())
    except FileNotFoundError:
        die(f"{argv[0]} is missing; remove .venv and run `python3 dev.py setup` again.")
    except KeyboardInterrupt:
        return 130


def replace_with(argv: list[str]) -> NoReturn:
    """Become the command, so its exit code and signals are ours with nothing in between."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(argv[0], argv, child_env())
    except FileNotFoundError:
        die(f"{argv[0]} is missing; remove .venv and run `python3 dev.py setup` again.")


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in (LOCK, PYPROJECT):
        if not path.is_file():
            die(f"{path.name} not found in {ROOT}.")
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def venv_python_works() -> bool:
    python = BIN / "python"
    if not python.exists():
        return False
    probe = subprocess.run([str(python), "-c", "import sys"], capture_output=True)
    return probe.returncode == 0


def pip(*args: str) -> None:
    argv = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "install", "-q"]
    argv += args
    if subprocess.call(argv, cwd=ROOT, env=child_env()) != 0:
        die(f"`pip install {' '.join(args)}` failed; see pip's output above.", 1)


def bootstrap() -> None:
    """Create .venv if needed and install the lock plus the project when either file changed."""
    check_python()
    if not venv_python_works():
        if VENV.exists():
            say(f"{VENV} is broken (no working bin/python); recreating it.")
            shutil.rmtree(VENV)
        say(f"creating {VENV} with {sys.executable} ({sys.version.split()[0]})")
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    wanted = fingerprint()
    current = STAMP.read_text().strip() if STAMP.is_file() else ""
    if current == wanted:
        return
    started = time.monotonic()
    if current:
        say("requirements.lock or pyproject.toml changed; reinstalling into .venv")
    else:
        say("installing requirements.lock and the project into .venv")
    STAMP.unlink(missing_ok=True)
    pip("-r", str(LOCK))
    pip("--no-deps", "--no-build-isolation", "-e", str(ROOT))
    STAMP.write_text(wanted + "\n")
    say(f".venv is up to date ({time.monotonic() - started:.1f}s)")


def cmd_setup(args: list[str]) -> int:
    if args:
        die("setup takes no arguments.")
    bootstrap()
    say(f"ready: {BIN / 'kg'}")
    return 0


def cmd_run(args: list[str]) -> int:
    bootstrap()
    header(f"kg serve {' '.join(args)}".rstrip())
    replace_with([str(BIN / "kg"), "serve", *args])


def cmd_test(args: list[str]) -> int:
    bootstrap()
    steps: list[tuple[str, list[str]]] = [
        ("ruff check", [str(BIN / "ruff"), "check", *LINT_PATHS]),
        ("ruff format --check", [str(BIN / "ruff"), "format", "--check", *LINT_PATHS]),
        ("mypy src/kg src/kg_synth", [str(BIN / "mypy"), "src/kg", "src/kg_synth"]),
    ]
    for title, argv in steps:
        header(title)
        code = call(argv)
        if code != 0:
            say(f"{title} failed (exit code {code}).")
            return code
    return run_pytest(args)


def run_pytest(args: list[str]) -> int:
    """pytest ARGS on every core, the tests marked serial included.

    They used to run afterwards, alone, in a second pytest session (39-48 s more): beside the
    other worker, a runaway query was still cut within 0.13 s of its deadline where the tests
    allow 1 s, and the light requests sent meanwhile took at most 0.42 s under a 1 s deadline
    (the whole suite, measured)."""
    header("pytest (every core)")
    code = call([str(BIN / "pytest"), *PYTEST_PARALLEL, *args])
    if code != 0:
        say(f"pytest failed (exit code {code}).")
        return code
    say("all checks passed.")
    return 0


def cmd_lock(args: list[str]) -> int:
    """Resolve the newest versions allowed by pyproject.toml in a scratch venv and pin them."""
    if args:
        die("lock takes no arguments.")
    check_python()
    with tempfile.TemporaryDirectory(prefix="coop-kg-lock-") as scratch:
        python = str(Path(scratch) / "bin" / "python")
        subprocess.check_call([sys.executable, "-m", "venv", scratch])
        quiet = ["-m", "pip", "--disable-pip-version-check", "install", "--quiet", "--upgrade"]
        subprocess.check_call([python, *quiet, "pip", *BUILD_PINS])
        subprocess.check_call([python, *quiet, f"{ROOT}[dev]"])
        frozen = subprocess.run(
            [python, "-m", "pip", "freeze", "--all", "--exclude", "coop-kg", "--exclude", "pip"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    pins = sorted(
        (line for line in frozen.splitlines() if "==" in line),
        key=lambda pin: pin.partition("==")[0].lower(),
    )
    py = ".".join(str(part) for part in sys.version_info[:2])
    LOCK.write_text(
        "# Exact pins of coop-kg's runtime and dev dependencies, all transitive ones, and the\n"
        f"# setuptools build backend; resolved on CPython {py} for Linux.\n"
        "# Regenerate with `python3 dev.py lock` after changing dependencies in pyproject.toml.\n"
        + "\n".join(pins)
        + "\n"
    )
    say(f"wrote {len(pins)} pins to {LOCK.name}")
    return 0


COMMANDS = {"setup": cmd_setup, "run": cmd_run, "test": cmd_test, "lock": cmd_lock}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0 if argv else 2
    command = COMMANDS.get(argv[0])
    if command is None:
        die(f"unknown command {argv[0]!r}; choose one of: {', '.join(COMMANDS)}.")
    return command(argv[1:])


if __name__ == "__main__":
    check_python()
    sys.exit(main(sys.argv[1:]))
