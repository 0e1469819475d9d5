"""``clientcustomer timeline`` and ``clientcustomer lifecycle check|diagram``."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from clientcustomer import (
    ClassificationSummary,
    EmergingClient,
    Engagement,
    Interaction,
    InteractionKind,
    ScorePoint,
    Signals,
    StageChange,
    classify,
    derive_signals,
    lifecycle_diagram,
    timeline,
    to_json,
)
from clientcustomer.cli import main
from clientcustomer.cli.lifecycle import change_lines, emerging_lines
from clientcustomer.demo import demo_engagements, demo_log, demo_parties
from clientcustomer.exceptions import ValidationError

LOG = textwrap.dedent(
    """\
    party_id,on,kind,item,offering,amount,customized,collaborative,reference
    ann,2026-01-10,purchase,shirt,product,40,false,false,
    ann,2026-02-14,consultation,,service,0,false,true,
    ann,2026-03-02,agreement_signed,Styling retainer,service,0,false,false,R1
    bob,2026-01-05,purchase,mug,product,9,false,false,
    bob,2026-02-05,meeting,,service,0,false,true,
    bob,2026-03-05,workshop,,service,0,false,true,
    cy,2026-02-01,meeting,,service,0,false,false,
    """
)


@pytest.fixture
def log_file(write_file) -> Path:
    return write_file("log.csv", LOG)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- the done-when ----------------------------------------------------------------------


def test_a_demo_converter_becomes_a_client_once_its_engagement_shows_relational_work(capsys):
    """A converter is promoted on the first day, from the engagement's start, not classified
    customer: the lifecycle and the classifier give one answer (issue 13, case 10)."""
    converters = [party.party_id for party in demo_parties() if party.scenario == "converter"]
    work = {e.client_id: e for e in demo_engagements()}
    party = next(p for p in converters if p in work)
    start = work[party].start
    log = [item for item in demo_log() if item.party_id == party]
    signed = [item.on for item in log if item.kind is InteractionKind.AGREEMENT_SIGNED]
    assert [start] == signed

    status, out, err = run(capsys, "timeline", "--demo", "--party", party)

    assert (0, "") == (status, err)
    [line] = [text for text in out.splitlines() if "customer -> client" in text]
    became = dt.date.fromisoformat(line.split()[0])
    assert out.startswith(f"{party}: client since {became.isoformat()}\n")
    assert line.split()[1:5] == ["engage", "customer", "->", "client"]
    assert f"engagement {work[party].id!r}" in line
    evidence = out.splitlines()[out.splitlines().index(line) + 1]
    assert evidence.strip().startswith("evidence: classified ")
    assert "classified customer" not in evidence
    assert evidence.endswith("by default@1")
    mine = [e for e in demo_engagements() if e.client_id == party]
    days = sorted({item.on for item in log if start <= item.on < became})
    assert days
    assert all(
        "customer" == classify(derive_signals(log, mine, as_of=day)).role.value for day in days
    )


# --- timeline on a log --------------------------------------------------------------------------


def test_timeline_prints_each_partys_changes_and_the_watchlist(capsys, log_file):
    status, out, err = run(capsys, "timeline", str(log_file))

    assert (0, "") == (status, err)
    assert out.splitlines() == [
        "ann: client since 2026-03-02",
        "  2026-01-10  purchase   prospect -> customer  purchased",
        (
            "  2026-03-02  engage     customer -> client    engagement 'R1' (Styling retainer) is "
            "active"
        ),
        "              evidence: classified ambiguous (score 3, margin -2) by default@1",
        "bob: customer since 2026-01-05",
        "  2026-01-05  purchase   prospect -> customer  purchased",
        "cy: prospect",
        "",
        (
            "emerging clients (1): customers whose relational evidence (collaboration, "
            "customization) is rising toward client"
        ),
        "  bob  ambiguous, score -3 -> 2 from 2026-01-05 to 2026-03-05, 3 short of client",
        "    moved: collaborative_share 0 -> 0.666667, touchpoints_per_quarter 0 -> 3.09322",
        (
            "    why: now fires collaborative, mostly-collaborative, regular-touchpoints; "
            "no longer fires transactional; relational requirement met"
        ),
        "    would become a client if customization were 0.5 (now 0)",
    ]


def test_timeline_reads_engagements_and_restricts_to_parties(capsys, log_file, write_file):
    work = Engagement("SOW-9", "bob", "Workshop series", start=dt.date(2026, 3, 1))
    engagements = write_file("engagements.jsonl", to_json(work) + "\n")

    status, out, _ = run(
        capsys,
        "timeline",
        str(log_file),
        "--engagements",
        str(engagements),
        "--party",
        "bob",
        "--end",
        "2026-03-31",
        "--every-days",
        "7",
    )

    assert 0 == status
    assert out.splitlines()[:4] == [
        "bob: client since 2026-03-01",
        "  2026-01-05  purchase   prospect -> customer  purchased",
        (
            "  2026-03-01  engage     customer -> client    engagement 'SOW-9' (Workshop series) "
            "is active"
        ),
        "              evidence: classified ambiguous (score 4, margin -1) by default@1",
    ]
    assert "ann" not in out


def test_timeline_writes_json_lines(capsys, log_file, tmp_path):
    target = tmp_path / "timeline.jsonl"

    status, out, _ = run(
        capsys, "timeline", str(log_file), "--format", "jsonl", "--output", str(target)
    )

    assert (0, "") == (status, out)
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [(r["record"], r["party_id"]) for r in records] == [
        ("timeline", "ann"),
        ("timeline", "bob"),
        ("timeline", "cy"),
        ("emerging_client", "bob"),
    ]
    ann = records[0]
    assert ("client", "2026-03-02") == (ann["stage"], ann["became_client"])
    assert ["purchase", "engage"] == [change["event"] for change in ann["changes"]]
    assert "default@1" == ann["changes"][1]["classification"]["ruleset"]
    assert records[2]["became_client"] is None
    watch = records[3]
    assert ("2026-01-05", "2026-03-05", 5.0) == (watch["from"], watch["on"], watch["gain"])
    assert "ambiguous" == watch["classification"]["role"]
    assert ["collaborative_share", "touchpoints_per_quarter"] == [m["name"] for m in watch["moved"]]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["timeline"], "LOG: expected an interaction log (or --demo"),
        (["timeline", "LOG", "--demo"], "--demo: expected no LOG and no --engagements"),
        (["timeline", "LOG", "--party", "zed"], "--party: expected a party of the log, got 'zed'"),
        (["timeline", "LOG", "--every-days", "0"], "--every-days: expected an integer >= 1"),
        (["timeline", "LOG", "--window", "x"], "--window: expected an integer >= 1, got 'x'"),
        (["timeline", "LOG", "--end", "soon"], "--end: expected an ISO date (YYYY-MM-DD)"),
        (["timeline", "missing.csv"], "LOG: expected a readable CSV file, got 'missing.csv'"),
    ],
)
def test_timeline_bad_input_is_one_line(capsys, log_file, argv, message):
    argv = [str(log_file) if arg == "LOG" else arg for arg in argv]

    status, out, err = run(capsys, *argv)

    assert (2, "") == (status, out)
    assert err.startswith(f"clientcustomer: error: {message}")
    assert 1 == len(err.splitlines())


def test_timeline_names_the_log_of_a_bad_row_on_one_line(capsys, write_file):
    header = "party_id,on,kind,item,offering,amount,customized,collaborative,reference\n"
    path = write_file(
        "bad.csv", header + "ann,2026-01-05,purchase,,,,,,\nbob,soon,purchase,,,,,,\n"
    )

    status, out, err = run(capsys, "timeline", str(path))

    assert (2, "") == (status, out)
    prefix = f"clientcustomer: error: {path}: line 3, column 'on': expected a date"
    assert err.startswith(prefix), err
    assert 1 == len(err.splitlines())


def test_table_lines_name_the_actor_a_correction_and_a_threshold_reached():
    day = dt.date(2026, 3, 2)
    change = StageChange(
        day, "correct", "client", "customer", reason="typo", actor="Dana", correction=True
    )
    point = ScorePoint(day, ClassificationSummary("ambiguous", 5, 0), Signals())

    assert ["2026-03-02  correct    client -> customer    typo (by Dana) [correction]"] == list(
        change_lines(change)
    )
    line, why = emerging_lines(EmergingClient("bob", point, point))
    assert line.endswith("2026-03-02, at or past the client threshold")
    assert "  why: relational requirement met" == why
    _, why = emerging_lines(EmergingClient("bob", point, point, shortfall=0.0125))
    assert "  why: 0.013 short of the relational requirement" == why


# --- the library's timeline with the default classifier -----------------------------------------


def test_timeline_classifies_with_the_default_rule_set_when_not_given():
    log = [
        Interaction("ann", dt.date(2026, 1, 10), "purchase"),
        Interaction("ann", dt.date(2026, 3, 2), "agreement_signed", offering="service"),
        Interaction("ann", dt.date(2026, 3, 9), "workshop", offering="service", customized=True),
    ]

    [line] = timeline(log)

    verdict = line.changes[-1].classification
    assert isinstance(verdict, ClassificationSummary)
    assert "default@1" == verdict.ruleset
    assert "engaged" in verdict.rules
    assert all(point.classification.ruleset == "default@1" for point in line.scores)


def test_timeline_refuses_a_classify_that_is_not_a_function():
    with pytest.raises(ValidationError, match=r"\$\.classify"):
        timeline([], classify="default")  # type: ignore[arg-type]


def test_an_agreement_signed_the_day_a_given_engagement_starts_is_that_engagement():
    day = dt.date(2026, 3, 2)
    log = [
        Interaction("ann", day, "agreement_signed", offering="service", reference="A-1"),
        Interaction("ann", day, "workshop", offering="service", customized=True),
    ]
    given = Engagement("e1", "ann", "Retainer", start=day)

    [line] = timeline(log, (given,))

    assert "engagement 'e1' (Retainer) is active" == line.changes[-1].reason


# --- lifecycle check ----------------------------------------------------------------------------


def test_check_prints_every_reason_of_a_refusal(capsys):
    status, out, err = run(
        capsys,
        "lifecycle",
        "check",
        "--stage",
        "customer",
        "--event",
        "lapse",
        "--on",
        "2026-03-02",
    )

    assert (1, "") == (status, err)
    assert out.splitlines() == [
        "refused: lapse from customer on 2026-03-02",
        "  - 'lapse' is not possible from 'customer'; possible events: engage, correct",
    ]


def test_check_needs_a_person_to_confirm_a_classification(capsys):
    argv = ["lifecycle", "check", "--stage", "customer", "--event", "engage"]
    argv += ["--on", "2026-03-02", "--role", "client", "--score", "7", "--margin", "2"]

    status, out, _ = run(capsys, *argv)
    assert 1 == status
    assert "  - a classification must be confirmed by a person (give an actor)" in out.splitlines()

    status, out, _ = run(capsys, *argv, "--actor", "Dana")
    assert (0, "allowed: engage from customer on 2026-03-02 leads to client\n") == (status, out)


def test_check_reads_the_demo_engagements_of_a_party(capsys):
    work = next(e for e in demo_engagements() if e.end is None)
    argv = ["lifecycle", "check", "--demo", "--party", work.client_id, "--stage", "client"]

    status, out, _ = run(capsys, *argv, "--event", "lapse", "--on", "2026-10-31")

    assert 1 == status
    assert f"  - engagement {work.id!r} is active on 2026-10-31" in out.splitlines()


def test_check_reads_an_engagements_file_and_a_grace_period(capsys, write_file):
    audit = Engagement("e1", "acme", "Audit", start=dt.date(2026, 1, 5), end=dt.date(2026, 3, 31))
    path = write_file("engagements.jsonl", to_json(audit) + "\n")
    argv = ["lifecycle", "check", "--engagements", str(path), "--party", "acme"]
    argv += ["--stage", "client", "--event", "lapse", "--on", "2026-05-01"]

    status, out, _ = run(capsys, *argv)
    assert 1 == status
    assert "(a lapse is possible from 2026-06-30)" in out

    status, out, _ = run(capsys, *argv, "--grace-days", "30")
    assert (0, "allowed: lapse from client on 2026-05-01 leads to former_client\n") == (
        status,
        out,
    )


def test_check_a_correction(capsys):
    argv = ["lifecycle", "check", "--stage", "client", "--event", "correct", "--on", "2026-03-02"]

    status, out, _ = run(capsys, *argv)
    assert 1 == status
    assert "  - a correction needs the stage to correct to" in out.splitlines()

    status, out, _ = run(capsys, *argv, "--to", "customer", "--reason", "typo", "--actor", "Dana")
    assert (0, "allowed: correct from client on 2026-03-02 leads to customer\n") == (status, out)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--on", "today"], "--on: expected an ISO date (YYYY-MM-DD), got 'today'"),
        (["--since", "x"], "--since: expected an ISO date (YYYY-MM-DD), got 'x'"),
        (["--score", "3"], "--role: expected a role with --score or --margin"),
        (["--role", "client", "--margin", "lots"], "--margin: expected a finite number"),
        (["--role", "client", "--score", "nan"], "--score: expected a finite number"),
        (["--grace-days", "-1"], "--grace-days: expected an integer >= 0, got '-1'"),
        (["--demo", "--party", "nobody"], "--party: expected a party with engagements"),
        (["--to", "boss"], "$.to"),
    ],
)
def test_check_bad_input_is_one_line(capsys, extra, message):
    argv = ["lifecycle", "check", "--stage", "client", "--event", "lapse", "--on", "2026-03-02"]

    status, out, err = run(capsys, *argv, *extra)

    assert (2, "") == (status, out)
    assert err.startswith(f"clientcustomer: error: {message}")
    assert 1 == len(err.splitlines())


# --- lifecycle diagram --------------------------------------------------------------------------


def test_diagram_prints_the_mermaid_source(capsys, tmp_path):
    status, out, _ = run(capsys, "lifecycle", "diagram")
    assert (0, lifecycle_diagram() + "\n") == (status, out)

    target = tmp_path / "lifecycle.mmd"
    status, out, _ = run(capsys, "lifecycle", "diagram", "--output", str(target))
    assert (0, "") == (status, out)
    assert lifecycle_diagram() + "\n" == target.read_text(encoding="utf-8")


def test_lifecycle_without_a_subcommand_is_a_usage_error(usage_error):
    """``lifecycle`` alone exits 2 and names its subcommands."""
    code, err = usage_error("lifecycle")
    assert 2 == code
    assert "expected a SUBCOMMAND (check, diagram)" in err


def test_lifecycle_group_runs_as_a_subprocess():
    result = subprocess.run(
        [sys.executable, "-m", "clientcustomer", "lifecycle", "diagram"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert (0, "") == (result.returncode, result.stderr)
    assert lifecycle_diagram() + "\n" == result.stdout
