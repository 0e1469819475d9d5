"""``clientcustomer recommend``: next actions for each party of an interaction log."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap

import pytest

from clientcustomer import Dependency, Engagement, Playbook, to_json
from clientcustomer.cli import main

LOG = textwrap.dedent(
    """\
    party_id,on,kind,item,offering,amount,customized,collaborative,reference
    ann,2026-01-05,purchase,coffee beans,product,40,false,false,
    ann,2026-02-05,purchase,coffee beans,product,40,false,false,
    ann,2026-03-05,purchase,coffee beans,product,40,false,false,
    acme,2026-01-05,meeting,market study,service,0,true,true,
    acme,2026-02-10,workshop,market study,service,0,true,true,
    acme,2026-03-01,check_in,market study,service,0,true,true,
    acme,2026-05-01,purchase,market study,service,5000,true,false,
    """
)
# The latest interaction is on 2026-05-01: the default as-of date is 2026-05-02.
LOG_HEADER = LOG.splitlines()[0] + "\n"

BOOK = textwrap.dedent(
    """\
    id = "mine"

    [[strategies]]
    id = "thanks"
    kind = "other"
    roles = ["customer"]
    text = "Thank {party} for their custom."
    why = "Manners."
    """
)


@pytest.fixture
def log_file(write_file):
    return str(write_file("log.csv", LOG))


@pytest.fixture
def engagements_file(write_file):
    data = Dependency("sales-data", "data", "Two years of sales data", owner="Acme's head of sales")
    work = Engagement(
        "study", "acme", "Market study", start=dt.date(2026, 3, 1), dependencies=(data,)
    )
    return str(write_file("engagements.jsonl", to_json(work, indent=None) + "\n"))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["recommend", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_recommends_party_by_party_with_due_dates_and_reasons(capsys, log_file):
    code, out, err = run(capsys, log_file)

    assert (0, "") == (code, err)
    assert out.startswith("ann: customer (score ")
    lines = out.splitlines()
    assert (
        "  2026-05-02  [loyalty_program] Invite ann to the loyalty program and reward their "
        "repeat purchases."
    ) in lines
    assert any(line.startswith("      because: classified customer") for line in lines)
    acme = lines[lines.index(next(line for line in lines if line.startswith("acme: client"))) :]
    assert (
        "  2026-03-31  [check_in] Schedule a check-in with acme (every 30 days) to discuss "
        "progress, expectations and areas for improvement. (overdue by 32 days)"
    ) in acme
    assert "      because: classified client" in acme[2]
    assert lines[-1].endswith("as of 2026-05-02, playbook default")


def test_a_recent_check_in_is_due_later_and_not_overdue(capsys, log_file):
    code, out, _ = run(capsys, log_file, "--party", "acme", "--as-of", "2026-03-15")

    assert 0 == code
    assert not out.startswith("ann")
    assert (
        "  2026-03-31  [check_in] Schedule a check-in with acme (every 30 days) to discuss "
        "progress, expectations and areas for improvement."
    ) in out.splitlines()


def test_an_unmet_dependency_is_followed_up(capsys, log_file, engagements_file):
    code, out, _ = run(capsys, log_file, "--engagements", engagements_file, "--format", "jsonl")

    assert 0 == code
    documents = [json.loads(line) for line in out.splitlines()]
    (follow_up,) = [d for d in documents if d["kind"] == "dependency_follow_up"]
    assert {
        "as_of": "2026-05-02",
        "party_id": "acme",
        "role": "client",
        "text": "Follow up with the client: Two years of sales data "
        "(owed by Acme's head of sales for Market study).",
        "due": "2026-05-02",
        "overdue": False,
        "engagement_id": "study",
        "dependency_id": "sales-data",
    }.items() <= follow_up.items()
    assert follow_up["why"].startswith('"We are dependent on our client')
    assert "dependency 'sales-data' (data) is open, no due date agreed" in follow_up["reason"]


def test_jsonl_writes_one_action_per_line_and_the_summary_to_stderr(capsys, log_file):
    code, out, err = run(capsys, log_file, "--format", "jsonl", "--party", "ann")

    assert 0 == code
    documents = [json.loads(line) for line in out.splitlines()]
    assert ["loyalty-program", "feedback", "promotional-communication"] == [
        d["strategy_id"] for d in documents
    ]
    assert {"ann"} == {d["party_id"] for d in documents}
    assert (
        "recommend: 3 actions (0 overdue) for 1 party as of 2026-05-02, playbook default\n" == err
    )


def test_a_user_playbook_replaces_the_default(capsys, log_file, write_file):
    path = write_file("mine.toml", BOOK)
    as_json = write_file("mine.json", to_json(Playbook.from_toml(BOOK)))

    _, out, _ = run(capsys, log_file, "--playbook", str(path))
    _, again, _ = run(capsys, log_file, "--playbook", str(as_json))

    assert out == again
    assert [
        "ann: customer (score -3, margin -8)",
        "  2026-05-02  [other] Thank ann for their custom.",
        "      because: classified customer (score -3, margin -8) by default@1",
    ] == out.splitlines()[:3]
    assert "acme: client" in out
    assert "  nothing to do" in out
    assert out.endswith("playbook mine\n")


def test_a_party_without_reason_gets_nothing_to_do_in_jsonl(capsys, log_file, write_file):
    path = write_file("empty.json", to_json(Playbook("empty", ())))

    code, out, err = run(capsys, log_file, "--playbook", str(path), "--format", "jsonl")

    assert (0, "") == (code, out)
    assert "0 actions (0 overdue) for 2 parties" in err


def test_another_rule_set_classifies(capsys, log_file, write_file):
    rules = write_file(
        "rules.toml",
        'id = "buyers"\nversion = "1"\npolicy = { hit = "first" }\n[[rules]]\nid = "buyer"\n'
        'when = "purchases >= 1"\nrole = "client"\nbecause = "Every buyer is a client here."\n',
    )

    code, out, err = run(capsys, log_file, "--rules", str(rules), "--party", "ann")

    assert (0, "") == (code, err)
    assert out.startswith("ann: client")
    assert "[check_in]" in out


def test_output_is_written_to_a_file(capsys, log_file, tmp_path):
    target = tmp_path / "actions.txt"

    code, out, err = run(capsys, log_file, "--output", str(target))

    assert (0, "") == (code, out)
    assert target.read_text(encoding="utf-8").startswith("ann: customer")
    assert err.startswith("recommend: ")


def test_as_of_before_a_party_starts_leaves_it_out(capsys, log_file):
    _, out, _ = run(capsys, log_file, "--as-of", "2026-01-05", "--format", "jsonl")

    assert {"ann", "acme"} == {json.loads(line)["party_id"] for line in out.splitlines()}
    _, out, _ = run(capsys, log_file, "--as-of", "2025-12-31")
    assert out.startswith("\n0 actions (0 overdue) for 0 parties")


def test_the_demo_data(capsys):
    code, out, _ = run(capsys, "--demo", "--party", "law-001", "--party", "law-001")

    assert 0 == code
    assert out.startswith("law-001: client")
    assert "[dependency_follow_up] Follow up with the client:" in out
    assert out.count("law-001:") == 1
    assert "as of 2026-11-01" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "LOG: expected an interaction log (or --demo"),
        (["--demo", "LOG.csv"], "--demo: expected no LOG"),
        (["{log}", "--as-of", "soon"], "--as-of: expected an ISO date (YYYY-MM-DD), got 'soon'"),
        (["{log}", "--party", "zed"], "--party: expected a party of the log, got 'zed'"),
        (
            ["{log}", "--playbook", "book.yaml"],
            "book.yaml: $: expected a .toml or .json",
        ),
        (["{log}", "--playbook", "none.toml"], "$: expected a readable .toml or .json file"),
        (["{log}", "--playbook", "{bad}"], "$.strategies[0].roles[0]: expected one of"),
        (["{log}", "--rules", "none.toml"], "none.toml: cannot read the file"),
        (["no-such-log.csv"], "LOG: expected a readable CSV file"),
        (["{log}", "--engagements", "none.jsonl"], "--engagements: expected a readable"),
        (["{badlog}"], "line 2"),
    ],
)
def test_bad_input_is_one_line(capsys, write_file, log_file, argv, message):
    bad = write_file("bad.toml", BOOK.replace('["customer"]', '["vip"]'))
    badlog = write_file("badlog.csv", LOG_HEADER + "ann,yesterday,,,,,,,\n")
    argv = [arg.format(log=log_file, bad=bad, badlog=badlog) for arg in argv]

    code, out, err = run(capsys, *argv)

    assert (2, "") == (code, out)
    assert err.startswith("clientcustomer: error: ")
    assert message in err
    assert 1 == err.count("\n")


def test_an_empty_log_has_nothing_to_recommend(capsys, write_file):
    """A log of no rows exits 0 as classify and timeline do, with or without --as-of."""
    empty = write_file("empty.csv", LOG_HEADER)

    assert 0 == run(capsys, str(empty))[0]
    code, out, _ = run(capsys, str(empty), "--as-of", "2026-01-01")
    assert (0, "\n0 actions (0 overdue) for 0 parties as of 2026-01-01, playbook default\n") == (
        code,
        out,
    )


def test_the_help_names_the_options(capsys):
    with pytest.raises(SystemExit):
        main(["recommend", "--help"])

    help_text = capsys.readouterr().out
    assert all(option in help_text for option in ("--playbook FILE", "--demo", "--as-of DATE"))


def test_recommend_runs_as_a_subprocess():
    result = subprocess.run(
        [sys.executable, "-m", "clientcustomer", "recommend", "--demo", "--party", "acct-021"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert (0, "") == (result.returncode, result.stderr)
    assert result.stdout.startswith("acct-021: client")
