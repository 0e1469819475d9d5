"""A raw log to verdicts in DuckDB, in one query: `log_to_sql` against a hand-written query.

The log is generated inside DuckDB (deterministic hashes of the row number, so the same rows
on every run and no Python memory) and written to a Parquet file, as a log at rest would be:
10 M rows of 200,000 parties by default, purchases of orders (several lines each), returns
and cancellations (naming no order, as in the Online Retail log), contacts, workshops and
agreements signed and ended.

* **Speed:** `log_to_sql` (`signals_sql` + `to_sql` in one statement) against a hand-written
  query computing the same signals (bracket matching of refunds and agreement ends by running
  sums, the same aggregations) and the default rule set's verdicts (``bench_sql.HAND_SQL``).
  Both run over the same Parquet file, interleaved round by round; min/median/max wall time.
  Every party's verdict and signals are compared between the two first.
* **Memory:** the peak resident memory of a fresh process streaming the compiled query's
  rows (``fetchmany``, as ``classify --log LOG --engine duckdb`` does), at 1 M and at 10 M rows,
  DuckDB limited to ``--memory-limit`` (it spills to disk beyond).
* **Spark** (``--spark``): 1 M rows through `log_to_sql(dialect="spark")` in a local session,
  compared party by party with DuckDB.

Run: ``python benchmarks/bench_signals_sql.py`` (10 M rows), ``--quick`` (1 M rows).
Needs duckdb (and pyspark with Java for ``--spark``).
"""

# ruff: noqa: S608 - the benchmark's own SQL, over its own generated files
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _harness as h
from bench_sql import HAND_SQL

import clientcustomer

AS_OF = dt.date(2026, 7, 1)
TARGET_SPEED = 1.5
TARGET_MEMORY = 1.2

GENERATE = """
COPY (
    SELECT
        'p' || CAST(hash(i, 1) % {parties} AS VARCHAR) AS party_id,
        DATE '2024-01-01' + CAST(hash(i, 2) % 900 AS INTEGER) AS "on",
        CASE WHEN k < 80 THEN 'purchase' WHEN k < 85 THEN 'return'
             WHEN k < 88 THEN 'cancellation' WHEN k < 92 THEN 'meeting'
             WHEN k < 95 THEN 'workshop' WHEN k < 98 THEN 'support'
             WHEN k < 99 THEN 'agreement_signed' ELSE 'agreement_ended' END AS kind,
        'i' || CAST(hash(i, 4) % 20 AS VARCHAR) AS item,
        CASE WHEN hash(i, 5) % 10 < 7 THEN 'product'
             WHEN hash(i, 5) % 10 < 9 THEN 'service' ELSE 'professional' END AS offering,
        CAST(hash(i, 6) % 5 AS DOUBLE) * 2.5 AS amount,
        NULL::BOOLEAN AS customized,
        NULL::BOOLEAN AS collaborative,
        CASE WHEN k < 80 THEN 'R' || CAST(i // 3 AS VARCHAR)
             WHEN k < 88 THEN 'C' || CAST(i AS VARCHAR) ELSE '' END AS reference
    FROM (SELECT range AS i, hash(range, 3) % 100 AS k FROM range({rows}))
) TO '{path}' (FORMAT parquet)
"""
"""Purchases are lines of orders of three rows; refunds name no order (``C...``), like the
Online Retail log's; agreements carry no reference (an end ends the latest running one)."""

HAND_SIGNALS = """
WITH log AS (
    SELECT party_id, date_diff('day', DATE '1970-01-01', "on") AS day,
        year("on") * 12 + month("on") - 1 AS month, kind, item, reference, offering,
        CAST(round(abs(COALESCE(amount, 0)) * 1000000) AS BIGINT) AS units,
        offering = 'professional' AS customized,
        kind IN ('meeting', 'workshop', 'check_in', 'planning') AS collaborative,
        ROW_NUMBER() OVER (PARTITION BY party_id ORDER BY "on",
            CASE kind WHEN 'purchase' THEN 0 WHEN 'return' THEN 1 WHEN 'cancellation' THEN 2
            ELSE 3 END, reference, item, offering, amount) AS ix
    FROM read_parquet('{path}') WHERE "on" <= DATE '{as_of}'
),
events AS (
    SELECT party_id, item, offering, units, ix, CASE WHEN kind = 'purchase' THEN 1 ELSE -1 END
        AS step FROM log WHERE kind IN ('purchase', 'return', 'cancellation')
),
levels AS (
    SELECT *, CASE WHEN step > 0 THEN h + 1 ELSE h END AS level FROM (
        SELECT *, b - MIN(b) OVER w AS h FROM (
            SELECT *, SUM(step) OVER w - step AS b FROM events
            WINDOW w AS (PARTITION BY party_id, item, offering, units ORDER BY ix)
        ) WINDOW w AS (PARTITION BY party_id, item, offering, units ORDER BY ix))
),
cancelled AS (
    SELECT party_id, opened AS ix FROM (
        SELECT party_id, step, LAG(ix) OVER w AS opened, LAG(step) OVER w AS opener
        FROM levels WHERE level > 0
        WINDOW w AS (PARTITION BY party_id, item, offering, units, level ORDER BY ix))
    WHERE step < 0 AND opener > 0
),
agreement_events AS (
    SELECT party_id, offering, ix, CASE WHEN kind = 'agreement_signed' THEN 1 ELSE -1 END AS step
    FROM log WHERE kind IN ('agreement_signed', 'agreement_ended')
),
agreement_levels AS (
    SELECT *, CASE WHEN step > 0 THEN h + 1 ELSE h END AS level FROM (
        SELECT *, b - MIN(b) OVER w AS h FROM (
            SELECT *, SUM(step) OVER w - step AS b FROM agreement_events
            WINDOW w AS (PARTITION BY party_id ORDER BY ix)
        ) WINDOW w AS (PARTITION BY party_id ORDER BY ix))
),
running AS (
    SELECT party_id, offering FROM (
        SELECT *, LEAD(step) OVER (PARTITION BY party_id, level ORDER BY ix) AS closer
        FROM agreement_levels WHERE level > 0)
    WHERE step > 0 AND (closer IS NULL OR closer > 0)
),
kept AS (SELECT * FROM log WHERE kind = 'purchase' AND (party_id, ix) NOT IN
    (SELECT (party_id, ix) FROM cancelled)),
whole AS (
    SELECT party_id,
        COUNT(*) FILTER (kind NOT IN ('purchase', 'return', 'cancellation')) AS n_counted,
        COUNT(*) FILTER (kind NOT IN ('purchase', 'return', 'cancellation') AND collaborative)
            AS n_collaborative,
        COUNT(*) FILTER (kind IN ('support', 'meeting', 'check_in', 'workshop', 'planning',
            'training', 'consultation', 'agreement_signed', 'agreement_ended')) AS n_touch,
        COUNT(*) FILTER (kind IN ('delivery', 'consultation', 'training', 'workshop')
            AND customized IS NOT NULL) AS n_work,
        COUNT(*) FILTER (kind IN ('delivery', 'consultation', 'training', 'workshop')
            AND customized) AS n_customized,
        SUM(CASE WHEN kind = 'purchase' THEN units WHEN kind IN ('return', 'cancellation')
            THEN -units ELSE 0 END) FILTER (offering = 'service') AS net_service,
        SUM(CASE WHEN kind = 'purchase' THEN units WHEN kind IN ('return', 'cancellation')
            THEN -units ELSE 0 END) FILTER (offering = 'professional') AS net_professional,
        SUM(CASE WHEN kind = 'purchase' THEN units WHEN kind IN ('return', 'cancellation')
            THEN -units ELSE 0 END) FILTER (offering = 'product') AS net_product,
        MIN(day) AS first_day
    FROM log GROUP BY party_id
),
bought AS (
    SELECT party_id, COUNT(*) AS l_counted, COUNT(*) FILTER (collaborative) AS l_collaborative,
        COUNT(customized) AS l_work, COUNT(*) FILTER (customized) AS l_customized,
        COUNT(DISTINCT day) AS occasions, MAX(day) AS last_day,
        COUNT(DISTINCT reference) FILTER (reference <> '')
            + COUNT(*) FILTER (reference = '') AS orders,
        COUNT(DISTINCT month) FILTER (offering = 'professional'
            AND day > {as_of_day} - 365) AS retainer_months
    FROM kept GROUP BY party_id
),
agreed AS (
    SELECT party_id, MAX(CASE WHEN offering <> 'product' THEN 1 ELSE 0 END) AS a_active,
        COUNT(*) AS a_running FROM running GROUP BY party_id
),
t AS (
    SELECT w.*, b.* EXCLUDE (party_id), a.* EXCLUDE (party_id),
        GREATEST(COALESCE(net_service, 0), 0) + GREATEST(COALESCE(net_professional, 0), 0)
            AS service, GREATEST(COALESCE(net_product, 0), 0) AS product,
        {as_of_day} - first_day AS tenure,
        CAST(GREATEST({as_of_day} - first_day, 30) AS DOUBLE) AS period
    FROM whole w LEFT JOIN bought b USING (party_id) LEFT JOIN agreed a USING (party_id)
)
SELECT party_id,
    CASE WHEN n_counted + COALESCE(l_counted, 0) > 0 THEN CAST(n_collaborative
        + COALESCE(l_collaborative, 0) AS DOUBLE) / (n_counted + COALESCE(l_counted, 0))
        END AS collaborative_share,
    CAST(n_touch AS DOUBLE) * 91.25 / period AS touchpoints_per_quarter,
    CAST(tenure AS BIGINT) AS tenure_days,
    COALESCE(a_active, 0) > 0 AS active_engagement,
    CASE WHEN occasions > 0 THEN CAST(occasions - 1 AS DOUBLE) / occasions ELSE NULL END
        AS repeat_rate,
    CAST(LEAST(COALESCE(retainer_months, 0), 12) AS BIGINT) AS retainer_months,
    CASE WHEN service + product > 0 THEN CAST(service AS DOUBLE) / (service + product) END
        AS service_share,
    CASE WHEN n_work + COALESCE(l_work, 0) > 0 THEN CAST(n_customized
        + COALESCE(l_customized, 0) AS DOUBLE) / (n_work + COALESCE(l_work, 0)) END
        AS customization,
    CAST(CASE WHEN COALESCE(a_running, 0) > 0 THEN 365 ELSE 0 END AS BIGINT) AS commitment_days,
    CAST(COALESCE(orders, 0) AS BIGINT) AS purchases,
    CAST(COALESCE(orders, 0) AS DOUBLE) * 365 / period AS purchases_per_year,
    CAST({as_of_day} - last_day AS BIGINT) AS recency_days,
    CAST(service + product AS DOUBLE) / 1000000 AS spend
FROM t
"""
"""The same signals, written by hand for this log (no refund names an order, no engagement)."""


def _hand_verdicts() -> str:
    """The default rule set by hand (``bench_sql.HAND_SQL``), with its ``retained`` rule."""
    text = HAND_SQL.replace("FROM signals", "FROM hand_signals")
    for old, new in (
        (
            "+ CASE WHEN active_engagement THEN 2 ELSE 0 END",
            (
                "+ CASE WHEN active_engagement THEN 2 ELSE 0 END"
                " + CASE WHEN retainer_months >= 6 THEN 2 ELSE 0 END"
            ),
        ),
        ("OR active_engagement OR", "OR active_engagement OR retainer_months >= 6 OR"),
        ("OR active_engagement IS NULL", "OR active_engagement IS NULL OR retainer_months IS NULL"),
    ):
        if "retainer_months" not in HAND_SQL:
            text = text.replace(old, new, 1)
    return text


def hand_sql(path: str) -> str:
    as_of_day = (AS_OF - dt.date(1970, 1, 1)).days
    signals = HAND_SIGNALS.format(path=path, as_of=AS_OF.isoformat(), as_of_day=as_of_day)
    verdicts = _hand_verdicts()
    return f"WITH hand_signals AS ({signals}) {verdicts}"


def compiled_sql(path: str) -> str:
    """`log_to_sql` over a view of the Parquet file (the view is created by `connect`)."""
    del path
    return clientcustomer.log_to_sql(table="log", as_of=AS_OF, dialect="duckdb")


def connect(path: str, memory_limit: str | None = None) -> Any:
    import duckdb  # noqa: PLC0415

    connection = duckdb.connect()
    if memory_limit:
        connection.execute(f"SET memory_limit = '{memory_limit}'")
        connection.execute(f"SET temp_directory = '{Path(path).parent / 'spill'}'")
    connection.execute(f"CREATE VIEW log AS SELECT * FROM read_parquet('{path}')")
    return connection


def generate(rows: int, parties: int, path: str) -> None:
    import duckdb  # noqa: PLC0415

    duckdb.connect().execute(GENERATE.format(rows=rows, parties=parties, path=path))


def count_query(query: str) -> str:
    return f"SELECT role, decided_by, count(*) FROM ({query}) GROUP BY ALL"


def check_agreement(path: str) -> int:
    """Every party's verdict and signals the same from both queries; the number of parties."""
    connection = connect(path)
    names = [*clientcustomer.SIGNALS, "role", "decided_by"]
    columns = ", ".join(f'"{name}"' for name in names)
    compiled = connection.execute(
        f"SELECT party_id, {columns} FROM ({compiled_sql(path)}) ORDER BY party_id"
    ).fetchall()
    hand = connection.execute(
        f"SELECT party_id, {columns} FROM ({hand_sql(path)}) ORDER BY party_id"
    ).fetchall()
    if len(compiled) != len(hand):
        raise SystemExit(f"the queries disagree: {len(compiled)} against {len(hand)} parties")
    for mine, theirs in zip(compiled, hand, strict=True):
        for name, a, b in zip(["party_id", *names], mine, theirs, strict=True):
            close = isinstance(a, float) and isinstance(b, float) and math.isclose(a, b)
            if a != b and not close:
                raise SystemExit(f"the queries disagree on {mine[0]}.{name}: {a!r} != {b!r}")
    return len(compiled)


def speed(path: str, rounds: int) -> tuple[list[float], list[float]]:
    """Wall times of both queries (counting verdicts), interleaved round by round."""
    connection = connect(path)
    queries = {"compiled": count_query(compiled_sql(path)), "hand": count_query(hand_sql(path))}
    times: dict[str, list[float]] = {"compiled": [], "hand": []}
    for index in range(rounds):
        order = ("compiled", "hand") if index % 2 == 0 else ("hand", "compiled")
        for name in order:
            start = time.perf_counter()
            connection.execute(queries[name]).fetchall()
            times[name].append(time.perf_counter() - start)
    return times["compiled"], times["hand"]


def child_memory(path: str, memory_limit: str) -> dict[str, Any]:
    """Stream the compiled query's rows in batches; the peak resident memory it added."""
    connection = connect(path, memory_limit)
    h.reset_peak()
    before = h.current_rss()
    cursor = connection.execute(compiled_sql(path))
    count = 0
    while batch := cursor.fetchmany(10_000):
        count += len(batch)
    return {"peak": h.peak_rss(), "before": before, "parties": count}


def memory(path: str, memory_limit: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child-memory", path, "--memory-limit", memory_limit]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def spark_agreement(path: str) -> str:
    """Spark local over the same Parquet file: the verdict of every party as DuckDB's."""
    from pyspark.sql import SparkSession  # noqa: PLC0415

    session = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "2g")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.read.parquet(path).createOrReplaceTempView("log")
    start = time.perf_counter()
    query = clientcustomer.log_to_sql(table="log", as_of=AS_OF, dialect="spark")
    spark_rows = {
        row["party_id"]: (row["role"], row["decided_by"], row["purchases"], row["spend"])
        for row in session.sql(query)
        .select("party_id", "role", "decided_by", "purchases", "spend")
        .toLocalIterator()
    }
    took = time.perf_counter() - start
    session.stop()
    duck = {
        row[0]: row[1:]
        for row in connect(path)
        .execute(f"SELECT party_id, role, decided_by, purchases, spend FROM ({compiled_sql(path)})")
        .fetchall()
    }
    agree = duck.keys() == spark_rows.keys() and all(
        duck[key][:3] == spark_rows[key][:3] and math.isclose(duck[key][3], spark_rows[key][3])
        for key in duck
    )
    return f"Spark local ({len(spark_rows):,} parties, {took:.1f} s): {'agrees' if agree else 'DISAGREES'} with DuckDB"  # noqa: E501


def summary(name: str, times: list[float]) -> str:
    return (
        f"{name}: min {h.seconds(min(times))}, median {h.seconds(statistics.median(times))},"
        f" max {h.seconds(max(times))}"
    )


def main() -> int:
    if "--child-memory" in sys.argv:
        parser = argparse.ArgumentParser()
        parser.add_argument("--child-memory", required=True)
        parser.add_argument("--memory-limit", required=True)
        args = parser.parse_args()
        print(json.dumps(child_memory(args.child_memory, args.memory_limit)))
        return 0
    parser = h.options(__doc__.splitlines()[0], rows=10_000_000, quick_rows=1_000_000)
    parser.add_argument("--parties", type=int, default=200_000, help="parties (default 200,000)")
    parser.add_argument("--memory-limit", default="256MB", help="DuckDB's memory limit")
    parser.add_argument("--spark", action="store_true", help="also run Spark local on 1 M rows")
    args = parser.parse_args()
    rows, repeat = h.settle(args)
    print(h.machine("duckdb", "pyspark"))
    with tempfile.TemporaryDirectory() as folder:
        big = str(Path(folder) / "log.parquet")
        small = str(Path(folder) / "log-1m.parquet")
        generate(rows, args.parties, big)
        generate(min(rows, 1_000_000), args.parties, small)
        parties = check_agreement(big)
        print(f"{rows:,} log rows, {parties:,} parties: both queries agree on every party")
        compiled, hand = speed(big, repeat)
        print(summary("log_to_sql (one query)", compiled))
        print(summary("hand-written query     ", hand))
        ratio = statistics.median(compiled) / statistics.median(hand)
        met = "met" if ratio <= TARGET_SPEED else "MISSED"
        print(f"speed: {ratio:.2f}x the hand-written query (target <= {TARGET_SPEED}x): {met}")
        one, many = memory(small, args.memory_limit), memory(big, args.memory_limit)
        growth = many["peak"] / one["peak"]
        met = "met" if growth <= TARGET_MEMORY else "MISSED"
        print(
            f"peak memory streaming the verdicts (memory_limit {args.memory_limit}):"
            f" {h.megabytes(one['peak'])} at 1 M rows, {h.megabytes(many['peak'])} at"
            f" {rows:,} rows: {growth:.2f}x (target <= {TARGET_MEMORY}x): {met}"
        )
        if args.spark:
            print(spark_agreement(small))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
