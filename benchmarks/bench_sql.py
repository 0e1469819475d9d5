"""Classify 10 million signal rows in DuckDB: `to_sql` against a hand-written SQL ``CASE``.

The signal rows are those of ``bench_frames.py`` (the same generator, the same seed), loaded into
an in-memory DuckDB table. The baseline is the default rule set
(``src/clientcustomer/default_rules.toml``) written by hand as one SQL query; it hard-codes the
thresholds and points on purpose, and every row of its output is compared with the compiled
query's, and with `classify_frame`'s on polars, so a change to the rule set shows up as a
disagreement, not as a wrong figure.

Two workloads: *materialize* writes the classified table (``CREATE TEMP TABLE ... AS``, every
column kept), *count* only counts the verdicts (``GROUP BY role, decided_by``), which lets DuckDB
skip the columns no rule reads. Each contender runs in a fresh child process, once per round, the
rounds interleaved (so that background load hits every contender alike): best wall time over
the rounds, each round's ratio to its baseline, and the peak resident memory the query adds
against the input's size.

Run: ``python benchmarks/bench_sql.py`` (10 M rows), ``--quick`` (1 M rows), ``--rows N``.
Needs duckdb, polars, pyarrow, numpy (the ``bench`` dependency group).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

import _harness as h

import clientcustomer

TABLE = "signals"
TARGET = 1.1
"""The speed issue's target: the compiled query within 1.1x of the hand-written one."""

HAND_SQL = """
SELECT * EXCLUDE (relational, insufficient),
    CASE WHEN insufficient THEN 'ambiguous'
         WHEN score >= 5 AND relational THEN 'client'
         WHEN score >= 2 AND relational THEN 'ambiguous'
         ELSE 'customer' END AS role,
    CASE WHEN insufficient THEN 'insufficient-evidence'
         WHEN score >= 2 AND NOT relational THEN 'policy.requires'
         ELSE 'score' END AS decided_by
FROM (
    SELECT *,
        CAST(
              CASE WHEN collaborative_share >= 0.2 THEN 1 ELSE 0 END
            + CASE WHEN collaborative_share >= 0.5 THEN 2 ELSE 0 END
            - CASE WHEN collaborative_share < 0.05 THEN 1 ELSE 0 END
            + CASE WHEN touchpoints_per_quarter >= 3 THEN 1 ELSE 0 END
            + CASE WHEN active_engagement THEN 2 ELSE 0 END
            + CASE WHEN retainer_months >= 6 THEN 2 ELSE 0 END
            + CASE WHEN tenure_days >= 365 THEN 1 ELSE 0 END
            + CASE WHEN service_share >= 0.6 THEN 1 ELSE 0 END
            - CASE WHEN service_share < 0.2 THEN 1 ELSE 0 END
            + CASE WHEN customization >= 0.2 THEN 1 ELSE 0 END
            + CASE WHEN customization >= 0.5 THEN 2 ELSE 0 END
            - CASE WHEN customization < 0.05 THEN 1 ELSE 0 END
            + CASE WHEN commitment_days >= 90 THEN 1 ELSE 0 END
        AS DOUBLE) AS score,
        COALESCE(collaborative_share >= 0.2 OR customization >= 0.2, FALSE) AS relational,
        NOT COALESCE(
            collaborative_share >= 0.2 OR collaborative_share < 0.05
            OR touchpoints_per_quarter >= 3 OR active_engagement OR retainer_months >= 6
            OR tenure_days >= 365
            OR service_share >= 0.6 OR service_share < 0.2
            OR customization >= 0.2 OR customization < 0.05 OR commitment_days >= 90,
            FALSE
        ) AND (
            collaborative_share IS NULL OR touchpoints_per_quarter IS NULL
            OR active_engagement IS NULL OR retainer_months IS NULL
            OR tenure_days IS NULL OR service_share IS NULL
            OR customization IS NULL OR commitment_days IS NULL
        ) AS insufficient
    FROM signals
)
"""
"""The default rule set written by hand (a null comparison gives no points: CASE takes ELSE;
no rule firing with a rule undecided for a null is insufficient evidence)."""


def compiled_sql() -> str:
    """The query `to_sql` writes for the default rule set."""
    return clientcustomer.to_sql(table=TABLE, dialect="duckdb")


def _connect(rows: int) -> tuple[Any, int]:
    """A DuckDB connection holding the signal rows, and the rows' size as a polars frame."""
    import duckdb  # noqa: PLC0415

    frame = h.signal_frame(rows)
    size = int(frame.estimated_size())
    arrow = frame.to_arrow()
    del frame
    connection = duckdb.connect()
    connection.register("incoming", arrow)
    # The rows have no retainer_months: a column of nulls, as a table missing it would be given
    # (the compiled query reads every signal the rule set reads).
    connection.execute(
        f"CREATE TABLE {TABLE} AS SELECT *, CAST(NULL AS BIGINT) AS retainer_months FROM incoming"  # noqa: S608
    )
    connection.unregister("incoming")
    del arrow
    return connection, size


def _materialize(query: str) -> Callable[[Any], None]:
    def run(connection: Any) -> None:
        connection.execute(f"CREATE OR REPLACE TEMP TABLE verdicts AS {query}")
        connection.execute("DROP TABLE verdicts")

    return run


def _count(query: str) -> Callable[[Any], Any]:
    def run(connection: Any) -> Any:
        return connection.execute(
            f"SELECT role, decided_by, count(*) FROM ({query}) GROUP BY ALL"  # noqa: S608
        ).fetchall()

    return run


def _classify_sql(connection: Any) -> None:
    clientcustomer.classify_sql(connection, TABLE).create("verdicts")
    connection.execute("DROP TABLE verdicts")


def _contender(
    run: Callable[[Any], Any],
) -> Callable[[argparse.Namespace], dict[str, Any]]:
    def child(args: argparse.Namespace) -> dict[str, Any]:
        sizes: list[int] = []

        def prepare() -> Any:
            connection, size = _connect(args.rows)
            sizes.append(size)
            return connection

        return {**h.measure(prepare, run, args.repeat), "input_bytes": sizes[0]}

    return child


CONTENDERS: dict[str, tuple[str, str, Callable[[argparse.Namespace], dict[str, Any]]]] = {
    "hand-table": (
        "materialize, hand-written CASE (baseline)",
        "hand-table",
        _contender(_materialize(HAND_SQL)),
    ),
    "to_sql-table": (
        "materialize, to_sql",
        "hand-table",
        _contender(_materialize(compiled_sql())),
    ),
    "classify_sql-table": (
        "materialize, classify_sql",
        "hand-table",
        _contender(_classify_sql),
    ),
    "hand-count": (
        "count, hand-written CASE (baseline)",
        "hand-count",
        _contender(_count(HAND_SQL)),
    ),
    "to_sql-count": (
        "count, to_sql",
        "hand-count",
        _contender(_count(compiled_sql())),
    ),
}


def _agreement(rows: int) -> list[tuple[str, int, int]]:
    """Rows on which the queries agree with each other and with classify_frame (polars)."""
    connection, _ = _connect(rows)
    frame = clientcustomer.classify_frame(h.signal_frame(rows)).select(
        "id", "role", "score", "decided_by"
    )
    connection.register("frame_verdicts", frame.to_arrow())
    del frame
    same = (
        "a.role IS NOT DISTINCT FROM b.role AND a.score IS NOT DISTINCT FROM b.score "
        "AND a.decided_by IS NOT DISTINCT FROM b.decided_by"
    )
    pairs = (
        ("hand-written CASE vs to_sql", HAND_SQL, compiled_sql()),
        ("to_sql vs classify_frame (polars)", compiled_sql(), "SELECT * FROM frame_verdicts"),
    )
    counts = []
    for label, left, right in pairs:
        query = (
            f"SELECT count(*) FROM ({left}) a JOIN ({right}) b USING (id) "  # noqa: S608
            f"WHERE {same}"
        )
        counts.append((label, int(connection.execute(query).fetchone()[0]), rows))
    return counts


def main() -> int:
    if h.child_main({name: child for name, (_, _, child) in CONTENDERS.items()}):
        return 0
    parser = h.options(__doc__.splitlines()[0], rows=10_000_000, quick_rows=1_000_000)
    args = parser.parse_args()
    rows, repeat = h.settle(args)
    print(f"bench_sql: {rows:,} signal rows in DuckDB, ~{h.NULL_SHARE:.0%} unknown per column")
    print(h.machine("duckdb", "polars", "pyarrow", "numpy", "clientcustomer"))
    print()
    agreement = _agreement(rows)
    h.show_agreement(agreement)
    # Interleaved rounds of fresh processes, two runs each: the load hits every contender alike.
    rounds = max(repeat // 2, 1)
    results = h.run_rounds(__file__, list(CONTENDERS), rows, rounds, 2)
    measured = [
        (label, results[name], results[baseline]["best"], rounds * 2)
        for name, (label, baseline, _) in CONTENDERS.items()
    ]
    print(h.throughput_table(rows, measured))
    print()
    print(
        "input: the rows' size as a polars frame (the DuckDB table holds the same data). "
        "peak RSS +: what the query adds at its peak, in a fresh process."
    )
    print(
        f"{rounds} interleaved rounds (every contender in a fresh process per round, best of 2 "
        "runs each); per round, the time against the round's baseline:"
    )
    for name, (label, baseline, _) in CONTENDERS.items():
        if name != baseline:
            ratios = [
                mine / base
                for mine, base in zip(
                    results[name]["rounds"], results[baseline]["rounds"], strict=True
                )
            ]
            print(f"  {label}: " + ", ".join(f"{ratio:.2f}x" for ratio in ratios))
    print(
        "CPU time (every thread of the process, best run; other jobs on the machine sway it "
        "less than the wall time), against the baseline's:"
    )
    for name, (label, baseline, _) in CONTENDERS.items():
        if name != baseline:
            cpu, base_cpu = results[name]["cpu_best"], results[baseline]["cpu_best"]
            against = f"{h.seconds(cpu)} against {h.seconds(base_cpu)}"
            print(f"  {label}: {against}, {cpu / base_cpu:.2f}x")
    for name, (label, baseline, _) in CONTENDERS.items():
        if name == baseline:
            continue
        ratio = results[name]["best"] / results[baseline]["best"]
        verdict = "met" if ratio <= TARGET else "MISSED"
        print(
            f"target: {label} within {TARGET:g}x of the hand-written CASE: {ratio:.2f}x, {verdict}"
        )
    return h.exit_code(agreement)


if __name__ == "__main__":
    sys.exit(main())
