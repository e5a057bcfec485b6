"""Named SPARQL queries (``*.rq``): every answer the CLI and API give comes from one of these."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Final

from kg.errors import QueryError
from kg.stores.base import SelectResult, Store, Term

#: The line of a paged query that ``paged`` rewrites: ``LIMIT n OFFSET m # page...``.
_PAGE_LINE: Final = re.compile(r"^([ \t]*)LIMIT \d+ OFFSET \d+ # page\b.*$", re.MULTILINE)


@cache
def load_query(name: str) -> str:
    """The text of ``queries/{name}.rq`` (read once per process: the files ship with the code)."""
    return resources.files(__name__).joinpath(f"{name}.rq").read_text(encoding="utf-8")


def query_names() -> list[str]:
    return sorted(
        p.name.removesuffix(".rq")
        for p in resources.files(__name__).iterdir()
        if p.name.endswith(".rq")
    )


def paged(text: str, limit: int | None, offset: int = 0) -> str:
    """``text`` with its page line (``LIMIT n OFFSET m # page``) set to ``limit`` and
    ``offset``, or dropped when ``limit`` is None (every match).

    The two numbers are the only part of a named query ever written from a request, and they
    are ints by type, so this is no door for injection; it exists because SPARQL cannot take
    LIMIT from a VALUES binding.
    """
    if len(_PAGE_LINE.findall(text)) != 1:
        raise QueryError("a paged query needs exactly one line 'LIMIT n OFFSET m # page'")
    if limit is None:
        return _PAGE_LINE.sub("", text)
    if limit < 0 or offset < 0:
        raise QueryError(f"limit and offset cannot be negative ({limit}, {offset})")
    return _PAGE_LINE.sub(lambda m: f"{m.group(1)}LIMIT {int(limit)} OFFSET {int(offset)}", text)


def select(
    store: Store,
    name: str,
    bindings: Mapping[str, Term | None] | None = None,
    *,
    page: tuple[int | None, int] | None = None,
) -> SelectResult:
    """Run the SELECT ``queries/{name}.rq`` with parameters; a ``None`` parameter stays unbound,
    which the named queries read as "no such filter". ``page`` is (limit, offset) for a paged
    query (see ``paged``; a None limit: every match)."""
    given = {k: v for k, v in (bindings or {}).items() if v is not None}
    text = load_query(name)
    if page is not None:
        text = paged(text, *page)
    result = store.query(text, bindings=given or None)
    if not isinstance(result, SelectResult):
        raise QueryError(f"queries/{name}.rq is not a SELECT query")
    return result
