"""One error tree for coop-kg.

Every failure a user can meet is a ``KGError`` whose message says what went wrong and what to
do next. The CLI maps the tree to exit codes, the API to problem+json, each in one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class KGError(Exception):
    """Base of every error coop-kg raises on purpose."""

    exit_code = 2


class ConfigurationError(KGError):
    """A setting, path or store specification cannot be used."""


class SourceError(KGError):
    """An input file cannot be read or parsed (syntax error, missing document text, checksum)."""


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


class StoreError(KGError):
    """The store cannot be opened, read or written."""


class QueryError(KGError):
    """A SPARQL query is malformed or cannot be evaluated."""


class QueryTimeoutError(KGError):
    """A query ran past its deadline and was stopped (or the server stopped it)."""


class NotFoundError(KGError):
    """No entity has the identifier the caller named (a slug or IRI in a path)."""


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
