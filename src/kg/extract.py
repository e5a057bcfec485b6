"""Plain text from a document as received: the rendition that evidence quotes anchor into.

One extractor per format, each named in the document's record (``ck:extractor``) with the
library and version that did the work, so that the stored text can be reproduced from the
stored original by the recorded tool alone (tests/test_extract.py does it for every shipped
document):

* ``text``: UTF-8 (a BOM dropped), line ends made ``\\n``; nothing else changes.
* ``markdown``: markdown-it-py's CommonMark parser, raw HTML off (``<Column>`` stays text);
  the text of each block, emphasis markers and backslash escapes gone (``**`` and ``\\$``),
  list markers kept as written (``14.``, ``-``: the numbers are part of what a quote cites),
  blocks separated by one blank line and soft line breaks kept as line breaks.
* ``html``: lxml's HTML parser with network access off; the main text (``<main>``, else the one
  ``<article>``, else ``<body>``) without scripts, styles, forms, navigation, headers, footers
  and embedded objects; blocks separated by a blank line, whitespace collapsed as a browser
  does, ``<br>`` a line break. Nothing is fetched: references to remote resources are counted
  and reported, never followed.
* ``pdf``: pypdf's text extraction, page by page (pages separated by a blank line), ligatures
  (``ﬁ``) spelled out and soft hyphens removed.

Hostile input: every extraction runs in a child process with a memory ceiling and a deadline
(a PDF or zip bomb, an HTML page nested a million deep, a pathological Markdown file end there,
not in the curator's shell), on a file no larger than ``MAX_ORIGINAL_BYTES``, and gives at most
``MAX_TEXT_CHARS`` characters of text.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from kg._limits import check_length
from kg.errors import ExtractionError as ExtractionError

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from markdown_it.token import Token

#: Larger originals are refused before they are read (the default of ``KG_MAX_DOCUMENT_BYTES``):
#: policy documents are kilobytes to a few megabytes; a 100 MB "document" is a mistake or an
#: attack.
MAX_ORIGINAL_BYTES: Final = 20 * 2**20
#: The longest text an extraction may give (a 2,000-page PDF is about 5 million characters).
MAX_TEXT_CHARS: Final = 10_000_000
#: What one extraction may use before it is stopped.
MEMORY_BYTES: Final = 1536 * 2**20
DEADLINE_SECONDS: Final = 120.0
MAX_PDF_PAGES: Final = 3000


@dataclass(frozen=True, slots=True)
class Extractor:
    """One way to make plain text from an original: the name a record cites, and its tool."""

    name: str
    media_type: str
    suffix: str
    library: str
    """The distribution whose code extracts (its version is recorded with the rendition)."""

    def version(self) -> str:
        if self.library == "python":
            return ".".join(str(part) for part in sys.version_info[:3])
        return importlib.metadata.version(self.library)


EXTRACTORS: Final[dict[str, Extractor]] = {
    e.name: e
    for e in (
        Extractor("text", "text/plain", ".txt", "python"),
        Extractor("markdown", "text/markdown", ".md", "markdown-it-py"),
        Extractor("html", "text/html", ".html", "lxml"),
        Extractor("pdf", "application/pdf", ".pdf", "pypdf"),
    )
}
_SUFFIXES: Final = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
}


@dataclass(frozen=True, slots=True)
class Rendition:
    """The plain text of an original, which extractor made it, and what it left out."""

    text: str
    extractor: Extractor
    version: str
    notes: tuple[str, ...] = ()


def detect(data: bytes, filename: str = "", declared: str | None = None) -> Extractor:
    """The extractor for ``data``: ``declared`` if given, else by the file's suffix, checked
    against the content (a ``.pdf`` that is not a PDF is refused), else by the content."""
    sniffed = _sniff(data)
    if declared is not None:
        if declared not in EXTRACTORS:
            raise ExtractionError(
                f"unknown format {declared!r}; use one of {', '.join(EXTRACTORS)}"
            )
        name = declared
    else:
        suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        name = _SUFFIXES.get(suffix) or sniffed or "text"
    if name == "pdf" and sniffed != "pdf":
        raise ExtractionError(f"{filename or 'the file'} does not start with %PDF-: not a PDF")
    if name != "pdf" and sniffed == "pdf":
        raise ExtractionError(f"{filename or 'the file'} is a PDF; add it as --format pdf")
    if name in {"text", "markdown"} and b"\0" in data[:65536]:
        raise ExtractionError(
            f"{filename or 'the file'} holds NUL bytes: it is binary, not {name}; give a text, "
            "Markdown, HTML or PDF file"
        )
    return EXTRACTORS[name]


def _sniff(data: bytes) -> str | None:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    return None


def extract(
    data: bytes,
    extractor: Extractor,
    *,
    isolated: bool = True,
    deadline: float = DEADLINE_SECONDS,
    max_bytes: int = MAX_ORIGINAL_BYTES,
) -> Rendition:
    """The rendition of ``data``; in a child process with limits unless ``isolated=False``.

    Raises ``InputTooLargeError`` past ``max_bytes`` (``KG_MAX_DOCUMENT_BYTES``), and
    ``ExtractionError`` for a file undecodable, hostile or empty of text.
    """
    check_length(
        len(data),
        max_bytes,
        "KG_MAX_DOCUMENT_BYTES",
        what="the file",
        advice="split it, or keep only the part the graph cites",
    )
    if not isolated:
        text, notes = _RUNNERS[extractor.name](data)
    else:
        text, notes = _run_isolated(data, extractor, deadline)
    if len(text) > MAX_TEXT_CHARS:
        raise ExtractionError(
            f"the extracted text has {len(text):,} characters, more than {MAX_TEXT_CHARS:,}"
        )
    if not text.strip():
        hint = " (a scanned PDF has no text layer: OCR it first)" if extractor.name == "pdf" else ""
        raise ExtractionError(f"no text could be extracted from the {extractor.name} file{hint}")
    return Rendition(text, extractor, extractor.version(), tuple(notes))


def _run_isolated(data: bytes, extractor: Extractor, deadline: float) -> tuple[str, list[str]]:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kg.extract", extractor.name],
            input=data,
            capture_output=True,
            timeout=deadline,
            preexec_fn=_limit_child,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExtractionError(
            f"extracting text from the {extractor.name} file took longer than "
            f"{deadline:g} s and was stopped (a decompression bomb or a deliberately "
            "slow file?); nothing was stored"
        ) from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        ended = f"signal {-done.returncode}" if done.returncode < 0 else f"exit {done.returncode}"
        raise ExtractionError(
            f"extracting text from the {extractor.name} file failed ({ended}), most likely "
            f"past the {MEMORY_BYTES // 2**20} MB memory ceiling (a decompression bomb?); "
            f"nothing was stored. {done.stderr.decode(errors='replace')[-300:].strip()}"
        )
    if "error" in answer:
        raise ExtractionError(str(answer["error"]))
    return str(answer["text"]), [str(n) for n in answer["notes"]]


def _limit_child() -> None:  # pragma: no cover - runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    cpu = int(DEADLINE_SECONDS) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


# --- the extractors -----------------------------------------------------------------------


def _decode(data: bytes, what: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ExtractionError(
            f"the {what} file is not UTF-8 (byte {exc.start}): convert it to UTF-8 first"
        ) from None
    return _newlines(text.removeprefix("\ufeff"))


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _plain(data: bytes) -> tuple[str, list[str]]:
    return _decode(data, "text"), []


def _markdown(data: bytes) -> tuple[str, list[str]]:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False})
    tokens = parser.parse(_decode(data, "Markdown"))
    parts: list[str] = []
    last_line = -1  # the source line after the previous block
    pending = ""  # a list item's marker ("-", "14."), put before its first block
    for token in tokens:
        if token.type == "list_item_open":
            pending = f"{token.info}{token.markup} " if token.info else f"{token.markup} "
            continue
        if token.type == "inline":
            text = _inline_text(token.children or [])
        elif token.type in {"fence", "code_block"}:
            text = token.content.rstrip("\n")
        else:
            continue
        start, end = token.map or (last_line + 1, last_line + 1)
        if parts:
            # Blocks on adjacent lines (a tight list) stay on adjacent lines; blank lines
            # between blocks become one.
            parts.append("\n" if start == last_line else "\n\n")
        parts.append(pending + text)
        pending, last_line = "", end
    return "".join(parts) + "\n", []


def _inline_text(children: Iterable[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)


#: Never part of a document's main text.
_DROPPED: Final = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
        "embed", "applet", "svg", "math", "canvas", "video", "audio", "picture", "source",
        "track", "map", "form", "button", "input", "select", "textarea", "nav", "aside",
        "head", "title", "meta", "link", "base", "dialog",
    }
)  # fmt: skip
#: Page furniture, dropped unless it is the main text's own (an article's header).
_FURNITURE: Final = frozenset({"header", "footer"})
_BLOCKS: Final = frozenset(
    {
        "address", "article", "blockquote", "body", "caption", "dd", "details", "div", "dl",
        "dt", "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "ul", "header", "footer", "center", "html",
    }
)  # fmt: skip
#: Blocks that follow each other on adjacent lines.
_LINES: Final = frozenset({"li", "tr", "dt", "dd"})
_LINE_GROUPS: Final = frozenset({"ul", "ol", "table", "dl"})
_REMOTE_ATTRIBUTES: Final = ("src", "href", "srcset", "data", "poster", "background", "action")
_REMOTE: Final = re.compile(r"^\s*(?:https?:|ftp:|//)", re.IGNORECASE)
_CSS_URL: Final = re.compile(r"url\(\s*['\"]?\s*(?:https?:|//)", re.IGNORECASE)
_SPACE: Final = re.compile(r"[ \t\n\r\f]+")


def _html(data: bytes) -> tuple[str, list[str]]:
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False, recover=True
    )
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"the HTML file cannot be parsed: {exc}") from None
    remote = _remote_references(root)
    dropped: dict[str, int] = {}
    main = _main_element(root)
    for element in list(main.iter()):
        tag = element.tag if isinstance(element.tag, str) else ""
        furniture = tag in _DROPPED or (tag in _FURNITURE and element is not main)
        # Still inside the main element: not in a subtree dropped already.
        if furniture and element.getparent() is not None and _within(element, main):
            dropped[tag] = dropped.get(tag, 0) + 1
            element.drop_tree()
    lines = _Blocks()
    _walk(main, lines, preformatted=False)
    notes = []
    if dropped:
        notes.append(
            "left out of the text: "
            + ", ".join(f"{n} <{tag}>" for tag, n in sorted(dropped.items()))
        )
    if remote:
        notes.append(
            f"{remote} reference(s) to remote resources (images, scripts, styles, frames) "
            "were not fetched"
        )
    return lines.text(), notes


def _within(element: HtmlElement, main: HtmlElement) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent is main:
            return True
        parent = parent.getparent()
    return element is main


def _remote_references(root: HtmlElement) -> int:
    count = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in _REMOTE_ATTRIBUTES:
            value = element.get(attribute)
            if value and _REMOTE.match(value) and not (element.tag == "a" and attribute == "href"):
                count += 1
        style = element.get("style") or ""
        if element.tag == "style":
            style += element.text or ""
        count += len(_CSS_URL.findall(style))
        if element.tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            count += 1
    return count


def _main_element(root: HtmlElement) -> HtmlElement:
    for path in ("//main", "//*[@role='main']", "//article"):
        found = root.xpath(path)
        if isinstance(found, list) and len(found) == 1:
            element: HtmlElement = found[0]  # an element path selects elements only
            return element
    body = root.find("body")
    return body if body is not None else root


class _Blocks:
    """Text collected block by block; a block boundary is one blank line."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, bool]] = []  # (text, is a line of a list or table)
        self.current: list[tuple[str, str]] = []  # (kind, text): kind text, pre or br
        self.line = False

    def add(self, text: str, kind: str = "text") -> None:
        self.current.append((kind, text))

    def end_block(self) -> None:
        parts = []
        for kind, text in self.current:
            if kind == "br":
                parts.append("\0")
            elif kind == "pre":
                parts.append(text)
            else:
                parts.append(_SPACE.sub(" ", text))
        block = re.sub(r" *\0 *", "\n", "".join(parts)).strip(" \n")
        if block:
            self.blocks.append((block, self.line))
        self.current = []

    def text(self) -> str:
        self.end_block()
        parts: list[str] = []
        previous_line = False
        for block, line in self.blocks:
            if not block:  # a list or table starts or ends
                previous_line = False
                continue
            if parts:
                # List items and table rows follow each other line by line, as in the page.
                parts.append("\n" if line and previous_line else "\n\n")
            parts.append(block)
            previous_line = line
        return "".join(parts) + "\n"


def _walk(element: HtmlElement, out: _Blocks, *, preformatted: bool, marker: str = "") -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    block = tag in _BLOCKS
    pre = preformatted or tag == "pre"
    kind = "pre" if pre else "text"
    if block:
        out.end_block()
        if tag in _LINE_GROUPS:
            out.blocks.append(("", False))
        out.line = tag in _LINES
    if marker:
        out.add(marker)
    if tag == "br":
        out.add("", "br")
    elif tag == "img":
        out.add(element.get("alt") or "")
    if element.text and tag not in {"br", "img"}:
        out.add(element.text, kind)
    number = int(element.get("start") or 1) if tag == "ol" else 0
    for child in element:
        if isinstance(child.tag, str):
            item_marker = ""
            if child.tag == "li" and tag == "ol":
                item_marker, number = f"{number}. ", number + 1
            elif child.tag == "li":
                item_marker = "- "
            if child.tag in {"td", "th"}:
                # A cell: its text on the row's line, whatever blocks it holds.
                out.add("\t" if child.getprevious() is not None else "", "pre")
                out.add(" ".join(child.itertext()), kind)
            else:
                _walk(child, out, preformatted=pre, marker=item_marker)
        if child.tail:
            out.add(child.tail, kind)
    if block:
        out.end_block()
        if tag in _LINE_GROUPS:
            out.blocks.append(("", False))
        out.line = False


def _pdf(data: bytes) -> tuple[str, list[str]]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError(
                "the PDF is encrypted with a password; decrypt it first (qpdf --decrypt)"
            )
        count = len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise ExtractionError(f"the PDF has {count} pages, more than {MAX_PDF_PAGES}")
        pages = []
        total = 0
        for page in reader.pages:
            # extract_text() logs and swallows pypdf's decompression limit; decoding the
            # content first lets a bomb stop the extraction instead of passing as a blank page.
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()
            text = _newlines(page.extract_text() or "")
            total += len(text)
            if total > MAX_TEXT_CHARS:
                raise ExtractionError(
                    f"the PDF's text passes {MAX_TEXT_CHARS:,} characters: too large a source"
                )
            pages.append(_tidy_pdf(text))
    except LimitReachedError:
        raise ExtractionError(
            "the PDF expands past pypdf's decompression limits (a PDF bomb?); refused"
        ) from None
    except (PdfReadError, PyPdfError) as exc:
        raise ExtractionError(f"the PDF cannot be read: {exc}") from None
    notes = [f"{count} page(s)"]
    empty = sum(1 for p in pages if not p.strip())
    if empty:
        notes.append(f"{empty} page(s) without a text layer (scanned?)")
    return "\n\n".join(p for p in pages if p.strip()) + "\n", notes


_LIGATURES: Final = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st", "\xad": ""}
)


def _tidy_pdf(text: str) -> str:
    lines = [line.rstrip() for line in text.translate(_LIGATURES).split("\n")]
    return "\n".join(lines).strip("\n")


_RUNNERS: Final[dict[str, Callable[[bytes], tuple[str, list[str]]]]] = {
    "text": _plain,
    "markdown": _markdown,
    "html": _html,
    "pdf": _pdf,
}


def _child(argv: list[str]) -> int:  # pragma: no cover - exercised through extract()
    """``python -m kg.extract NAME``: the original on stdin, JSON with the text on stdout."""
    name = argv[0] if argv else ""
    answer: dict[str, Any]
    try:
        if name not in _RUNNERS:
            raise ExtractionError(f"unknown extractor {name!r}")
        text, notes = _RUNNERS[name](sys.stdin.buffer.read())
        answer = {"text": text, "notes": notes}
    except ExtractionError as exc:
        answer = {"error": str(exc)}
    except MemoryError:
        answer = {
            "error": f"extracting text from the {name} file needed more than "
            f"{MEMORY_BYTES // 2**20} MB (a decompression bomb?); nothing was stored"
        }
    except RecursionError:
        answer = {"error": f"the {name} file is nested too deeply to extract"}
    except Exception as exc:  # a library's own failure on a malformed file
        answer = {"error": f"the {name} file cannot be read: {type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_child(sys.argv[1:]))
