"""Find where in the curated files a node or a quote was written, so errors name file and line.

rdflib does not keep source positions, so we search the raw text: good enough for the
hand-formatted Turtle the curators write (one subject block per entity).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kg._namespaces import PREFIXES


@dataclass(slots=True)
class Locator:
    """Remembers the text of each parsed file and answers "where is this written"."""

    root: Path
    _texts: dict[Path, list[str]] = field(default_factory=dict)

    def add(self, path: Path, text: str) -> None:
        self._texts[path] = text.splitlines()

    def _rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def value(self, iri: str, text: str) -> str | None:
        """'file:line' of the first line holding ``text`` in the block of ``iri`` (or after
        it), so that equal values of different nodes are told apart."""
        from kg._turtle import escape

        written = escape(text)
        start = self.subject(iri)  # None for a blank node: search every file
        name, _, number = (start or ":1").rpartition(":")
        for path, lines in self._texts.items():
            if start is not None and self._rel(path) != name:
                continue
            for offset, line in enumerate(lines[int(number) - 1 :]):
                if written in line:
                    return f"{self._rel(path)}:{int(number) + offset}"
        return self.quote(text) or start

    def subject(self, iri: str) -> str | None:
        """'file:line' of the block that starts with this IRI, in full or prefixed form."""
        forms = [f"<{iri}>"]
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns):
                forms.append(f"{prefix}:{iri[len(ns) :]}")
        pattern = re.compile(r"^(" + "|".join(re.escape(f) for f in forms) + r")(\s|$)")
        for path, lines in self._texts.items():
            for number, line in enumerate(lines, start=1):
                if pattern.match(line):
                    return f"{self._rel(path)}:{number}"
        return None

    def quote(self, exact: str, candidates: list[Path] | None = None) -> str | None:
        """'file:line' of the Turtle string holding the start of a quote."""
        head = exact.strip().splitlines()[0][:40] if exact.strip() else exact
        forms = {head, head.replace("\\", "\\\\"), head.replace('"', '\\"')}
        for path, lines in self._texts.items():
            if candidates is not None and path not in candidates:
                continue
            for number, line in enumerate(lines, start=1):
                if any(form and form in line for form in forms):
                    return f"{self._rel(path)}:{number}"
        return None
