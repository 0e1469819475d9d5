"""The condition language: tokenizer and parser errors, printer, checker, compiler and oracle."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcustomer import SIGNALS, testing
from clientcustomer.exceptions import RulesetError
from clientcustomer.rules import conditions as c

CUSTOM = {"region": "string", "nps": "integer", "vip": "boolean", "margin": "number"}
TYPES: dict[str, c.ValueType] = {
    **{name: "boolean" if spec.type == "boolean" else "number" for name, spec in SIGNALS.items()},
    "region": "string",
    "nps": "number",
    "vip": "boolean",
    "margin": "number",
}


AS_CONDITION = "number signal 'tenure_days' used as a condition; compare it, e.g. 'tenure_days > 0'"
ONLY_EQ = "(only == and != apply)"
ENGAGEMENT = "boolean signal 'active_engagement'"
OPERAND = "expected a signal name, a number, a string, true or false"


def parse_error(text: Any) -> str:
    """The one line a syntax error gives."""
    with pytest.raises(RulesetError) as caught:
        c.parse_condition(text)
    assert 1 == len(caught.value.problems)
    return str(caught.value.problems[0])


def messages(text: str) -> list[str]:
    return [issue.message for issue in c.check(c.parse_condition(text), TYPES)]


def getter(name: str) -> c.Getter:
    return lambda record: record.get(name)  # type: ignore[attr-defined]


@st.composite
def values_for(draw: st.DrawFn) -> dict[str, object]:
    """A value, or unknown, for every signal the conditions may read, of the right type."""
    found: dict[str, object] = {}
    for name, kind in TYPES.items():
        if kind == "boolean":
            value: st.SearchStrategy[object] = st.booleans()
        elif kind == "string":
            value = st.sampled_from(("", "north", "a'b", 'q"')) | st.text(max_size=3)
        else:
            value = (
                st.sampled_from((0, 1, 0.2, 0.5, 90, 365))
                | st.integers(-5, 500)
                | st.floats(-1e6, 1e6)
            )
        found[name] = draw(st.none() | value)
    return found


class TestSyntaxErrors:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("", "<condition>:1:1: expected a condition, got the end of the condition"),
            (
                "tenure_days >=",
                f"<condition>:1:15: {OPERAND}, got the end of the condition",
            ),
            ("a $ b", "<condition>:1:3: unexpected character '$'"),
            ("(a and b", "<condition>:1:9: expected ')', got the end of the condition"),
            ("a b", "<condition>:1:3: expected 'and', 'or' or the end of the condition, got 'b'"),
            ("x in [y]", "<condition>:1:7: expected a literal value in the list, got signal 'y'"),
            ("x not y", "<condition>:1:7: expected 'in' after 'not', got 'y'"),
            ("1 in [1]", "<condition>:1:1: expected a signal name before 'in', got 1"),
            (
                '"n" is unknown',
                "<condition>:1:1: expected a signal name before 'is unknown', got \"n\"",
            ),
            ("x is 3", "<condition>:1:6: expected 'unknown' after 'is', got '3'"),
            ("x in 3", "<condition>:1:6: expected '[' to start the list, got '3'"),
            ("x in [1 2]", "<condition>:1:9: expected ',' or ']', got '2'"),
            (
                "x in []",
                f"<condition>:1:7: {OPERAND}, got ']'",
            ),
            ("x == 'a\\qb'", "<condition>:1:8: unknown escape '\\q' in a string"),
            ("x > " + "9" * 400, "<condition>:1:5: number out of range: " + "9" * 400),
            (
                "and",
                f"<condition>:1:1: {OPERAND}, got 'and'",
            ),
            ("x == 'open", '<condition>:1:6: unexpected character "\'"'),
            (
                "not",
                f"<condition>:1:4: {OPERAND}, got the end of the condition",
            ),
        ],
    )
    def test_message_and_column(self, text, expected):
        assert expected == parse_error(text)

    @pytest.mark.parametrize(
        "text",
        [
            "__import__('os')",
            "__import__('os').system('true')",
            "open('x').read()",
            "a.b",
            "lambda: 1",
            "a if b else c",
            "[x for x in y]",
            "a + 1 > 2",
            "a; b",
            "a && b",
        ],
    )
    def test_python_is_not_a_condition(self, text):
        """No eval: Python expressions that are not conditions are syntax errors."""
        assert parse_error(text).startswith("<condition>:1:")

    def test_import_column(self):
        assert (
            "<condition>:1:11: expected 'and', 'or' or the end of the condition, got '('"
            == parse_error("__import__('os')")
        )

    def test_not_a_string(self):
        assert "<condition>: expected a condition as a string, got 3" == parse_error(3)

    @given(st.text(max_size=30))
    def test_any_text_parses_or_fails_cleanly(self, text):
        """Any text is a tree that prints and re-parses, or one RulesetError with a column."""
        try:
            tree = c.parse_condition(text)
        except RulesetError as error:
            (problem,) = error.problems
            assert ("<condition>", 1) == (problem.source, problem.line)
            assert 1 <= problem.column <= len(text) + 1
        else:
            assert tree == c.parse_condition(c.to_text(tree))


class TestTree:
    def test_shapes(self):
        assert c.And((c.Name("a"), c.Name("b"), c.Name("c"))) == c.parse_condition("a and b and c")
        assert c.Or((c.And((c.Name("a"), c.Name("b"))), c.Not(c.Name("c")))) == c.parse_condition(
            "a and b or not c"
        )
        assert c.In(c.Name("x"), (c.Literal(1), c.Literal("y")), negated=True) == (
            c.parse_condition("x not in [1, 'y',]")
        )
        assert c.IsUnknown(c.Name("nps")) == c.parse_condition("nps is unknown")
        assert c.Compare(c.Literal(-1.5e3), "<", c.Name("x")) == c.parse_condition("-1.5e3 < x")
        assert c.Literal(value=True) == c.parse_condition("(true)")

    def test_literal_equality(self):
        assert c.Literal(1) == c.Literal(1.0)
        assert c.Literal(value=True) != c.Literal(1)
        assert c.Literal("1") != c.Literal(1)
        assert c.Literal(1) != 1
        assert hash(c.Literal(2)) == hash(c.Literal(2.0))

    def test_offsets_are_not_compared(self):
        assert c.Name("a", 0) == c.Name("a", 7)
        assert 4 == c.parse_condition("  x is unknown").name.offset + 2

    def test_escapes(self):
        tree = c.parse_condition(r'x == "a\"b\\c\n\t" or x == ' + r"'it\'s'")
        assert ('a"b\\c\n\t', "it's") == tuple(op.right.value for op in tree.operands)

    def test_parsing_is_cached(self):
        assert c.parse_condition("a and b") is c.parse_condition("a and b")


class TestPrinter:
    @pytest.mark.parametrize(
        ("text", "canonical"),
        [
            ("(a  >= 1) and b or not c", "a >= 1 and b or not c"),
            ("not (a or b) and x in [1, 'y',]", 'not (a or b) and x in [1, "y"]'),
            ("a and (b and c)", "a and (b and c)"),
            ("(a or b) or c", "(a or b) or c"),
            ("(a or b) and c", "(a or b) and c"),
            ("not not a", "not not a"),
            ("not (a > 1)", "not a > 1"),
            ("x is not unknown", "x is not unknown"),
            ("x == true or y != false", "x == true or y != false"),
            ("x == 'a\"b\\\\c'", 'x == "a\\"b\\\\c"'),
            ("0.5 <= x", "0.5 <= x"),
            ("x == 1e-05", "x == 1e-05"),
        ],
    )
    def test_canonical(self, text, canonical):
        assert canonical == c.to_text(c.parse_condition(text))

    @given(testing.conditions(types=CUSTOM))
    def test_round_trip(self, text):
        """parse -> to_text -> parse gives the same tree, and the canonical text is a fixpoint."""
        tree = c.parse_condition(text)
        canonical = c.to_text(tree)
        assert tree == c.parse_condition(canonical)
        assert canonical == c.to_text(c.parse_condition(canonical))


class TestCheck:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("tenur_days > 1", ["unknown signal 'tenur_days' (did you mean 'tenure_days'?)"]),
            ("zzz", ["unknown signal 'zzz'"]),
            (
                "active_engagement >= 3",
                ["cannot compare boolean signal 'active_engagement' with number 3"],
            ),
            (
                "active_engagement > false",
                [f"cannot compare boolean signal 'active_engagement' with '>' {ONLY_EQ}"],
            ),
            (
                "3 <= active_engagement",
                ["cannot compare boolean signal 'active_engagement' with number 3"],
            ),
            (
                "region < 'n'",
                ["cannot compare string signal 'region' with '<' (only == and != apply)"],
            ),
            ("region == 1", ["cannot compare string signal 'region' with number 1"]),
            (
                "tenure_days == true",
                ["cannot compare number signal 'tenure_days' with boolean true"],
            ),
            (
                "tenure_days == active_engagement",
                [f"cannot compare number signal 'tenure_days' with {ENGAGEMENT}"],
            ),
            ("1 < 2", ["comparison of two literals (1 < 2) does not read any signal"]),
            (
                "tenure_days",
                [AS_CONDITION],
            ),
            ("3 or vip", ["a number literal is not a condition"]),
            ("'x'", ["a string literal is not a condition"]),
            (
                "region in ['a', 1, true]",
                [
                    "list item 1 is a number, but 'region' is a string signal",
                    "list item true is a boolean, but 'region' is a string signal",
                ],
            ),
            (
                "tenur_days is unknown",
                ["unknown signal 'tenur_days' (did you mean 'tenure_days'?)"],
            ),
            (
                "nope in [1] or tenur_days > x",
                [
                    "unknown signal 'nope'",
                    "unknown signal 'tenur_days' (did you mean 'tenure_days'?)",
                    "unknown signal 'x'",
                ],
            ),
            (
                "not (tenure_days and vip)",
                [AS_CONDITION],
            ),
            ("tenure_days > nps and vip == false and true", []),
        ],
    )
    def test_messages(self, text, expected):
        assert expected == messages(text)

    def test_offsets(self):
        """Each issue points at the offending name or literal."""
        issues = c.check(c.parse_condition("vip and tenur_days > 1 and region in [1]"), TYPES)
        assert [8, 38] == [issue.offset for issue in issues]

    @given(testing.conditions(types=CUSTOM))
    def test_generated_conditions_are_sound(self, text):
        assert [] == messages(text)

    def test_signals_of(self):
        tree = c.parse_condition("a > 1 and (b or a < 3) and c in [1] and d is unknown and 2 < e")
        assert ("a", "b", "c", "d", "e") == c.signals_of(tree)
        assert () == c.signals_of(c.parse_condition("true"))


class TestEvaluation:
    @pytest.mark.parametrize(
        ("a", "b", "conjunction", "disjunction"),
        [
            (True, True, True, True),
            (True, False, False, True),
            (False, None, False, None),
            (None, False, False, None),
            (True, None, None, True),
            (None, True, None, True),
            (None, None, None, None),
            (False, False, False, False),
        ],
    )
    def test_kleene(self, a, b, conjunction, disjunction):
        values = {"a": a, "b": b}
        for text, expected in (("a and b", conjunction), ("a or b", disjunction)):
            tree = c.parse_condition(text)
            assert expected == c.evaluate(tree, values)
            assert expected == c.compile_condition(tree, getter)(values)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("not x", None),
            ("x > 1", None),
            ("1 < x", None),
            ("x == y", None),
            ("x in [1]", None),
            ("x not in [1]", None),
            ("x is unknown", True),
            ("x is not unknown", False),
            ("not x is unknown", False),
            ("true", True),
            ("false or x", None),
            ("1 < 2", True),
        ],
    )
    def test_unknown_is_never_zero(self, text, expected):
        tree = c.parse_condition(text)
        assert expected == c.evaluate(tree, {})
        assert expected == c.compile_condition(tree, getter)({})

    def test_membership_keeps_types_apart(self):
        tree = c.parse_condition("x in [1, 'a']")
        run = c.compile_condition(tree, getter)
        for value, expected in ((1.0, True), (True, False), ("a", True), ("1", False)):
            assert expected == run({"x": value}) == c.evaluate(tree, {"x": value})

    @given(testing.conditions(types=CUSTOM), values_for())
    def test_compiled_agrees_with_oracle(self, text, values):
        """The compiled closure and the slow evaluator agree, unknown values included."""
        tree = c.parse_condition(text)
        expected = c.evaluate(tree, values)
        assert expected in {True, False, None}
        assert expected == c.compile_condition(tree, getter)(values)
