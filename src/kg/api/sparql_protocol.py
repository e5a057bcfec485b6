"""The request side of the SPARQL 1.1 Protocol, shared by ``/sparql`` (queries) and
``/sparql/update`` (updates): where the operation and its parameters come from, and what is
refused before anything is evaluated.

A query comes by GET (URL parameters) or by POST, as a form (``query=`` and the dataset
parameters, ``application/x-www-form-urlencoded``) or as the text itself
(``application/sparql-query``, dataset parameters in the URL). An update comes by POST only, as a
form (``update=``) or as the text (``application/sparql-update``). Both read bodies and
percent-escapes as UTF-8 strictly: a ``charset`` other than UTF-8 is a 415, bytes that are not
UTF-8 a 400, never a text silently changed by replacement characters.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Final, Literal
from urllib.parse import parse_qsl

from starlette.requests import Request

from kg._namespaces import ABSOLUTE_IRI
from kg._sparql_lexer import TOKEN
from kg.api.problems import Problem

FORM_MEDIA_TYPE: Final = "application/x-www-form-urlencoded"
QUERY_MEDIA_TYPE: Final = "application/sparql-query"
UPDATE_MEDIA_TYPE: Final = "application/sparql-update"
#: The media type of each operation's text, sent as the body itself ("direct POST").
DIRECT_MEDIA_TYPES: Final = {"query": QUERY_MEDIA_TYPE, "update": UPDATE_MEDIA_TYPE}
#: The parameters an update may carry in its URL (the protocol's dataset of an update).
UPDATE_URL_PARAMETERS: Final = frozenset({"using-graph-uri", "using-named-graph-uri"})

Operation = Literal["query", "update"]


@dataclass(slots=True)
class ProtocolRequest:
    """The SPARQL Protocol parameters of one request, from its URL and/or form body; ``names``
    lists the name of every parameter read, the protocol's or not, in order."""

    queries: list[str] = field(default_factory=list)
    updates: list[str] = field(default_factory=list)
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    def add(
        self, pairs: Iterable[tuple[str, str]], *, only: Collection[str] | None = None
    ) -> ProtocolRequest:
        """Add ``pairs`` (name, value); with ``only``, just the parameters it names."""
        for key, value in pairs:
            if only is not None and key not in only:
                continue
            self.names.append(key)
            target = _FIELDS.get(key)
            if target is not None:
                getattr(self, target).append(value)
        return self

    def texts(self, operation: Operation) -> list[str]:
        """The query or update texts."""
        return self.queries if operation == "query" else self.updates

    @property
    def is_empty(self) -> bool:
        return not (self.queries or self.default_graphs or self.named_graphs or self.updates)


_FIELDS: Final = {
    "query": "queries",
    "update": "updates",
    "default-graph-uri": "default_graphs",
    "named-graph-uri": "named_graphs",
    "format": "formats",
}


def url_params(request: Request) -> list[tuple[str, str]]:
    """The URL's parameters, percent-decoded as UTF-8 strictly: Starlette's ``query_params``
    turn bytes that are not UTF-8 into U+FFFD, so a query would silently change; the protocol
    asks for a 400 instead (as a form body gets)."""
    raw: bytes = request.scope.get("query_string", b"")
    try:
        return parse_qsl(raw.decode("ascii"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise Problem(
            400, f"A URL parameter is not UTF-8 once percent-decoded: {exc.reason}."
        ) from None


def utf8(body: bytes, what: str) -> str:
    """``body`` decoded, or a 400 that says where it is not UTF-8 (SPARQL 1.1 Protocol: query
    and update texts are UTF-8; so are the form bodies of both endpoints)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Problem(
            400,
            f"The request body is not UTF-8 (byte 0x{body[exc.start]:02x} at offset "
            f"{exc.start}). Send the {what} encoded as UTF-8.",
        ) from None


def content_type(header: str) -> tuple[str, str | None]:
    """The media type of a ``Content-Type`` header (lowercase) and its charset, if any."""
    media_type, *params = header.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


def form_pairs(body: bytes, operation: Operation) -> list[tuple[str, str]]:
    """The fields of a form body, its percent-escapes decoded as UTF-8 strictly."""
    text = utf8(body, operation)
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise Problem(400, f"A percent-encoded form value is not UTF-8: {exc.reason}.") from None


def read_post(
    request: Request,
    body: bytes,
    operation: Operation,
    *,
    url_parameters: Collection[str] | None = None,
) -> ProtocolRequest:
    """The parameters of a POST of ``operation``: those of the URL (``url_parameters`` only,
    when given), then the form's fields or the body as the operation's text."""
    media_type, charset = content_type(request.headers.get("content-type", ""))
    direct = DIRECT_MEDIA_TYPES[operation]
    if charset not in (None, "utf-8", "utf8"):
        raise Problem(
            415,
            f"The body is declared as charset={charset}; only UTF-8 is accepted. "
            f"Send the {operation} encoded as UTF-8.",
        )
    params = ProtocolRequest().add(url_params(request), only=url_parameters)
    if media_type == FORM_MEDIA_TYPE:
        params.add(form_pairs(body, operation))
    elif media_type == direct:
        params.texts(operation).append(utf8(body, operation))
    else:
        shown = media_type or "no Content-Type"
        raise Problem(
            415,
            f"{shown} is not a way to send a SPARQL {operation}. POST either "
            f"{FORM_MEDIA_TYPE} with {operation}=... or the {operation} text as {direct}.",
        )
    return params


def update_text(params: ProtocolRequest) -> str:
    """The one update a request carries; a 400 for dataset parameters (``using-graph-uri``,
    ``using-named-graph-uri``: graphs are named inside the update) or any other parameter
    besides ``update``, and for no update or several."""
    others = sorted(set(params.names) - {"update"})
    if others:
        raise Problem(
            400,
            f"Unsupported parameter(s) {', '.join(others)}: name graphs inside the update "
            "(GRAPH, WITH, USING).",
            type_="bad-parameter",
            title="Unusable parameter",
        )
    if len(params.updates) != 1:
        raise Problem(
            400,
            f"Send exactly one update= field (got {len(params.updates)}).",
            type_="invalid-request",
            title="Invalid request",
        )
    return params.updates[0]


def endpoint_iri(request: Request) -> str:
    """The IRI of the endpoint a request was sent to (no query string): the base against
    which the protocol resolves the relative IRIs of its query or update."""
    return str(request.url.replace(query="", fragment=""))


def with_base(text: str, base: str) -> str:
    """``text`` with ``BASE <base>`` in front when it writes a relative IRI, so that
    ``<s>`` means ``<base's s>`` as the SPARQL 1.1 Protocol asks (and Fuseki does).

    Why only then and on the same line: a query without a relative IRI reaches the engine
    unchanged, and the line numbers of a syntax error stay the user's. A text that declares
    an absolute ``BASE`` of its own is left as it is (its base wins anyway, and Virtuoso takes
    one ``BASE`` only); a relative one of its own resolves against this one.
    """
    relative = False
    after_base = False
    for match in TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "iri":
            absolute = ABSOLUTE_IRI.fullmatch(token[1:-1]) is not None
            if after_base and absolute:
                return text
            relative = relative or not absolute
        after_base = kind == "word" and token.upper() == "BASE"
    return f"BASE <{base}> {text}" if relative else text
