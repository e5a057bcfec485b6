"""The benchmark scripts are run by hand, never by the suite, so nothing else notices when a
refactoring breaks one: ``benchmarks/import_phases.py`` imported a name the importer no longer
had and failed before measuring anything. Each script is imported here (its ``main`` guarded
by ``__name__``), which checks the names it takes from ``kg`` and from the other scripts."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
#: Needs matplotlib, which is not a project dependency (``make plot`` makes a scratch venv).
OUTSIDE_THE_PROJECT = {"plot.py"}
SCRIPTS = sorted(p.name for p in BENCHMARKS.glob("*.py") if p.name not in OUTSIDE_THE_PROJECT)


def test_the_scripts_are_found() -> None:
    assert {"scale.py", "entity_detail.py", "import_phases.py"} <= set(SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_benchmark_script_imports(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Scripts import their siblings (``from scale import ...``) as run from benchmarks/.
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(f"benchmark_{name[:-3]}", BENCHMARKS / name)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    assert callable(getattr(module, "main", None)) or hasattr(module, "app"), name
