"""Issue 15: DuckDB's query checks the ranges apart and reads NaN without a NULLIF per test.

`to_sql(dialect="duckdb")` and `classify_sql` check every bounded column with one filtered scan
per bound (joined as one row) instead of a test of every row, and compare a number column with
a literal as it is, NaN being made false where it would pass (``>``, ``>=``, ``<>``). The
verdicts must stay the one-record path's, NaN must stay unknown, and an infinite or
out-of-range value must still fail the query, naming the column, the value and the row.
"""

from __future__ import annotations

import math

import pytest

import clientcustomer as cc
from clientcustomer import Rule, Ruleset, RulesetPolicy
from clientcustomer.rules.compile import _used_signals
from clientcustomer.rules.ruleset import default_ruleset

duckdb = pytest.importorskip("duckdb")

NAN = math.nan
ASPECT = "interaction"
SHARE = "expected a number between 0 and 1"
COUNT = "expected a number >= 0"
SIGNALS = ("customization", "collaborative_share", "service_share", "touchpoints_per_quarter")


def _score_rules() -> Ruleset:
    """Every comparison operator, a literal on either side, half points and a ``requires``."""
    return Ruleset(
        "ops",
        "1",
        RulesetPolicy("score", client_at=1.5, customer_below=0.5, requires="customization > 0.1"),
        (
            Rule("ge", "customization >= 0.5", "Customized.", aspect=ASPECT, points=1.5),
            Rule("gt", "0.3 < collaborative_share", "Collaborative.", aspect=ASPECT, points=1),
            Rule("ne", "service_share != 0.5", "Not half.", aspect=ASPECT, points=0.5),
            Rule("le", "touchpoints_per_quarter <= 1", "Rare.", aspect=ASPECT, points=-1),
            Rule("not", "not customization < 0.2", "Negated.", aspect=ASPECT, points=0.25),
            Rule("eq", "service_share == 0.25", "A quarter.", aspect=ASPECT, points=-0.5),
        ),
    )


def _first_rules() -> Ruleset:
    return Ruleset(
        "first",
        "1",
        RulesetPolicy("first", default="customer"),
        (
            Rule("ge", "customization >= 0.5", "Customized.", role="client"),
            Rule("ne", "service_share != 0.5", "Not half.", role="ambiguous"),
        ),
    )


ROWS = [
    {"customization": 0.6, "collaborative_share": 0.4, "service_share": 0.5,
     "touchpoints_per_quarter": 0.0},
    {"customization": NAN, "collaborative_share": NAN, "service_share": NAN,
     "touchpoints_per_quarter": NAN},
    {"customization": None, "collaborative_share": 0.1, "service_share": 0.25,
     "touchpoints_per_quarter": 2.0},
    {"customization": 0.15, "collaborative_share": NAN, "service_share": 0.9,
     "touchpoints_per_quarter": math.inf},
    {"customization": NAN, "collaborative_share": 0.5, "service_share": None,
     "touchpoints_per_quarter": 1.0},
    {"customization": 1.0, "collaborative_share": 0.0, "service_share": NAN,
     "touchpoints_per_quarter": 5.0},
]  # fmt: skip


def _connection(rows: list[dict[str, float | None]]) -> object:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE accounts (id VARCHAR, "
        + ", ".join(f"{name} DOUBLE" for name in SIGNALS)
        + ")"
    )
    for index, row in enumerate(rows):
        con.execute(
            "INSERT INTO accounts VALUES (?, ?, ?, ?, ?)",
            [f"r{index}", *(row[name] for name in SIGNALS)],
        )
    return con


def _one_record(rules: Ruleset, row: dict[str, float | None]) -> tuple[str, str, float]:
    known = {
        name: value
        for name, value in row.items()
        if value is not None and not math.isnan(value) and not math.isinf(value)
    }
    result = cc.Classifier(rules).classify(known)
    return (result.role.value, result.decided_by, result.score)


def _in_range(row: dict[str, float | None]) -> dict[str, float | None]:
    """An infinite touchpoint count is refused: read it as unknown for the agreement."""
    value = row["touchpoints_per_quarter"]
    return {**row, "touchpoints_per_quarter": None if value == math.inf else value}


@pytest.mark.parametrize("rules", [_score_rules(), _first_rules()], ids=["score", "first"])
def test_nan_null_and_every_operator_agree_with_one_record(rules: Ruleset) -> None:
    """NaN is unknown whichever side the literal is on and whatever the operator."""
    rows = [_in_range(row) for row in ROWS]
    con = _connection(rows)
    got = [
        tuple(row[1:])
        for row in sorted(
            cc.classify_sql(con, "accounts", rules).select("id, role, decided_by, score").fetchall()
        )
    ]
    query = cc.to_sql(rules, table="accounts", dialect="duckdb")
    by_text = sorted(con.execute(f"SELECT id, role, decided_by, score FROM ({query})").fetchall())  # noqa: S608

    assert [_one_record(rules, row) for row in rows] == got
    assert got == [tuple(row[1:]) for row in by_text]


@pytest.mark.parametrize("rules", [_score_rules(), _first_rules()], ids=["score", "first"])
@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("customization", 1.5, rf"\$\.customization: {SHARE}, got 1.5"),
        ("customization", -0.5, rf"\$\.customization: {SHARE}, got -0.5"),
        ("service_share", math.inf, rf"\$\.service_share: {SHARE}, got inf"),
        ("touchpoints_per_quarter", math.inf, rf"\$\.touchpoints_per_quarter: {COUNT}, got inf"),
        ("touchpoints_per_quarter", -1.0, rf"\$\.touchpoints_per_quarter: {COUNT}, got -1.0"),
    ],
)  # fmt: skip
def test_a_value_out_of_range_fails_every_query_naming_the_row(
    rules: Ruleset, column: str, value: float, message: str
) -> None:
    """Counting, filtering or materializing: the query fails with the column, value and id."""
    rows = [_in_range(row) for row in ROWS]
    rows[2] = {**rows[2], column: value}
    con = _connection(rows)
    query = cc.to_sql(rules, table="accounts", dialect="duckdb", row_id="id")
    if column not in {name for rule in rules.rules for name in rule.signals}:
        con.execute(f"SELECT count(*) FROM ({query})").fetchall()  # noqa: S608 - not read: no check
        return
    for run in (
        lambda: con.execute(f"SELECT role, count(*) FROM ({query}) GROUP BY ALL").fetchall(),  # noqa: S608
        lambda: con.execute(f"SELECT * FROM ({query}) WHERE id = 'r0'").fetchall(),  # noqa: S608
        lambda: con.execute(f"CREATE TABLE verdicts AS {query}"),
        lambda: cc.classify_sql(con, "accounts", rules).fetchall(),
    ):
        with pytest.raises(duckdb.Error, match=message + r".*\(row id r2\)"):
            run()


def test_nan_is_never_out_of_range() -> None:
    """A NaN share passes the range check (it sorts above 1 in DuckDB) and reads as unknown."""
    con = _connection([dict.fromkeys(SIGNALS, NAN)])

    rows = cc.classify_sql(con, "accounts").select("role, decided_by").fetchall()

    assert [("ambiguous", "insufficient-evidence")] == rows


def test_an_empty_table_gives_no_rows() -> None:
    """The checks give their one row on an empty table too: no verdict, no failure."""
    con = _connection([])

    assert [] == cc.classify_sql(con, "accounts").fetchall()


def test_other_dialects_and_the_log_query_still_check_each_row() -> None:
    """Only DuckDB's `to_sql` scans apart; SQLite's text keeps its per-row refusal."""
    import sqlite3  # noqa: PLC0415

    lite = sqlite3.connect(":memory:")
    lite.execute("CREATE TABLE accounts (id TEXT, customization REAL)")
    lite.execute("INSERT INTO accounts VALUES ('a', 1.5)")
    missing = [name for name in _used_signals(default_ruleset()) if name != "customization"]
    query = cc.to_sql(table="accounts", dialect="sqlite", missing=missing, row_id="id")

    assert "UNION ALL" not in query
    with pytest.raises(sqlite3.Error, match=r"\$\.customization"):
        lite.execute(query).fetchall()


@pytest.mark.parametrize(
    "when",
    ["tenure_days > 5", "tenure_days is unknown", "active_engagement and tenure_days is unknown"],
)
@pytest.mark.parametrize("kind", ["BIGINT", "DOUBLE"])
def test_one_bound_read_any_way_still_fails_the_query(when: str, kind: str) -> None:
    """One scan alone (an integer's one bound) fails the query however the rules read it.

    DuckDB drops a joined column nobody reads, and with it the scans: a count of the refusals
    read by no one let ``tenure_days = -1`` through as a verdict (found by Hypothesis).
    """
    rules = Ruleset(
        "one", "1", RulesetPolicy("first", default="customer"),
        (Rule("r", when, "Read.", role="client"),),
    )  # fmt: skip
    con = duckdb.connect()
    con.execute(f"CREATE TABLE accounts AS SELECT 'a' AS id, CAST(-1 AS {kind}) AS tenure_days")

    with pytest.raises(duckdb.Error, match=r"\$\.tenure_days: expected .* got -1"):
        cc.classify_sql(con, "accounts", rules).fetchall()
    missing = [name for name in _used_signals(rules) if name != "tenure_days"]
    query = cc.to_sql(rules, table="accounts", dialect="duckdb", missing=missing)
    with pytest.raises(duckdb.Error, match=r"\$\.tenure_days"):
        con.execute(query).fetchall()
