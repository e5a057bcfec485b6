"""One error tree for coop-kg.

Every failure a user can meet is a ``KGError`` whose message says what went wrong and what to
do next. The CLI maps the tree to exit codes, the API to problem+json, each in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.sparql_guard import Refusal
    from kg.validate import Violation


class KGError(Exception):
    """Base of every error coop-kg raises on purpose."""

    exit_code = 2


class ConfigurationError(KGError):
    """A setting, path, store specification or argument cannot be used (from a request: the
    client's parameter, HTTP 400)."""


class SettingsError(ConfigurationError):
    """The server's own configuration (a ``KG_`` setting, the store it names) cannot be used:
    the operator's to fix, not the client's (HTTP 500)."""


class SourceError(KGError):
    """An input file cannot be read or parsed (syntax error, missing document text, checksum)."""


class ExtractionError(SourceError):
    """A document that cannot (or may not) be turned into text; nothing was stored."""


class IntakeError(SourceError):
    """A document that cannot be registered as asked; nothing under data/ changed."""


class InputTooLargeError(SourceError):
    """An input file or body larger than its cap (``KG_MAX_IMPORT_BYTES``,
    ``KG_MAX_DOCUMENT_BYTES``), refused before anything is parsed."""


class UnsafeXmlError(SourceError):
    """An XML file refused before parsing: too large, a DTD or entity declaration, or the
    wrong root element."""


class FetchRefusedError(SourceError):
    """Something being parsed or queried asked to fetch a URL or read a file; it may not."""


class UploadError(SourceError):
    """The upload cannot be used: a syntax error or something refused (HTTP 400).

    ``line`` and ``column`` (1-based) say where, when the parser knows.
    """

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        self.line = line
        self.column = column
        super().__init__(message)


class UnsupportedMediaTypeError(KGError):
    """The upload's media type is not one we parse (HTTP 415)."""


class DraftError(KGError):
    """A draft that cannot be published as it is (exit 1: fix the draft)."""

    exit_code = 1


class WriteError(KGError):
    """A write that cannot be done as asked (HTTP 400); the store is unchanged."""


class ReservedGraphError(WriteError):
    """A write that would change the ontology, shapes or derived graph (HTTP 403)."""


class QuoteError(SourceError):
    """Evidence quotes that cannot be anchored in their document's stored text."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        listing = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"{len(self.problems)} evidence quote(s) cannot be anchored:\n{listing}\n"
            "Copy the quote verbatim from data/documents/<slug>.txt; add oa:prefix or oa:suffix "
            "to the selector when the quote occurs more than once."
        )


class DataNotConformingError(KGError):
    """The data does not conform to the SHACL shapes; nothing was written."""

    exit_code = 1

    def __init__(self, report_text: str, *, warnings: tuple[str, ...] = ()) -> None:
        self.report_text = report_text
        self.warnings = warnings
        super().__init__(
            "The data does not conform to the shapes, so the store was left unchanged:\n"
            f"{report_text}\nFix the data (or the shape, if the rule is wrong) and run again."
        )


class MalformedRecordsError(KGError):
    """Records of a data file (IATI activities) that cannot be mapped; nothing was written.

    ``report`` has one ``file:line: record: problem`` line per problem.
    """

    exit_code = 1

    def __init__(self, path: str, report: Sequence[str], *, rejected: int, total: int) -> None:
        self.report = tuple(report)
        shown = "\n".join(f"  {line}" for line in self.report[:_REPORT_LINES])
        more = len(self.report) - _REPORT_LINES
        if more > 0:
            shown += f"\n  ... and {more} more"
        super().__init__(
            f"{rejected} of {total} activities in {path} cannot be imported, so nothing from "
            f"the file was:\n{shown}\nFix the file (or ask its publisher to), or import the "
            "other activities with --partial."
        )


_REPORT_LINES = 50


class WriteNotConformingError(DataNotConformingError):
    """The data after the write would not conform to the shapes (HTTP 422)."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = tuple(violations)
        super().__init__("\n".join(f"  - {_describe(v)}" for v in self.violations))


def _describe(v: Violation) -> str:
    parts = [f"{v.severity}: <{v.focus}>"]
    if v.path:
        parts.append(f"path <{v.path}>")
    if v.value:
        parts.append(f"value {v.value}")
    return ", ".join(parts) + f": {v.message}"


class StoreError(KGError):
    """The store cannot be opened, read or written."""


class QueryError(KGError):
    """A SPARQL query is malformed or cannot be evaluated."""


class RefusedQueryError(QueryError):
    """A well-formed request for something the read-only endpoint never does."""

    def __init__(self, refusal: Refusal) -> None:
        self.refusal = refusal
        super().__init__(refusal.message)


class UpdateSyntaxError(QueryError):
    """A SPARQL Update that does not parse; ``line``/``column`` say where (1-based)."""

    def __init__(self, message: str, *, line: int | None, column: int | None) -> None:
        self.line = line
        self.column = column
        super().__init__(message)


class QueryTimeoutError(KGError):
    """A query ran past its deadline and was stopped (or the server stopped it)."""


class NotFoundError(KGError):
    """No entity has the identifier the caller named (a slug or IRI in a path)."""


class GraphNotFoundError(NotFoundError):
    """DELETE of a graph the store does not hold (HTTP 404)."""


class NameResolutionError(KGError):
    """A name given as a filter does not pick out exactly one entity.

    ``candidates`` are entity references ({"id", "slug", "label", "kind"}) a person can choose
    from: the entities the name fits (ambiguous) or near misses (unknown).
    """

    def __init__(
        self, message: str, *, name: str, candidates: Sequence[Mapping[str, str | None]] = ()
    ) -> None:
        self.name = name
        self.candidates = tuple(dict(c) for c in candidates)
        super().__init__(message)


class UnknownNameError(NameResolutionError):
    """No entity of the wanted kind has this slug, IRI, label or altLabel."""


class AmbiguousNameError(NameResolutionError):
    """Several entities of the wanted kind share this label or altLabel."""
