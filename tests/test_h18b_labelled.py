"""Issue 18: the bundled labelled sample, and `rules evaluate` / `rules tune` on it and on logs."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path

import pytest

import clientcustomer as cc
from clientcustomer.cli import main
from clientcustomer.demo import LABEL_NOISE, LabelledSample, demo_labelled

LOG = textwrap.dedent(
    """\
    party_id,on,kind,item,offering,amount,customized,collaborative,reference
    ann,2026-01-10,purchase,shirt,product,40,false,false,
    ann,2026-02-14,consultation,,service,0,true,true,
    ann,2026-03-02,workshop,,service,0,true,true,
    bob,2026-01-05,purchase,mug,product,9,false,false,
    bob,2026-02-05,purchase,cup,product,9,false,false,
    cy,2026-02-01,purchase,pen,product,2,false,false,
    """
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def sample() -> LabelledSample:
    return demo_labelled()


# --- the sample ---------------------------------------------------------------------------------


def test_the_sample_is_synthetic_labelled_and_as_noisy_as_stated(sample):
    """2,000 made-up accounts, about 30 % clients, labels wrong for about 5 % of them."""
    assert 2000 == len(sample.records) == len(sample.labels) == len(sample.truth)
    assert all(str(record["id"]).startswith("synthetic-") for record in sample.records)
    assert {cc.Stage.CUSTOMER, cc.Stage.CLIENT} == set(sample.labels) == set(sample.truth)
    clients = sum(role is cc.Stage.CLIENT for role in sample.truth) / len(sample.truth)
    assert 0.25 < clients < 0.35
    wrong = sum(a is not b for a, b in zip(sample.labels, sample.truth, strict=True))
    assert wrong / 2000 == sample.noise == 0.06
    assert abs(sample.noise - LABEL_NOISE) < 0.02


def test_the_sample_is_read_only(sample):
    """The records are read-only mappings inside a frozen sample."""
    with pytest.raises(TypeError):
        sample.records[0]["customization"] = 1.0  # type: ignore[index]


def test_the_truth_agrees_better_than_the_noisy_labels(sample):
    """The noise is real: the rules agree more with the truth than with the labels."""
    labels = cc.evaluate(sample.records, sample.labels)
    truth = cc.evaluate(sample.records, sample.truth)

    assert labels.agreement < truth.agreement
    assert 2000 == labels.total


def test_unknown_cells_are_left_out_of_the_records(sample):
    """An empty touchpoints cell is an unknown signal, not zero."""
    unknown = [record for record in sample.records if "touchpoints_per_quarter" not in record]

    assert 100 < len(unknown) < 300
    assert all(isinstance(record["tenure_days"], int) for record in sample.records)
    assert all(isinstance(record["active_engagement"], bool) for record in sample.records)


# --- rules evaluate / tune --demo -----------------------------------------------------------------


def test_rules_evaluate_demo_gives_the_python_figures(capsys, sample):
    status, out, _ = run(capsys, "rules", "evaluate", "--demo", "--format", "json")

    document = json.loads(out)
    expected = cc.evaluate(sample.records, sample.labels)
    assert 0 == status
    assert (expected.total, expected.agreement) == (document["total"], document["agreement"])
    assert len(expected.disagreements) == len(document["disagreements"])
    first = document["disagreements"][0]
    assert "synthetic-0004" == first["id"]
    assert {"signal", "now", "to", "role", "text"} == set(first["near_misses"][0])


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_csv_and_jsonl_write_one_row_per_disagreement(capsys, sample, fmt):
    status, out, err = run(capsys, "rules", "evaluate", "--demo", "--format", fmt)

    expected = cc.evaluate(sample.records, sample.labels)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
    else:
        rows = [json.loads(line) for line in out.splitlines()]
    assert 0 == status
    assert [item.id for item in expected.disagreements] == [row["id"] for row in rows]
    assert all(row["label"] != row["role"] for row in rows)
    assert err.startswith("label \\ verdict")
    assert "agreement 70.7%" in err
    if fmt == "csv":
        assert rows[0]["near_misses"].startswith("would be ")
    else:
        assert rows[0]["rules"] == list(expected.disagreements[0].verdict.fired)


def test_rules_evaluate_limit_defaults_to_twenty_in_the_table_only(capsys):
    _, table, _ = run(capsys, "rules", "evaluate", "--demo")
    _, limited, _ = run(capsys, "rules", "evaluate", "--demo", "--format", "jsonl", "--limit", "3")

    assert "586 disagreements (the first 20)" in table
    assert 3 == len(limited.splitlines())


def test_rules_tune_demo_writes_a_tuned_rule_set(capsys, tmp_path):
    output = tmp_path / "tuned.toml"

    status, _, err = run(capsys, "rules", "tune", "--demo", "--folds", "0", "--output", str(output))

    assert 0 == status
    assert "agreement 70.7% -> 90.6% in-sample" in err
    assert cc.load_ruleset(output).ref == "default@1-tuned"


# --- --log with --labels ------------------------------------------------------------------------


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    path = tmp_path / "log.csv"
    path.write_text(LOG, encoding="utf-8")
    return path


def labels_file(tmp_path: Path, text: str, name: str = "labels.csv") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_rules_evaluate_reads_a_log_and_a_labels_file(capsys, tmp_path, log_file):
    labels = labels_file(tmp_path, "party_id,label\nann,client\nbob,client\n")

    status, out, err = run(
        capsys, "rules", "evaluate", "--log", str(log_file), "--labels", str(labels),
        "--format", "json",
    )  # fmt: skip

    document = json.loads(out)
    assert 0 == status
    assert 2 == document["total"]
    assert ["bob"] == [item["id"] for item in document["disagreements"]]
    assert "1 party of the log without a label left out" in err


def test_labels_as_json_lines_with_an_id_key(capsys, tmp_path, log_file):
    labels = labels_file(
        tmp_path,
        '{"id": "ann", "verdict": "client"}\n\n{"id": "cy", "verdict": "customer"}\n',
        "labels.jsonl",
    )

    status, out, _ = run(
        capsys, "rules", "evaluate", "--log", str(log_file), "--labels", str(labels),
        "--label-column", "verdict",
    )  # fmt: skip

    assert 0 == status
    assert "of 2 records" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "party_id,label\nann,client\nbob,vip\n",
            "labels.csv: line 3, label: expected 'customer', 'client' or 'ambiguous', got 'vip'",
        ),
        (
            "party_id,label\nann,client\nzed,client\n",
            "labels.csv: line 3, party_id: expected a party of",
        ),
        (
            "party_id,label\nann,client\nann,customer\n",
            "labels.csv: line 3, party_id: expected a party not labelled before",
        ),
        ("party,label\nann,client\n", "labels.csv: line 2, party_id: expected a party id, got"),
        ("party_id,role\nann,client\n", "--label-column: expected a column of"),
    ],
)
def test_bad_labels_name_where_what_was_expected_and_what_was_given(
    capsys, tmp_path, log_file, text, message
):
    labels = labels_file(tmp_path, text)

    status, out, err = run(
        capsys, "rules", "evaluate", "--log", str(log_file), "--labels", str(labels)
    )

    assert (2, "") == (status, out)
    assert message in err
    assert 1 == len(err.strip().splitlines())


def test_a_label_that_is_not_text_is_named(capsys, tmp_path, log_file):
    labels = labels_file(tmp_path, '{"party_id": "ann", "label": 3}\n', "labels.jsonl")

    status, _, err = run(
        capsys, "rules", "evaluate", "--log", str(log_file), "--labels", str(labels)
    )

    assert 2 == status
    assert "labels.jsonl: line 1, label: expected 'customer', 'client' or 'ambiguous', got 3" in err


def test_a_bad_label_in_a_signal_file_names_its_line(capsys, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("id,label,customization\na,client,0.5\nb,VIP,0.1\n", encoding="utf-8")

    status, _, err = run(capsys, "rules", "evaluate", str(path))

    assert 2 == status
    assert f"{path}: line 3, label: expected 'customer', 'client' or 'ambiguous', got 'VIP'" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ((), "expected exactly one of FILE, --log LOG --labels FILE or --demo, got none"),
        (("--demo", "--log", "x.csv"), "got --log and --demo"),
        (("--log", "LOG"), "--labels: expected a file of party ids and labels with --log"),
        (("--demo", "--labels", "x.csv"), "--labels: expected --log LOG to go with it"),
        (("--demo", "--as-of", "2026-01-01"), "--as-of: expected --log LOG to go with it"),
    ],
)
def test_exactly_one_source(capsys, log_file, argv, message):
    argv = tuple(str(log_file) if item == "LOG" else item for item in argv)

    for command in ("evaluate", "tune"):
        status, _, err = run(capsys, "rules", command, *argv)

        assert 2 == status
        assert message in err
