"""The contract of the many-records paths: every engine agrees with the one-record classifier.

A batch is a rule set (the default one or a random one under any hit policy) and a few signal
rows, with unknown values (null, and NaN in number columns), values at the thresholds and the
bounds, some batches with values just outside the bounds (or infinite), and with some signals
missing as columns. The one-record path
(`Classifier.classify`) is the reference; pandas, polars, DuckDB (`classify_sql` and a relation
through `classify_frame`), SQLite (`to_sql` run by the standard library) and Spark (a DataFrame
through `classify_frame` and `spark.sql(to_sql(..., dialect="spark"))`) must give the same role,
deciding rule and score on every row, and the same per-aspect leanings when asked; and when the
one-record path refuses a row (a value out of range), every engine refuses the batch.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from _support import engines
from clientcustomer import (
    SIGNALS,
    Aspect,
    Classifier,
    Rule,
    Ruleset,
    RulesetPolicy,
    classify_frame,
    classify_sql,
    default_ruleset,
    to_sql,
)
from clientcustomer.exceptions import ValidationError
from clientcustomer.rules import conditions as c
from clientcustomer.rules.compile import _used_signals
from clientcustomer.testing import rulesets
from clientcustomer.testing._entities import _signal_values
from clientcustomer.testing._rules import _outside_values, _typed_values

nw, pd, pl, duckdb = engines("narwhals", "pandas", "polars", "duckdb")

ROW = "_row"
"""The column that keeps each row's place (no signal name starts with an underscore)."""

INT64 = 2**63 - 1
ASPECTS = tuple(aspect.value for aspect in Aspect)
OUTPUT_COLUMNS = frozenset({"role", "score", "decided_by"})

Verdict = tuple[str, str, float]
"""(role, decided_by, score) of one row."""


# --- batches ------------------------------------------------------------------------------------


def kind_of(ruleset: Ruleset, name: str) -> str:
    """A signal's column type: number, integer, boolean or string."""
    spec = SIGNALS.get(name)
    return spec.type if spec is not None else ruleset.signals[name]


def literals(expr: c.Expr) -> Iterator[object]:
    """Every literal value of a condition: the thresholds worth drawing values at."""
    match expr:
        case c.Literal(value=value):
            yield value
        case c.Compare(left=left, right=right):
            for side in (left, right):
                yield from literals(side)
        case c.In(values=values):
            for item in values:
                yield item.value
        case c.Not(operand=operand):
            yield from literals(operand)
        case c.And(operands=operands) | c.Or(operands=operands):
            for item in operands:
                yield from literals(item)
        case _:
            return


def conditions_of(ruleset: Ruleset) -> list[c.Expr]:
    found = [rule.condition for rule in ruleset.rules]
    if ruleset.policy.requires is not None:
        found.append(c.parse_condition(ruleset.policy.requires))
    return found


def fits(value: object, name: str, kind: str) -> bool:
    """Whether a literal is a valid value of the signal (type and range)."""
    if kind in {"boolean", "string"}:
        return isinstance(value, bool if kind == "boolean" else str)
    if isinstance(value, bool) or not isinstance(value, int if kind == "integer" else int | float):
        return False
    if abs(value) > 10**15:  # beyond what a double holds exactly: no exact threshold to hit
        return False
    spec = SIGNALS.get(name)
    low = None if spec is None else spec.minimum
    high = None if spec is None else spec.maximum
    return (low is None or value >= low) and (high is None or value <= high)


def values_for(ruleset: Ruleset, name: str, *, outside: bool = False) -> st.SearchStrategy[Any]:
    """A signal's values: unknown (null, NaN), anything valid, exactly a threshold the rules test
    or a bound; with ``outside``, also values just outside the bounds (or infinite)."""
    kind = kind_of(ruleset, name)
    base = _signal_values(name) if name in SIGNALS else st.none() | _typed_values(kind)
    spec = SIGNALS.get(name)
    bounds = [] if spec is None else [b for b in (spec.minimum, spec.maximum) if b is not None]
    if kind == "integer":
        bounds = [int(b) for b in bounds]
    if bounds:
        base = base | st.sampled_from(bounds)
    if kind == "number":
        base = base | st.just(math.nan)
    if outside:
        base = base | _outside_values(name, kind)
    hits = sorted(
        {
            repr(value): value
            for expr in conditions_of(ruleset)
            for value in literals(expr)
            if fits(value, name, kind)
        }.values(),
        key=repr,
    )
    strategy = base | st.sampled_from(hits) if hits else base
    if kind == "number":  # a column of doubles: an integer literal arrives as a float
        return strategy.map(lambda value: None if value is None else float(value))
    if kind == "integer":  # a column of 64-bit integers
        return strategy.map(
            lambda value: value if value is None else max(min(value, INT64), -INT64)
        )
    return strategy


@attrs.frozen
class Batch:
    """A rule set, the signal columns present, their types and the rows (None: unknown)."""

    ruleset: Ruleset
    kinds: dict[str, str]
    rows: tuple[dict[str, Any], ...]

    @property
    def columns(self) -> list[str]:
        return list(self.kinds)

    @property
    def missing(self) -> list[str]:
        return [name for name in _used_signals(self.ruleset) if name not in self.kinds]

    @property
    def has_nul(self) -> bool:
        """Whether a string holds NUL, which SQLite's driver and Spark refuse in a query."""
        texts = [
            value
            for expr in conditions_of(self.ruleset)
            for value in literals(expr)
            if isinstance(value, str)
        ]
        texts.extend(value for row in self.rows for value in row.values() if isinstance(value, str))
        texts.extend(rule.id for rule in self.ruleset.rules)
        return any("\x00" in text for text in texts)

    def records(self) -> list[dict[str, Any]]:
        """The rows as the one-record path reads them (no row number)."""
        return [{name: row[name] for name in self.kinds} for row in self.rows]


@st.composite
def batches(draw: st.DrawFn, *, max_rows: int = 8) -> Batch:
    """A rule set and a batch of rows over its signals; some signals left out as columns."""
    ruleset = draw(st.just(default_ruleset()) | rulesets(max_rules=4))
    used = [*_used_signals(ruleset), *(n for n in ruleset.signals if n not in SIGNALS)]
    names = list(dict.fromkeys(used))
    # A signal named like an output column would clash with it in SQL (`SELECT *, ... AS role`).
    names = [name for name in names if name not in OUTPUT_COLUMNS]
    kept = [name for name in names if draw(st.integers(0, 5)) > 0]
    kinds = {name: kind_of(ruleset, name) for name in kept}
    count = draw(st.integers(1, max_rows))
    # One batch in four may hold values out of range, in the signals the rules read (what the
    # SQL of `to_sql` can check: it cannot see the table's other columns).
    outside = draw(st.integers(0, 3)) == 0
    read = set(_used_signals(ruleset))
    rows = []
    for index in range(count):
        row = {ROW: index}
        for name in kept:
            row[name] = draw(values_for(ruleset, name, outside=outside and name in read))
        rows.append(row)
    return Batch(ruleset, kinds, tuple(rows))


def odd_rules(signal: str, rule_id: str, literal: str) -> Ruleset:
    """A first-hit rule set on one string signal: rule ``rule_id`` (client) tests ``signal``
    against ``literal`` (written in the condition language, quotes and backslashes escaped),
    rule ``plain`` (ambiguous) against ``'x'``; neither firing gives customer."""
    return Ruleset(
        "odd",
        "1",
        RulesetPolicy("first", default="customer"),
        (
            Rule(rule_id, f"{signal} == {literal}", "Quoted.", role="client"),
            Rule("plain", f"{signal} == 'x'", "Plain.", role="ambiguous"),
        ),
        signals={signal: "string"},
    )


# --- one engine each ----------------------------------------------------------------------------

POLARS_TYPES = {"number": "Float64", "integer": "Int64", "boolean": "Boolean", "string": "String"}
PANDAS_TYPES = {"number": "Float64", "integer": "Int64", "boolean": "boolean", "string": "string"}


def expected(batch: Batch) -> list[Verdict] | None:
    """The one-record verdicts; ``None`` when it refuses a row (every engine must refuse too)."""
    classifier = Classifier(batch.ruleset)
    try:
        verdicts = [classifier.classify(record) for record in batch.records()]
    except ValidationError:
        return None
    return [(v.role.value, v.decided_by, v.score) for v in verdicts]


def expected_leanings(batch: Batch) -> list[dict[str, float]]:
    classifier = Classifier(batch.ruleset)
    return [
        {leaning.aspect.value: leaning.points for leaning in classifier.classify(r).leanings}
        for r in batch.records()
    ]


def polars_frame(batch: Batch) -> Any:
    schema = {ROW: pl.Int64, **{n: getattr(pl, POLARS_TYPES[k]) for n, k in batch.kinds.items()}}
    return pl.DataFrame(list(batch.rows), schema=schema, orient="row")


def pandas_frame(batch: Batch) -> Any:
    """Nullable pandas dtypes: ``pd.NA`` is the unknown value."""
    data = {ROW: pd.array([row[ROW] for row in batch.rows], dtype="Int64")}
    for name, kind in batch.kinds.items():
        data[name] = pd.array([row[name] for row in batch.rows], dtype=PANDAS_TYPES[kind])
    return pd.DataFrame(data)


def pandas_inferred(batch: Batch) -> Any:
    """What ``pd.DataFrame(records)`` infers: NaN for a missing number, objects for booleans."""
    return pd.DataFrame.from_records(list(batch.rows), columns=[ROW, *batch.columns])


def duckdb_connection(batch: Batch) -> Any:
    con = duckdb.connect()
    arrow = polars_frame(batch).to_arrow()
    con.register("batch", arrow)
    return con


def verdicts(rows: list[tuple[Any, ...]]) -> list[Verdict]:
    """(row, role, decided_by, score) tuples in any order, as verdicts in row order."""
    return [(role, decided, float(score)) for _, role, decided, score in sorted(rows)]


def from_polars(result: Any) -> list[Verdict]:
    return verdicts(result.select(ROW, "role", "decided_by", "score").rows())


def from_pandas(result: Any) -> list[Verdict]:
    selected = result[[ROW, "role", "decided_by", "score"]]
    return verdicts([tuple(row) for row in selected.itertuples(index=False)])


def from_duckdb(relation: Any) -> list[Verdict]:
    return verdicts(relation.select(f'"{ROW}", role, decided_by, score').fetchall())


def sqlite_rows(batch: Batch, *, leanings: bool = False) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(":memory:")
    try:
        types = {"number": "REAL", "integer": "INTEGER", "boolean": "INTEGER", "string": "TEXT"}
        columns = ", ".join(
            [f'"{ROW}" INTEGER', *(f'"{n}" {types[k]}' for n, k in batch.kinds.items())]
        )
        con.execute(f"CREATE TABLE batch ({columns})")
        marks = ", ".join("?" for _ in range(len(batch.kinds) + 1))
        con.executemany(
            f"INSERT INTO batch VALUES ({marks})",  # noqa: S608 - placeholders only
            [(row[ROW], *(row[name] for name in batch.kinds)) for row in batch.rows],
        )
        query = to_sql(
            batch.ruleset, table="batch", dialect="sqlite", missing=batch.missing, leanings=leanings
        )
        cursor = con.execute(query)
        names = [item[0] for item in cursor.description]
        wanted = [ROW, "role", "decided_by", "score"]
        if leanings:
            wanted = [ROW, *(f"leaning_{aspect}" for aspect in ASPECTS)]
        picks = [names.index(name) for name in wanted]
        return [tuple(row[i] for i in picks) for row in cursor.fetchall()]
    finally:
        con.close()


# One batch per comparison operator, each side of a threshold and unknown, in both spellings
# (``signal OP literal`` and ``literal OP signal``) and between two signals: the random rule sets
# may draw few of them, and the default rule set uses only ``>=`` and ``<``.
OPERATOR_BATCHES = tuple(
    Batch(
        Ruleset(
            f"op-{index}",
            "1",
            RulesetPolicy("first", default="customer"),
            (
                Rule("a", f"tenure_days {op} 100", "a", role="client"),
                Rule("b", f"100 {op} tenure_days", "b", role="ambiguous"),
                Rule("c", f"tenure_days {op} commitment_days", "c", role="client"),
                Rule("d", f"not (tenure_days {op} 100)", "d", role="ambiguous"),
            ),
        ),
        {"tenure_days": "integer", "commitment_days": "integer"},
        tuple(
            {ROW: row, "tenure_days": value, "commitment_days": other}
            for row, (value, other) in enumerate(
                ((99, 100), (100, 100), (101, 100), (None, 100), (100, None), (101, 101))
            )
        ),
    )
    for index, op in enumerate(("<", "<=", ">", ">=", "==", "!="))
)


def with_operator_examples(test: Any) -> Any:
    """Add an `example` per operator batch to an agreement property."""
    for batch in OPERATOR_BATCHES:
        test = example(batch)(test)
    return test


# --- the contract -------------------------------------------------------------------------------


class TestEveryEngineAgrees:
    @settings(max_examples=25)
    @with_operator_examples
    @given(batches())
    def test_dataframes_and_sql_agree_with_one_record(self, batch):
        """pandas, polars, DuckDB and SQLite give each row the one-record role, rule and score;
        a batch the one-record path refuses, every engine refuses."""
        reference = expected(batch)
        rules = batch.ruleset
        con = duckdb_connection(batch)
        engines = [
            lambda: from_polars(classify_frame(polars_frame(batch), rules, passthrough=[ROW])),
            lambda: from_polars(
                classify_frame(polars_frame(batch).lazy(), rules, passthrough=[ROW]).collect()
            ),
            lambda: from_pandas(classify_frame(pandas_frame(batch), rules, passthrough=[ROW])),
            lambda: from_pandas(classify_frame(pandas_inferred(batch), rules, passthrough=[ROW])),
            lambda: from_duckdb(classify_sql(con, "batch", rules, passthrough=[ROW])),
            lambda: from_duckdb(classify_frame(con.table("batch"), rules, passthrough=[ROW])),
        ]
        if not batch.has_nul:
            engines.append(lambda: verdicts(sqlite_rows(batch)))
        for engine in engines:
            if reference is None:
                with pytest.raises((ValidationError, duckdb.Error, sqlite3.Error)):
                    engine()
            else:
                assert reference == engine()

    @settings(max_examples=15)
    @with_operator_examples
    @given(batches())
    def test_leanings_are_the_points_per_aspect(self, batch):
        """``leanings=True`` adds, per aspect, the points `Classification.leanings` sums."""
        assume(expected(batch) is not None)
        reference = expected_leanings(batch)
        columns = [f"leaning_{aspect}" for aspect in ASPECTS]

        frame = classify_frame(polars_frame(batch), batch.ruleset, leanings=True, passthrough=[ROW])
        con = duckdb_connection(batch)
        relation = classify_sql(con, "batch", batch.ruleset, leanings=True, passthrough=[ROW])
        in_sql = relation.select(", ".join([f'"{ROW}"', *columns])).fetchall()

        def as_dicts(rows: list[tuple[Any, ...]]) -> list[dict[str, float]]:
            return [dict(zip(ASPECTS, row[1:], strict=True)) for row in sorted(rows)]

        assert reference == as_dicts(frame.select(ROW, *columns).rows())
        assert reference == as_dicts(in_sql)
        if not batch.has_nul:
            assert reference == as_dicts(sqlite_rows(batch, leanings=True))


# --- Spark ----------------------------------------------------------------------------------------


def spark_frame(spark: Any, batch: Batch) -> Any:
    from pyspark.sql import types as T  # noqa: N812, PLC0415 - Spark only when it runs

    spark_types = {
        "number": T.DoubleType(),
        "integer": T.LongType(),
        "boolean": T.BooleanType(),
        "string": T.StringType(),
    }
    schema = T.StructType(
        [
            T.StructField(ROW, T.LongType(), nullable=False),
            *(T.StructField(n, spark_types[k], nullable=True) for n, k in batch.kinds.items()),
        ]
    )
    rows = [(row[ROW], *(row[name] for name in batch.kinds)) for row in batch.rows]
    return spark.createDataFrame(rows, schema=schema)


def from_spark(frame: Any) -> list[Verdict]:
    rows = frame.select(ROW, "role", "decided_by", "score").collect()
    return verdicts([tuple(row) for row in rows])


@pytest.mark.spark
class TestSpark:
    @settings(max_examples=4, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(batch=batches())
    def test_spark_agrees_with_one_record(self, spark, batch):
        """A Spark DataFrame through `classify_frame` and Spark SQL through `to_sql` agree."""
        assume(not batch.has_nul)
        reference = expected(batch)
        frame = spark_frame(spark, batch)
        frame.createOrReplaceTempView("batch")
        query = to_sql(batch.ruleset, table="batch", dialect="spark", missing=batch.missing)

        if reference is None:
            with pytest.raises(ValidationError):
                classify_frame(frame, batch.ruleset, passthrough=[ROW])
            with pytest.raises(Exception, match=r"\$\."):  # Spark raises its own error class
                spark.sql(query).collect()
            return
        assert reference == from_spark(classify_frame(frame, batch.ruleset, passthrough=[ROW]))
        assert reference == from_spark(spark.sql(query))

    def test_quotes_and_backslashes_survive_spark_sql(self, spark):
        """A string literal with quotes and backslashes matches the same text in Spark."""
        rules = odd_rules("region", "quoted", "'a\\'b\\\\c\"d'")
        frame = spark.createDataFrame(
            [(0, "a'b\\c\"d"), (1, "x"), (2, None)], schema="_row long, region string"
        )
        frame.createOrReplaceTempView("odd")

        result = spark.sql(to_sql(rules, table="odd", dialect="spark"))

        assert [
            ("client", "quoted", 1.0),
            ("ambiguous", "plain", 0.0),
            ("ambiguous", "insufficient-evidence", 0.0),  # NULL: no rule can be decided
        ] == from_spark(result)


# --- SQL text, bad arguments, laziness ---------------------------------------------------------

ODD_RULES = odd_rules("order", 'say"hi', "'it\\'s a \\\\ path'")
ODD_TABLE = 'my schema.acc"ts'


class TestSqlText:
    @pytest.mark.parametrize("dialect", ["postgres", "ansi"])
    def test_odd_identifiers_are_quoted_and_literals_escaped(self, dialect):
        """Names are double-quoted (quotes doubled), literals single-quoted (quotes doubled)."""
        fired = "(\"order\" = 'it''s a \\ path')"  # a CASE takes no unknown WHEN: no COALESCE
        plain = "(\"order\" = 'x')"
        undecided = '("order" IS NULL)'  # no rule fired, one reads an unknown: cannot tell
        one, minus = "CAST(1.0 AS DOUBLE PRECISION)", "CAST(-1.0 AS DOUBLE PRECISION)"
        zero = "CAST(0.0 AS DOUBLE PRECISION)"

        text = to_sql(ODD_RULES, table=ODD_TABLE, dialect=dialect)

        assert (
            f"SELECT *, CASE WHEN {fired} THEN 'client' WHEN {plain} THEN 'ambiguous' "  # noqa: S608
            f"WHEN {undecided} THEN 'ambiguous' ELSE 'customer' END AS \"role\", "
            f"CASE WHEN {fired} THEN {one} WHEN {plain} THEN {zero} "
            f'WHEN {undecided} THEN {zero} ELSE {minus} END AS "score", '
            f"CASE WHEN {fired} THEN 'say\"hi' WHEN {plain} THEN 'plain' "
            f"WHEN {undecided} THEN 'insufficient-evidence' "
            "ELSE 'policy.default' END AS \"decided_by\" "
            'FROM "my schema"."acc""ts"'
        ) == text

    def test_the_postgres_text_runs_with_its_odd_names(self):
        """DuckDB (PostgreSQL's quoting rules) runs the text and matches the quoted value."""
        con = duckdb.connect()
        con.execute('CREATE SCHEMA "my schema"')
        con.execute('CREATE TABLE "my schema"."acc""ts" ("order" VARCHAR, _row INTEGER)')
        con.execute(
            'INSERT INTO "my schema"."acc""ts" VALUES (?, 0), (?, 1), (NULL, 2)',
            ["it's a \\ path", "x"],
        )

        rows = con.sql(to_sql(ODD_RULES, table=ODD_TABLE, dialect="postgres")).order("_row")

        assert [
            ("client", 'say"hi', 1.0),
            ("ambiguous", "plain", 0.0),
            ("ambiguous", "insufficient-evidence", 0.0),  # NULL: no rule can be decided
        ] == rows.select("role, decided_by, score").fetchall()

    def test_an_unknown_dialect_lists_the_known_ones(self):
        """A dialect that is not one of `Dialect` is refused, naming the choices."""
        with pytest.raises(ValidationError) as info:
            to_sql(table="t", dialect="oracle")

        assert [
            (
                "dialect",
                "one of 'ansi', 'duckdb', 'postgres', 'sqlite', 'spark'",
                "oracle",
            )
        ] == [(p.field, p.expected, p.got) for p in info.value.problems]

    @pytest.mark.parametrize("table", ["", "  ", "a..b", "a.", ".b", None, 7])
    def test_a_bad_table_name_is_refused(self, table):
        """An empty name, an empty part of schema.table, or a non-string is refused."""
        with pytest.raises(ValidationError) as info:
            to_sql(table=table)

        assert [("table", table)] == [(p.field, p.got) for p in info.value.problems]


class TestClassifySqlInput:
    def test_a_missing_table_is_a_validation_error(self):
        """A table that does not exist is named in a ValidationError, not a DuckDB error."""
        with pytest.raises(ValidationError) as info:
            classify_sql(duckdb.connect(), "nowhere")

        assert [("table", "an existing table or view", "nowhere")] == [
            (p.field, p.expected, p.got) for p in info.value.problems
        ]

    @pytest.mark.parametrize(
        ("column", "kind"),
        [("tenure_days", "VARCHAR"), ("active_engagement", "INTEGER"), ("customization", "DATE")],
    )
    def test_a_column_of_the_wrong_type_is_named(self, column, kind):
        """A signal column of the wrong type is refused before any row is read, naming it."""
        con = duckdb.connect()
        con.execute(f"CREATE TABLE accounts (id VARCHAR, {column} {kind})")

        with pytest.raises(ValidationError) as info:
            classify_sql(con, "accounts")

        assert [(f"accounts.{column}", kind.lower())] == [
            (p.field, p.got) for p in info.value.problems
        ]


class TestOutputColumnsAreNotOverwritten:
    """An input column named as a verdict column would be lost: it is refused, named."""

    @pytest.mark.parametrize(
        ("column", "leanings"),
        [("role", False), ("score", False), ("decided_by", False), ("leaning_business", True)],
    )
    def test_classify_frame(self, column, leanings):
        for frame in (pl.DataFrame({"id": ["a"], column: [1.0]}), pd.DataFrame({column: [1.0]})):
            with pytest.raises(ValidationError) as info:
                classify_frame(frame, leanings=leanings)

            expected = f"no column named {column!r} (classify_frame adds it: drop or rename the"
            assert [(f"$.{column}", f"{expected} column first)", "a column of that name")] == [
                (p.field, p.expected, p.got) for p in info.value.problems
            ]

    def test_a_leaning_column_is_fine_without_leanings(self):
        frame = pl.DataFrame({"leaning_business": [1.0]})
        result = classify_frame(frame, passthrough=["leaning_business"])
        assert ["leaning_business", "role", "score", "decided_by"] == result.columns

    def test_classify_sql(self):
        con = duckdb.connect()
        con.execute("CREATE TABLE accounts (id VARCHAR, score DOUBLE)")

        with pytest.raises(ValidationError) as info:
            classify_sql(con, "accounts")

        assert [("accounts.score", "a column of that name")] == [
            (p.field, p.got) for p in info.value.problems
        ]


class TestLazyInputsStayLazy:
    def test_a_polars_lazy_frame_is_read_only_when_collected(self, tmp_path):
        """The result is a LazyFrame; rows written after the call are the ones classified."""
        path = tmp_path / "rows.csv"
        path.write_text("id,customization\na,0.0\n", encoding="utf-8")

        result = classify_frame(pl.scan_csv(path))
        path.write_text("id,customization\nb,1.0\nc,0.0\n", encoding="utf-8")

        assert isinstance(result, pl.LazyFrame)
        assert [("b", "ambiguous"), ("c", "customer")] == result.select(
            "id", "role"
        ).collect().rows()

    @pytest.mark.parametrize("path", ["classify_sql", "classify_frame"])
    def test_a_duckdb_relation_runs_only_when_fetched(self, path):
        """Both DuckDB paths give a relation; rows inserted after the call are classified."""
        con = duckdb.connect()
        con.execute("CREATE TABLE accounts (id VARCHAR, customization DOUBLE)")
        if path == "classify_sql":
            result = classify_sql(con, "accounts")
        else:
            result = classify_frame(con.table("accounts"))
        con.execute("INSERT INTO accounts VALUES ('b', 1.0), ('c', 0.0)")

        assert isinstance(result, duckdb.DuckDBPyRelation)
        assert [("b", "ambiguous"), ("c", "customer")] == (
            result.select("id, role").order("id").fetchall()
        )
