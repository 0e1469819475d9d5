"""``classify --demo`` and ``explain --demo --party ID``: the bundled data, nothing to prepare."""

from __future__ import annotations

import pytest

import clientcustomer as cc
from clientcustomer import demo
from clientcustomer.cli import main


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


class TestClassifyDemo:
    def test_classifies_every_demo_party(self, capsys):
        """One verdict per demo party, as of the demo's date, then the counts."""
        status, out, err = _run(capsys, "classify", "--demo", "--format", "csv", "--quiet")
        rows = out.splitlines()[1:]

        assert (0, "classify: 300 rows: ") == (status, err[:20])
        assert len(demo.demo_parties()) == len(rows)
        assert {row.split(",", 1)[0] for row in rows} == {p.party_id for p in demo.demo_parties()}

    def test_same_verdicts_as_the_library(self, capsys):
        """A party's verdict is the library's on its demo signals as of DEMO_AS_OF."""
        _, out, _ = _run(capsys, "classify", "--demo", "--format", "jsonl", "--quiet")
        found = {line.split('"id": "', 1)[1].split('"', 1)[0]: line for line in out.splitlines()}
        log = [item for item in demo.demo_log() if item.party_id == "acct-021"]
        work = [e for e in demo.demo_engagements() if e.client_id == "acct-021"]
        verdict = cc.classify(cc.derive_signals(log, work, as_of=demo.DEMO_AS_OF))

        assert f'"role": "{verdict.role.value}"' in found["acct-021"]

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (("--log", "x.csv"), "--demo: expected no FILE and no --log with the demo data"),
            (("rows.csv",), "--demo: expected no FILE and no --log with the demo data"),
            (
                ("--engine", "duckdb"),
                "--engine duckdb: expected a signal FILE without --demo (python engine only)",
            ),
        ],
    )
    def test_demo_excludes_other_inputs(self, capsys, argv, message):
        """--demo with a FILE, a --log or the duckdb engine is a usage error (exit 2)."""
        status, out, err = _run(capsys, "classify", "--demo", *argv)

        assert (2, "", f"clientcustomer: error: {message}\n") == (status, out, err)


class TestExplainDemo:
    def test_explains_one_demo_party(self, capsys):
        """The party's verdict with its reasons, titled with its id."""
        status, out, err = _run(capsys, "explain", "--demo", "--party", "acct-021")

        assert (0, "") == (status, err)
        assert out.startswith("acct-021: client (score ")
        assert "relationship -> client (+2)" in out

    def test_unknown_party(self, capsys):
        """A party not in the demo data exits 2, naming the demo data."""
        status, _, err = _run(capsys, "explain", "--demo", "--party", "nobody")

        assert 2 == status
        assert "--party: expected a party of the demo data, got 'nobody'" in err

    def test_party_is_needed(self, capsys):
        """--demo without --party says what is missing."""
        status, _, err = _run(capsys, "explain", "--demo")

        assert 2 == status
        assert "--party: expected the party to explain, got nothing" in err

    def test_demo_and_signals_conflict(self, capsys):
        """--demo with --signals is one input too many."""
        status, _, err = _run(capsys, "explain", "--demo", "--signals", "{}", "--party", "x")

        assert 2 == status
        assert "explain: expected exactly one of" in err
