"""The documentation's code examples run, page by page, and the docs build configuration is sound.

Every fenced ``python`` block of a page in ``docs/`` and of ``README.md`` runs in order in one
namespace per page, so later blocks can use what earlier blocks defined. A block whose first line
starts with ``>>>`` runs as a doctest (its printed output is checked). A ``<!-- skip -->`` comment
on the line just before a block skips it. Failing lines are reported with their line number in the
Markdown file.
"""

from __future__ import annotations

import doctest
import re
import runpy
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted([*DOCS.rglob("*.md"), ROOT / "README.md"]) if DOCS.is_dir() else []
SKIP = "<!-- skip -->"
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)$")

pytestmark = pytest.mark.skipif(
    not DOCS.is_dir(), reason="the documentation is not part of this checkout"
)


class Block:
    """One fenced code block: its first line number (1-based) and its source lines."""

    def __init__(self, line: int, lines: list[str], *, skipped: bool) -> None:
        self.line = line
        self.lines = lines
        self.skipped = skipped

    @property
    def is_doctest(self) -> bool:
        """Whether the block is written as an interactive session."""
        first = next((text for text in self.lines if text.strip()), "")
        return first.lstrip().startswith(">>>")


def python_blocks(text: str) -> list[Block]:
    """Return the fenced ``python``/``py``/``pycon`` blocks of a Markdown text, in order."""
    blocks: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        fence, indent = match["fence"], match["indent"]
        language = match["info"].strip().split(" ")[0].lstrip(".").lower()
        previous = next((text.strip() for text in reversed(lines[:index]) if text.strip()), "")
        start = index + 1
        index += 1
        body: list[str] = []
        while index < len(lines) and not (
            lines[index].strip().startswith(fence[0] * len(fence))
            and not lines[index].strip().strip(fence[0])
        ):
            body.append(lines[index].removeprefix(indent))
            index += 1
        index += 1
        if language in {"python", "py", "pycon"}:
            blocks.append(Block(start + 1, body, skipped=previous == SKIP))
    return blocks


def run_page(page: Path, workdir: Path) -> int:
    """Run every Python block of a page in one namespace; return how many blocks ran."""
    namespace: dict[str, object] = {"__name__": "__docs__"}
    script = workdir / f"{page.stem}_block.py"
    ran = 0
    for block in python_blocks(page.read_text(encoding="utf-8")):
        if block.skipped:
            continue
        ran += 1
        if block.is_doctest:
            source = "\n".join(block.lines) + "\n"
            test = doctest.DocTestParser().get_doctest(
                source, namespace, f"{page.name}:{block.line}", str(page), block.line - 1
            )
            runner = doctest.DocTestRunner(
                optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
            )
            runner.run(test, clear_globs=False)
            namespace = test.globs
            failed, _ = runner.summarize(verbose=False)
            assert failed == 0, f"{page}:{block.line}: a doctest example failed (see output)"
            continue
        # Pad with blank lines so that tracebacks show the line numbers of the Markdown file.
        padding = "\n" * (block.line - 1)
        script.write_text(padding + "\n".join(block.lines) + "\n", encoding="utf-8")
        namespace = runpy.run_path(str(script), init_globals=namespace, run_name="__docs__")
    return ran


def console_sessions(block: str) -> list[tuple[list[str], str]]:
    """Split a ``console`` block into its commands (as argv) and the output shown under each.

    A command is a ``$ `` line and the lines its trailing backslashes continue; the output is every
    line up to the next command.
    """
    sessions: list[tuple[list[str], list[str]]] = []
    lines = block.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.startswith("$ "):
            if sessions:
                sessions[-1][1].append(line)
            continue
        command = line.removeprefix("$ ")
        while command.endswith("\\") and index < len(lines):
            command = command[:-1] + " " + lines[index].strip()
            index += 1
        sessions.append((shlex.split(command), []))
    return [(argv, "\n".join(shown) + "\n" if shown else "") for argv, shown in sessions]


def same_output(shown: str, printed: str) -> bool:
    """Whether ``printed`` is the output the docs show, up to the wrapping of long lines.

    The docs wrap output lines at 88 columns (indenting the continuation), so runs of whitespace
    compare equal, as ``NORMALIZE_WHITESPACE`` makes them in the doctests.
    """
    return shown.split() == printed.split()


def page_id(page: Path) -> str:
    """A readable test id: the page's path relative to the repository."""
    return page.relative_to(ROOT).as_posix()


class TestBlockParsing:
    def test_finds_python_blocks_and_their_lines(self):
        """Python blocks are found with the line of their first code line; others are ignored."""
        text = "# T\n\n```python\nx = 1\n```\n\n```console\n$ ls\n```\n\n```py\ny = x\n```\n"

        blocks = python_blocks(text)

        assert [(4, ["x = 1"]), (12, ["y = x"])] == [(b.line, b.lines) for b in blocks]

    def test_skip_marker_skips_only_the_next_block(self):
        """A skip comment just before a block marks that block, and only it, as skipped."""
        text = "<!-- skip -->\n```python\nboom()\n```\n\n```python\nok = 1\n```\n"

        assert [True, False] == [block.skipped for block in python_blocks(text)]

    def test_doctest_blocks_are_recognised(self):
        """A block starting with a prompt is run as a doctest."""
        text = "```pycon\n>>> 1 + 1\n2\n```\n"

        assert [True] == [block.is_doctest for block in python_blocks(text)]

    def test_blocks_share_one_namespace_and_report_markdown_lines(self, tmp_path):
        """Later blocks see earlier names; an error's traceback points at the Markdown line."""
        page = tmp_path / "page.md"
        page.write_text(
            "```python\nvalue = 2\n```\n\n"
            "```python\nassert value == 2\n\nraise KeyError('x')\n```\n",
            encoding="utf-8",
        )

        with pytest.raises(KeyError) as info:
            run_page(page, tmp_path)

        assert 8 == info.traceback[-1].lineno + 1


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_page_examples_run(page, tmp_path, monkeypatch):
    """Every Python example of the page runs without error, in order, in a scratch directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))

    run_page(page, tmp_path)


class TestSiteConfiguration:
    def test_every_nav_page_exists(self):
        """Every page the navigation names exists in the docs folder."""
        text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
        nav = text.split("\nnav:\n", 1)[1].split("\n\n", 1)[0]
        pages = re.findall(r"([\w/.-]+\.md)\s*$", nav, flags=re.MULTILINE)

        missing = [page for page in pages if not (DOCS / page).is_file()]

        assert [] == missing
        assert len(pages) > 10

    def test_build_needs_no_network(self):
        """The site builds offline: no external inventories and no social cards."""
        text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")

        assert [] == re.findall(r"^\s*(?:inventories:|- social\b)", text, flags=re.MULTILINE)

    def test_changelog_page_includes_the_changelog(self):
        """The changelog page is the project's CHANGELOG.md, included, never copied."""
        assert '--8<-- "CHANGELOG.md"' in (DOCS / "changelog.md").read_text(encoding="utf-8")
