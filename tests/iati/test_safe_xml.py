"""kg._safe_xml: refusals before parsing, line numbers past libxml2's 65,535, one item in memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg._limits import check_size
from kg._safe_xml import ReadState, UnsafeXmlError, root_name, stream_items
from kg.errors import InputTooLargeError, SourceError

ACTIVITY = '<iati-activity n="{n}">\n  <title>t</title>\n  <transaction>\n  </transaction>\n</iati-activity>\n'


def write(tmp_path: Path, text: str, name: str = "f.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def items(path: Path) -> list[tuple[int, str | None, int, int]]:
    """(position, @n, line of the item, line of its transaction) of each item."""
    found = []
    state = ReadState(size=path.stat().st_size)
    for _root, item in stream_items(
        path, root="iati-activities", item="iati-activity", track=("transaction",), state=state
    ):
        if item is None:
            continue
        element = item.element
        transaction = element.find("transaction")
        assert transaction is not None
        found.append((item.position, element.get("n"), item.line(element), item.line(transaction)))
        # Earlier items are gone but the last one, emptied (the iterparse idiom).
        before = list(element.itersiblings(preceding=True))
        assert len(before) <= 1 and all(len(b) == 0 and not b.attrib for b in before)
    assert state.done == path.stat().st_size
    return found


def test_lines_past_65535_are_exact(tmp_path: Path) -> None:
    padding = "\n" * 70_000
    text = f"<?xml version='1.0'?>\n<iati-activities>\n{ACTIVITY.format(n=1)}{padding}{ACTIVITY.format(n=2)}</iati-activities>\n"
    path = write(tmp_path, text)
    assert items(path) == [(1, "1", 3, 5), (2, "2", 70_008, 70_010)]


def test_a_file_on_one_line(tmp_path: Path) -> None:
    body = "".join(ACTIVITY.format(n=n).replace("\n", "") for n in range(1, 3001))
    path = write(tmp_path, f"<iati-activities>{body}</iati-activities>")
    found = items(path)
    assert len(found) == 3000 and {line for _, _, line, _ in found} == {1}
    assert path.stat().st_size > 65536 * 2  # read in several pieces


def test_the_prolog_may_hold_a_bom_comments_and_instructions(tmp_path: Path) -> None:
    path = tmp_path / "f.xml"
    path.write_bytes(
        b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- a comment -->\n<?pi x?>\n<iati-activities/>\n"
    )
    assert root_name(path) == "iati-activities"


def test_a_doctype_after_a_comment_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "<!-- x -->\n\n<!DOCTYPE iati-activities>\n<iati-activities/>\n")
    with pytest.raises(UnsafeXmlError, match=r"f\.xml:3: a DOCTYPE"):
        root_name(path)


def test_another_root_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "<html><iati-activity/></html>")
    with pytest.raises(SourceError, match="root element is <html>, not <iati-activities>"):
        list(stream_items(path, root="iati-activities", item="iati-activity", state=ReadState(1)))


def test_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "<iati-activities/>")
    assert check_size(path, 18, "KG_MAX_IMPORT_BYTES") == 18
    with pytest.raises(InputTooLargeError, match="more than the import limit of 17 bytes"):
        check_size(path, 17, "KG_MAX_IMPORT_BYTES")
