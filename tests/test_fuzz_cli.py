"""A fuzzing harness: generated files fed to every command and to the public loaders.

Hypothesis draws files (raw bytes, CSV signal files and logs, JSON Lines, JSON documents, TOML
and JSON rule sets, playbooks) full of the values that break readers (huge and far numbers,
dates at the calendar's ends, deep nesting, stray bytes, byte-order marks) and odd option values
(delimiters, encodings, dates, horizons). Each is run through `main(argv)` in-process and must:

* exit with 0, 1 or 2 (never an escaping exception, never a traceback on stderr);
* on failure, print one line on stderr and leave a pre-existing ``--output`` file untouched;
* leave no temporary file beside the output.

The public loaders get the same texts and may only raise the library's own errors.

The ``ci`` Hypothesis profile keeps this fast; ``HYPOTHESIS_PROFILE=thorough`` runs it longer.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import clientcustomer as cc
from clientcustomer.cli import main
from clientcustomer.exceptions import ClientCustomerError
from clientcustomer.testing._fuzz import _fuzz_files as fuzz_files
from clientcustomer.testing._fuzz import _fuzz_options as fuzz_options

OLD = "the previous output\n"
LOG = "party_id,on,kind,amount\nann,2026-01-05,purchase,10\n"
SIGNALS = "id,tenure_days\na,5\n"
RULES = cc.default_ruleset().to_toml()

# Each command: the kind of file it is fuzzed with, its arguments (FILE is the fuzzed file; LOG,
# SIGNALS and RULES good files beside it), and whether it takes --output.
COMMANDS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "classify signals": ("signals", ("classify", "FILE"), True),
    "classify --rules": ("rules", ("classify", "SIGNALS", "--rules", "FILE"), True),
    "classify --log": ("log", ("classify", "--log", "FILE"), True),
    "classify --log --engagements": (
        "engagements",
        ("classify", "--log", "LOG", "--engagements", "FILE"),
        True,
    ),
    "explain --id": ("signals", ("explain", "FILE", "--id", "a"), True),
    "explain --log": ("log", ("explain", "--log", "FILE", "--party", "ann"), True),
    "timeline": ("log", ("timeline", "FILE"), True),
    "timeline --engagements": ("engagements", ("timeline", "LOG", "--engagements", "FILE"), True),
    "recommend": ("log", ("recommend", "FILE"), True),
    "recommend --playbook": ("playbook", ("recommend", "LOG", "--playbook", "FILE"), True),
    "rules check": ("rules", ("rules", "check", "FILE"), False),
    "rules test": ("rules", ("rules", "test", "FILE"), False),
    "rules show": ("rules", ("rules", "show", "FILE"), True),
    "rules diff data": ("signals", ("rules", "diff", "RULES", "RULES", "FILE"), True),
    "rules diff rules": ("rules", ("rules", "diff", "RULES", "FILE", "SIGNALS"), True),
    "engagement status": ("engagement", ("engagement", "status", "FILE"), True),
    "lifecycle check": (
        "engagements",
        (
            "lifecycle",
            "check",
            "--stage",
            "client",
            "--event",
            "lapse",
            "--on",
            "2026-06-01",
            "--engagements",
            "FILE",
        ),
        False,
    ),
}
SUFFIXES = {
    "signals": (".csv", ".jsonl"),
    "log": (".csv", ".csv.gz"),
    "engagements": (".jsonl",),
    "engagement": (".json",),
    "rules": (".toml", ".json"),
    "playbook": (".toml", ".json"),
}


def run_main(argv: list[str]) -> tuple[object, str, str]:
    """Run the command line in-process; an escaping exception is a failure of the test."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO("")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status: object = main(argv)
            except SystemExit as exit_:  # argparse's usage errors
                status = exit_.code
    finally:
        sys.stdin = old_stdin
    return status, out.getvalue(), err.getvalue()


def check_run(command: str, data: bytes, suffix: str, options: list[str]) -> None:
    _, template, takes_output = COMMANDS[command]
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        files = {
            "FILE": base / f"fuzzed{suffix}",
            "LOG": base / "log.csv",
            "SIGNALS": base / "signals.csv",
            "RULES": base / "rules.toml",
        }
        files["FILE"].write_bytes(data)
        files["LOG"].write_text(LOG, encoding="utf-8")
        files["SIGNALS"].write_text(SIGNALS, encoding="utf-8")
        files["RULES"].write_text(RULES, encoding="utf-8")
        argv = [str(files[item]) if item in files else item for item in template]
        output = base / "out" / "result.txt"
        output.parent.mkdir()
        output.write_text(OLD, encoding="utf-8")
        if takes_output:
            argv += ["--output", str(output)]
        status, _, err = run_main(argv + options)

        assert status in {0, 1, 2}, (status, err)
        assert "Traceback" not in err, err
        if status == 2 and err:
            lines = err.splitlines()
            assert lines[-1].startswith(("clientcustomer: error: ", "usage: ", "clientcustomer")), (
                err
            )
        if status != 0:
            assert OLD == output.read_text(encoding="utf-8")
        assert ["result.txt"] == [p.name for p in output.parent.iterdir()]
        left = sorted(p.name for p in base.iterdir())
        assert sorted([*(p.name for p in files.values()), "out"]) == left


def kind_of(command: str) -> str:
    return COMMANDS[command][0]


@st.composite
def fuzz_case(draw: st.DrawFn, command: str) -> tuple[bytes, str, list[str]]:
    kind = kind_of(command)
    suffix = draw(st.sampled_from(SUFFIXES[kind]))
    data = draw(fuzz_files(kind, suffix))
    options = draw(fuzz_options(command.split(maxsplit=1)[0], kind))
    return data, suffix, options


FUZZ = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("command", list(COMMANDS))
@FUZZ
@given(data=st.data())
def test_every_command_fails_cleanly(command, data):
    """A generated file through any command: status 0/1/2, no traceback, nothing harmed."""
    payload, suffix, options = data.draw(fuzz_case(command))
    check_run(command, payload, suffix, options)


def _load_playbook(data: bytes) -> object:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "playbook.toml"
        path.write_bytes(data)
        return cc.load_playbook(path)


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


LOADERS: dict[str, tuple[str, str, Callable[[bytes], object]]] = {
    "load_ruleset toml": ("rules", ".toml", lambda d: cc.loads_ruleset(_text(d), format="toml")),
    "load_ruleset json": ("rules", ".json", lambda d: cc.loads_ruleset(_text(d), format="json")),
    "from_json Engagement": ("engagement", ".json", lambda d: cc.from_json(cc.Engagement, d)),
    "read_log": ("log", ".csv", lambda d: list(cc.read_log(io.StringIO(_text(d))))),
    "load_playbook": ("playbook", ".toml", _load_playbook),
}


@pytest.mark.parametrize("loader", list(LOADERS))
@FUZZ
@given(data=st.data())
def test_public_loaders_raise_only_their_own_errors(loader, data):
    """The public loaders accept a generated text or raise the library's own error."""
    kind, suffix, load = LOADERS[loader]
    payload = data.draw(fuzz_files(kind, suffix))
    with contextlib.suppress(ClientCustomerError):
        load(payload)


@FUZZ
@given(data=st.data())
def test_a_log_gets_the_same_status_from_every_log_command(data):
    """The same log (and options) gets the same exit status from classify, timeline, recommend."""
    suffix = data.draw(st.sampled_from(SUFFIXES["log"]))
    payload = data.draw(fuzz_files("log", suffix))
    statuses = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"log{suffix}"
        path.write_bytes(payload)
        for name, argv in (
            ("classify", ["classify", "--log", str(path)]),
            ("timeline", ["timeline", str(path)]),
            ("recommend", ["recommend", str(path)]),
        ):
            statuses[name] = run_main(argv)[0]
    assert len(set(statuses.values())) == 1, statuses
