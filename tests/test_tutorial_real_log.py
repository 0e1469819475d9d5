"""The real-log tutorial runs, in order, on the UCI "Online Retail" data set when it is present.

The data set is not part of the project, so every Python block of ``docs/tutorial-real-log.md``
is marked ``<!-- skip -->`` (test_docs skips them). This test runs them, in order, in one
namespace, with the doctest machinery of test_docs, on the file named by the
``CLIENTCUSTOMER_ONLINE_RETAIL`` environment variable, or else on
``../shared/data/online-retail.csv.gz`` beside the repository root; it is skipped, saying so,
when neither exists.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_docs import DOCS, ROOT, SKIP, python_blocks, run_page

PAGE = DOCS / "tutorial-real-log.md"
VARIABLE = "CLIENTCUSTOMER_ONLINE_RETAIL"
BESIDE = ROOT.parent / "shared" / "data" / "online-retail.csv.gz"


def data_file() -> Path | None:
    """The data set's file: from the environment variable, or else beside the repository."""
    named = os.environ.get(VARIABLE)
    path = Path(named) if named else BESIDE
    return path.resolve() if path.is_file() else None


pytestmark = pytest.mark.skipif(
    not PAGE.is_file(), reason="the documentation is not part of this checkout"
)


def test_every_block_waits_for_the_data():
    """Every Python block of the page is skipped by test_docs: it needs the data set."""
    blocks = python_blocks(PAGE.read_text(encoding="utf-8"))

    assert len(blocks) > 10
    assert [] == [block.line for block in blocks if not block.skipped]


def test_first_block_reads_the_path_from_the_environment():
    """The reader points the page at the file the same way the test does."""
    first = python_blocks(PAGE.read_text(encoding="utf-8"))[0]

    assert VARIABLE in "\n".join(first.lines)


def test_tutorial_runs_on_the_real_log(tmp_path, monkeypatch):
    """Every block of the page runs, in order, and prints what the page shows."""
    path = data_file()
    if path is None:
        pytest.skip(
            f"the UCI Online Retail data set is absent: set {VARIABLE} to its CSV "
            "(see docs/tutorial-real-log.md)"
        )
    pl = pytest.importorskip("polars")
    pytest.importorskip("duckdb")
    monkeypatch.setenv(VARIABLE, str(path))
    monkeypatch.chdir(tmp_path)
    # The same page with its skip markers blanked (the line numbers stay those of the page).
    page = tmp_path / PAGE.name
    page.write_text(PAGE.read_text(encoding="utf-8").replace(SKIP, ""), encoding="utf-8")
    try:
        ran = run_page(page, tmp_path)
    finally:
        pl.Config.restore_defaults()  # the page sets display options

    assert len(python_blocks(page.read_text(encoding="utf-8"))) == ran
