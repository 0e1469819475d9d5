"""``classify --log LOG --engine duckdb``: the Python engine's verdicts, derived inside DuckDB.

A generated log written as CSV, gzip CSV and Parquet gives every party the verdict of
``classify --log LOG`` (the Python engine); bad input is one line on stderr, exit 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings

from clientcustomer.cli.main import main
from clientcustomer.testing import LOG_COLUMNS, LogTable, log_tables

pl = pytest.importorskip("polars")
pytest.importorskip("duckdb")


def write_log(table: LogTable, folder: Path) -> dict[str, Path]:
    """The log as CSV (ISO dates, true/false flags), gzip CSV and Parquet."""
    rows = [
        [
            "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
            for value in row
        ]
        for row in table.rows
    ]
    plain = folder / "log.csv"
    with plain.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(LOG_COLUMNS)
        writer.writerows(rows)
    packed = folder / "log.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    parquet = folder / "log.parquet"
    schema = {
        "party_id": pl.String, "on": pl.Date, "kind": pl.String, "item": pl.String,
        "offering": pl.String, "amount": pl.Float64, "customized": pl.Boolean,
        "collaborative": pl.Boolean, "reference": pl.String,
    }  # fmt: skip
    pl.DataFrame(table.as_columns(), schema=schema).write_parquet(parquet)
    return {"csv": plain, "gzip": packed, "parquet": parquet}


def verdicts(capsys: Any, *argv: str) -> dict[str, tuple[str, float, str]]:
    status = main(["classify", *argv, "--format", "csv", "--quiet"])
    out, err = capsys.readouterr()
    assert status == 0, err
    rows = csv.DictReader(out.splitlines())
    return {row["id"]: (row["role"], float(row["score"]), row["decided_by"]) for row in rows}


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(table=log_tables(max_batches=3, max_size=8))
def test_every_format_gives_the_python_engine_verdicts(
    capsys: Any,
    tmp_path_factory: Any,
    table: LogTable,
) -> None:
    # The Python engine refuses a log dated after today (a typo, not a plan).
    assume(
        table.rows and all(i.on <= dt.datetime.now(tz=dt.UTC).date() for i in table.interactions)
    )
    folder = tmp_path_factory.mktemp("log")
    paths = write_log(table, folder)
    as_of = ("--as-of", "2026-06-01")
    expected = verdicts(capsys, "--log", str(paths["csv"]), *as_of)
    for path in paths.values():
        got = verdicts(capsys, "--log", str(path), "--engine", "duckdb", *as_of)
        assert got == expected, path.name
    # Without --as-of: the day after the latest interaction, on both engines.
    assert verdicts(capsys, "--log", str(paths["parquet"]), "--engine", "duckdb") == verdicts(
        capsys, "--log", str(paths["csv"])
    )


@pytest.mark.parametrize(
    ("name", "text", "argv", "message"),
    [
        ("log.txt2", "x", (), "--log: expected a .csv, .csv.gz or .parquet file"),
        ("log.csv", "who,on\np,2026-01-01\n", (), "party_id"),
        (
            "log.csv",
            "party_id,on,kind\np,2026-01-01,buy\n",
            ("--item-column", "none", "--offering-column", "none", "--amount-column", "none",
             "--customized-column", "none", "--collaborative-column", "none",
             "--reference-column", "none"),
            "$.kind: expected one of the interaction kinds",
        ),
        ("log.csv", "party_id,on\n", ("--on-error", "skip"), "without --on-error skip"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line(  # noqa: PLR0917 - pytest passes the parameters
    capsys: Any,
    tmp_path: Path,
    name: str,
    text: str,
    argv: tuple[str, ...],
    message: str,
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    status = main(["classify", "--log", str(path), "--engine", "duckdb", *argv])
    _, err = capsys.readouterr()
    assert status == 2
    assert len(err.splitlines()) == 1
    assert message in err


def test_party_ids_written_as_floats_read_as_integers(capsys: Any, tmp_path: Path) -> None:
    path = tmp_path / "retail.csv"
    path.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "536365,85123A,HEART,6,12/1/2010 8:26,2.55,17850.0,UK\n"
        "C536366,85123A,HEART,-6,12/2/2010 8:26,2.55,17850.0,UK\n"
        "536367,71053,LANTERN,6,2010-12-03 08:26:00,3.39,13047.0,UK\n",
        encoding="utf-8",
    )
    argv = ("--log", str(path), "--layout", "online-retail")
    duck = verdicts(capsys, *argv, "--engine", "duckdb")
    assert sorted(duck) == ["13047", "17850"]
    assert duck == verdicts(capsys, *argv)
