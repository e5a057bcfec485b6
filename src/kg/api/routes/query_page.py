"""The SPARQL editor at ``/query``: the query in the URL (so a result is a link), its answer as
a table whose IRIs open their pages here, downloads from ``/sparql`` in every format, and a
syntax error shown at its line and column.

The query runs through the endpoint's own pipeline (``kg.api.routes.sparql.run_query``): the same
guard against updates and fetches, the same per-client time budget, deadline, row and byte
caps. The editor is a plain textarea that YASQE (YASGUI's editor, vendored) turns into a
highlighting editor with the prefixes filled in; without JavaScript the form still works.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from rdflib import Graph, Literal, URIRef

from kg._namespaces import PREFIXES
from kg._no_fetch import check_query
from kg.api.deps import QueryBudgetDep, QueryRunnerDep, SettingsDep
from kg.api.problems import Problem, to_problem
from kg.api.routes.pages import mark_page, render
from kg.api.routes.sparql import run_query
from kg.queries import query_names, query_text

router = APIRouter(tags=["Pages"], dependencies=[Depends(mark_page)])

#: Rows shown in the page; the downloads carry the whole answer.
SHOWN_ROWS: Final = 1000
PREFIX_BLOCK: Final = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
#: Queries the home page links to by name.
EXAMPLES: Final = {
    "fundings": (
        "Who funds whom, how much, when?",
        """SELECT ?funding ?funder ?to ?value ?min ?currency ?start ?end WHERE {
  ?funding a/rdfs:subClassOf* ck:Funding ; schema:funder ?funder .
  OPTIONAL { ?funding ck:recipient ?to }
  OPTIONAL { ?funding schema:fundedItem ?to }
  OPTIONAL { ?funding schema:amount ?a . ?a schema:currency ?currency .
             OPTIONAL { ?a schema:value ?value } OPTIONAL { ?a schema:minValue ?min } }
  OPTIONAL { ?funding schema:startDate ?start } OPTIONAL { ?funding schema:endDate ?end }
} ORDER BY ?funding
""",
    ),
    "maritime-priorities": (
        "Which Japan-UNODC priority regions include maritime-security themes, and which?",
        """SELECT ?region (GROUP_CONCAT(?themeLabel; separator=", ") AS ?themes) WHERE {
  ?p a ck:Priority ; ck:priorityRegion ?r ; dcterms:subject ?t .
  ?r rdfs:label ?region . ?t rdfs:label ?themeLabel .
  FILTER EXISTS { ?t skos:broader* id:maritime-security }
} GROUP BY ?region ORDER BY ?region
""",
    ),
    "jica-trafficking": (
        "Which JICA projects address trafficking in persons, where and when?",
        """SELECT DISTINCT ?project ?country ?start ?end WHERE {
  ?project a ck:Project ; ck:implementedBy id:jica ;
      dcterms:subject/skos:broader* id:trafficking-in-persons ;
      schema:areaServed ?country ; schema:startDate ?start ; schema:endDate ?end .
  ?country a/rdfs:subClassOf* schema:Country .
}
""",
    ),
    "evidence": (
        "Where is a fact quoted?",
        """SELECT ?quote ?start ?end WHERE {
  id:funding-japan-un-women-2013 prov:wasDerivedFrom ?e .
  ?e oa:hasSelector [ oa:exact ?quote ] , [ oa:start ?start ; oa:end ?end ] .
}
""",
    ),
    "priorities": (
        "Every priority: who sets it, for which region and themes",
        """SELECT ?priority ?label ?region ?theme WHERE {
  ?priority a ck:Priority ; rdfs:label ?label ; ck:priorityRegion ?region .
  OPTIONAL { ?priority dcterms:subject ?theme }
} ORDER BY ?label
""",
    ),
}
DEFAULT_EXAMPLE: Final = "fundings"
#: Where engines say a syntax error is: Oxigraph "at 2:10", rdflib (pyparsing) "(line:2, col:3)",
#: Virtuoso "line 2" (no column).
_POSITION: Final = re.compile(
    r"\bat (?P<line>\d+):(?P<column>\d+)|\(line:(?P<pline>\d+), col:(?P<pcolumn>\d+)\)"
    r"|\bline (?P<vline>\d+)\b"
)


@dataclass(frozen=True, slots=True)
class Example:
    name: str
    question: str
    query: str

    @property
    def href(self) -> str:
        # By name: short links, a light page; the answer's address names the query it ran.
        return "/query?" + urlencode({"example": self.name})


@cache
def _competency(folder: Path) -> tuple[Example, ...]:
    """The competency questions of the checkout (``tests/competency/*.rq``), if it has them."""
    found = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        question = next(
            (
                line.removeprefix("# Question:").strip()
                for line in text.splitlines()
                if line.startswith("# Question:")
            ),
            path.stem,
        )
        found.append(Example(path.stem, question, text))
    return tuple(found)


def examples(root: Path) -> dict[str, tuple[Example, ...]]:
    ours = tuple(
        Example(name, question, PREFIX_BLOCK + "\n" + text)
        for name, (question, text) in EXAMPLES.items()
    )
    named = tuple(
        Example(name, _first_sentence(query_text(name)), query_text(name)) for name in query_names()
    )
    return {
        "examples": ours,
        "competency": _competency(root / "tests" / "competency"),
        "named": named,
    }


def _first_sentence(text: str) -> str:
    words: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        words.extend(line.lstrip("#").split())
    sentence = " ".join(words)
    end = sentence.find(". ")
    return sentence if end == -1 else sentence[: end + 1]


# -- results ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    kind: str  # "uri", "literal", "bnode" or "" (unbound)
    value: str
    datatype: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    form: str
    variables: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: int
    boolean: bool | None = None
    truncated: bool = False


def _select_answer(body: bytes) -> Answer:
    data = json.loads(body)
    if "boolean" in data:
        return Answer("ASK", (), (), 0, bool(data["boolean"]))
    variables = tuple(data["head"].get("vars", []))
    bindings = data["results"]["bindings"]
    rows = tuple(
        tuple(
            Cell(
                b[v]["type"].replace("typed-literal", "literal"),
                b[v]["value"],
                b[v].get("datatype"),
                b[v].get("xml:lang"),
            )
            if v in b
            else Cell("", "")
            for v in variables
        )
        for b in bindings[:SHOWN_ROWS]
    )
    return Answer("SELECT", variables, rows, len(bindings))


def _graph_answer(body: bytes) -> Answer:
    graph = Graph()
    graph.parse(data=body, format="nt")
    triples = sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))

    def cell(term: object) -> Cell:
        if isinstance(term, URIRef):
            return Cell("uri", str(term))
        if isinstance(term, Literal):
            datatype = str(term.datatype) if term.datatype is not None else None
            return Cell("literal", str(term), datatype, term.language)
        return Cell("bnode", str(term))

    rows = tuple(tuple(cell(t) for t in triple) for triple in triples[:SHOWN_ROWS])
    return Answer("CONSTRUCT", ("subject", "predicate", "object"), rows, len(triples))


@dataclass(frozen=True, slots=True)
class ErrorAt:
    """A query error, with the line it points at and a caret under the column when it says."""

    problem: Problem
    line: int | None = None
    column: int | None = None
    text: str = ""


def _error(problem: Problem, query: str) -> ErrorAt:
    match = _POSITION.search(problem.detail)
    if match is None:
        return ErrorAt(problem)
    line = int(match.group("line") or match.group("pline") or match.group("vline"))
    column_text = match.group("column") or match.group("pcolumn")
    column = int(column_text) if column_text else None
    lines = query.splitlines()
    if not 0 < line <= len(lines):  # a position in something else than what the user wrote
        return ErrorAt(problem)
    return ErrorAt(problem, line, column, lines[line - 1])


def downloads(query: str, form: str) -> list[tuple[str, str]]:
    """Links to the same answer from /sparql, in the formats its query form has."""
    names: tuple[str, ...] = {
        "SELECT": ("csv", "json", "tsv", "xml"),
        "ASK": ("json", "xml"),
    }.get(form, ("turtle", "ntriples", "jsonld"))
    return [(name, "/sparql?" + urlencode({"query": query, "format": name})) for name in names]


QueryText = Annotated[str | None, Query(max_length=200_000)]


@router.get("/query", include_in_schema=False)
async def query_page(
    request: Request,
    settings: SettingsDep,
    runner: QueryRunnerDep,
    budget: QueryBudgetDep,
    query: QueryText = None,
    example: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    listed = examples(settings.root)
    text = query
    if text is None and example is not None:
        chosen = next((e for group in listed.values() for e in group if e.name == example), None)
        if chosen is None:
            raise Problem(404, f"There is no example query {example!r}; /query lists them.")
        text = chosen.query
    answer: Answer | None = None
    error: ErrorAt | None = None
    status = 200
    if text is not None and text.strip():
        form = check_query(text) or "SELECT"
        graph = form in ("CONSTRUCT", "DESCRIBE")
        try:
            response = await run_query(
                request, settings, runner, budget, text, "ntriples" if graph else "json"
            )
        except Exception as exc:
            problem = to_problem(exc)
            if problem.status >= 500 and problem.type == "about:blank":
                raise
            error, status = _error(problem, text), problem.status
        else:
            parse = _graph_answer if graph else _select_answer
            parsed = await run_in_threadpool(parse, bytes(response.body))
            truncated = response.headers.get("x-result-truncated") == "true"
            answer = Answer(
                parsed.form,
                parsed.variables,
                parsed.rows,
                parsed.total,
                parsed.boolean,
                truncated,
            )
    context: dict[str, Any] = {
        "query": text if text is not None else listed["examples"][0].query,
        "ran": text is not None and bool(text.strip()),
        "answer": answer,
        "error": error,
        "examples": listed,
        "shown_rows": SHOWN_ROWS,
        "downloads": downloads(text, answer.form) if answer is not None and text else [],
        "share": str(request.url) if text is not None else None,
        "prefixes": PREFIXES,
    }
    return await run_in_threadpool(render, "query.html", status_code=status, **context)
