"""A SPARQL 1.1 server as the store (Virtuoso, Fuseki, GraphDB, QLever, ...), over HTTP.

Queries go out as SPARQL 1.1 Protocol form POSTs and come back as SPARQL JSON results or
N-Triples, converted to the same rdflib terms, in the same lexical forms, as the embedded store
gives (``kg.stores._terms``). Three things differ from an embedded store and are handled here:

* The union default graph. A server's own default graph holds whatever else it stores
  (Virtuoso's holds thousands of system triples), so the union is the union of *our* named
  graphs, those under ``graph_prefix``: the store lists the server's graphs (cached for a
  few seconds) and keeps each query to ours in one of two ways. Naming ours as
  ``default-graph-uri`` and ``named-graph-uri`` (both always: Virtuoso given only default
  graphs lets ``GRAPH ?g`` range over every graph it has) is right on any server, but
  Virtuoso 7.2 compiles a query naming hundreds of graphs (one per document: 437 at 1M
  triples) slowly, some 60 ms before it reads anything and far more for some plans. Naming
  the server's *other* graphs in Virtuoso's ``input:default-graph-exclude`` and
  ``input:named-graph-exclude`` pragmas is 4-60x faster, but Virtuoso then drops rows of
  variable-length property paths (``skos:broader*`` in competency question 12). So the
  default, ``union="auto"``, excludes on Virtuoso for every query without such a path
  (``kg.stores._paths``, by parsing) and names ours for the others and on other servers;
  ``"list"`` and ``"exclude"`` force one way. Staging graphs of this store's own loads are
  excluded too; one created by another process shows within the listing's lifetime (5 s).
* Atomic replacement. Measured on Virtuoso 7.2: an update request with several operations is
  not atomic (``DROP; INSERT; <failing op>`` left the first two applied), nor is a Graph Store
  Protocol PUT (a body that failed to parse on line 3 left lines 1-2 as the new graph), but one
  operation is: a failing ``INSERT ... WHERE`` left nothing behind, and a ``MOVE`` of 100k
  triples kept readers seeing the old graph or the new one, never a mixture or an empty
  graph. So the new content is written into a staging graph outside our prefix (invisible to
  queries), in as many requests as it takes, and swapped in with one ``MOVE``.
* Request size. Virtuoso refuses an update whose generated SQL is too long (2,000 short
  triples was already too many; 1,000 passed), and refuses blank nodes in ``INSERT DATA``.
  Staging therefore goes through ``INSERT { ... } WHERE {}`` in chunks of a few hundred
  triples, or, when the server has a Graph Store Protocol endpoint (``gsp_endpoint``), as
  N-Triples ``POST``s, about ten times faster (100k triples in 2.8 s against some 30 s). A
  chunk never splits the triples of connected blank nodes: each request is its own document,
  and the same label in two requests would be two different nodes.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import uuid
from collections.abc import Generator, Iterator, Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
from rdflib import BNode, URIRef

from kg._namespaces import GRAPH, PREFIXES
from kg._no_fetch import check_query, restrict_dataset
from kg.errors import QueryError, QueryTimeoutError, SettingsError, StoreError
from kg.export import FORMATS, RESULT_FORMATS, get_format, serialize_quads
from kg.stores._paths import has_variable_path, isolate_paths
from kg.stores._terms import decimal_text, make_literal
from kg.stores.base import (
    AskResult,
    GraphResult,
    QueryResult,
    SelectResult,
    Term,
    WithoutDirectory,
    sparql_term,
    with_values,
)

#: What a server is asked to answer in (``kg.export``'s media types).
RESULTS_JSON: Final = RESULT_FORMATS["json"].media_type
NTRIPLES: Final = FORMATS["ntriples"].media_type
FORM: Final = "application/x-www-form-urlencoded"
#: A graph no server holds, sent when a dataset part must be empty: leaving the parameter out
#: would mean "the server's default" instead.
NO_GRAPH: Final = "urn:x-coop-kg:no-graph"
#: Seconds the list of our graphs is reused for queries; a load through this store clears it.
GRAPHS_TTL: Final = 5.0
#: How the union of our graphs is named to the server; see the module docstring.
UNION_MODES: Final = ("auto", "list", "exclude")
#: Every graph the server has, each once: GROUP BY, not DISTINCT, which Virtuoso 7.2 evaluates
#: over every quad (11 s at 1M triples against 0.06 s).
_LIST_GRAPHS: Final = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_COUNT_GRAPHS: Final = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
#: Headers of every request to Virtuoso 7.2, which otherwise costs a query 5-40 ms: it gzips
#: an answer when asked and then closes the connection (so a new one per query anyway, and the
#: compression's time), and on a kept-alive connection it answered a 4 kB query 40 ms late
#: (48 against 6 ms: a delayed-ACK stall, not fixed by TCP_NODELAY on our side). Uncompressed
#: and one connection per query: a union of 9 entity groups 5.6 ms against 6.6 ms gzipped and
#: 52 ms kept alive; Japan's ld-context.rq 95 against 110 ms gzipped (1M triples, 127.0.0.1).
VIRTUOSO_HEADERS: Final = {"Accept-Encoding": "identity", "Connection": "close"}
#: Triples and bytes per staging request: SPARQL Update (Virtuoso's SQL text limit) and GSP.
UPDATE_CHUNK: Final = (500, 512 * 1024)
GSP_CHUNK: Final = (100_000, 16 * 1024 * 1024)

_DECLARED: Final = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_BNODE_LABEL: Final = re.compile(r"[^A-Za-z0-9_-]")
_DECIMAL: Final = "http://www.w3.org/2001/XMLSchema#decimal"
_BOOLEAN: Final = "http://www.w3.org/2001/XMLSchema#boolean"


class _ChallengeAuth(httpx.Auth):
    """Basic or Digest, whichever the server asks for (Virtuoso: Digest; Fuseki, GraphDB:
    Basic), so one pair of settings serves every server. Nothing is sent before a challenge."""

    requires_request_body = True

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._chosen: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._chosen is not None:
            yield from self._chosen.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        scheme = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
        self._chosen = self._digest if scheme == "digest" else self._basic
        yield from self._chosen.auth_flow(request)


class SparqlStore(WithoutDirectory):
    """A store behind a SPARQL 1.1 Query endpoint, and Update (+ GSP) endpoints to load it.

    ``auth`` (user, password) answers the server's Basic or Digest challenge on any endpoint.
    Without ``update_endpoint`` the store is read-only (``kg serve`` in front of a server that
    someone else loads). ``union`` says how queries are kept to our graphs: ``"list"`` names
    them (any server), ``"exclude"`` names the others in Virtuoso's pragmas (much faster on
    Virtuoso with many graphs, but property paths lose rows there), ``"auto"`` (the default)
    excludes on Virtuoso for queries without a variable-length property path and lists for
    the rest, and everywhere on other servers.
    """

    in_process = False

    def __init__(
        self,
        query_endpoint: str,
        update_endpoint: str | None = None,
        *,
        gsp_endpoint: str | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float = 60.0,
        graph_prefix: str = str(GRAPH),
        union: str = "auto",
    ) -> None:
        if union not in UNION_MODES:
            raise SettingsError(f"union={union!r} is not one of {', '.join(UNION_MODES)}")
        for name, url in (
            ("query", query_endpoint),
            ("update", update_endpoint),
            ("graph store", gsp_endpoint),
        ):
            if url is not None and not url.startswith(("http://", "https://")):
                raise SettingsError(
                    f"the SPARQL {name} endpoint {url!r} is not an http(s) URL; write the store "
                    "as sparql:http://host:port/sparql"
                )
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint
        self.gsp_endpoint = gsp_endpoint
        self.graph_prefix = graph_prefix
        self._client = httpx.Client(
            auth=None if auth is None else _ChallengeAuth(*auth),
            timeout=timeout,
            headers={"User-Agent": "coop-kg"},
        )
        self.union = union
        #: Whether the server said it is Virtuoso (its ``Server`` header), once it was asked.
        self.virtuoso: bool | None = None
        self._graphs: tuple[float, list[str]] | None = None
        self._graphs_lock = threading.Lock()
        #: Staging graphs this store is writing now: excluded, as they are not in any listing.
        self._staging: set[str] = set()

    # --- queries ------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        bindings: Mapping[str, Term] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        """``timeout`` (seconds) bounds this request and goes to the server as ``timeout``
        (milliseconds; Virtuoso then stops the query). Virtuoso answers a query it stopped
        with the rows found so far and ``X-SQL-State: S1TAT``; those are refused, never
        passed on as the answer."""
        # Refused before the server sees them: SERVICE, LOAD and updates, and Virtuoso's
        # pragmas and bif: functions, which fetch (DEFINE get:soft, bif:http_get). The server
        # is named only graphs we hold, in FROM clauses as in protocol parameters: a FROM
        # naming Virtuoso's system graphs would otherwise read them (kg._no_fetch).
        form = check_query(sparql)
        # Decided before the bindings are written in: a VALUES block holds no path, and the
        # text without it repeats, so a parse (kg.stores._paths) is done once per query.
        exclude = self._excludes(sparql)
        if self.virtuoso and has_variable_path(sparql):
            # Virtuoso 7.2 loses rows of a path joined with other patterns (docs/virtuoso.md);
            # each path triple on its own, as a sub-select, gives them all.
            sparql = isolate_paths(sparql)
        if bindings:
            sparql = with_values(sparql, bindings)
        sparql, own_dataset = restrict_dataset(
            sparql, self._our_graphs(), empty=NO_GRAPH, prefixes=PREFIXES
        )
        params: list[tuple[str, str]] = []
        pragmas = ""
        if default_graphs is not None or named_graphs is not None:
            params = self._dataset(default_graphs, named_graphs)
        elif not own_dataset:
            if exclude:
                pragmas = self._exclusions()
            else:
                params = self._dataset(None, None)
        if form in {"SELECT", "ASK"}:
            accept = RESULTS_JSON
        elif form in {"CONSTRUCT", "DESCRIBE"}:
            accept = NTRIPLES
        else:  # the server will report the syntax error; accept either answer meanwhile
            accept = f"{RESULTS_JSON}, {NTRIPLES};q=0.9"
        if timeout is not None:
            params.append(("timeout", str(max(1, round(timeout * 1000)))))
        response = self._request(
            self.query_endpoint,
            [("query", pragmas + _with_prefixes(sparql)), *params],
            accept=accept,
            what="query",
            timeout=timeout,
        )
        if response.headers.get("x-sql-state") == "S1TAT":
            raise QueryTimeoutError(
                "the SPARQL server stopped the query at its time limit: "
                f"{response.headers.get('x-sql-message', '')[:200]}"
            )
        return _parse_result(response)

    def _dataset(
        self, default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None
    ) -> list[tuple[str, str]]:
        """The dataset to query as protocol parameters: the given graphs, or else the union
        of ours as the default graph and ours as the named graphs.

        Listing the graphs to include, not excluding the server's others (Virtuoso's
        ``define input:default-graph-exclude``), keeps out what appeared since the list was
        read: a staging graph half loaded by another process, someone else's new graph.
        Virtuoso 7.2.5 loses rows of property paths either way (docs/virtuoso.md).
        """
        ours = self._our_graphs()
        default = ours if default_graphs is None else [g for g in default_graphs if g in ours]
        named = ours if named_graphs is None else [g for g in named_graphs if g in ours]
        # A part left out would mean "the server's default", not "empty": name a graph nobody has.
        return [("default-graph-uri", g) for g in default or [NO_GRAPH]] + [
            ("named-graph-uri", g) for g in named or [NO_GRAPH]
        ]

    def _exclusions(self) -> str:
        """Virtuoso's pragmas leaving the server's other graphs out of the default graph and
        out of ``GRAPH ?g``, on the query's first line (before its prologue, as Virtuoso
        wants them): one line, so that the line numbers of syntax errors stay the user's."""
        with self._graphs_lock:
            staging = set(self._staging)
        listed = [g for g in self._all_graphs() if not g.startswith(self.graph_prefix)]
        others = listed + sorted(staging.difference(listed))
        return "".join(
            f"define input:{part}-graph-exclude {sparql_term(URIRef(g))} "
            for g in others
            for part in ("default", "named")
        )

    def _excludes(self, sparql: str) -> bool:
        """Whether ``sparql`` goes out with the exclusion pragmas (see the module docstring)."""
        if self.virtuoso is None:
            self._all_graphs()  # learns what the server is
        if self.union != "auto":
            return self.union == "exclude"
        return bool(self.virtuoso) and not has_variable_path(sparql)

    def _our_graphs(self) -> list[str]:
        return [g for g in self._all_graphs() if g.startswith(self.graph_prefix)]

    def _all_graphs(self) -> list[str]:
        """Every graph the server has (ours and others), listed again after a few seconds.
        The first listing also tells whether the server is Virtuoso (its ``Server`` header)."""
        with self._graphs_lock:
            cached = self._graphs
        if cached is not None and time.monotonic() - cached[0] < GRAPHS_TTL:
            return cached[1]
        response = self._request(
            self.query_endpoint, [("query", _LIST_GRAPHS)], accept=RESULTS_JSON, what="query"
        )
        result = _parse_result(response)
        rows = result.rows if isinstance(result, SelectResult) else ()
        every = sorted(str(row[0]) for row in rows if isinstance(row[0], URIRef))
        with self._graphs_lock:
            server = response.headers.get("server", "")
            self.virtuoso = server.lower().startswith("virtuoso")
            if self.virtuoso:
                self._client.headers.update(VIRTUOSO_HEADERS)
            self._graphs = (time.monotonic(), every)
        return every

    def graphs(self) -> list[str]:
        """Our graphs as the server has them now (the listing is refreshed, not reused).

        Filtered here, not by a ``FILTER (STRSTARTS(STR(?g), ...))`` in the query: Virtuoso
        7.2 evaluates that per quad (3.7 s at 1M triples against 0.06 s for the listing)."""
        with self._graphs_lock:
            self._graphs = None
        return self._our_graphs()

    def refresh(self) -> None:
        """The graph list is listed again at the next use (it is kept a few seconds)."""
        with self._graphs_lock:
            self._graphs = None

    def count(self, graph: str | None = None) -> int:
        """Quads in ``graph``, or in all of ours: counted per graph on the server and summed
        here for the graphs under our prefix, which is exact whatever the union mode. Not with
        a filter on the graph name in the query: Virtuoso 7.2 evaluates that per quad (3.9 s
        at 1M triples against 0.04 s)."""
        if graph is not None:
            where = f"GRAPH {sparql_term(URIRef(graph))} {{ ?s ?p ?o }}"
            result = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
            value = result.rows[0][0] if result.rows else None
            return int(value) if value is not None else 0
        result = self._select(_COUNT_GRAPHS)
        return sum(
            int(n) for g, n in result.rows if n is not None and str(g).startswith(self.graph_prefix)
        )

    def _select(self, sparql: str, params: Sequence[tuple[str, str]] = ()) -> SelectResult:
        response = self._request(
            self.query_endpoint, [("query", sparql), *params], accept=RESULTS_JSON, what="query"
        )
        result = _parse_result(response)
        if not isinstance(result, SelectResult):
            raise StoreError(f"{self.query_endpoint} answered a SELECT query with no rows")
        return result

    def dump(self, format: str, graph: str | None = None) -> bytes:
        fmt = get_format(format)
        quads: list[ox.Quad] = []
        for name in [graph] if graph is not None else self.graphs():
            iri = sparql_term(URIRef(name))
            response = self._request(
                self.query_endpoint,
                [("query", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}")],
                accept=NTRIPLES,
                what="query",
            )
            triples = _parse_ntriples(response.content, self.query_endpoint)
            expected = self.count(name)
            if len(triples) < expected:
                raise StoreError(
                    f"{self.query_endpoint} returned {len(triples)} of the {expected} triples of "
                    f"{name}: the server cuts long results. Raise its limit (Virtuoso: "
                    "ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)."
                )
            node = ox.NamedNode(name)
            quads += [ox.Quad(t.subject, t.predicate, _canonical(t.object), node) for t in triples]
        return serialize_quads(quads, fmt, whole=graph is None)

    # --- loading ------------------------------------------------------------------------

    def replace_graph(self, graph: str, ntriples: bytes) -> None:
        if self.update_endpoint is None:
            raise StoreError(
                f"the SPARQL store at {self.query_endpoint} is read-only here: set "
                "KG_SPARQL_UPDATE_URL to its update endpoint (Virtuoso: /sparql-auth, with "
                "KG_SPARQL_USER and KG_SPARQL_PASSWORD) to load it."
            )
        if not graph.startswith(self.graph_prefix):
            raise StoreError(
                f"{graph} is not under {self.graph_prefix}: this store only sees the graphs "
                "there (the server's other graphs are not ours), so it would not find it again."
            )
        target = sparql_term(URIRef(graph))
        try:
            triples = list(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
        except SyntaxError as exc:
            raise StoreError(f"cannot parse the new content of {graph}: {exc}") from exc
        try:
            if not triples:
                self._update(f"DROP SILENT GRAPH {target}")
                return
            name = f"urn:uuid:{uuid.uuid4()}"
            staging = f"<{name}>"
            with self._graphs_lock:
                self._staging.add(name)
            try:
                self._stage(staging, triples)
                self._update(f"MOVE SILENT GRAPH {staging} TO GRAPH {target}")
            except StoreError:
                self._drop_quietly(staging)
                raise
            finally:
                with self._graphs_lock:
                    self._staging.discard(name)
        finally:
            with self._graphs_lock:
                self._graphs = None

    def _stage(self, staging: str, triples: list[ox.Triple]) -> None:
        if self.gsp_endpoint is not None:
            for chunk in _chunks(triples, *GSP_CHUNK):
                self._request(
                    self.gsp_endpoint,
                    ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b"",
                    params={"graph": staging[1:-1]},
                    content_type=NTRIPLES,
                    what="load",
                )
            return
        for chunk in _chunks(triples, *UPDATE_CHUNK):
            chunk = [ox.Triple(t.subject, t.predicate, _decimal_point(t.object)) for t in chunk]
            body = (ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
            self._update(f"INSERT {{ GRAPH {staging} {{\n{body}}} }} WHERE {{}}")

    def _drop_quietly(self, staging: str) -> None:
        # The load failed already; a leftover staging graph is invisible to queries.
        with contextlib.suppress(StoreError):
            self._update(f"DROP SILENT GRAPH {staging}")

    def _update(self, sparql: str) -> None:
        assert self.update_endpoint is not None
        self._request(self.update_endpoint, [("update", sparql)], what="update")

    # --- HTTP ---------------------------------------------------------------------------

    def _request(
        self,
        url: str,
        body: Sequence[tuple[str, str]] | bytes,
        *,
        what: str,
        accept: str | None = None,
        params: Mapping[str, str] | None = None,
        content_type: str = FORM,
        timeout: float | None = None,
    ) -> httpx.Response:
        content = body if isinstance(body, bytes) else urlencode(body).encode()
        headers = {"Content-Type": content_type}
        if accept is not None:
            headers["Accept"] = accept
        try:
            response = self._client.post(
                url,
                content=content,
                headers=headers,
                params=params,
                timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
            )
        except httpx.TimeoutException as exc:
            if timeout is not None:
                raise QueryTimeoutError(f"no answer from {url} within {timeout:g} s") from exc
            raise StoreError(
                f"the SPARQL server at {url} did not answer within the timeout ({exc}); check "
                "that it is running and not overloaded."
            ) from exc
        except httpx.HTTPError as exc:
            raise StoreError(
                f"cannot reach the SPARQL server at {url}: {exc}. Check that it is running "
                "and that KG_STORE (sparql:URL) and KG_SPARQL_UPDATE_URL point at it."
            ) from exc
        if response.is_success:
            return response
        message = _server_message(response)
        status = response.status_code
        if status in {401, 403}:
            raise StoreError(
                f"{url} refused the {what} (HTTP {status}): {message}. Set KG_SPARQL_USER and "
                "KG_SPARQL_PASSWORD to an account allowed to do this."
            )
        if status == 404:
            raise StoreError(f"there is no SPARQL endpoint at {url} (HTTP 404); check the URL.")
        if what == "query" and status in {400, 500}:
            # Virtuoso answers 500 for queries its compiler cannot handle, as well as 400 for
            # syntax errors: either way it is this query, not the server, that failed.
            raise QueryError(f"the SPARQL server refused the query (HTTP {status}): {message}")
        raise StoreError(f"the SPARQL server at {url} failed the {what} (HTTP {status}): {message}")

    def close(self) -> None:
        self._client.close()


#: A ``BASE`` declaration that opens a query (``kg.api.sparql_protocol.with_base`` writes one).
_LEADING_BASE: Final = re.compile(r"\s*BASE\s*<[^>]*>\s*", re.IGNORECASE)


def _with_prefixes(sparql: str) -> str:
    """``sparql`` with our prefixes declared, as the embedded stores accept them undeclared.

    The declarations go on the query's first line, so that the line numbers of the server's
    syntax errors are the lines the user wrote (the SPARQL editor shows the line). After a
    leading ``BASE``: Virtuoso takes the SPARQL 1.0 prologue only, the base before prefixes."""
    declared = {(m.group(1) or "") for m in _DECLARED.finditer(sparql)}
    missing = [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items() if p not in declared]
    if not missing:
        return sparql
    base = _LEADING_BASE.match(sparql)
    head, rest = (base.group(), sparql[base.end() :]) if base else ("", sparql)
    return head + " ".join([*missing, rest])


def _server_message(response: httpx.Response) -> str:
    """The server's explanation, without the echo of our query Virtuoso appends."""
    text = response.text.split("\n\nSPARQL query:", 1)[0].strip()
    if "<html" in text[:200].lower():
        text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text[:1000] or response.reason_phrase


def _parse_result(response: httpx.Response) -> QueryResult:
    media = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media in {RESULTS_JSON, "application/json"}:
        try:
            body = response.json()
        except ValueError as exc:
            raise StoreError(f"the SPARQL server sent malformed JSON results: {exc}") from exc
        if "boolean" in body:
            return AskResult(bool(body["boolean"]))
        variables = tuple(body["head"]["vars"])
        # Terms repeat across rows (a property, the entity asked about, a label's language):
        # each distinct one is converted once per answer (rdflib checks every IRI it makes).
        seen: dict[tuple[tuple[str, str], ...], Term | None] = {}

        def term(binding: Any) -> Term | None:
            if binding is None:
                return None
            key = tuple(binding.items())
            if key not in seen:
                seen[key] = _term(binding)
            return seen[key]

        rows = tuple(
            tuple(term(binding.get(v)) for v in variables)
            for binding in body["results"]["bindings"]
        )
        return SelectResult(variables, rows)
    if media in {NTRIPLES, "text/plain"}:
        triples = _parse_ntriples(response.content, str(response.url))
        converted: dict[Any, Term] = {}  # each distinct term once, as for JSON above

        def node(value: Any) -> Term:
            found = converted.get(value)
            if found is None:
                found = converted[value] = _from_oxigraph(value)
            return found

        predicates: dict[str, URIRef] = {}

        def predicate(value: ox.NamedNode) -> URIRef:
            found = predicates.get(value.value)
            if found is None:
                found = predicates[value.value] = URIRef(value.value)
            return found

        return GraphResult(
            tuple((node(t.subject), predicate(t.predicate), node(t.object)) for t in triples)
        )
    raise StoreError(f"the SPARQL server answered with {media or 'no content type'}, not results")


def _parse_ntriples(data: bytes, url: str) -> list[ox.Triple]:
    try:
        return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise StoreError(f"{url} sent N-Triples that do not parse: {exc}") from exc


def _term(binding: Any) -> Term | None:
    if binding is None:
        return None
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return _bnode(value)
    # "typed-literal" is SPARQL 1.0's JSON, which Virtuoso still writes.
    return make_literal(value, binding.get("datatype"), binding.get("xml:lang"))


def _bnode(label: str) -> BNode:
    """Virtuoso labels blank nodes ``nodeID://b10003`` in JSON and ``_:b10003`` in N-Triples;
    one label for both keeps a node the same across queries."""
    return BNode(_BNODE_LABEL.sub("_", label.removeprefix("nodeID://")))


def _from_oxigraph(term: Any) -> Term:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return _bnode(term.value)
    if isinstance(term, ox.Literal):
        return make_literal(term.value, term.datatype.value, term.language)
    raise QueryError(f"unsupported RDF term in a result: {term!r} (RDF-star is not supported)")


def _canonical(term: Any) -> Any:
    """A literal from the server in the form pyoxigraph would store it (see _terms)."""
    if not isinstance(term, ox.Literal) or term.language:
        return term
    datatype = term.datatype.value
    if datatype == _DECIMAL:
        return ox.Literal(decimal_text(term.value), datatype=term.datatype)
    if datatype == _BOOLEAN and term.value in {"1", "0"}:
        return ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype)
    return term


def _decimal_point(term: Any) -> Any:
    """An ``xsd:decimal`` with a decimal point: Virtuoso stores ``"2000000"^^xsd:decimal``
    arriving through SPARQL Update as an ``xsd:integer`` (through GSP it keeps the type), and
    ``"2000000.0"`` is the same value."""
    if isinstance(term, ox.Literal) and term.datatype.value == _DECIMAL and "." not in term.value:
        return ox.Literal(term.value + ".0", datatype=term.datatype)
    return term


def _chunks(triples: list[ox.Triple], max_triples: int, max_bytes: int) -> Iterator[list[Any]]:
    """``triples`` in chunks of at most about ``max_triples``/``max_bytes``, keeping the
    triples of connected blank nodes together (a group larger than a chunk goes alone)."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        parent.setdefault(label, label)
        while parent[label] != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    for t in triples:
        labels = [n.value for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]
        if len(labels) == 2:
            parent[root(labels[0])] = root(labels[1])
        elif labels:
            root(labels[0])
    units: dict[object, list[ox.Triple]] = {}
    for i, t in enumerate(triples):
        node = t.subject if isinstance(t.subject, ox.BlankNode) else t.object
        key: object = root(node.value) if isinstance(node, ox.BlankNode) else i
        units.setdefault(key, []).append(t)
    chunk: list[ox.Triple] = []
    size = 0
    for unit in units.values():
        unit_size = sum(len(str(t)) + 3 for t in unit)
        if chunk and (len(chunk) + len(unit) > max_triples or size + unit_size > max_bytes):
            yield chunk
            chunk, size = [], 0
        chunk += unit
        size += unit_size
    if chunk:
        yield chunk
