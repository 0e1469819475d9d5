"""Write docs/notebooks/displays.ipynb, and the chart of docs/guide/notebooks.md, from the demo.

Run from the repository root: ``python scripts/make_displays_notebook.py``. The notebook is saved
without outputs; tests/test_notebook.py executes it and checks what each cell displays. The guide
page shows one party's timeline chart inline; tests/test_displays.py checks it is the chart
``PartyTimeline.chart()`` draws today, and this script redraws it when scoring changes.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS: list[tuple[str, str]] = [
    (
        "md",
        (
            "# What clientcustomer shows in a notebook\n\n"
            "Every result type renders as a table (and the timeline as a small chart). "
            "The data are the bundled demo: a shop's customers and a consultancy's clients, "
            "looked at as of 2026-11-01."
        ),
    ),
    (
        "code",
        (
            "import datetime as dt\n"
            "\n"
            "import clientcustomer as cc\n"
            "from clientcustomer import demo\n"
            "\n"
            "AS_OF = demo.DEMO_AS_OF\n"
            "log = demo.demo_log()\n"
            "work = demo.demo_engagements()\n"
            "names = {party.party_id: party.name for party in demo.demo_parties()}\n"
            "# a customer who became a client, and a shopper\n"
            'CONVERTER, SHOPPER = "acct-021", "groc-001"\n'
            "\n"
            "\n"
            "def of(party_id):\n"
            "    mine = [item for item in log if item.party_id == party_id]\n"
            "    return mine, [e for e in work if e.client_id == party_id]"
        ),
    ),
    ("md", "## Signals, grouped by the five aspects (unknown ones marked)"),
    ("code", "signals = cc.derive_signals(*of(CONVERTER), as_of=AS_OF)\nsignals"),
    ("md", "## A classification, with its evidence"),
    ("code", "cc.classify(signals)"),
    ("md", "## A party's timeline: the score over time, the thresholds, the stages"),
    ("code", "(story,) = cc.timeline(*of(CONVERTER), end=AS_OF)\nstory"),
    ("md", "## A lifecycle state and its history"),
    ("code", "story.state"),
    ("md", "## A client: name, stage, since, key facts and history"),
    (
        "code",
        (
            "interactions, engagements = of(CONVERTER)\n"
            "client = cc.Client(cc.Party(CONVERTER, names[CONVERTER]), since=story.state.since,\n"
            "                   interactions=tuple(interactions), engagements=tuple(engagements),\n"
            "                   history=story.changes)\n"
            "client"
        ),
    ),
    ("md", "## A customer"),
    (
        "code",
        (
            "bought, _ = of(SHOPPER)\n"
            'shopper = cc.Customer(cc.Party(SHOPPER, names[SHOPPER], "person"),\n'
            "                      since=min(item.on for item in bought),\n"
            "                      interactions=tuple(bought))\n"
            "shopper"
        ),
    ),
    ("md", "## What to do next, and the expectation each action serves"),
    ("code", "cc.ActionTable(cc.recommend_for(client, as_of=AS_OF))"),
    ("md", "## An engagement: roles, what the client owes, what it was promised"),
    (
        "code",
        (
            'with open("../examples/research-engagement.json", encoding="utf-8") as file:\n'
            "    study = cc.from_json(cc.Engagement, file.read())\n"
            "study"
        ),
    ),
    ("md", "## Its readiness (the Mermaid diagram is under *diagram*)"),
    ("code", "status = cc.readiness(study, dt.date(2026, 2, 10))\nstatus"),
    ("md", "The diagram itself, drawn by JupyterLab 4.1+ (and by these docs):"),
    (
        "code",
        (
            "from IPython.display import Markdown\n"
            "\n"
            'Markdown(f"```mermaid\\n{status.mermaid()}\\n```")'
        ),
    ),
    ("md", "## The rule set: its policy and rules"),
    ("code", "rules = cc.default_ruleset()\nrules"),
    ("md", "## What changes if the client threshold is raised"),
    (
        "code",
        (
            "import attrs\n"
            "\n"
            'stricter = attrs.evolve(rules, version="2",\n'
            "                        policy=attrs.evolve(rules.policy, client_at=10.0))\n"
            "records = [(party_id, cc.derive_signals(*of(party_id), as_of=AS_OF))\n"
            '           for party_id in (CONVERTER, SHOPPER, "acct-001", "law-001")]\n'
            "cc.diff_rulesets(rules, stricter, records)"
        ),
    ),
    ("md", "## A classified dataframe at a glance: roles, scores, what decided"),
    (
        "code",
        (
            "import polars as pl\n"
            "\n"
            "by_party = cc.signals_by_party(log, as_of=AS_OF, engagements=work)\n"
            "frame = pl.DataFrame(\n"
            '    [{"id": party_id, **found.as_dict()} for party_id, found in by_party.items()]\n'
            ")\n"
            "verdicts = cc.classify_frame(frame)\n"
            "cc.summarize_frame(verdicts)"
        ),
    ),
    ("md", "## The rules against labels (the bundled synthetic sample, 5 % label noise)"),
    ("code", "sample = demo.demo_labelled()\ncc.evaluate(sample.records, sample.labels)"),
    ("md", "## A verdict and what would change it: its near misses"),
    ("code", "cc.explain(sample.records[3])"),
    ("md", "## The words: the glossary"),
    ("code", 'cc.GLOSSARY["client"]'),
]


def build() -> nbformat.NotebookNode:
    """The notebook, without outputs."""
    cells = [
        new_markdown_cell(text) if kind == "md" else new_code_cell(text) for kind, text in CELLS
    ]
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number:02d}"  # stable ids: the file changes only when a cell does
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    return notebook


def chart() -> str:
    """The inline chart of the notebooks guide: the timeline of the demo's ``acct-021``."""
    import clientcustomer as cc  # noqa: PLC0415 - the package, only when redrawing
    from clientcustomer import demo  # noqa: PLC0415

    log = [item for item in demo.demo_log() if item.party_id == "acct-021"]
    work = [e for e in demo.demo_engagements() if e.client_id == "acct-021"]
    (story,) = cc.timeline(log, work, end=demo.DEMO_AS_OF)
    return story.chart()


def redraw(page: str) -> str:
    """The guide page with its inline chart (the block ``<div markdown="0">``) redrawn."""
    start = page.index('<div markdown="0">\n') + len('<div markdown="0">\n')
    end = page.index("\n</div>", start)
    return page[:start] + chart() + page[end:]


if __name__ == "__main__":
    target = Path("docs/notebooks/displays.ipynb")
    nbformat.write(build(), target)
    print(f"wrote {target}")
    guide = Path("docs/guide/notebooks.md")
    guide.write_text(redraw(guide.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"redrew the chart of {guide}")
