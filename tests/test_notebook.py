"""The displays notebook in docs/ runs, and each cell displays HTML with the expected parts."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "notebooks" / "displays.ipynb"

# What each displaying cell must show, by a piece of its source.
EXPECTED = {
    "signals": ("interaction (", "expectation (", "Signals (", "collaborative_share"),
    "cc.classify(signals)": ("<table", "collaborative"),
    "story": ("<svg", "<polyline", "client at 5", "stage changes", "engage"),
    "story.state": ("Lifecycle", "history", "purchase"),
    "client": ("Client Westgate Joinery", "since", "Bookkeeping and tax advisory"),
    "shopper": ("Customer ", "customer", "purchases"),
    "cc.ActionTable": ("serves", "long-term strategy and satisfaction"),
    "study": ("decision-maker", "what the client owes", "customer-list", "2026-02-01"),
    "status": ("what the client was promised", "class='mermaid'", "classDef overdue"),
    "rules": ("Rule set default@1", "client at", "collaborative"),
    "cc.diff_rulesets": ("default@1 -&gt; default@2", "changed verdicts"),
    "cc.evaluate": ("label \\ verdict", "<svg", "client at 5", "customer below 2"),
    "cc.explain": ("near misses", "would have to be"),
    "cc.GLOSSARY": ("pays the bills", "Client, Stage.CLIENT"),
    "cc.summarize_frame": (
        "300 rows classified by default@1",
        "score distribution (client at 5",
        "what decided",
        "rules deciding most verdicts",
        "transactional",
    ),
}

# Skipped only when no kernel can be started because ipykernel is missing; never otherwise.
needs_kernel = pytest.mark.skipif(
    importlib.util.find_spec("ipykernel") is None, reason="ipykernel is not installed"
)


def _last_line(source: str) -> str:
    return source.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def executed():
    """The notebook, executed from its own folder (offline: the demo data are bundled)."""
    import nbclient  # noqa: PLC0415 - the tests group installs it
    import nbformat  # noqa: PLC0415

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    return notebook


@needs_kernel
class TestNotebook:
    def test_saved_without_outputs(self):
        """The notebook is committed clean: outputs come from running it."""
        import nbformat  # noqa: PLC0415 - the tests group installs it

        notebook = nbformat.read(NOTEBOOK, as_version=4)

        assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")

    def test_each_display_renders_html_with_its_parts(self, executed):
        """Every displaying cell gives text/html (the diagram cell Markdown) with its parts."""
        seen = set()
        for cell in executed.cells:
            if cell.cell_type != "code":
                continue
            assert [] == [out for out in cell.outputs if out.output_type == "error"]
            last = _last_line(cell.source)
            keys = [k for k in EXPECTED if last.startswith(k)]
            if not keys:
                continue
            key = max(keys, key=len)
            (result,) = [out for out in cell.outputs if out.output_type == "execute_result"]
            html = result["data"]["text/html"]
            assert html.count("<script") == 0
            for part in EXPECTED[key]:
                assert part in html, (key, part)
            seen.add(key)

        assert set(EXPECTED) == seen

    def test_mermaid_cell_is_markdown(self, executed):
        """The diagram cell displays a Mermaid block as Markdown, which JupyterLab draws."""
        (cell,) = [c for c in executed.cells if c.cell_type == "code" and "Markdown(" in c.source]
        (result,) = cell.outputs

        assert result["data"]["text/markdown"].startswith("```mermaid\nflowchart LR\n")

    def test_generator_writes_this_notebook(self):
        """scripts/make_displays_notebook.py builds exactly the committed notebook's cells."""
        import nbformat  # noqa: PLC0415 - the tests group installs it

        spec = importlib.util.spec_from_file_location(
            "make_displays_notebook", ROOT / "scripts" / "make_displays_notebook.py"
        )
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        committed = nbformat.read(NOTEBOOK, as_version=4)

        assert [c.source for c in module.build().cells] == [c.source for c in committed.cells]
