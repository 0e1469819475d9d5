"""The UCI Online Retail log gives identical signals on every path, when the data set is present.

The file is named by the ``CLIENTCUSTOMER_ONLINE_RETAIL`` environment variable, or else found at
``../shared/data/online-retail.csv.gz`` beside the repository root (as in
test_tutorial_real_log.py); the tests are skipped, saying so, when neither exists. Paths: the
one-record path (`read_log` then `signals_by_party`), `signals_frame` on polars (eager and
lazy), pandas and a DuckDB relation, `signals_sql` in DuckDB and SQLite, and the command line's
``classify --log LOG --engine duckdb`` against its Python engine. Spark is in test_h16_spark.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from clientcustomer import LogColumns, read_log, signals_by_party, signals_frame, signals_sql
from clientcustomer.cli.main import main
from test_h16_signals_sql import cursor_rows, frame_rows, same
from test_tutorial_real_log import VARIABLE, data_file

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

AS_OF = dt.date(2011, 12, 10)


@pytest.fixture(scope="module")
def retail() -> Path:
    path = data_file()
    if path is None:
        pytest.skip(f"the UCI Online Retail data set is absent: set {VARIABLE} to its CSV")
    return path


@pytest.fixture(scope="module")
def frame(retail: Path) -> Any:
    raw = pl.read_csv(
        retail, schema_overrides={"InvoiceNo": pl.String, "StockCode": pl.String}
    ).with_columns(pl.col("InvoiceDate").str.to_datetime("%Y-%m-%d %H:%M:%S"))
    return raw.filter(pl.col("CustomerID").is_not_null()).with_columns(
        pl.col("CustomerID").cast(pl.Int64).cast(pl.String)
    )


def test_every_path_gives_the_one_record_signals(retail: Path, frame: Any) -> None:
    columns = LogColumns.online_retail()
    with read_log(retail, columns, on_error="skip") as log:
        expected = signals_by_party(log, as_of=AS_OF)
    connection = duckdb.connect()
    connection.execute("CREATE TABLE retail AS SELECT * FROM frame")
    lite = sqlite3.connect(":memory:")
    names = ("CustomerID", "InvoiceDate", "InvoiceNo", "StockCode", "Quantity", "UnitPrice")
    lite.execute(f"CREATE TABLE retail ({', '.join(names)})")
    lite.executemany(
        "INSERT INTO retail VALUES (?, ?, ?, ?, ?, ?)",
        frame.select(names).with_columns(pl.col("InvoiceDate").dt.to_string()).iter_rows(),
    )
    paths = {
        "polars": frame_rows(signals_frame(frame, as_of=AS_OF, columns=columns)),
        "polars lazy": frame_rows(signals_frame(frame.lazy(), as_of=AS_OF, columns=columns)),
        "pandas": frame_rows(
            signals_frame(
                frame.to_pandas(use_pyarrow_extension_array=True), as_of=AS_OF, columns=columns
            )
        ),
        "duckdb relation": frame_rows(
            signals_frame(connection.sql("SELECT * FROM retail"), as_of=AS_OF, columns=columns)
        ),
        "duckdb sql": frame_rows(
            connection.sql(signals_sql("retail", as_of=AS_OF, columns=columns, dialect="duckdb"))
        ),
        "sqlite sql": cursor_rows(
            lite.execute(signals_sql("retail", as_of=AS_OF, columns=columns, dialect="sqlite"))
        ),
    }
    assert len(expected) == 4372
    for path, rows in paths.items():
        assert sorted(rows) == sorted(expected), path
        for party, signals in expected.items():
            for name, want in signals.as_dict().items():
                got = rows[party][name]
                assert same(want, got, sqlite=path == "sqlite sql"), (path, party, name, want, got)


def test_cli_duckdb_engine_gives_the_python_engine_verdicts(retail: Path, tmp_path: Path) -> None:
    common = ["classify", "--log", str(retail), "--layout", "online-retail", "--format", "csv"]
    duck, python = tmp_path / "duck.csv", tmp_path / "python.csv"
    assert main([*common, "--engine", "duckdb", "--output", str(duck), "--quiet"]) == 0
    assert main([*common, "--on-error", "skip", "--output", str(python), "--quiet"]) == 0
    with duck.open(encoding="utf-8") as a, python.open(encoding="utf-8") as b:
        ours = {row["id"]: row for row in csv.DictReader(a)}
        theirs = {row["id"]: row for row in csv.DictReader(b)}
    assert ours.keys() == theirs.keys()
    for party, row in theirs.items():
        assert (ours[party]["role"], ours[party]["decided_by"]) == (row["role"], row["decided_by"])
        assert float(ours[party]["score"]) == float(row["score"])
