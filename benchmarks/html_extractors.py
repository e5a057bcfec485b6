"""Which HTML main-text extractor should `kg source add` use? A parity check on the two shipped
documents published as web pages.

Each shipped Markdown original is rendered to HTML (markdown-it-py) and put inside the furniture
of a ministry's site (head with scripts and styles, header, navigation, breadcrumbs, related
links, footer). Each extractor then gets the page; we count how many of the curated quotes (of
that document's stored text) occur verbatim in what it gives, which furniture leaks into it, and
how long it takes. Quotes anchor by exact match, so a dropped paragraph or a re-flowed line is a
lost fact.

    .venv/bin/python benchmarks/html_extractors.py [--trafilatura PYTHON]

PYTHON is an interpreter that has trafilatura installed (it is not a dependency of coop-kg).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from markdown_it import MarkdownIt
from rdflib import Graph

from kg._namespaces import ID, OA
from kg.extract import EXTRACTORS, extract

ROOT = Path(__file__).resolve().parents[1]
FURNITURE = ("Skip to content", "Home", "Press releases", "Related news", "Copyright", "Sitemap")
PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="https://www.mofa.go.jp/css/site.css">
<script src="https://www.mofa.go.jp/js/analytics.js"></script></head><body>
<a href="#main">Skip to content</a>
<header><img src="https://www.mofa.go.jp/logo.png" alt="Ministry of Foreign Affairs of Japan">
<nav><ul><li><a href="/">Home</a></li><li><a href="/press">Press releases</a></li></ul></nav></header>
<div class="breadcrumbs"><a href="/">Home</a> &gt; <a href="/press">Press releases</a></div>
<main id="main"><article>{body}</article></main>
<aside><h2>Related news</h2><ul><li><a href="/a">Japan at the UN</a></li></ul></aside>
<footer><p>Copyright © Ministry of Foreign Affairs of Japan</p><a href="/map">Sitemap</a></footer>
<script>window.dataLayer = [];</script></body></html>"""
TRAFILATURA = """
import json, sys, time, trafilatura
pages = json.load(sys.stdin)
out = {}
for slug, html in pages.items():
    started = time.perf_counter()
    text = trafilatura.extract(html, include_comments=False, include_tables=True) or ""
    out[slug] = {"text": text, "seconds": time.perf_counter() - started,
                 "version": trafilatura.__version__}
json.dump(out, sys.stdout)
"""


def quotes_of(slug: str) -> list[str]:
    found = []
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        graph = Graph().parse(path, format="turtle")
        for evidence, selector in graph.subject_objects(OA.hasSelector):
            exact = graph.value(selector, OA.exact)
            if exact is not None and graph.value(evidence, OA.hasSource) == ID[slug]:
                found.append(str(exact))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trafilatura", help="a Python with trafilatura installed")
    args = parser.parse_args()
    pages: dict[str, str] = {}
    results: dict[str, dict[str, dict[str, object]]] = {}
    for original in sorted((ROOT / "data/documents/originals").glob("*.md")):
        slug = original.stem
        body = MarkdownIt("commonmark", {"html": False}).render(original.read_text())
        pages[slug] = PAGE.format(title=slug, body=body)
        started = time.perf_counter()
        rendition = extract(pages[slug].encode(), EXTRACTORS["html"], isolated=False)
        results.setdefault("kg.extract html (lxml)", {})[slug] = {
            "text": rendition.text,
            "seconds": time.perf_counter() - started,
        }
    if args.trafilatura:
        done = subprocess.run(
            [args.trafilatura, "-c", TRAFILATURA],
            input=json.dumps(pages),
            capture_output=True,
            text=True,
            check=True,
        )
        answer = json.loads(done.stdout)
        version = next(iter(answer.values()))["version"]
        results[f"trafilatura {version}"] = answer
    for name, per_document in results.items():
        print(f"== {name}")
        for slug, result in per_document.items():
            text = str(result["text"])
            quotes = quotes_of(slug)
            kept = sum(1 for q in quotes if q in text)
            leaked = [f for f in FURNITURE if f in text]
            print(
                f"  {slug}: {kept}/{len(quotes)} quotes verbatim ({100 * kept / len(quotes):.1f}%), "
                f"furniture leaked: {leaked or 'none'}, {1000 * float(str(result['seconds'])):.1f} ms"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
