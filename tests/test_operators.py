"""Tests that bite: every comparison operator, at every position, on every engine.

The expected truth values are written out by hand below (they are not read from the code under
test): for each operator, what ``left OP right`` is when the left side is below, at or above the
right one, and unknown when either side is unknown. Each is checked for ``name OP literal``,
``literal OP name`` and ``name OP name``, on integer and on real signals, through the one-record
classifier, pandas, polars, DuckDB and SQLite.

A rule set of two rules (hit policy ``first``) shows all three truth values apart: the condition
true gives ``client``, false gives ``customer`` (the second rule is its negation), unknown gives
``ambiguous`` (no rule fired and none could be decided: insufficient evidence).
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcustomer import (
    SIGNALS,
    Classifier,
    Rule,
    Ruleset,
    RulesetPolicy,
    classify_frame,
    classify_sql,
    testing,
    to_sql,
)
from clientcustomer.rules import conditions as c

OPERATORS = ("<", "<=", ">", ">=", "==", "!=")

# left below right, left equal to right, left above right: written out, not computed.
TRUTH: dict[str, tuple[bool, bool, bool]] = {
    "<": (True, False, False),
    "<=": (True, True, False),
    ">": (False, False, True),
    ">=": (False, True, True),
    "==": (False, True, False),
    "!=": (True, False, True),
}
VERDICT = {True: "client", False: "customer", None: "ambiguous"}
POSITIONS = ("below", "at", "above", "unknown")

# (signal, its type, the other signal of the same type, a threshold, a value below, above it)
KINDS = {
    "integer": ("tenure_days", "commitment_days", 100, 99, 101),
    "number": ("collaborative_share", "customization", 0.5, 0.25, 0.75),
}
FORMS = ("name-literal", "literal-name", "name-name")


def case_value(position: str, threshold: Any, low: Any, high: Any) -> Any:
    return {"below": low, "at": threshold, "above": high, "unknown": None}[position]


def expected_truth(form: str, op: str, position: str) -> bool | None:
    """The truth of the condition when the *signal* is at ``position`` against the other side."""
    if position == "unknown":
        return None
    below, at, above = TRUTH[op]
    if form == "literal-name":  # the literal is on the left: the signal below means left above
        return {"below": above, "at": at, "above": below}[position]
    return {"below": below, "at": at, "above": above}[position]


def condition(form: str, op: str, kind: str) -> str:
    name, other, threshold, _, _ = KINDS[kind]
    if form == "name-literal":
        return f"{name} {op} {threshold}"
    if form == "literal-name":
        return f"{threshold} {op} {name}"
    return f"{name} {op} {other}"


def ruleset_for(text: str) -> Ruleset:
    return Ruleset(
        "ops",
        "1",
        RulesetPolicy("first", default="customer"),
        (
            Rule("holds", text, "the condition holds", role="client"),
            Rule("fails", f"not ({text})", "the condition fails", role="customer"),
        ),
    )


def rows_for(form: str, kind: str) -> list[dict[str, Any]]:
    """One row per position; in ``name-name`` the other signal holds the threshold."""
    name, other, threshold, low, high = KINDS[kind]
    rows = []
    for index, position in enumerate(POSITIONS):
        row: dict[str, Any] = {"_row": index, name: case_value(position, threshold, low, high)}
        row[other] = threshold if form == "name-name" else None
        rows.append(row)
    if form == "name-name":  # the other side unknown, the signal known: unknown too
        rows.append({"_row": len(rows), name: threshold, other: None})
    return rows


def expected_roles(form: str, op: str) -> list[str]:
    roles = [VERDICT[expected_truth(form, op, position)] for position in POSITIONS]
    if form == "name-name":
        roles.append(VERDICT[None])
    return roles


CASES = [(form, op, kind) for form in FORMS for op in OPERATORS for kind in KINDS]
IDS = [f"{kind}:{condition(form, op, kind)}" for form, op, kind in CASES]


def one_record(ruleset: Ruleset, rows: list[dict[str, Any]]) -> list[str]:
    classifier = Classifier(ruleset)
    return [
        classifier.classify({k: v for k, v in row.items() if k != "_row"}).role.value
        for row in rows
    ]


def column_type(name: str) -> str:
    return "integer" if name in {"tenure_days", "commitment_days"} else "number"


def by_row(pairs: list[tuple[Any, Any]]) -> list[str]:
    return [str(role) for _, role in sorted(pairs)]


def with_pandas(ruleset: Ruleset, rows: list[dict[str, Any]]) -> list[str]:
    pd = pytest.importorskip("pandas")
    data = {"_row": pd.array([row["_row"] for row in rows], dtype="Int64")}
    for name in (n for n in rows[0] if n != "_row"):
        dtype = "Int64" if column_type(name) == "integer" else "Float64"
        data[name] = pd.array([row[name] for row in rows], dtype=dtype)
    result = classify_frame(pd.DataFrame(data), ruleset, passthrough=["_row"])
    return by_row(list(zip(result["_row"], result["role"], strict=True)))


def polars_frame(rows: list[dict[str, Any]]) -> Any:
    pl = pytest.importorskip("polars")
    schema = {
        name: pl.Int64 if name == "_row" or column_type(name) == "integer" else pl.Float64
        for name in rows[0]
    }
    return pl.DataFrame(rows, schema=schema)


def with_polars(ruleset: Ruleset, rows: list[dict[str, Any]]) -> list[str]:
    result = classify_frame(polars_frame(rows), ruleset, passthrough=["_row"])
    return by_row(result.select("_row", "role").rows())


def with_duckdb(ruleset: Ruleset, rows: list[dict[str, Any]]) -> list[str]:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    try:
        con.register("batch", polars_frame(rows).to_arrow())
        return by_row(
            classify_sql(con, "batch", ruleset, passthrough=["_row"])
            .select('"_row", role')
            .fetchall()
        )
    finally:
        con.close()


def with_sqlite(ruleset: Ruleset, rows: list[dict[str, Any]]) -> list[str]:
    con = sqlite3.connect(":memory:")
    try:
        names = [name for name in rows[0] if name != "_row"]
        types = {"integer": "INTEGER", "number": "REAL"}
        columns = ", ".join(['"_row" INTEGER', *(f'"{n}" {types[column_type(n)]}' for n in names)])
        con.execute(f"CREATE TABLE batch ({columns})")
        marks = ", ".join("?" for _ in range(len(names) + 1))
        con.executemany(
            f"INSERT INTO batch VALUES ({marks})",  # noqa: S608 - placeholders only
            [(row["_row"], *(row[n] for n in names)) for row in rows],
        )
        cursor = con.execute(to_sql(ruleset, table="batch", dialect="sqlite"))
        header = [item[0] for item in cursor.description]
        at_row, at_role = header.index("_row"), header.index("role")
        return by_row([(row[at_row], row[at_role]) for row in cursor.fetchall()])
    finally:
        con.close()


ENGINES = {
    "one-record": one_record,
    "pandas": with_pandas,
    "polars": with_polars,
    "duckdb": with_duckdb,
    "sqlite": with_sqlite,
}


class TestOperatorTable:
    def test_the_table_is_complete(self):
        """The hand-written table covers every operator the grammar documents."""
        assert set(OPERATORS) == set(TRUTH)
        assert 6 * 3 * 2 == len(CASES)

    @pytest.mark.parametrize("engine", list(ENGINES))
    @pytest.mark.parametrize(("form", "op", "kind"), CASES, ids=IDS)
    def test_below_at_above_unknown(self, engine, form, op, kind):
        """Each engine gives the hand-written truth of ``OP`` at every position."""
        text = condition(form, op, kind)
        rows = rows_for(form, kind)
        assert expected_roles(form, op) == ENGINES[engine](ruleset_for(text), rows), text


# --- an oracle of its own -----------------------------------------------------------------------


def _compare(op: str, a: object, b: object) -> bool:
    """``a OP b`` spelled out, one branch per operator (no table shared with the library)."""
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == "<=":
        return a < b or a == b  # type: ignore[operator]
    if op == ">":
        return b < a  # type: ignore[operator]
    if op == ">=":
        return b < a or a == b  # type: ignore[operator]
    if op == "==":
        return a == b
    if op == "!=":
        return not a == b  # noqa: SIM201 - spelled differently from the code under test on purpose
    raise AssertionError(op)


def _same(a: object, b: object) -> bool:
    """Membership keeps types apart: ``True`` is not ``1``, ``'1'`` is not ``1``; 1 is 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    return a == b


def oracle(expr: object, values: dict[str, object]) -> bool | None:  # noqa: C901, PLR0911
    """Kleene logic over a parsed condition, written from the grammar's documentation."""
    if isinstance(expr, c.Name):
        value = values.get(expr.name)
        return None if value is None else bool(value)
    if isinstance(expr, c.Literal):
        return bool(expr.value)
    if isinstance(expr, c.Compare):
        sides = [
            values.get(side.name) if isinstance(side, c.Name) else side.value
            for side in (expr.left, expr.right)
        ]
        if sides[0] is None or sides[1] is None:
            return None
        return _compare(expr.op, sides[0], sides[1])
    if isinstance(expr, c.In):
        value = values.get(expr.name.name)
        if value is None:
            return None
        found = any(_same(value, item.value) for item in expr.values)
        return (not found) if expr.negated else found
    if isinstance(expr, c.IsUnknown):
        unknown = values.get(expr.name.name) is None
        return (not unknown) if expr.negated else unknown
    if isinstance(expr, c.Not):
        inner = oracle(expr.operand, values)
        return None if inner is None else not inner
    if isinstance(expr, c.And | c.Or):
        results = [oracle(item, values) for item in expr.operands]
        decisive = isinstance(expr, c.Or)  # True decides an `or`, False an `and`
        if decisive in results:
            return decisive
        return None if None in results else not decisive
    raise AssertionError(expr)


class TestOracle:
    @pytest.mark.parametrize(
        ("op", "a", "b", "expected"),
        [
            (op, a, b, truth[index])
            for op, truth in TRUTH.items()
            for index, (a, b) in enumerate(((1, 2), (2, 2), (3, 2)))
        ],
    )
    def test_the_oracle_reads_the_table(self, op, a, b, expected):
        """The oracle's comparisons agree with the hand-written table."""
        assert expected is _compare(op, a, b)

    @pytest.mark.parametrize(
        ("value", "expected"), [(1, True), (1.0, True), (True, False), ("1", False), (2, False)]
    )
    def test_membership_keeps_types_apart(self, value, expected):
        """The oracle's ``in`` treats ``True`` and ``'1'`` as different from ``1``."""
        assert expected is oracle(c.parse_condition("x in [1]"), {"x": value})


CUSTOM = {"region": "string", "nps": "integer", "vip": "boolean", "margin": "number"}


@st.composite
def records(draw: st.DrawFn) -> dict[str, object]:
    """A value or unknown for every signal a generated condition may read."""
    kinds = {name: spec.type for name, spec in SIGNALS.items()} | CUSTOM
    found: dict[str, object] = {}
    for name, kind in kinds.items():
        if kind == "boolean":
            value: st.SearchStrategy[object] = st.booleans()
        elif kind == "string":
            value = st.sampled_from(("", "north", "a'b")) | st.text(max_size=3)
        else:
            value = st.sampled_from((0, 1, 0.2, 0.5, 90, 365)) | st.integers(-5, 500)
            value |= st.floats(-1e6, 1e6)
        found[name] = draw(st.none() | value)
    return found


class TestAgainstTheOracle:
    @given(testing.conditions(types=CUSTOM), records())
    def test_compiled_conditions_agree_with_the_oracle(self, text, values):
        """The compiled closure and the library's evaluator give the independent oracle's answer."""
        tree = c.parse_condition(text)
        expected = oracle(tree, values)
        compiled = c.compile_condition(tree, lambda name: lambda record: record.get(name))
        assert expected == compiled(values)
        assert expected == c.evaluate(tree, values)
