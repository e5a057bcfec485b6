"""Nothing coop-kg parses or queries makes a request or reads a file on a client's behalf.

Every engine we use reaches out on its own when asked to (measured on pyoxigraph, rdflib and
Virtuoso 7.2.5; tests/security/ holds the proofs): pyoxigraph and rdflib run ``SERVICE``; rdflib fetches
``FROM <http...>`` and reads ``FROM <file:...>`` while ``SPARQL_LOAD_GRAPHS`` is on, and
resolves remote and ``file:`` JSON-LD ``@context``s; Virtuoso fetches ``FROM`` IRIs after a
``DEFINE get:soft`` or ``input:grab-*`` pragma, calls ``bif:http_get`` from query text, and
reads its own system graphs (``FROM <http://www.openlinksw.com/schemas/virtrdf#>``). So:

* ``check_query`` refuses, for every store, what only a standard query could never need:
  ``SERVICE``, ``LOAD`` and updates (``kg.sparql_guard``), Virtuoso pragmas (``DEFINE``) and
  its function namespaces (``bif:``, ``sql:``), before the engine sees the text;
* ``restrict_dataset`` rewrites a query's ``FROM``/``FROM NAMED`` so that a SPARQL server is
  only ever asked for graphs we hold: any other IRI becomes a graph nobody has, an empty graph, as
  the SPARQL 1.1 Protocol expects of a dataset the service does not provide;
* ``install`` (run when ``kg`` is imported) switches rdflib's fetching off for the whole
  process, whoever imports rdflib and whenever: ``FROM`` reads the dataset's own graph, URL
  input sources refuse to open, ``SERVICE`` fails, and JSON-LD contexts are never loaded. The
  modules are patched as they are imported, so ``import kg`` does not pay for rdflib's SPARQL
  engine. pyoxigraph needs nothing: it never fetches for ``FROM``, and its JSON-LD parser
  refuses remote contexts ("No LoadDocumentCallback has been set").

``rdflib.plugins.sparql.SPARQL_DEFAULT_GRAPH_UNION`` is left as rdflib ships it: it decides
what a query without ``FROM`` sees of a dataset (the memory store relies on the union), not
whether anything is fetched.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import re
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Final

from kg._sparql_lexer import TOKEN
from kg.errors import FetchRefusedError as FetchRefusedError
from kg.sparql_guard import Refusal, RefusedQueryError, check

#: Virtuoso's built-in and SQL function namespaces, under their predefined prefixes and IRIs.
_SERVER_PREFIXES: Final = frozenset({"bif", "sql"})
_SERVER_IRIS: Final = re.compile(
    r"<\s*(?:bif:|sql:|https?://www\.openlinksw\.com/schemas/(?:bif|sql)#)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class ServerExtensionRefusal(Refusal):
    """A SPARQL server extension (a Virtuoso pragma or built-in function) in query text."""

    @property
    def message(self) -> str:
        return (
            f"{self.keyword} at line {self.line}, column {self.column} is a SPARQL server "
            "extension (Virtuoso pragmas and its bif:/sql: functions can fetch documents and "
            "read files), and this endpoint accepts standard SPARQL 1.1 queries only."
        )


@functools.lru_cache(maxsize=1024)
def check_query(sparql: str) -> str | None:
    """``kg.sparql_guard.check`` plus server extensions: the query form, or raise
    ``RefusedQueryError`` for ``SERVICE``, ``LOAD``, updates, ``DEFINE``, ``bif:`` or ``sql:``.

    Cached by text: every store checks every query, and the named queries come back verbatim
    (their parameters are written in after the check), while tokenising one in Python costs
    0.4-2.4 ms, as much as answering it at 1M triples. A refused text raises again each time
    (an exception is never cached).
    """
    form = check(sparql)
    for match in TOKEN.finditer(sparql):
        kind, token = match.lastgroup, match.group()
        if kind == "word":
            prefix, colon, _ = token.partition(":")
            if token.upper() == "DEFINE" or (colon and prefix.lower() in _SERVER_PREFIXES):
                raise RefusedQueryError(_refusal(sparql, token, match.start()))
        elif kind == "iri" and _SERVER_IRIS.match(token):
            raise RefusedQueryError(_refusal(sparql, token, match.start()))
    return form


def _refusal(text: str, token: str, start: int) -> ServerExtensionRefusal:
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return ServerExtensionRefusal(token[:60], line, column)


def restrict_dataset(
    sparql: str, ours: Collection[str], *, empty: str, prefixes: Mapping[str, str] | None = None
) -> tuple[str, bool]:
    """``sparql`` with every ``FROM``/``FROM NAMED`` graph we do not hold replaced by
    ``empty`` (a graph IRI nobody has), and whether it has a dataset clause at all.

    The missing half of a dataset is made explicit too (``FROM NAMED <empty>`` after
    ``FROM`` clauses alone, and the reverse): SPARQL says it is empty, Virtuoso reads it as
    every graph on the server. Prefixed names are expanded with the query's own ``PREFIX``
    declarations, then ``prefixes``; a name that cannot be expanded is not ours either.
    """
    declared = dict(prefixes or {})
    edits: list[tuple[int, int, str]] = []
    pending: list[str] = []  # the words seen since the last IRI-like token
    kinds: set[str] = set()
    last_end = -1
    for match in TOKEN.finditer(sparql):
        kind, token = match.lastgroup, match.group()
        if kind == "comment":
            continue
        if kind == "word" and token.upper() in {"PREFIX", "FROM", "NAMED"}:
            pending.append(token.upper())
            continue
        if pending[-1:] == ["PREFIX"] and kind == "word" and token.endswith(":"):
            pending.append(token)
            continue
        if len(pending) >= 2 and pending[-2] == "PREFIX" and kind == "iri":
            declared[pending[-1][:-1]] = token[1:-1]
        elif pending and pending[0] == "FROM" and kind in {"iri", "word"}:
            clause = "FROM NAMED" if pending[1:] == ["NAMED"] else "FROM"
            kinds.add(clause)
            iri = token[1:-1] if kind == "iri" else _expand(token, declared)
            if iri not in ours:
                edits.append((match.start(), match.end(), f"<{empty}>"))
            last_end = match.end()
        pending = []
    if not kinds:
        return sparql, False
    missing = {"FROM", "FROM NAMED"} - kinds
    if missing:
        edits.append((last_end, last_end, f" {missing.pop()} <{empty}>"))
    for start, end, text in sorted(edits, reverse=True):
        sparql = sparql[:start] + text + sparql[end:]
    return sparql, True


def _expand(name: str, declared: Mapping[str, str]) -> str | None:
    prefix, colon, local = name.partition(":")
    if not colon or prefix not in declared:
        return None
    return declared[prefix] + local


# --- rdflib, for the whole process ---------------------------------------------------------


def _refuse_url(request: Any) -> Any:
    url = getattr(request, "full_url", request)
    raise FetchRefusedError(
        f"refused to fetch {url}: coop-kg never fetches documents while it parses or queries "
        "data. Download the document and load it as a file instead."
    )


def _refuse_context(_context: object, source: str, base: str | None, *_: object) -> Any:
    raise FetchRefusedError(
        f"refused to load the JSON-LD context {source!r}: remote and file contexts are not "
        "fetched. Put the context inline in the document (an object under @context)."
    )


def _refuse_service(_ctx: object, part: Any) -> Any:
    if getattr(part, "name", None) != "ServiceGraphPattern":
        raise NotImplementedError
    raise FetchRefusedError("refused to run SERVICE: coop-kg never contacts other servers.")


def _harden_parser(module: ModuleType) -> None:
    module._urlopen = _refuse_url  # type: ignore[attr-defined]


def _harden_sparql(module: ModuleType) -> None:
    module.SPARQL_LOAD_GRAPHS = False  # type: ignore[attr-defined]
    module.CUSTOM_EVALS["kg._no_fetch"] = _refuse_service


def _harden_jsonld(module: ModuleType) -> None:
    module.Context._fetch_context = _refuse_context


#: The rdflib modules that can fetch, and how each is made not to.
_HARDEN: Final[dict[str, Callable[[ModuleType], None]]] = {
    "rdflib.parser": _harden_parser,
    "rdflib.plugins.sparql": _harden_sparql,
    "rdflib.plugins.shared.jsonld.context": _harden_jsonld,
}


class _HardeningLoader(importlib.abc.Loader):
    """The module's own loader, then its hardening, before anyone can use the module."""

    def __init__(self, inner: importlib.abc.Loader, harden: Callable[[ModuleType], None]) -> None:
        self._inner = inner
        self._harden = harden

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._inner.exec_module(module)
        self._harden(module)

    def __getattr__(self, name: str) -> Any:  # get_source, get_data, ... for tools
        return getattr(self._inner, name)


class _HardeningFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        harden = _HARDEN.get(fullname)
        if harden is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _HardeningLoader(spec.loader, harden)
        return spec


def install() -> None:
    """Harden the rdflib modules already imported, and every one imported from now on."""
    for name, harden in _HARDEN.items():
        module = sys.modules.get(name)
        if module is not None:
            harden(module)
    if not any(isinstance(finder, _HardeningFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _HardeningFinder())
