"""Tuning: better agreement, the same rules (ids, operators, aspects, points), examples kept."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clientcustomer as cc
from clientcustomer.cli import main
from clientcustomer.exceptions import ValidationError
from clientcustomer.rules import conditions as c


def sample(count: int, seed: int = 3, noise: float = 0.05) -> tuple[list[dict], list[str]]:
    rng = random.Random(seed)  # noqa: S311 - test data
    records, labels = [], []
    for _ in range(count):
        client = rng.random() < 0.3
        records.append(
            {
                "collaborative_share": rng.uniform(0.15, 0.8) if client else rng.uniform(0, 0.3),
                "customization": rng.uniform(0.1, 0.7) if client else rng.uniform(0, 0.25),
                "active_engagement": client and rng.random() < 0.7,
            }
        )
        label = "client" if client else "customer"
        if rng.random() < noise:
            label = "customer" if client else "client"
        labels.append(label)
    return records, labels


def shape(expr: c.Expr) -> object:
    """A condition with its numbers blanked: what tuning must not change."""
    if isinstance(expr, c.Compare):
        return (shape(expr.left), expr.op, shape(expr.right))
    if isinstance(expr, c.Literal):
        return (
            "number"
            if isinstance(expr.value, int | float) and not isinstance(expr.value, bool)
            else expr.value
        )
    if isinstance(expr, c.Name):
        return expr.name
    if isinstance(expr, c.And | c.Or):
        return (type(expr).__name__, tuple(shape(part) for part in expr.operands))
    if isinstance(expr, c.Not):
        return ("not", shape(expr.operand))
    return expr


def assert_same_meaning(before: cc.Ruleset, after: cc.Ruleset) -> None:
    assert [r.id for r in before.rules] == [r.id for r in after.rules]
    for old, new in zip(before.rules, after.rules, strict=True):
        assert (old.aspect, old.points, old.because) == (new.aspect, new.points, new.because)
        assert shape(old.condition) == shape(new.condition)
    assert before.policy.requires == after.policy.requires


def test_tuning_improves_agreement_and_keeps_every_rules_meaning():
    records, labels = sample(1500)

    result = cc.tune(records, labels, folds=3)

    assert result.before < result.after
    assert result.cross_validated is not None
    assert result.cross_validated > result.before
    assert result.changes
    assert_same_meaning(cc.default_ruleset(), result.ruleset)
    assert () == result.broken_examples
    assert all(item.passed for item in cc.Classifier(result.ruleset).run_examples())
    assert result.after == pytest.approx(cc.evaluate(records, labels, result.ruleset).agreement)
    assert result.ruleset == cc.loads_ruleset(result.ruleset.to_toml())
    assert result.ruleset.version == "1-tuned"


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(20, 120), st.floats(0, 0.5))
def test_tuned_rule_sets_stay_valid_and_monotone_and_never_agree_less(seed, count, noise):
    records, labels = sample(count, seed, noise)

    result = cc.tune(records, labels, folds=0)

    assert result.after >= result.before
    assert_same_meaning(cc.default_ruleset(), result.ruleset)
    assert () == result.broken_examples
    for change in result.changes:
        assert change.old != change.new


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"folds": 1}, "$.folds"), ({"folds": -2}, "$.folds")],
)
def test_bad_arguments(kwargs, field):
    records, labels = sample(10)
    with pytest.raises(ValidationError) as caught:
        cc.tune(records, labels, **kwargs)
    assert field == caught.value.problems[0].field


def test_only_score_rule_sets_are_tuned():
    first = cc.loads_ruleset(
        'id = "f"\nversion = "1"\npolicy = { hit = "first" }\n[[rules]]\nid = "a"\n'
        'when = "customization >= 0.5"\nrole = "client"\nbecause = "Custom."\n'
    )
    with pytest.raises(ValidationError, match="score"):
        cc.tune([{"customization": 0.6}], ["client"], first, folds=0)


def test_rules_tune_writes_a_commented_valid_rule_set(tmp_path, capsys):
    records, labels = sample(300)
    path = tmp_path / "labelled.csv"
    lines = ["id,label,collaborative_share,customization,active_engagement"]
    for index, (record, label) in enumerate(zip(records, labels, strict=True)):
        flag = "true" if record["active_engagement"] else "false"
        lines.append(
            f"p{index},{label},{record['collaborative_share']},{record['customization']},{flag}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = tmp_path / "tuned.toml"

    code = main(["rules", "tune", str(path), "--label-column", "label", "--output", str(output)])

    err = capsys.readouterr().err
    assert 0 == code
    assert "cross-validated (5 folds)" in err
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# rules tune: default@1 -> default@1-tuned")
    tuned = cc.load_ruleset(output)
    assert_same_meaning(cc.default_ruleset(), tuned)


def test_a_rule_set_that_already_agrees_is_left_as_it_is():
    records, _ = sample(400)
    labels = [cc.classify(record).role.value for record in records]

    result = cc.tune(records, labels, folds=0)

    assert () == result.changes
    assert 1.0 == result.before == result.after
    assert cc.default_ruleset().rules == result.ruleset.rules
