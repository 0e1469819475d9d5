"""summarize_frame: a classified dataframe at a glance, the same on every engine as row by row."""

from __future__ import annotations

import collections

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _support import engines
from clientcustomer import (
    Classifier,
    DecidedCount,
    FrameSummary,
    Role,
    RuleCount,
    ScoreCount,
    classify_frame,
    default_ruleset,
    loads_ruleset,
    summarize_frame,
)
from clientcustomer.exceptions import ValidationError
from clientcustomer.testing import signals

pd, pl = engines("pandas", "polars")

ACCOUNTS = {
    "id": ["acme", "beth", "carl", "dora"],
    "collaborative_share": [0.6, 0.0, 0.25, 0.0],
    "customization": [0.8, 0.0, 0.25, 0.0],
    "tenure_days": [400, 900, 500, 30],
    "active_engagement": [True, None, False, False],
}
ORDER = (Role.CUSTOMER, Role.AMBIGUOUS, Role.CLIENT)


def row_by_row(rows: list[dict[str, object]]) -> FrameSummary:
    """The summary computed one record at a time with the classifier: what the frame must give.

    A rule reading a column the rows lack is not counted (``None``), last, in rule-set order.
    """
    classifier = Classifier()
    ruleset = default_ruleset()
    roles: collections.Counter[Role] = collections.Counter()
    scores: collections.Counter[tuple[float, Role]] = collections.Counter()
    decided: collections.Counter[str] = collections.Counter()
    fired: dict[str, collections.Counter[Role]] = {
        r.id: collections.Counter() for r in ruleset.rules
    }
    for row in rows:
        verdict = classifier.classify({k: v for k, v in row.items() if k != "id"})
        roles[verdict.role] += 1
        scores[verdict.score, verdict.role] += 1
        decided[verdict.decided_by] += 1
        for rule_id in verdict.fired:
            fired[rule_id][verdict.role] += 1
    columns = {name for row in rows for name in row}
    rules = [
        RuleCount(rule.id, rule.leans, rule.points, *(fired[rule.id][role] for role in ORDER))
        for rule in ruleset.rules
        if set(rule.signals) <= columns
    ]
    rules.sort(key=lambda item: (-(item.supporting or 0), -(item.fired or 0)))
    rules.extend(
        RuleCount(rule.id, rule.leans, rule.points, None, None, None)
        for rule in ruleset.rules
        if not set(rule.signals) <= columns
    )
    return FrameSummary(
        ruleset.ref,
        len(rows),
        tuple((role, roles[role]) for role in ORDER),
        scores=tuple(
            ScoreCount(score, role, count)
            for (score, role), count in sorted(
                scores.items(), key=lambda item: (item[0][0], ORDER.index(item[0][1]))
            )
        ),
        decided_by=tuple(
            DecidedCount(name, count)
            for name, count in sorted(decided.items(), key=lambda item: (-item[1], item[0]))
        ),
        rules=tuple(rules),
        client_at=ruleset.policy.client_at,
        customer_below=ruleset.policy.customer_below,
    )


def as_rows(frame_dict: dict[str, list[object]]) -> list[dict[str, object]]:
    names = list(frame_dict)
    return [
        dict(zip(names, values, strict=True)) for values in zip(*frame_dict.values(), strict=True)
    ]


class TestSummary:
    def test_counts_roles_scores_deciders_and_rules(self):
        """Four accounts: one client, one ambiguous, two customers; long-standing fired on three."""
        summary = summarize_frame(classify_frame(pl.DataFrame(ACCOUNTS)))

        assert (4, 1, 1, 2) == (
            summary.total,
            summary.count("client"),
            summary.count("ambiguous"),
            summary.count("customer"),
        )
        assert [("score", 4)] == [(d.decided_by, d.count) for d in summary.decided_by]
        standing = next(rule for rule in summary.rules if rule.rule_id == "long-standing")
        assert (1, 1, 1, 3) == (
            standing.customer,
            standing.ambiguous,
            standing.client,
            standing.fired,
        )
        assert row_by_row(as_rows(ACCOUNTS)) == summary

    def test_every_engine_gives_the_same_summary(self):
        """pandas, polars eager and lazy, and DuckDB agree."""
        duckdb = pytest.importorskip("duckdb")
        frame = pl.DataFrame(ACCOUNTS)
        expected = summarize_frame(classify_frame(frame))
        relation = duckdb.connect().from_arrow(frame.to_arrow())

        found = [
            summarize_frame(classify_frame(frame.to_pandas())),
            summarize_frame(classify_frame(frame.lazy())),
            summarize_frame(classify_frame(relation)),
        ]

        assert [expected] * 3 == found

    def test_the_deciding_rules_lead(self):
        """The rules that fired toward the verdict most come first; top_rules names them."""
        summary = summarize_frame(classify_frame(pl.DataFrame(ACCOUNTS)))

        supporting = [rule.supporting or 0 for rule in summary.rules]
        assert supporting == sorted(supporting, reverse=True)
        assert summary.top_rules(2) == ("transactional", "standard")

    def test_a_rule_whose_column_is_missing_is_not_counted(self):
        """Without the signal columns the summary cannot tell where a rule fired: None, not 0."""
        verdicts = classify_frame(pl.DataFrame(ACCOUNTS)).select(
            "id", "role", "score", "decided_by"
        )

        summary = summarize_frame(verdicts)

        assert {None} == {rule.fired for rule in summary.rules}
        assert () == summary.top_rules()
        assert "not counted" in summary._repr_html_()

    def test_an_unclassified_frame_is_refused_naming_the_column(self):
        with pytest.raises(ValidationError, match=r"\$\.role: expected a classified frame"):
            summarize_frame(pl.DataFrame(ACCOUNTS))

    def test_not_a_frame_is_refused(self):
        with pytest.raises(ValidationError, match="frame"):
            summarize_frame([1, 2, 3])

    def test_a_role_outside_the_vocabulary_is_refused(self):
        frame = classify_frame(pl.DataFrame(ACCOUNTS)).with_columns(role=pl.lit("vip"))

        with pytest.raises(ValidationError, match="customer, ambiguous or client"):
            summarize_frame(frame)

    def test_counts_must_add_up(self):
        with pytest.raises(ValidationError, match=r"\$\.roles"):
            FrameSummary("r@1", 3, (("client", 1),))


class TestDisplay:
    def test_shows_roles_scores_deciders_and_rules_escaped_and_left_aligned(self):
        """The notebook display: each part, a bar per score, no script, text left-aligned."""
        summary = summarize_frame(classify_frame(pl.DataFrame(ACCOUNTS)))

        shown = summary._repr_html_()

        for part in (
            "4 rows classified by default@1",
            "score distribution (client at 5, customer below 2)",
            "what decided",
            "rules deciding most verdicts",
            "long-standing",
            "background:currentColor",
        ):
            assert part in shown, part
        assert "<script" not in shown
        assert "text-align:right" not in shown

    def test_a_rule_id_is_escaped(self):
        summary = FrameSummary(
            "r@1", 1, (("client", 1),), rules=(RuleCount("<b>", "client", 1.0, 0, 0, 1),)
        )

        assert "&lt;b&gt;" in summary._repr_html_()
        assert "<b>" not in summary._repr_html_()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(signals(custom=False), min_size=1, max_size=12))
def test_the_frame_summary_is_the_row_by_row_summary(drawn):
    """On any signals, the summary of the classified frame is what the classifier gives per row."""
    rows = [{"id": f"r{index}", **item.as_dict()} for index, item in enumerate(drawn)]
    names = sorted({name for row in rows for name in row})
    columns = {name: [row.get(name) for row in rows] for name in names}
    ruleset = default_ruleset()
    kept = {
        name: values
        for name, values in columns.items()
        if name == "id" or name in ruleset.signals_read
    }
    frame = pl.DataFrame(kept, strict=False)

    summary = summarize_frame(classify_frame(frame))

    expected = row_by_row(as_rows(kept))
    # Rules with as many rows may come in either order.
    assert attrs.evolve(expected, rules=summary.rules) == summary
    assert sorted(expected.rules, key=lambda r: r.rule_id) == sorted(
        summary.rules, key=lambda r: r.rule_id
    )


def test_under_a_first_policy_the_deciding_rules_are_counted_and_no_threshold_shown():
    """A ``first`` rule set decides by rule: decided_by counts the rule ids; no score band."""
    rules = loads_ruleset(
        'id = "f"\nversion = "1"\n[policy]\nhit = "first"\ndefault = "customer"\n'
        '[[rules]]\nid = "retained"\nwhen = "active_engagement"\nrole = "client"\n'
        'because = "A retainer runs."\n'
    )
    frame = pl.DataFrame({"id": ["a", "b", "c"], "active_engagement": [True, False, True]})

    summary = summarize_frame(classify_frame(frame, rules), rules)

    assert [("retained", 2), ("policy.default", 1)] == [
        (d.decided_by, d.count) for d in summary.decided_by
    ]
    assert (None, None) == (summary.client_at, summary.customer_below)
    assert ("retained",) == summary.top_rules()
    assert "score distribution</strong>" in summary._repr_html_()
