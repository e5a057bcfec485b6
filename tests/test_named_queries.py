"""The named queries themselves: the parts two of them share, the page line, no paths."""

from __future__ import annotations

import re

import pytest

from kg.errors import QueryError
from kg.queries import load_query, paged, query_names

#: A property path with * or +, as the named queries would write one.
PATH = re.compile(r"[\w>)]\s*[*+]\s*[?$<\w(]")


def _filter_block(name: str) -> str:
    text = load_query(name)
    start, end = text.index("# filters: begin"), text.index("# filters: end")
    return re.sub(r"\s+", " ", text[text.index("\n", start) : end])


def test_the_count_uses_the_same_filters_as_the_page() -> None:
    assert _filter_block("fundings-count") == _filter_block("fundings")


@pytest.mark.parametrize("name", query_names())
def test_no_named_query_uses_a_transitive_path(name: str) -> None:
    """Closures come from the derived graph (kg.derive): paths are slow at scale and lose rows
    on Virtuoso 7.2.5 (docs/virtuoso.md)."""
    code = "\n".join(line.split("#", 1)[0] for line in load_query(name).splitlines())
    assert not PATH.search(code.replace("COUNT(*)", "")), code


def test_the_path_check_sees_paths() -> None:
    for path in ("?t rdfs:subClassOf* ck:X", "?a a/rdfs:subClassOf+ ?b", "?p <x:y>* ?q"):
        assert PATH.search(path)


def test_paged_sets_or_drops_the_page_line() -> None:
    text = load_query("fundings")
    assert "LIMIT 7 OFFSET 14" in paged(text, 7, 14)
    assert not re.search(r"^\s*LIMIT \d+ OFFSET \d+", paged(text, None), re.MULTILINE)
    assert re.search(r"^\s*LIMIT 50 OFFSET 0 # page", text, re.MULTILINE)
    with pytest.raises(QueryError):
        paged("SELECT * WHERE { ?s ?p ?o }", 5)
    with pytest.raises(QueryError):
        paged(text, -1)
