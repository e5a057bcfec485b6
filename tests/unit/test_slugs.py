"""One slug rule (``kg.slugs.slugify``) for importers and ``kg source add`` alike."""

from __future__ import annotations

import pytest

from kg import intake
from kg.slugs import slugify

#: Inputs whose slugs are shipped IRIs or pinned by tests elsewhere: the rule keeps them.
STABLE = [
    ("Côte d'Ivoire", "cote-d-ivoire"),
    (
        "Japan International Cooperation Agency (JICA)",
        "japan-international-cooperation-agency-jica",
    ),
    ("XM-DAC-41114", "xm-dac-41114"),
    ("GB-GOV-1", "gb-gov-1"),
    ("  UN   Women  ", "un-women"),
    ("São Tomé and Príncipe", "sao-tome-and-principe"),
    ("Ærø Søndergaard", "r-sndergaard"),  # letters with no ASCII form are dropped, as before
    ("", ""),
]

#: Non-ASCII punctuation, symbols and spaces separate words as their ASCII forms do.
SEPARATORS = [
    ("Côte d\u2019Ivoire", "cote-d-ivoire"),
    ("Japan\u2013UNODC Fact Sheet 2025", "japan-unodc-fact-sheet-2025"),
    ("women\u2019s empowerment", "women-s-empowerment"),
    ("North\u00a0Africa", "north-africa"),
    ("10\u202fmillion\u2026", "10-million"),
    ("\u201cquoted\u201d", "quoted"),
]


@pytest.mark.parametrize(("text", "slug"), STABLE + SEPARATORS)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize(("text", "ascii_text"), [("d\u2019a", "d'a"), ("a\u2013b", "a-b")])
def test_curly_and_straight_punctuation_slug_alike(text: str, ascii_text: str) -> None:
    assert slugify(text) == slugify(ascii_text)


@pytest.mark.parametrize("title", [text for text, slug in STABLE + SEPARATORS if slug])
def test_source_slugs_follow_the_same_rule(title: str) -> None:
    assert intake.slugify(title) == slugify(title)


def test_source_slugs_are_cut_between_words() -> None:
    title = "Japan\u2013UNODC cooperation on border management in Southeast Asia, 2024 to 2026"
    slug = intake.slugify(title, limit=30)
    assert slug == "japan-unodc-cooperation-on"
    assert slugify(title).startswith(slug + "-")


def test_a_title_with_no_slug_is_refused() -> None:
    with pytest.raises(intake.IntakeError, match="--slug"):
        intake.slugify("\u2014 \u2026")
