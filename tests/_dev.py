"""``dev.py`` (the README's two commands) loaded as a module, for the tests that read its rules."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

DEV = Path(__file__).resolve().parents[1] / "dev.py"


def load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("coop_kg_dev", DEV)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
