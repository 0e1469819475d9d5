"""Evaluation against labels and near misses: recounted by hand, and exact at the boundaries."""

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clientcustomer as cc
from _support import CLIENT, SHOP, plain, short_of
from clientcustomer.cli import main
from clientcustomer.exceptions import ValidationError
from clientcustomer.testing import signals

ROLES = ("customer", "ambiguous", "client")
LABELS = st.sampled_from(("customer", "client", "ambiguous"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(signals(custom=False), LABELS), max_size=25))
def test_the_figures_agree_with_a_straightforward_recount(pairs):
    records = [record for record, _ in pairs]
    labels = [label for _, label in pairs]

    result = cc.evaluate(records, labels)

    verdicts = [cc.classify(record).role.value for record in records]
    n = len(records)
    assert n == result.total
    for label in ROLES:
        for verdict in ROLES:
            expected = sum(
                1 for a, b in zip(labels, verdicts, strict=True) if (a, b) == (label, verdict)
            )
            assert expected == result.count(label, verdict)
    agree = sum(a == b for a, b in zip(labels, verdicts, strict=True))
    assert (agree / n if n else 0.0) == pytest.approx(result.agreement)
    for role in ROLES:
        given_role = verdicts.count(role)
        labelled = labels.count(role)
        hits = sum(a == b == role for a, b in zip(labels, verdicts, strict=True))
        assert (hits / given_role if given_role else None) == result.precision(role)
        assert (hits / labelled if labelled else None) == result.recall(role)
    if n:
        chance = sum(labels.count(r) * verdicts.count(r) for r in ROLES) / n / n
        if not math.isclose(chance, 1.0):
            assert (agree / n - chance) / (1 - chance) == pytest.approx(result.kappa)
    assert len(result.disagreements) == n - agree
    for rule in cc.default_ruleset().rules:
        (figure,) = [item for item in result.rules if item.rule_id == rule.id]
        fired = [i for i, record in enumerate(records) if rule.id in cc.classify(record).fired]
        assert len(fired) == figure.fired


def test_a_perfect_and_a_chance_level_evaluation():
    perfect = cc.evaluate([CLIENT, SHOP, {"id": "x", **SHOP}], ["client", "customer", "customer"])
    assert (1.0, 1.0, ()) == (perfect.agreement, perfect.kappa, perfect.disagreements)
    flipped = cc.evaluate([{"id": "acme", **CLIENT}, SHOP], ["customer", "client"])
    assert 0.0 == flipped.agreement
    assert ["acme", None] == [item.id for item in flipped.disagreements]
    assert "agreement 0.0%" in flipped.table()


@pytest.mark.parametrize(
    ("labels", "field"),
    [
        (["client"], "$.labels"),
        (["client", "customer", "client"], "$.labels"),
        (["vip", "client"], "$.labels[0]"),
    ],
)
def test_labels_must_be_roles_one_per_record(labels, field):
    with pytest.raises(ValidationError) as caught:
        cc.evaluate([{"customization": 0.0}, {"customization": 0.5}], labels)
    assert field == caught.value.problems[0].field


@settings(max_examples=150, deadline=None)
@given(signals())
def test_a_near_miss_applied_changes_the_verdict_and_nothing_smaller_does(record):
    values = plain(record)
    role = cc.classify(values).role
    for miss in cc.near_misses(values):
        changed = {**values, miss.signal: miss.to}
        if cc.SIGNALS[miss.signal].type == "integer" and not isinstance(miss.to, bool):
            changed[miss.signal] = int(miss.to)
        assert miss.role == cc.classify(changed).role != role
        for tried in short_of(miss):
            assert role == cc.classify({**values, miss.signal: tried}).role, (miss, tried)


def test_near_misses_read_the_rule_sets_thresholds():
    record = {
        "collaborative_share": 0.1,
        "customization": 0.1,
        "active_engagement": True,
        "service_share": 1.0,
    }
    misses = {miss.signal: miss for miss in cc.near_misses(record)}
    assert 0.2 == misses["collaborative_share"].to
    assert "would be ambiguous if customization were 0.2 (now 0.1)" == str(misses["customization"])


def labelled_file(tmp_path, suffix="csv"):
    rows = [
        ("a", "client", 0.6, 0.5, "true"),
        ("b", "customer", 0.0, 0.0, "false"),
        ("c", "client", 0.0, 0.0, "false"),
    ]
    path = tmp_path / f"labelled.{suffix}"
    if suffix == "csv":
        lines = ["id,label,collaborative_share,customization,active_engagement"]
        lines += [",".join(str(cell) for cell in row) for row in rows]
    else:
        keys = ("id", "label", "collaborative_share", "customization", "active_engagement")
        lines = [
            json.dumps(dict(zip(keys, [*row[:4], row[4] == "true"], strict=True))) for row in rows
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_rules_evaluate_prints_the_matrix_the_rules_and_the_near_misses(tmp_path, capsys, suffix):
    path = labelled_file(tmp_path, suffix)

    code = main(["rules", "evaluate", str(path), "--label-column", "label"])

    out = capsys.readouterr().out
    assert 0 == code
    assert "agreement 66.7%" in out
    assert "1 disagreements" in out
    assert "  c: labelled client, classified customer" in out
    assert "would be" in out.split("  c: labelled client")[1]


def test_rules_evaluate_json(tmp_path, capsys):
    path = labelled_file(tmp_path)

    code = main(["rules", "evaluate", str(path), "--label-column", "label", "--format", "json"])

    document = json.loads(capsys.readouterr().out)
    assert 0 == code
    assert 3 == document["total"]
    assert ["c"] == [item["id"] for item in document["disagreements"]]
    assert document["disagreements"][0]["near_misses"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--label-column", "verdict"], "--label-column: expected a column of"),
        (["--label-column", "label", "--limit", "-1"], "--limit: expected"),
    ],
)
def test_rules_evaluate_bad_input_is_one_line(tmp_path, capsys, argv, message):
    path = labelled_file(tmp_path)

    code = main(["rules", "evaluate", str(path), *argv])

    err = capsys.readouterr().err
    assert 2 == code
    assert message in err
    assert 1 == len(err.strip().splitlines())


def test_rules_evaluate_refuses_a_label_that_is_not_a_role(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("id,label,customization\na,vip,0.5\n", encoding="utf-8")

    code = main(["rules", "evaluate", str(path), "--label-column", "label"])

    assert 2 == code
    assert "expected 'customer', 'client' or 'ambiguous', got 'vip'" in capsys.readouterr().err
