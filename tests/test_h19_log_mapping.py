"""Issue 13, case 4: a log column the file lacks is never silently given its default.

When the file lacks the library's default name for a column, the run stops, naming the option
(``--kind-column NAME``, or ``--kind-column none`` to state there is none), listing every
missing column at once; `LogColumns` in Python follows the same rule (a field set to ``None`` is
declared absent).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest

import clientcustomer as cc
from clientcustomer.cli import main
from clientcustomer.exceptions import ValidationError

LOG = (
    "customer_id,when,what\n"
    "acme,2026-01-05,workshop\n"
    "acme,2026-02-05,meeting\n"
    "acme,2026-03-05,purchase\n"
)
MISSING = ("kind", "item", "offering", "amount", "customized", "collaborative", "reference")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_names_every_missing_column_and_its_option(tmp_path, capsys):
    """The CLI names every missing column at once, each with its option."""
    path = tmp_path / "log.csv"
    path.write_text(LOG, encoding="utf-8")
    status, out, err = _run(
        capsys, "classify", "--log", str(path), "--party-column", "customer_id",
        "--date-column", "when",
    )  # fmt: skip
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    for field in MISSING:
        option = f"--{field}-column"
        assert option in err, option
    assert "--kind-column none" in err


def test_cli_runs_once_every_column_is_mapped_or_declared_absent(tmp_path, capsys):
    """Mapped or stated absent, every column: the run goes through."""
    path = tmp_path / "log.csv"
    path.write_text(LOG, encoding="utf-8")
    absent = []
    for field in MISSING[1:]:
        absent += [f"--{field}-column", "none"]
    status, out, _ = _run(
        capsys, "classify", "--log", str(path), "--party-column", "customer_id",
        "--date-column", "when", "--kind-column", "what", *absent, "--format", "jsonl",
    )  # fmt: skip
    assert status == 0
    assert '"acme"' in out


def test_python_log_columns_follow_the_same_rule():
    """read_log names every missing column with its LogColumns field."""
    columns = cc.LogColumns(party="customer_id", date="when")
    with pytest.raises(ValidationError) as caught:
        cc.read_log(io.StringIO(LOG), columns)
    message = str(caught.value)
    for field in MISSING:
        assert f"{field}=None" in message, field
    declared = cc.LogColumns(
        party="customer_id",
        date="when",
        kind="what",
        item=None,
        offering=None,
        amount=None,
        customized=None,
        collaborative=None,
        reference=None,
    )
    kinds = [i.kind.value for i in cc.read_log(io.StringIO(LOG), declared)]
    assert kinds == ["workshop", "meeting", "purchase"]


def test_signals_frame_follows_the_same_rule():
    """signals_frame names every missing column with its LogColumns field."""
    pl = pytest.importorskip("polars")
    pytest.importorskip("narwhals")
    frame = pl.DataFrame(
        {"customer_id": ["acme"], "when": [dt.date(2026, 1, 5)], "what": ["workshop"]}
    )
    with pytest.raises(ValidationError) as caught:
        cc.signals_frame(
            frame,
            as_of=dt.date(2026, 4, 1),
            columns=cc.LogColumns(party="customer_id", date="when"),
        )
    message = str(caught.value)
    for field in MISSING:
        assert f"{field}=None" in message, field
