"""Strategies: fuzz (part of `clientcustomer.testing`)."""

from __future__ import annotations

import functools
import gzip
import json

from hypothesis import strategies as st

from clientcustomer.rules.ruleset import (
    default_ruleset,
)

# --- fuzzing: files and options that break readers (tests/test_fuzz_cli.py) --------------------


@functools.cache
def _fuzz_bases() -> dict[str, str]:
    """Valid documents to break: an engagement, the default playbook, the default rule set."""
    from importlib import resources  # noqa: PLC0415

    from clientcustomer._core.serialization import to_json  # noqa: PLC0415
    from clientcustomer.demo import demo_engagements  # noqa: PLC0415

    ruleset = default_ruleset()
    return {
        "engagement": to_json(demo_engagements()[0]),
        "playbook": (resources.files("clientcustomer.advice") / "playbook.toml").read_text(
            encoding="utf-8"
        ),
        "rules.toml": ruleset.to_toml(),
        "rules.json": json.dumps(ruleset.to_dict()),
    }


_FUZZ_NUMBERS = (
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
_FUZZ_DATES = (
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
_FUZZ_TEXTS = (
    "",
    " ",
    "a",
    "ann",
    "\x00",
    "é",
    "\ufeff",
    '"',
    "\r",
    ";",
    "true",
    "null",
    "[",
    "{",
    "C1",
)
_FUZZ_COLUMNS = (
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
_FUZZ_DEPTHS = (1, 2, 50, 900, 1100, 5000)
_FUZZ_CONDITIONS = (
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


def _fuzz_nested(depth: int) -> str:
    return "[" * depth + "]" * depth


_fuzz_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**400, -(10**20), 2**63, 2**63 - 1]),
    st.floats(),
    st.text(max_size=10),
    st.sampled_from(_FUZZ_NUMBERS + _FUZZ_DATES + _FUZZ_TEXTS),
)
_fuzz_json = st.recursive(
    _fuzz_leaves,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(_FUZZ_COLUMNS), inner, max_size=4)
    ),
    max_leaves=12,
)


def _fuzz_dump(value: object) -> str:
    return json.dumps(value, allow_nan=True)


@st.composite
def _fuzz_edits(draw: st.DrawFn, text: str) -> str:
    """A few edits to a valid text: a slice deleted, a nasty token inserted, a line doubled."""
    for _ in range(draw(st.integers(0, 3))):
        if not text:
            break
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(("delete", "insert", "replace-number")))
        if action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif action == "insert":
            token = draw(
                st.sampled_from(_FUZZ_NUMBERS + _FUZZ_DATES + _FUZZ_TEXTS) | st.text(max_size=5)
            )
            text = text[:at] + token + text[at:]
        else:
            text = text.replace(
                draw(st.sampled_from(("1", "2", "0"))), draw(st.sampled_from(_FUZZ_NUMBERS)), 1
            )
    return text


@st.composite
def _fuzz_csv(draw: st.DrawFn, kind: str) -> str:
    if kind == "log":
        header = ["party_id", "on", *draw(st.lists(st.sampled_from(_FUZZ_COLUMNS), max_size=4))]
    else:
        header = ["id", *draw(st.lists(st.sampled_from(_FUZZ_COLUMNS), max_size=4))]
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    cells = st.sampled_from(_FUZZ_NUMBERS + _FUZZ_DATES + _FUZZ_TEXTS) | st.text(max_size=6)
    lines = [",".join(header)]
    for index in range(draw(st.integers(0, 5))):
        row = [draw(cells) for _ in header]
        if header[0] in {"id", "party_id"} and draw(st.booleans()):
            row[0] = f"p{index % 2}"
        if "on" in header and draw(st.booleans()):
            row[header.index("on")] = draw(st.sampled_from(_FUZZ_DATES))
        lines.append(",".join(row))
    return "\n".join(lines) + draw(st.sampled_from(("\n", "", "\r\n")))


@st.composite
def _fuzz_jsonl(draw: st.DrawFn, kind: str) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        choice = draw(st.integers(0, 4))
        if choice == 0:
            lines.append(
                '{"id": "a", "x": ' + _fuzz_nested(draw(st.sampled_from(_FUZZ_DEPTHS))) + "}"
            )
        elif choice == 1 and kind == "engagements":
            lines.append(draw(_fuzz_edits(_fuzz_bases()["engagement"].replace("\n", ""))))
        elif choice == 2:
            lines.append(draw(st.text(max_size=20)))
        else:
            lines.append(_fuzz_dump(draw(_fuzz_json)))
    return "\n".join(lines) + "\n"


@st.composite
def _fuzz_document(draw: st.DrawFn, kind: str, suffix: str) -> str:
    if kind == "engagement":
        base = _fuzz_bases()["engagement"]
    elif kind == "playbook":
        base = _fuzz_bases()["playbook"] if suffix == ".toml" else _fuzz_dump({"schema_version": 1})
    elif draw(st.booleans()):
        when = draw(st.sampled_from(_FUZZ_CONDITIONS))
        base = (
            'id = "x"\nversion = "1"\n[policy]\nhit = "first"\n'
            f'[[rules]]\nid = "r"\nwhen = {json.dumps(when)}\nrole = "client"\nbecause = "b"\n'
        )
        if suffix == ".json":
            base = _fuzz_dump(
                {
                    "id": "x",
                    "version": "1",
                    "policy": {"hit": "first"},
                    "rules": [{"id": "r", "when": when, "role": "client", "because": "b"}],
                }
            )
    else:
        base = _fuzz_bases()["rules.toml" if suffix == ".toml" else "rules.json"]
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return _fuzz_dump(draw(_fuzz_json))
    if choice == 1:
        return '{"a": ' + _fuzz_nested(draw(st.sampled_from(_FUZZ_DEPTHS))) + "}"
    return draw(_fuzz_edits(base))


@st.composite
def _fuzz_files(draw: st.DrawFn, kind: str, suffix: str) -> bytes:
    """The bytes of a generated file of ``kind`` (signals, log, engagements, engagement, rules)."""
    if draw(st.integers(0, 9)) == 0:
        data = draw(st.binary(max_size=64))
    else:
        if kind in {"signals", "log"} and suffix != ".jsonl":
            text = draw(_fuzz_csv(kind))
        elif kind in {"signals", "engagements"}:
            text = draw(_fuzz_jsonl(kind))
        else:
            text = draw(_fuzz_document(kind, suffix))
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
def _fuzz_options(draw: st.DrawFn, command: str, kind: str) -> list[str]:
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
            options += ["--as-of", draw(st.sampled_from(_FUZZ_DATES))]
        if draw(st.booleans()):
            options += ["--date-format", draw(st.sampled_from(("%Y-%m-%d", "%d/%m/%Y", "%", "%Q")))]
    if command == "engagement":
        options += ["--as-of", draw(st.sampled_from(_FUZZ_DATES))]
        if draw(st.booleans()):
            options += [
                "--horizon-days",
                draw(st.sampled_from(("0", "-1", "14", "1000000000", "99999999999", "x"))),
            ]
    if command == "timeline" and draw(st.booleans()):
        options += ["--end", draw(st.sampled_from(_FUZZ_DATES))]
    return options
