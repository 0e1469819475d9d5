"""The native polars path of `classify_frame`: the score's sum types, null columns, range checks.

On polars the score is summed in the narrowest integer type that holds it exactly when every
point is a whole multiple of ``1 / 2**k`` (whole points, halves, eighths), and as doubles in rule
order otherwise; the range checks read only the aggregates each bound needs (the minimum of an
integer column with a lower bound only). Whatever the sum type, the scores are the doubles the
one-record path gives, and every out-of-range value is still refused with its column.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import pytest

from _support import engines
from clientcustomer import (
    Classifier,
    Rule,
    Ruleset,
    RulesetPolicy,
    classify_frame,
    default_ruleset,
)
from clientcustomer.exceptions import ValidationError

(pl,) = engines("polars", also=("narwhals",))

SHARES = ("collaborative_share", "customization", "service_share", "repeat_rate")


def scored(points: tuple[float, ...]) -> Ruleset:
    """A ``score`` rule set: one rule per point, each firing when its share reaches 0.5."""
    rules = tuple(
        Rule(
            f"r{index}",
            f"{SHARES[index % len(SHARES)]} >= 0.5",
            "Because.",
            aspect="interaction",
            points=value,
        )
        for index, value in enumerate(points)
    )
    return Ruleset("sums", "1", RulesetPolicy("score", client_at=3.0, customer_below=1.0), rules)


def rows() -> dict[str, list[Any]]:
    """Every combination of the four shares fired, not fired and unknown (81 rows)."""
    levels = (0.9, 0.1, None)
    combos = [(a, b, c, d) for a in levels for b in levels for c in levels for d in levels]
    return {name: [combo[index] for combo in combos] for index, name in enumerate(SHARES)}


def reference(ruleset: Ruleset, columns: dict[str, list[Any]]) -> list[tuple[str, float, str]]:
    records = [
        {name: value for name, value in zip(columns, values, strict=True) if value is not None}
        for values in zip(*columns.values(), strict=True)
    ]
    classifier = Classifier(ruleset)
    return [
        (verdict.role.value, verdict.score, verdict.decided_by)
        for verdict in map(classifier.classify, records)
    ]


def verdicts(result: Any) -> list[tuple[str, float, str]]:
    return result.select("role", "score", "decided_by").rows()


class TestScoreSums:
    @pytest.mark.parametrize(
        "points",
        [
            pytest.param((1.0, 2.0, -1.0, 1.0), id="whole points (8-bit sum)"),
            pytest.param((60.0, 60.0, 7.0, -1.0), id="a total of 128 (16-bit sum)"),
            pytest.param((60.0, 60.0, 6.0, 1.0), id="a total of 127, the 8-bit limit"),
            pytest.param((100.0, 100.0, 27.0, 1.0), id="a top sum of 228 (16-bit sum)"),
            pytest.param((20000.0, 20000.0, -1.0, 1.0), id="32-bit sum"),
            pytest.param((0.125, 2.5, -0.75, 1.0), id="eighths"),
            pytest.param((-99.875, 99.875, 0.5, 3.0), id="eighths, large"),
            pytest.param((2.0**40, 1.0, -(2.0**40), 1.0), id="beyond 32 bits (doubles)"),
        ],
    )
    def test_every_sum_type_gives_the_one_record_scores(self, points):
        ruleset = scored(points)
        columns = rows()
        want = reference(ruleset, columns)
        frame = pl.DataFrame(columns)
        assert verdicts(classify_frame(frame, ruleset)) == want
        assert verdicts(classify_frame(frame.lazy(), ruleset).collect()) == want
        assert classify_frame(frame, ruleset).schema["score"] == pl.Float64

    def test_points_that_are_not_dyadic_are_added_in_rule_order(self):
        """0.1 is no multiple of a power of two's inverse: doubles, in the rule set's order."""
        points = (0.1, 0.2, 0.7, -0.3)
        ruleset = scored(points)
        columns = rows()
        got = classify_frame(pl.DataFrame(columns), ruleset).get_column("score").to_list()
        for index, score in enumerate(got):
            fired = [
                value
                for name, value in zip(SHARES, points, strict=True)
                if (columns[name][index] or 0.0) >= 0.5
            ]
            assert score == functools.reduce(lambda total, value: total + value, fired, 0.0)


class TestNullColumns:
    def test_a_column_of_nothing_but_nulls_is_unknown_on_every_row(self):
        columns: dict[str, list[Any]] = {
            "collaborative_share": [0.6, None, 0.0],
            "customization": [0.5, None, 0.0],
            "active_engagement": [None, None, None],
        }
        frame = pl.DataFrame(columns)
        assert frame.schema["active_engagement"] == pl.Null
        want = reference(default_ruleset(), columns)
        assert verdicts(classify_frame(frame)) == want
        assert verdicts(classify_frame(frame.lazy()).collect()) == want
        assert want[1] == ("ambiguous", 0.0, "insufficient-evidence")


class TestRangeChecks:
    @pytest.mark.parametrize(
        ("column", "values"),
        [
            ("tenure_days", [1, -1]),  # an integer column: its minimum only
            ("retainer_months", [1, 13]),  # an integer column with both bounds
            ("spend", [1.0, math.inf]),  # a float with no upper bound: infinity
            ("touchpoints_per_quarter", [1.0, -math.inf]),
            ("commitment_days", [1.0, math.inf]),  # an integer signal in a float column
            ("customization", [0.5, 1.5]),
            ("repeat_rate", [0.5, -0.25]),  # a signal the default rule set does not read
        ],
    )
    def test_an_out_of_range_value_is_refused_with_its_column(self, column, values):
        frame = pl.DataFrame({"id": ["a", "b"], column: values})
        with pytest.raises(ValidationError, match=rf"^\$\[1\]\.{column}: expected") as eager:
            classify_frame(frame)
        assert eager.value.problems[0].got == values[1]
        with pytest.raises(
            ValidationError, match=rf"^\$\.{column}: expected .* \(row with id 'b'\)"
        ):
            classify_frame(frame.lazy())

    def test_large_values_within_open_bounds_and_nan_pass(self):
        frame = pl.DataFrame(
            {
                "purchases": [10**15, 0],
                "spend": [1e300, 0.0],
                "customization": [math.nan, 0.9],
                "collaborative_share": [0.6, 0.6],
            }
        )
        got = verdicts(classify_frame(frame))
        want = reference(
            default_ruleset(),
            {
                "purchases": [10**15, 0],
                "spend": [1e300, 0.0],
                "customization": [None, 0.9],
                "collaborative_share": [0.6, 0.6],
            },
        )
        assert got == want

    @pytest.mark.parametrize("infinity", [math.inf, -math.inf])
    def test_an_unbounded_custom_number_is_refused_only_when_infinite(self, infinity):
        """A custom number has no bounds: only an infinity (either sign) is refused."""
        ruleset = Ruleset(
            "custom",
            "1",
            RulesetPolicy("first"),
            (Rule("big", "margin >= 10", "Because.", role="client"),),
            signals={"margin": "number"},
        )
        fine = pl.DataFrame({"id": ["a", "b"], "margin": [-1e300, 20.0]})
        assert classify_frame(fine, ruleset).get_column("role").to_list() == [
            "customer",
            "client",
        ]
        bad = pl.DataFrame({"id": ["a", "b"], "margin": [1.0, infinity]})
        with pytest.raises(ValidationError, match=r"^\$\[1\]\.margin: expected a finite number"):
            classify_frame(bad, ruleset)


class TestFirstHitPolicies:
    @pytest.mark.parametrize("hit", ["first", "priority"])
    def test_verdicts_and_leanings_are_the_one_record_ones(self, hit):
        """Under ``first`` a later rule that also fires gives no leaning; under ``priority``
        the higher priority decides; both as on the one-record path."""
        ruleset = Ruleset(
            "picks",
            "1",
            RulesetPolicy(hit, default="customer"),
            (
                Rule(
                    "a", "collaborative_share >= 0.5", "A.", role="ambiguous", aspect="interaction"
                ),
                Rule(
                    "b",
                    "customization >= 0.5",
                    "B.",
                    role="customer",
                    aspect="personalization",
                    priority=1 if hit == "priority" else 0,
                ),
                Rule("c", "service_share < 0.2", "C.", role="customer", aspect="business"),
            ),
        )
        columns = rows()
        want = reference(ruleset, columns)
        result = classify_frame(pl.DataFrame(columns), ruleset, leanings=True)
        assert verdicts(result) == want
        classifier = Classifier(ruleset)
        records = [
            {name: value for name, value in zip(columns, values, strict=True) if value is not None}
            for values in zip(*columns.values(), strict=True)
        ]
        aspects = ("interaction", "personalization", "business")
        leanings = [
            {item.aspect.value: item.points for item in classifier.classify(record).leanings}
            for record in records
        ]
        got = result.select(*(f"leaning_{aspect}" for aspect in aspects)).rows()
        assert [
            tuple(leaning.get(aspect, 0.0) for aspect in aspects) for leaning in leanings
        ] == got
        if hit == "first":  # rows where "a" and "b" both fire lean one way only
            assert not any(row[0] and row[1] for row in got)


@pytest.mark.parametrize("hit", ["first", "priority", "score"])
def test_a_rule_set_without_rules_gives_the_one_record_verdict(hit):
    ruleset = Ruleset("empty", "1", RulesetPolicy(hit), ())
    columns: dict[str, list[Any]] = {"tenure_days": [1, None]}
    want = reference(ruleset, columns)
    assert verdicts(classify_frame(pl.DataFrame(columns), ruleset, leanings=True)) == want
