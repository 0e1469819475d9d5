"""The command-line pages show what the commands print, run on the input files they show.

Every ``console`` block of ``docs/reference/cli/*.md`` is a session: each ``$ clientcustomer ...``
command runs in-process through ``main(argv)`` in a scratch folder holding the sample files of
``docs/examples/cli/`` (and ``docs/examples/research-engagement.json``), and what it prints, on
stdout then stderr, must be the output the page shows under it. ``$ cat FILE`` shows a file a
previous command wrote. The page may wrap a long output line (whitespace runs compare equal, see
``test_docs.same_output``) and may stand ``...`` alone on a line for lines it leaves out.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest

from clientcustomer.cli import main
from test_docs import console_sessions, same_output

ROOT = Path(__file__).resolve().parent.parent
PAGES_DIR = ROOT / "docs" / "reference" / "cli"
EXAMPLES = ROOT / "docs" / "examples"
PAGES = sorted(PAGES_DIR.glob("*.md")) if PAGES_DIR.is_dir() else []
CONSOLE = re.compile(r"^```console\n(.*?)^```$", flags=re.MULTILINE | re.DOTALL)
SNIPPET = re.compile(
    r'^[ \t]*--8<-- "(?P<path>[^":]+)(?::(?P<start>\d+):(?P<end>\d+))?"$', re.MULTILINE
)

pytestmark = pytest.mark.skipif(
    not PAGES_DIR.is_dir(), reason="the documentation is not part of this checkout"
)


def prepare(folder: Path) -> None:
    """Copy the sample input files into ``folder``."""
    for path in (EXAMPLES / "cli").iterdir():
        shutil.copy(path, folder / path.name)
    shutil.copy(EXAMPLES / "research-engagement.json", folder / "research-engagement.json")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run one shown command in the current folder; return what it printed (stdout, stderr)."""
    if argv[0] == "cat":
        return "".join(Path(name).read_text(encoding="utf-8") for name in argv[1:])
    assert argv[0] == "clientcustomer", argv
    with contextlib.suppress(SystemExit):  # --help and usage errors exit through argparse
        main(argv[1:])
    out, err = capsys.readouterr()
    return out + err


def matches(shown: str, printed: str) -> bool:
    """Whether ``printed`` is ``shown``, where a line ``...`` alone stands for any lines."""
    if not any(line.strip() == "..." for line in shown.splitlines()):
        return same_output(shown, printed)
    parts: list[list[str]] = [[]]
    for line in shown.splitlines():
        if line.strip() == "...":
            parts.append([])
        else:
            parts[-1].append(line)
    words = [[re.escape(word) for word in "\n".join(part).split()] for part in parts]
    pattern = r"\s(?:.*\s)?".join(r"\s+".join(part) for part in words if part)
    if not words[0]:
        pattern = r"(?:.*\s)?" + pattern
    if not words[-1]:
        pattern += r"(?:\s.*)?"
    return re.fullmatch(r"\s*" + pattern + r"\s*", printed, flags=re.DOTALL) is not None


def page_id(page: Path) -> str:
    """A readable test id: the page's path relative to the repository."""
    return page.relative_to(ROOT).as_posix()


class TestMatching:
    def test_an_elision_stands_for_any_lines(self):
        """``...`` alone on a line matches lines left out; the rest must be there, in order."""
        printed = "head\nleft out\nalso left out\ntail\n"

        assert matches("head\n...\ntail\n", printed)
        assert not matches("head\n...\nother\n", printed)
        assert not matches("tail\n...\nhead\n", printed)
        assert matches("...\ntail\n", printed)
        assert matches("head\n...\n", printed)
        assert not matches("hea\n...\n", printed)

    def test_without_an_elision_every_word_counts(self):
        """A wrapped line matches; a missing or changed word does not."""
        assert matches("a long\n    line\n", "a long line\n")
        assert not matches("a long\n", "a long line\n")


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_page_shows_what_the_commands_print(page, tmp_path, monkeypatch, capsys):
    """Every command of the page prints, on the sample files, the output the page shows."""
    prepare(tmp_path)
    monkeypatch.chdir(tmp_path)
    ran = 0
    for block in CONSOLE.findall(page.read_text(encoding="utf-8")):
        for argv, shown in console_sessions(block):
            printed = run(argv, capsys)
            assert matches(shown, printed), f"{page.name}: $ {' '.join(argv)}\n{printed}"
            ran += 1

    assert ran > 0


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_page_shows_the_input_files_it_uses(page):
    """Each sample file a command of the page reads is included on the page, from the file."""
    text = page.read_text(encoding="utf-8")
    included = {Path(match["path"]).name for match in SNIPPET.finditer(text)}
    samples = {path.name for path in (EXAMPLES / "cli").iterdir()} | {"research-engagement.json"}
    used = {
        word
        for block in CONSOLE.findall(text)
        for argv, _ in console_sessions(block)
        for word in argv
        if argv[0] == "clientcustomer"
    }

    assert [] == sorted((used & samples) - included)


def test_every_command_has_a_page():
    """Each subcommand of the command line has its page, and the navigation lists it."""
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    names = {
        "classify",
        "explain",
        "demo",
        "rules",
        "rules-diff",
        "rules-evaluate",
        "timeline",
        "lifecycle",
        "engagement",
        "recommend",
        "glossary",
    }

    assert names == {page.stem for page in PAGES} - {"index"}
    assert [] == [name for name in sorted(names) if f"reference/cli/{name}.md" not in nav]
