"""Named SPARQL queries (``*.rq``): every answer the CLI and API give comes from one of these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources

from kg.errors import QueryError
from kg.stores.base import SelectResult, Store, Term, with_rows

__all__ = ["load_query", "query_names", "select", "with_rows"]


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


def select(
    store: Store,
    name: str,
    bindings: Mapping[str, Term | None] | None = None,
    *,
    rows: tuple[str, Sequence[Term]] | None = None,
    page: tuple[int, int] | None = None,
) -> SelectResult:
    """Run the SELECT ``queries/{name}.rq`` with parameters; a ``None`` parameter stays unbound,
    which the named queries read as "no such filter". ``rows`` (variable, terms) binds one
    variable to several values (see ``with_rows``); ``page`` (limit, offset) appends LIMIT and
    OFFSET, for the queries whose comment says the server does."""
    given = {k: v for k, v in (bindings or {}).items() if v is not None}
    text = load_query(name)
    if rows is not None:
        text = with_rows(text, *rows)
    if page is not None:
        limit, offset = page
        if limit < 1 or offset < 0:
            raise QueryError(f"a page needs limit >= 1 and offset >= 0, not {limit}, {offset}")
        text = f"{text.rstrip()}\nLIMIT {int(limit)} OFFSET {int(offset)}\n"
    result = store.query(text, bindings=given or None)
    if not isinstance(result, SelectResult):
        raise QueryError(f"queries/{name}.rq is not a SELECT query")
    return result
