"""Every code line the documentation shows fits in 88 columns: no horizontal scrolling.

The site's content column shows about 88 characters of code; wider lines scroll. This covers every
fenced block of ``docs/**/*.md`` and ``README.md`` (code, console sessions, the outputs shown in
``pycon`` blocks, TOML, JSON, text), and the files a block includes with ``--8<-- "PATH"`` (the
sample input files of the command-line pages). The exceptions, each for a reason:

* ``mermaid`` blocks are drawn as diagrams, and a diagram's source line is not what the reader sees.
* a benchmark's output, quoted as it printed it (a ``text`` block titled "benchmark output"): a
  figure in the docs is one a reader can reproduce, so its table is not re-wrapped by hand.
* an included JSON Lines file (``.jsonl``): each record is one line by the format's definition, so
  it cannot be wrapped (the engagement sample of the command-line pages is as short as a valid
  engagement gets).

A long output line is wrapped in the docs (the doctests compare with ``NORMALIZE_WHITESPACE``,
and the command-line examples are compared the same way, see ``test_h17b_cli_docs.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted([*DOCS.rglob("*.md"), ROOT / "README.md"]) if DOCS.is_dir() else []
WIDTH = 88
NOT_SHOWN_AS_CODE = frozenset({"mermaid"})
QUOTED_AS_PRINTED = 'title="benchmark output"'
ONE_RECORD_A_LINE = (".jsonl",)
SNIPPET = re.compile(r'^--8<-- "(?P<path>[^":]+)(?::(?P<start>\d+):(?P<end>\d+))?"$')
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")

pytestmark = pytest.mark.skipif(
    not DOCS.is_dir(), reason="the documentation is not part of this checkout"
)


def shown_lines(line: str) -> list[str]:
    """The lines a code line shows: an included file's lines (or its range), else itself."""
    match = SNIPPET.match(line)
    if match is None:
        return [line]
    if match["path"].endswith(ONE_RECORD_A_LINE):
        return []
    lines = (ROOT / match["path"]).read_text(encoding="utf-8").splitlines()
    if match["start"]:
        return lines[int(match["start"]) - 1 : int(match["end"])]
    return lines


def wide_lines(text: str, width: int = WIDTH) -> list[tuple[int, int]]:
    """Return ``(line number, length)`` of each fenced code line wider than ``width``.

    A line that includes a file stands for the file's lines: a wide one is reported at the
    including line.
    """
    found: list[tuple[int, int]] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        index += 1
        if not match:
            continue
        fence, indent = match["fence"], match["indent"]
        language = match["info"].strip().split(" ")[0].lstrip(".").lower()
        while index < len(lines) and not (
            lines[index].strip().startswith(fence[0] * len(fence))
            and not lines[index].strip().strip(fence[0])
        ):
            if language not in NOT_SHOWN_AS_CODE and QUOTED_AS_PRINTED not in match["info"]:
                shown = shown_lines(lines[index].removeprefix(indent))
                found.extend((index + 1, len(line)) for line in shown if len(line) > width)
            index += 1
        index += 1
    return found


def page_id(page: Path) -> str:
    """A readable test id: the page's path relative to the repository."""
    return page.relative_to(ROOT).as_posix()


class TestWideLines:
    def test_finds_a_wide_line_in_any_language(self):
        """A line of 89 characters is found in a console block; 88 is fine."""
        text = "# T\n\n```console\n" + "x" * 88 + "\n" + "y" * 89 + "\n```\n"

        assert [(5, 89)] == wide_lines(text)

    def test_indentation_of_the_fence_does_not_count(self):
        """A block indented under a list item is measured from its fence's indentation."""
        text = "* item\n\n    ```python\n    " + "x" * 88 + "\n    ```\n"

        assert [] == wide_lines(text)

    def test_prose_and_diagrams_are_not_code(self):
        """A long prose line or a Mermaid source line is not a wide code line."""
        text = "z" * 200 + "\n\n```mermaid\n" + "m" * 200 + "\n```\n\n```text\nok\n```\n"

        assert [] == wide_lines(text)

    def test_an_included_file_counts_line_by_line(self):
        """A wide line of an included file is reported at the line that includes it."""
        text = '# T\n\n```text title="README"\n--8<-- "README.md"\n```\n'
        widest = max(map(len, (ROOT / "README.md").read_text(encoding="utf-8").splitlines()))

        assert [] == wide_lines(text, width=widest)
        assert [4] == sorted({line for line, _ in wide_lines(text, width=widest - 1)})


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_code_fits_in_88_columns(page):
    """No code line of the page (outputs included) is wider than 88 columns."""
    wide = wide_lines(page.read_text(encoding="utf-8"))

    assert [] == [f"{page_id(page)}:{line}: {length} columns" for line, length in wide]
