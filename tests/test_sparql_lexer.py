"""One SPARQL lexer (``kg._sparql_lexer``) for the query guard, the fetch guard and the
property-path pre-check; no module reaches for another's private names (issue 13)."""

from __future__ import annotations

import ast
from pathlib import Path

from kg import _no_fetch, _sparql_lexer, sparql_guard
from kg.stores import _paths

SRC = Path(__file__).resolve().parents[1] / "src"


def test_the_guards_and_the_path_check_scan_with_one_lexer() -> None:
    assert sparql_guard.TOKEN is _sparql_lexer.TOKEN
    assert _no_fetch.TOKEN is _sparql_lexer.TOKEN
    assert _paths.TOKEN is _sparql_lexer.TOKEN


def test_a_keyword_in_a_string_or_comment_is_no_word() -> None:
    text = 'SELECT * { ?s ?p "SERVICE <x>" } # LOAD <y>\n'
    words = [m.group() for m in _sparql_lexer.TOKEN.finditer(text) if m.lastgroup == "word"]
    assert words == ["SELECT"]


def test_no_module_imports_a_private_name_of_another() -> None:
    """A private helper another module needs is a shared module of its own (as the lexer,
    once ``kg.sparql_guard._TOKEN``, is now)."""
    found = []
    for module in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kg"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                # A private *module* (``from kg import _reach``) is a shared helper: fine.
                if node.module in {"kg", "kg.stores", "kg.api"}:
                    continue
                if private:
                    found.append(f"{module.relative_to(SRC)}:{node.lineno} {private}")
    assert found == []
