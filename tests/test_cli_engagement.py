"""``clientcustomer engagement status``: an engagement's readiness and health from a JSON file."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import clientcustomer as cc
from clientcustomer.cli import main
from clientcustomer.cli.engagement import _today
from test_docs import console_sessions, same_output

ROOT = Path(__file__).resolve().parent.parent
RESEARCH = ROOT / "docs" / "examples" / "research-engagement.json"
GUIDE = ROOT / "docs" / "guide" / "dependencies.md"

BLOCKED_REPORT = """\
acme-2026 as of 2026-02-10: blocked
  - survey cannot proceed: customer-list is 9 days overdue (owner: Acme marketing)
  - report cannot proceed: survey waits on customer-list, 9 days overdue (owner: Acme marketing)
ready: calls
blocked:
  survey <- customer-list
  training <- csr-time
  report <- survey <- customer-list
overdue dependencies:
  customer-list: due 2026-02-01, 9 days late, owner Acme marketing, blocks survey
promised to the client:
  survey: Customer satisfaction survey, due 2026-03-01 (blocked)
  calls: Call quality analysis, due 2026-04-01 (ready)
  training: CSR training sessions, due 2026-05-15 (blocked)
  report: Findings and recommendations, due 2026-06-15 (blocked)
owed by the client:
  customer-list: A good list of current customers
    owner Acme marketing, due 2026-02-01, requested, blocks survey
  call-access: Secure access to the recorded phone calls
    owner Acme IT, due 2026-02-15, provided, blocks calls
  csr-time: Representatives taken off the phones for the training
    owner Acme support lead, due 2026-05-01, open, blocks training
"""


def _research() -> cc.Engagement:
    return cc.from_json(cc.Engagement, RESEARCH.read_text(encoding="utf-8"))


def _write(tmp_path: Path, engagement: cc.Engagement | str) -> str:
    path = tmp_path / "engagement.json"
    text = engagement if isinstance(engagement, str) else cc.to_json(engagement)
    path.write_text(text, encoding="utf-8")
    return str(path)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["engagement", "status", *argv])
    out, err = capsys.readouterr()
    return status, out, err


class TestReport:
    def test_text_report_of_the_example(self, capsys):
        """The docs' example, as of 2026-02-10: blocked by the missing customer list, exit 0."""
        assert (0, BLOCKED_REPORT, "") == _run(capsys, str(RESEARCH), "--as-of", "2026-02-10")

    def test_guide_shows_the_real_output(self, capsys, monkeypatch):
        """The guide's console example is what the command prints, run from the repository."""
        command = "$ clientcustomer engagement status docs/examples/research-engagement.json "
        text = GUIDE.read_text(encoding="utf-8")
        block = command + text.split(command, 1)[1].split("```", 1)[0]
        [(argv, shown)] = console_sessions(block)
        monkeypatch.chdir(ROOT)

        status, out, _ = _run(capsys, *argv[3:])

        assert (["docs/examples/research-engagement.json", "--as-of", "2026-02-10"], 0) == (
            argv[3:],
            status,
        )
        assert same_output(shown, out), out

    def test_json_report_round_trips(self, capsys):
        """``--format json`` prints the Readiness as a document that from_json reads back."""
        status, out, _ = _run(capsys, str(RESEARCH), "--as-of", "2026-02-10", "--format", "json")

        found = cc.from_json(cc.Readiness, out)

        assert (0, found) == (status, cc.readiness(_research(), dt.date(2026, 2, 10)))
        assert "blocked" == json.loads(out)["health"]

    def test_providing_the_list_puts_it_on_track(self, capsys, tmp_path):
        """Once the list is provided the report says on track."""
        provided = _research().with_dependency_status(
            "customer-list", "provided", on=dt.date(2026, 2, 10)
        )

        status, out, _ = _run(capsys, _write(tmp_path, provided), "--as-of", "2026-02-10")

        assert (0, "acme-2026 as of 2026-02-10: on track") == (status, out.splitlines()[0])

    def test_reads_stdin(self, capsys, monkeypatch):
        """``-`` reads the engagement from standard input."""
        monkeypatch.setattr("sys.stdin", io.StringIO(RESEARCH.read_text(encoding="utf-8")))
        assert (0, BLOCKED_REPORT, "") == _run(capsys, "-", "--as-of", "2026-02-10")

    def test_horizon(self, capsys):
        """A wider horizon sees the call access coming due (as of late January)."""
        _, narrow, _ = _run(capsys, str(RESEARCH), "--as-of", "2026-01-25", "--horizon-days", "0")
        _, wide, _ = _run(capsys, str(RESEARCH), "--as-of", "2026-01-25", "--horizon-days", "30")

        assert "acme-2026 as of 2026-01-25: on track" == narrow.splitlines()[0]
        assert "call-access is due in 21 days" in wide

    def test_default_date_is_today(self, capsys):
        """Without ``--as-of`` the report is as of today."""
        _, out, _ = _run(capsys, str(RESEARCH))
        assert out.startswith(f"acme-2026 as of {_today().isoformat()}: ")

    def test_output_file(self, capsys, tmp_path):
        """``--output`` writes the report to a file and nothing to stdout."""
        target = tmp_path / "status.txt"

        status, out, _ = _run(
            capsys, str(RESEARCH), "--as-of", "2026-02-10", "--output", str(target)
        )

        assert (0, "", BLOCKED_REPORT) == (status, out, target.read_text(encoding="utf-8"))


class TestFailOn:
    @pytest.mark.parametrize(
        ("as_of", "fail_on", "expected"),
        [
            ("2026-02-10", None, 0),  # blocked
            ("2026-02-10", "blocked", 1),
            ("2026-02-10", "at_risk", 1),
            ("2026-01-25", "blocked", 0),  # at risk
            ("2026-01-25", "at_risk", 1),
            ("2026-01-10", "at_risk", 0),  # on track
        ],
    )
    def test_exit_status(self, capsys, as_of, fail_on, expected):
        """Exit 0 for any report unless ``--fail-on`` is given and the health is that bad."""
        extra = [] if fail_on is None else ["--fail-on", fail_on]
        status, out, _ = _run(capsys, str(RESEARCH), "--as-of", as_of, *extra)
        assert expected == status
        assert out.startswith("acme-2026 as of")


class TestBadInput:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("{", ("engagement.json: $: not valid JSON (Expecting property name enclosed in double "
                  "quotes (line 1, column 2))")),
            ("[]", "engagement.json: $: expected a JSON object, got []"),
            (
                '{"id": "e1"}',
                ("engagement.json: $.schema_version: required key missing (documents carry "
                "schema_version 1)"),
            ),
        ],
    )  # fmt: skip
    def test_not_an_engagement_document(self, capsys, tmp_path, text, message):
        """Bad JSON exits 2 with one line naming the file and the problem."""
        status, out, err = _run(capsys, _write(tmp_path, text), "--as-of", "2026-02-10")

        assert (2, "") == (status, out)
        assert [f"clientcustomer: error: {tmp_path / message}"] == err.splitlines()

    def test_invalid_engagement_names_every_json_path(self, capsys, tmp_path):
        """An invalid engagement names the JSON path of each problem, on one line."""
        document = json.loads(RESEARCH.read_text(encoding="utf-8"))
        document["deliverables"][1]["due"] = 5
        document["dependencies"][0]["due"] = "2026-02-30"

        status, _, err = _run(capsys, _write(tmp_path, json.dumps(document)))

        assert 2 == status
        assert [
            (
                f"clientcustomer: error: {tmp_path / 'engagement.json'}: "
                "$.deliverables[1].due: expected an ISO date, got 5; "
                "$.dependencies[0].due: expected an ISO date, got '2026-02-30'"
            )
        ] == err.splitlines()

    def test_cycle_is_named(self, capsys, monkeypatch):
        """A cycle in "waits on" is refused with the cycle spelled out (stdin is named so)."""
        document = json.loads(RESEARCH.read_text(encoding="utf-8"))
        document["deliverables"][0]["waits_on"] = ["report"]
        monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(document)))

        status, _, err = _run(capsys, "-")

        assert (2, [
            ("clientcustomer: error: stdin: $.deliverables[3].waits_on[0]: 'waits on' forms a "
            "cycle: survey -> report -> survey")
        ]) == (status, err.splitlines())  # fmt: skip

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (["missing.json"], "FILE: expected a readable file, got 'missing.json' (not found)"),
            (
                [str(RESEARCH), "--as-of", "soon"],
                "--as-of: expected an ISO date (YYYY-MM-DD), got 'soon'",
            ),
            (
                [str(RESEARCH), "--horizon-days", "-3"],
                "--horizon-days: expected an integer >= 0, got '-3'",
            ),
            (
                [str(RESEARCH), "--horizon-days", "two"],
                "--horizon-days: expected an integer >= 0, got 'two'",
            ),
        ],
    )
    def test_bad_arguments(self, capsys, argv, message):
        """A missing file or a bad option exits 2 with one line naming it."""
        assert (2, "", f"clientcustomer: error: {message}\n") == _run(capsys, *argv)

    def test_unknown_fail_on_is_a_usage_error(self, usage_error):
        """``--fail-on`` takes only the verdicts worse than on track."""
        code, err = usage_error("engagement", "status", str(RESEARCH), "--fail-on", "on_track")
        assert 2 == code
        assert "invalid choice: 'on_track'" in err


def test_group_without_subcommand_is_a_usage_error(usage_error):
    """``engagement`` alone is a usage error (exit 2) naming the subcommands."""
    code, err = usage_error("engagement")
    assert 2 == code
    assert "expected a SUBCOMMAND (status)" in err


def test_engagement_status_runs_as_a_subprocess():
    """``python -m clientcustomer engagement status`` works end to end, with --fail-on."""
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "clientcustomer",
            "engagement",
            "status",
            str(RESEARCH),
            "--as-of",
            "2026-02-10",
            "--fail-on",
            "blocked",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert (1, BLOCKED_REPORT, "") == (result.returncode, result.stdout, result.stderr)
