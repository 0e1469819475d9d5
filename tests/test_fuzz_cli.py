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
import gzip
import io
import json
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


# --- the generated files (to move into clientcustomer.testing) -----------------------------------


ROOT = Path(__file__).resolve().parent.parent
ENGAGEMENT = (ROOT / "docs" / "examples" / "research-engagement.json").read_text(encoding="utf-8")
PLAYBOOK = (ROOT / "src" / "clientcustomer" / "playbook.toml").read_text(encoding="utf-8")

NUMBERS = (
    "0",
    "-1",
    "0.5",
    "1",
    "100",
    "1e999999",
    "-1e999",
    "nan",
    "inf",
    "-inf",
    "1e-400",
    "1" + "0" * 400,
    "1" + "0" * 5000,
    "9" * 19,
    "0x10",
    "1_000",
    "٣",
    "1,5",
    "",
)
DATES = (
    "2026-01-05",
    "9999-12-31",
    "9999-12-30",
    "0001-01-01",
    "2026-02-30",
    "2026-13-01",
    "10000-01-01",
    "2026-01-05T10:00:00",
    "1/2/2026",
    "",
    "0000-00-00",
)
TEXTS = ("", " ", "a", "ann", "\x00", "é", "\ufeff", '"', "\r", ";", "true", "null", "[", "{", "C1")
COLUMNS = (
    "id",
    "party_id",
    "on",
    "kind",
    "amount",
    "item",
    "offering",
    "customized",
    "collaborative",
    "reference",
    "tenure_days",
    "collaborative_share",
    "customization",
    "active_engagement",
    "spend",
    "nps",
    "",
    "id ",
)
DEPTHS = (1, 2, 50, 900, 1100, 5000)
CONDITIONS = (
    "tenure_days >= 1",
    "collaborative_share < 0.5",
    "1 <= tenure_days",
    "tenure_days == 1e999",
    "tenure_days > 1" + "0" * 5000,
    "not " * 3000 + "tenure_days > 1",
    "(" * 3000 + "tenure_days > 1" + ")" * 3000,
    "active_engagement",
    "nps is unknown",
    "tenure_days >= ",
    "'a' in ['b']",
    "tenur_days > 1",
)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**400, -(10**20), 2**63, 2**63 - 1]),
    st.floats(),
    st.text(max_size=10),
    st.sampled_from(NUMBERS + DATES + TEXTS),
)
json_values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(COLUMNS), inner, max_size=4)
    ),
    max_leaves=12,
)


def _dump(value: object) -> str:
    return json.dumps(value, allow_nan=True)


@st.composite
def _edits(draw: st.DrawFn, text: str) -> str:
    """A few edits to a valid text: a slice deleted, a nasty token inserted, a line doubled."""
    for _ in range(draw(st.integers(0, 3))):
        if not text:
            break
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(("delete", "insert", "replace-number")))
        if action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif action == "insert":
            token = draw(st.sampled_from(NUMBERS + DATES + TEXTS) | st.text(max_size=5))
            text = text[:at] + token + text[at:]
        else:
            text = text.replace(
                draw(st.sampled_from(("1", "2", "0"))), draw(st.sampled_from(NUMBERS)), 1
            )
    return text


@st.composite
def _csv_text(draw: st.DrawFn, kind: str) -> str:
    if kind == "log":
        header = ["party_id", "on", *draw(st.lists(st.sampled_from(COLUMNS), max_size=4))]
    else:
        header = ["id", *draw(st.lists(st.sampled_from(COLUMNS), max_size=4))]
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    cells = st.sampled_from(NUMBERS + DATES + TEXTS) | st.text(max_size=6)
    lines = [",".join(header)]
    for index in range(draw(st.integers(0, 5))):
        row = [draw(cells) for _ in header]
        if header[0] in {"id", "party_id"} and draw(st.booleans()):
            row[0] = f"p{index % 2}"
        if "on" in header and draw(st.booleans()):
            row[header.index("on")] = draw(st.sampled_from(DATES))
        lines.append(",".join(row))
    return "\n".join(lines) + draw(st.sampled_from(("\n", "", "\r\n")))


@st.composite
def _jsonl_text(draw: st.DrawFn, kind: str) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        choice = draw(st.integers(0, 4))
        if choice == 0:
            lines.append('{"id": "a", "x": ' + _nested(draw(st.sampled_from(DEPTHS))) + "}")
        elif choice == 1 and kind == "engagements":
            lines.append(draw(_edits(json.dumps(json.loads(ENGAGEMENT)))))
        elif choice == 2:
            lines.append(draw(st.text(max_size=20)))
        else:
            lines.append(_dump(draw(json_values)))
    return "\n".join(lines) + "\n"


@st.composite
def _document(draw: st.DrawFn, kind: str, suffix: str) -> str:
    if kind == "engagement":
        base = ENGAGEMENT
    elif kind == "playbook":
        base = PLAYBOOK if suffix == ".toml" else _dump({"schema_version": 1})
    else:
        ruleset = cc.default_ruleset()
        if draw(st.booleans()):
            when = draw(st.sampled_from(CONDITIONS))
            base = (
                'id = "x"\nversion = "1"\n[policy]\nhit = "first"\n'
                f'[[rules]]\nid = "r"\nwhen = {json.dumps(when)}\nrole = "client"\nbecause = "b"\n'
            )
            if suffix == ".json":
                base = _dump(
                    {
                        "id": "x",
                        "version": "1",
                        "policy": {"hit": "first"},
                        "rules": [{"id": "r", "when": when, "role": "client", "because": "b"}],
                    }
                )
        else:
            base = ruleset.to_toml() if suffix == ".toml" else _dump(ruleset.to_dict())
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return _dump(draw(json_values))
    if choice == 1:
        return '{"a": ' + _nested(draw(st.sampled_from(DEPTHS))) + "}"
    return draw(_edits(base))


@st.composite
def fuzz_files(draw: st.DrawFn, kind: str, suffix: str) -> bytes:
    """The bytes of a generated file of ``kind`` (signals, log, engagements, engagement, rules)."""
    if draw(st.integers(0, 9)) == 0:
        data = draw(st.binary(max_size=64))
    else:
        if kind in {"signals", "log"} and suffix != ".jsonl":
            text = draw(_csv_text(kind))
        elif kind in {"signals", "engagements"}:
            text = draw(_jsonl_text(kind))
        else:
            text = draw(_document(kind, suffix))
        encoding = draw(
            st.sampled_from(("utf-8", "utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16"))
        )
        data = text.encode(encoding, errors="replace")
        if draw(st.integers(0, 5)) == 0 and data:
            at = draw(st.integers(0, len(data)))
            data = (
                data[:at]
                + draw(st.sampled_from((b"\xff", b"\xc3", b"\x00", b"\xef\xbb\xbf")))
                + data[at:]
            )
    if suffix.endswith(".gz"):
        data = gzip.compress(data)
        if draw(st.booleans()):
            data = data[: draw(st.integers(0, len(data)))]
    return data


@st.composite
def fuzz_options(draw: st.DrawFn, command: str, kind: str) -> list[str]:
    """Odd option values for a command: delimiters, encodings, dates, horizons."""
    options: list[str] = []
    if kind == "log" or command in {"timeline", "recommend"} or "--log" in command:
        if draw(st.booleans()):
            options += ["--delimiter", draw(st.sampled_from((",", ";", ";;", "", "\t", '"')))]
        if draw(st.booleans()):
            options += [
                "--encoding",
                draw(st.sampled_from(("utf-8", "latin-1", "utf-16", "utf-8-sig", "nope", "rot13"))),
            ]
        if draw(st.booleans()) and command in {"classify", "recommend", "explain"}:
            options += ["--as-of", draw(st.sampled_from(DATES))]
        if draw(st.booleans()):
            options += ["--date-format", draw(st.sampled_from(("%Y-%m-%d", "%d/%m/%Y", "%", "%Q")))]
    if command == "engagement":
        options += ["--as-of", draw(st.sampled_from(DATES))]
        if draw(st.booleans()):
            options += [
                "--horizon-days",
                draw(st.sampled_from(("0", "-1", "14", "1000000000", "99999999999", "x"))),
            ]
    if command == "timeline" and draw(st.booleans()):
        options += ["--end", draw(st.sampled_from(DATES))]
    return options


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
