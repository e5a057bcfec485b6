"""Competency questions: SPARQL files whose answers were derived by reading the sources."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from kg.stores.base import AskResult, SelectResult
from kg.stores.oxigraph import OxigraphStore

HERE = Path(__file__).parent / "competency"
QUESTIONS = sorted(HERE.glob("*.rq"))


def _norm(value: str) -> object:
    try:
        return Decimal(value).normalize()
    except InvalidOperation:
        return value


def _expected(path: Path) -> tuple[list[str], list[tuple[object, ...]]]:
    with path.with_suffix(".csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], sorted((tuple(_norm(v) for v in row) for row in rows[1:]), key=repr)


def test_there_are_at_least_25_questions() -> None:
    assert len(QUESTIONS) >= 25
    for question in QUESTIONS:
        text = question.read_text(encoding="utf-8")
        assert text.startswith("# Question:"), question.name
        assert question.with_suffix(".csv").is_file(), question.name


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda p: p.stem)
def test_competency_question(store: OxigraphStore, question: Path) -> None:
    result = store.query(question.read_text(encoding="utf-8"))
    header, expected = _expected(question)
    if isinstance(result, AskResult):
        assert header == ["ask"]
        assert [(str(result.value).lower(),)] == [tuple(str(v) for v in r) for r in expected]
        return
    assert isinstance(result, SelectResult)
    assert list(result.variables) == header
    got = sorted(
        (tuple(_norm("" if t is None else str(t)) for t in row) for row in result.rows), key=repr
    )
    assert got == expected
