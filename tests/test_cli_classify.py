"""The ``classify``, ``explain`` and ``demo`` commands."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

import clientcustomer as cc
from clientcustomer import Classifier
from clientcustomer.cli import main
from clientcustomer.demo import demo_file

SIGNALS_CSV = (
    "id,collaborative_share,customization,tenure_days,active_engagement\n"
    "ann,0.6,0.8,400,true\n"
    "bob,0,0,900,\n"
    "carl,0.25,0.25,500,false\n"
)
SIGNALS_JSONL = (
    '{"id": "ann", "collaborative_share": 0.6, "customization": 0.8, "tenure_days": 400,'
    ' "active_engagement": true}\n'
    "\n"
    '{"id": "bob", "collaborative_share": 0, "customization": 0, "tenure_days": 900,'
    ' "active_engagement": null}\n'
    '{"id": 7, "collaborative_share": 0.25, "customization": 0.25, "tenure_days": 500}\n'
)
TABLE = (
    "id    role       score  margin  deciding rule\n"
    "ann   client         9      +4  mostly-collaborative\n"
    "bob   customer      -1      -6  transactional\n"
    "carl  ambiguous      3      -2  collaborative\n"
    "3 rows: 1 customer, 1 client, 1 ambiguous\n"
)
LOG_CSV = (
    "party_id,on,kind,collaborative,customized,offering,amount\n"
    "ann,2026-01-05,workshop,true,true,service,500\n"
    "ann,2026-03-01,meeting,true,false,service,\n"
    "bob,2026-02-01,purchase,false,false,product,20\n"
    "bob,2026-03-02,purchase,false,false,product,20\n"
)
ABSENT = ("--item-column", "none", "--reference-column", "none")
"""LOG_CSV has no item and no reference column: the options say so."""
ERROR = "clientcustomer: error: "


@pytest.fixture
def signals_csv(write_file):
    return write_file("signals.csv", SIGNALS_CSV)


@pytest.fixture
def log_csv(write_file):
    return write_file("log.csv", LOG_CSV)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def skip_rows(capsys, tmp_path, name, text, rejects="rejects.csv"):
    """Classify a file ``name`` holding ``text`` with ``--on-error skip``, the rejected rows kept
    in the file ``rejects``: the exit status, the standard output and the rejects file's path."""
    kept = tmp_path / rejects
    path = write(tmp_path, name, text)
    status, out, _ = run(capsys, "classify", path, "--on-error", "skip", "--rejects", str(kept))
    return status, out, kept


def failure(capsys, *argv):
    """Run a command that must fail with one line on stderr; return that line."""
    status, _, err = run(capsys, *argv)
    assert (2, 1) == (status, len(err.splitlines()))
    assert err.startswith(ERROR)
    return err.removeprefix(ERROR).rstrip("\n")


def verdict_of(**values):
    return Classifier().classify(values)


class TestClassifyFormats:
    def test_table_is_aligned_with_a_summary_line(self, capsys, signals_csv):
        """The default table shows id, role, score, margin and deciding rule, then counts."""
        assert (0, TABLE, "") == run(capsys, "classify", str(signals_csv))

    def test_csv_has_one_row_per_record_and_a_summary_on_stderr(self, capsys, signals_csv):
        """``--format csv`` writes id, role, score, margin, decided_by and the fired rules."""
        status, out, err = run(capsys, "classify", str(signals_csv), "--format", "csv")

        assert 0 == status
        assert [
            "id,role,score,margin,decided_by,rules",
            (
                "ann,client,9,4,score,collaborative;mostly-collaborative;engaged;long-standing;"
                "customized;mostly-customized"
            ),
            "bob,customer,-1,-6,score,transactional;long-standing;standard",
            "carl,ambiguous,3,-2,score,collaborative;long-standing;customized",
        ] == out.splitlines()
        assert "classify: 3 rows: 1 customer, 1 client, 1 ambiguous\n" == err

    def test_jsonl_rows_carry_the_whole_verdict(self, capsys, signals_csv):
        """``--format jsonl`` rows hold id, role, score, margin, decided_by, rules, evidence."""
        status, out, _ = run(capsys, "classify", str(signals_csv), "--format", "jsonl")
        rows = [json.loads(line) for line in out.splitlines()]
        expected = verdict_of(
            collaborative_share=0.6,
            customization=0.8,
            tenure_days=400,
            active_engagement=True,
        )

        assert 0 == status
        assert ["ann", "bob", "carl"] == [row["id"] for row in rows]
        first = rows[0]
        assert {
            "id",
            "role",
            "score",
            "margin",
            "ruleset",
            "decided_by",
            "rules",
            "evidence",
            "unknown",
            "note",
        } == set(first)
        assert ("client", 9.0, 4.0, "score") == (
            first["role"],
            first["score"],
            first["margin"],
            first["decided_by"],
        )
        assert list(expected.fired) == first["rules"]
        assert list(expected.unknown) == first["unknown"]
        assert {
            "rule": "engaged",
            "aspect": "relationship",
            "leans": "client",
            "points": 2.0,
            "because": "A contracted, ongoing service engagement is running.",
            "values": {"active_engagement": True},
        } == first["evidence"][2]

    def test_unknown_output_format_is_a_usage_error(self, capsys, signals_csv):
        """An unknown ``--format`` stops with status 2 and names the choices."""
        with pytest.raises(SystemExit) as info:
            main(["classify", str(signals_csv), "--format", "xml"])

        assert 2 == info.value.code
        assert "invalid choice: 'xml'" in capsys.readouterr().err

    def test_a_table_longer_than_its_sample_keeps_streaming(self, capsys, tmp_path):
        """Rows past the ones a table is sized on are written too, in the same columns."""
        rows = "".join(f"p{index},0.0\n" for index in range(450))
        path = write(tmp_path, "many.csv", "id,customization\n" + rows)

        status, out, _ = run(capsys, "classify", path)
        lines = out.splitlines()

        assert (0, 452) == (status, len(lines))
        assert "p449  customer     -1      -6  standard" == lines[-2]
        assert "450 rows: 450 customer, 0 client, 0 ambiguous" == lines[-1]

    def test_an_empty_file_with_a_header_has_no_rows(self, capsys, tmp_path):
        """A header alone gives an empty table and a zero summary."""
        path = write(tmp_path, "empty.csv", "id,tenure_days\n")

        assert (
            0,
            "id  role  score  margin  deciding rule\n0 rows: 0 customer, 0 client, 0 ambiguous\n",
            "",
        ) == run(capsys, "classify", path)

    def test_a_decision_without_evidence_says_so(self, capsys, tmp_path):
        """A row that fires no rule, its signals unknown, is ambiguous for insufficient evidence."""
        path = write(tmp_path, "bare.csv", "id,spend\nann,\n")

        _, out, _ = run(capsys, "classify", path)

        assert "ann  ambiguous      0      -5  insufficient-evidence" == out.splitlines()[1]

    def test_a_decision_by_the_policy_names_it(self, capsys, tmp_path):
        """When the rule set's requirement decides, the table names it."""
        path = write(
            tmp_path,
            "req.csv",
            "id,collaborative_share,customization,tenure_days,active_engagement,service_share\n"
            "ann,0,0,900,true,1\n",
        )

        _, out, _ = run(capsys, "classify", path)

        assert out.splitlines()[1].endswith("policy.requires")


class TestClassifyInput:
    def test_jsonl_by_extension(self, capsys, tmp_path):
        """A ``.jsonl`` file is read as JSON Lines; blank lines are skipped; integer ids work."""
        path = write(tmp_path, "signals.jsonl", SIGNALS_JSONL)

        status, out, _ = run(capsys, "classify", path, "--format", "csv")

        assert 0 == status
        assert ["ann,client", "bob,customer", "7,ambiguous"] == [
            ",".join(line.split(",")[:2]) for line in out.splitlines()[1:]
        ]

    def test_ndjson_extension_and_forced_format(self, capsys, tmp_path):
        """``.ndjson`` is JSON Lines; ``--input-format`` overrides the extension."""
        ndjson = write(tmp_path, "signals.ndjson", SIGNALS_JSONL)
        text = write(tmp_path, "signals.txt", SIGNALS_CSV)

        assert 0 == main(["classify", ndjson])
        capsys.readouterr()
        assert (0, TABLE, "") == run(capsys, "classify", text, "--input-format", "csv")

    def test_unknown_extension_is_refused(self, capsys, tmp_path):
        """A file that is neither .csv nor .jsonl needs ``--input-format``."""
        path = write(tmp_path, "signals.txt", SIGNALS_CSV)

        assert (
            f"FILE: expected a .csv, .jsonl or .ndjson file (or --input-format csv|jsonl), "
            f"got {path!r}"
        ) == failure(capsys, "classify", path)

    def test_stdin_is_csv_by_default(self, capsys, monkeypatch):
        """``-`` reads stdin, as CSV unless told otherwise."""
        monkeypatch.setattr(sys, "stdin", io.StringIO(SIGNALS_CSV))

        assert (0, TABLE, "") == run(capsys, "classify", "-")

    def test_stdin_as_jsonl(self, capsys, monkeypatch):
        """``- --input-format jsonl`` reads JSON Lines from stdin."""
        monkeypatch.setattr(sys, "stdin", io.StringIO(SIGNALS_JSONL))

        status, out, _ = run(capsys, "classify", "-", "--input-format", "jsonl")

        assert 0 == status
        assert out.endswith("3 rows: 1 customer, 1 client, 1 ambiguous\n")

    def test_bad_stdin_row_names_stdin(self, capsys, monkeypatch):
        """A bad row on stdin is reported as ``<stdin>``."""
        monkeypatch.setattr(sys, "stdin", io.StringIO("id,purchases\nann,x\n"))

        assert ("<stdin>: line 2, field 'purchases': expected an integer >= 0, got 'x'") == failure(
            capsys, "classify", "-"
        )

    def test_values_are_parsed_by_the_signal_type(self, capsys, tmp_path):
        """Booleans are true/false in any case, integers and numbers by the signal's type."""
        path = write(
            tmp_path,
            "typed.csv",
            "id,active_engagement,tenure_days,service_share,spend,region,score2\n"
            "ann,TRUE,400,1,1e3,north,2.5\n"
            "bob,False,+3,0.5,12,south, 7 \n",
        )

        status, out, _ = run(
            capsys, "classify", path, "--format", "jsonl", "--passthrough", "region,score2"
        )
        rows = [json.loads(line) for line in out.splitlines()]

        assert 0 == status
        assert "engaged" in rows[0]["rules"]
        assert "engaged" not in rows[1]["rules"]

    def test_declared_custom_signals_are_parsed_by_their_type(self, capsys, tmp_path):
        """A custom signal the rule set declares is read as its declared type."""
        rules = write(
            tmp_path,
            "rules.toml",
            'id = "nps"\nversion = "1"\npolicy = { hit = "first" }\n'
            '[signals]\nnps = "integer"\nvip = "boolean"\nregion = "string"\nweight = "number"\n'
            '[[rules]]\nid = "fan"\nwhen = "nps >= 9 and vip and region == \'north\' '
            'and weight > 1"\nrole = "client"\nbecause = "A fan."\n',
        )
        path = write(
            tmp_path,
            "custom.csv",
            "id,nps,vip,region,weight\nann,9,true,north,2\nbob,3,false,123,1\n",
        )

        status, out, _ = run(capsys, "classify", path, "--rules", rules, "--format", "csv")

        assert 0 == status
        assert ["ann,client,1,1,fan,fan", "bob,customer,-1,-1,policy.default,"] == (
            out.splitlines()[1:]
        )

    def test_declared_custom_signal_with_the_wrong_type_is_a_bad_row(self, capsys, tmp_path):
        """A declared integer custom signal refuses text."""
        rules = write(
            tmp_path,
            "rules.toml",
            'id = "nps"\nversion = "1"\npolicy = { hit = "first" }\n[signals]\nnps = "integer"\n'
            '[[rules]]\nid = "fan"\nwhen = "nps >= 9"\nrole = "client"\nbecause = "A fan."\n',
        )
        path = write(tmp_path, "custom.csv", "id,nps\nann,lots\n")

        assert (f"{path}: line 2, field 'nps': expected an integer, got 'lots'") == failure(
            capsys, "classify", path, "--rules", rules
        )

    def test_missing_file(self, capsys, tmp_path):
        """A file that does not exist is named in one line."""
        path = str(tmp_path / "nope.csv")

        assert f"FILE: expected a readable file, got {path!r} (not found)" == failure(
            capsys, "classify", path
        )

    def test_folder_instead_of_file(self, capsys, tmp_path):
        """A folder is not a signal file."""
        folder = tmp_path / "rows.csv"
        folder.mkdir()

        assert f"FILE: expected a readable file, got {str(folder)!r} (a folder)" == failure(
            capsys, "classify", str(folder)
        )

    def test_not_utf8(self, capsys, tmp_path):
        """A file that is not UTF-8 fails in one line."""
        path = tmp_path / "latin.csv"
        path.write_bytes(b"id,tenure_days\n\xe9t\xe9,3\n")

        message = failure(capsys, "classify", str(path))

        assert f"{path}: line 2: expected UTF-8 text, got b'\\xe9t\\xe9,3\\n'" == message

    def test_file_and_log_together_or_neither(self, capsys, signals_csv, log_csv):
        """Exactly one of FILE and ``--log`` is needed."""
        expected = "classify: expected a signal FILE or --log LOG (exactly one of them)"

        assert expected == failure(capsys, "classify")
        assert expected == failure(capsys, "classify", str(signals_csv), "--log", str(log_csv))


class TestClassifyBadRows:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                "id,purchases\nann,1\nbob,six\n",
                "line 3, field 'purchases': expected an integer >= 0, got 'six'",
            ),
            (
                "id,purchases\nann,-1\n",
                "line 2, field 'purchases': expected an integer >= 0, got '-1'",
            ),
            (
                "id,customization\nann,1.5\n",
                "line 2, field 'customization': expected a number between 0 and 1, got '1.5'",
            ),
            (
                "id,customization\nann,inf\n",
                "line 2, field 'customization': expected a number between 0 and 1, got 'inf'",
            ),
            (
                "id,active_engagement\nann,yes\n",
                "line 2, field 'active_engagement': expected true or false, got 'yes'",
            ),
            (
                "id,purchases,spend\nann,x,y\n",
                (
                    "line 2, field 'purchases': expected an integer >= 0, got 'x'; "
                    "field 'spend': expected a number >= 0, got 'y'"
                ),
            ),
            ("id,purchases\n,3\n", "line 2, field 'id': expected a non-empty id, got ''"),
            (
                "id,purchases\nann,1\nann,2\n",
                "line 3, field 'id': expected an id not used before (line 2 has it), got 'ann'",
            ),
            ("id,purchases\nann,1,2\n", "line 2, expected 2 fields, got 3"),
            (
                'id,purchases\nann,"1"x\n',
                "line 2, expected a CSV row, got " + repr("',' expected after '\"'"),
            ),
        ],
    )
    def test_a_bad_csv_row_stops_with_one_line(self, capsys, tmp_path, text, message):
        """A bad row stops the run: its line, the field, what was expected and what was given."""
        path = write(tmp_path, "bad.csv", text)

        assert f"{path}: {message}" == failure(capsys, "classify", path)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                '{"id": "ann", "purchases": "six"}\n',
                "line 1, field 'purchases': expected an integer or null, got 'six'",
            ),
            ("\n[1, 2]\n", "line 2, expected a JSON object, got [1, 2]"),
            (
                "{oops\n",
                (
                    "line 1, expected a JSON object, got '{oops' "
                    "(Expecting property name enclosed in double quotes)"
                ),
            ),
            ('{"purchases": 1}\n', "line 1, field 'id': expected a non-empty string, got None"),
            ('{"id": true}\n', "line 1, field 'id': expected a non-empty string, got True"),
            (
                '{"id": "a", "bad key": 1}\n',
                ("line 1, field 'bad key': expected a signal of default@1, got 'bad key'"),
            ),
            (
                '{"id": "a", "spend": [1]}\n',
                "line 1, field 'spend': expected a number or null, got [1]",
            ),
        ],
    )
    def test_a_bad_jsonl_row_stops_with_one_line(self, capsys, tmp_path, text, message):
        """A bad JSON Lines row is named by its line number."""
        path = write(tmp_path, "bad.jsonl", text)

        assert f"{path}: {message}" == failure(capsys, "classify", path)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "expected a header row with an 'id' column, got an empty file"),
            ("party,purchases\nann,1\n", "line 1: expected an 'id' column, got party, purchases"),
            ("id,spend,spend\n", "line 1: expected unique column names, got 'spend' twice"),
            (
                "id,first name\n",
                (
                    "line 1: expected signal names (letters, digits and _) as column names, "
                    "got 'first name'"
                ),
            ),
            ('id,"a\n', "line 1: expected a header row, got 'unexpected end of data'"),
        ],
    )
    def test_a_bad_header_stops_before_any_output(self, capsys, tmp_path, text, message):
        """A header without ``id`` (or otherwise unusable) fails at once, even in skip mode."""
        path = write(tmp_path, "bad.csv", text)
        output = tmp_path / "out.csv"

        assert f"{path}: {message}" == failure(
            capsys, "classify", path, "--on-error", "skip", "--output", str(output)
        )
        assert not output.exists()

    def test_a_bad_row_leaves_no_output_file(self, capsys, tmp_path):
        """In raise mode ``--output`` is never half-written: no file at all."""
        path = write(tmp_path, "bad.csv", "id,purchases\nann,1\nbob,six\n")
        output = tmp_path / "out.csv"

        failure(capsys, "classify", path, "--output", str(output))

        assert [] == [item.name for item in tmp_path.iterdir() if item.name != "bad.csv"]

    def test_rejects_need_skip_mode(self, capsys, signals_csv, tmp_path):
        """``--rejects`` without ``--on-error skip`` is refused."""
        message = failure(
            capsys, "classify", str(signals_csv), "--rejects", str(tmp_path / "r.csv")
        )

        assert message.startswith("--rejects: expected --on-error skip with it")


MIXED_CSV = "id,purchases,customization\nann,1,0.9\nbob,six,0\ncarl,2,0\ndan,3\ncarl,4,0\neve,5,\n"


class TestClassifySkip:
    def test_skip_keeps_every_good_row_and_writes_rejects_as_csv(self, capsys, tmp_path):
        """``--on-error skip`` classifies every good row and keeps every bad one with its reason."""
        path = write(tmp_path, "mixed.csv", MIXED_CSV)
        rejects = tmp_path / "rejects.csv"
        output = tmp_path / "out.csv"

        status, out, err = run(
            capsys,
            "classify",
            path,
            "--on-error",
            "skip",
            "--rejects",
            str(rejects),
            "--format",
            "csv",
            "--output",
            str(output),
        )

        assert (0, "") == (status, out)
        assert ["ann", "carl", "eve"] == [
            line.split(",")[0] for line in output.read_text().splitlines()[1:]
        ]
        assert [
            "line,reason,id,purchases,customization",
            "3,\"field 'purchases': expected an integer >= 0, got 'six'\",bob,six,0",
            '5,"expected 3 fields, got 2",dan,3',
            "6,\"field 'id': expected an id not used before (line 4 has it), got 'carl'\",carl,4,0",
        ] == rejects.read_text().splitlines()
        assert (
            "classify: columns not read by default@1: purchases\n"
            "classify: 3 rows: 1 customer, 0 client, 2 ambiguous (1 insufficient evidence); "
            f"3 rejected (written to {rejects})\n"
        ) == err

    def test_rejects_as_jsonl_keep_the_original_values(self, capsys, tmp_path):
        """A ``.jsonl`` rejects file holds the original values plus line and reason."""
        status, out, rejects = skip_rows(
            capsys, tmp_path, "mixed.csv", MIXED_CSV, rejects="rejects.jsonl"
        )

        assert 0 == status
        assert out.endswith(f"3 rejected (written to {rejects})\n")
        assert [
            {
                "line": 3,
                "reason": "field 'purchases': expected an integer >= 0, got 'six'",
                "id": "bob",
                "purchases": "six",
                "customization": "0",
            },
            {"line": 5, "reason": "expected 3 fields, got 2", "values": ["dan", "3"]},
            {
                "line": 6,
                "reason": "field 'id': expected an id not used before (line 4 has it), got 'carl'",
                "id": "carl",
                "purchases": "4",
                "customization": "0",
            },
        ] == [json.loads(line) for line in rejects.read_text().splitlines()]

    def test_jsonl_rejects_of_jsonl_input(self, capsys, tmp_path):
        """Rejected JSON Lines rows keep their object (or text) in either rejects format."""
        path = write(
            tmp_path,
            "mixed.jsonl",
            '{"id": "ann", "purchases": 1}\n{"id": "bob", "purchases": -2}\nnot json\n'
            '{"id": "cid", "purchases": 2}\n[1]\n',
        )
        as_jsonl = tmp_path / "r.ndjson"
        as_csv = tmp_path / "r.csv"

        assert 0 == main(["classify", path, "--on-error", "skip", "--rejects", str(as_jsonl)])
        assert 0 == main(["classify", path, "--on-error", "skip", "--rejects", str(as_csv)])
        out, _ = capsys.readouterr()

        assert [
            {
                "line": 2,
                "reason": "field 'purchases': expected an integer >= 0, got -2",
                "id": "bob",
                "purchases": -2,
            },
            {
                "line": 3,
                "reason": "expected a JSON object, got 'not json' (Expecting value)",
                "text": "not json",
            },
            {"line": 5, "reason": "expected a JSON object, got [1]", "text": "[1]"},
        ] == [json.loads(line) for line in as_jsonl.read_text().splitlines()]
        assert [
            "line,reason,row",
            (
                "2,\"field 'purchases': expected an integer >= 0, got -2\","
                '"{""id"": ""bob"", ""purchases"": -2}"'
            ),
            "3,\"expected a JSON object, got 'not json' (Expecting value)\",not json",
            '5,"expected a JSON object, got [1]",[1]',
        ] == as_csv.read_text().splitlines()
        assert (
            "2 rows: 0 customer, 0 client, 2 ambiguous (2 insufficient evidence); 3 rejected" in out
        )

    def test_malformed_csv_rows_and_blank_lines(self, capsys, tmp_path):
        """A row the CSV reader cannot split is rejected; blank lines are not rows."""
        status, out, rejects = skip_rows(
            capsys, tmp_path, "odd.csv", 'id,purchases\n\nann,1\nbob,"2"x\n\ncid,3\n'
        )

        assert 0 == status
        assert ["ann", "cid"] == [line.split()[0] for line in out.splitlines()[1:3]]
        assert [
            ["line", "reason", "id", "purchases"],
            ["4", "expected a CSV row, got " + repr("',' expected after '\"'")],
        ] == list(csv.reader(io.StringIO(rejects.read_text())))

    def test_skip_without_a_rejects_file_counts_them(self, capsys, tmp_path):
        """Without ``--rejects`` the summary still says how many rows were rejected."""
        path = write(tmp_path, "mixed.csv", MIXED_CSV)

        status, _, err = run(capsys, "classify", path, "--on-error", "skip", "--format", "jsonl")

        assert 0 == status
        assert err.endswith("; 3 rejected (--rejects FILE keeps them)\n")

    def test_skip_with_nothing_rejected_still_writes_the_rejects_header(self, capsys, tmp_path):
        """A clean run in skip mode writes an empty rejects file (its header only)."""
        status, out, rejects = skip_rows(capsys, tmp_path, "good.csv", "id,purchases\nann,1\n")

        assert 0 == status
        assert out.endswith(
            "1 row: 0 customer, 0 client, 1 ambiguous (1 insufficient evidence); 0 rejected\n"
        )
        assert "line,reason,id,purchases\n" == rejects.read_text()


class TestClassifyOptions:
    def test_output_is_written_atomically(self, capsys, signals_csv, tmp_path):
        """``--output`` writes the file (and the summary goes to stderr)."""
        output = tmp_path / "verdicts.txt"

        status, out, err = run(capsys, "classify", str(signals_csv), "--output", str(output))

        assert (0, "") == (status, out)
        assert TABLE == output.read_text()
        assert "classify: 3 rows: 1 customer, 1 client, 1 ambiguous\n" == err

    def test_output_in_a_missing_folder(self, capsys, signals_csv, tmp_path):
        """An output in a folder that does not exist is refused."""
        output = str(tmp_path / "no" / "out.csv")

        assert f"--output: expected a file in an existing folder, got {output!r}" == failure(
            capsys, "classify", str(signals_csv), "--output", output
        )

    def test_another_rule_set(self, capsys, signals_csv, tmp_path):
        """``--rules`` classifies with another rule set."""
        rules = write(
            tmp_path,
            "rules.toml",
            'id = "tenure"\nversion = "2"\npolicy = { hit = "first", default = "customer" }\n'
            '[[rules]]\nid = "old"\nwhen = "tenure_days >= 450"\nrole = "client"\n'
            'because = "Old."\n',
        )

        status, out, _ = run(
            capsys, "classify", str(signals_csv), "--rules", rules, "--format", "jsonl"
        )
        rows = [json.loads(line) for line in out.splitlines()]

        assert 0 == status
        assert [("customer", "policy.default"), ("client", "old"), ("client", "old")] == [
            (row["role"], row["decided_by"]) for row in rows
        ]
        assert {"tenure@2"} == {row["ruleset"] for row in rows}

    def test_bad_rule_set_names_line_and_column(self, capsys, signals_csv, tmp_path):
        """A rule set with a mistake fails with file:line:col in one line."""
        rules = write(
            tmp_path,
            "rules.toml",
            'id = "mine"\nversion = "1"\npolicy = { hit = "first" }\n[[rules]]\nid = "engaged"\n'
            'when = "active_engagment"\nrole = "client"\nbecause = "Runs."\n',
        )

        message = failure(capsys, "classify", str(signals_csv), "--rules", rules)

        assert message.startswith(f"{rules}:6:")
        assert "unknown signal 'active_engagment'" in message

    def test_missing_rule_set(self, capsys, signals_csv, tmp_path):
        """A rule set file that does not exist is named."""
        rules = str(tmp_path / "none.toml")

        assert f"{rules}: cannot read the file: No such file or directory" == failure(
            capsys, "classify", str(signals_csv), "--rules", rules
        )


class TestClassifyLog:
    def test_each_party_of_the_log_is_classified(self, capsys, log_csv):
        """``--log`` derives each party's signals (as of the day after the last interaction)."""
        status, out, err = run(
            capsys, "classify", "--log", str(log_csv), "--format", "jsonl", *ABSENT
        )
        rows = {row["id"]: row for row in map(json.loads, out.splitlines())}

        assert (0, ["ann", "bob"]) == (status, list(rows))
        assert "customer" == rows["bob"]["role"]
        assert "classify: 2 rows:" in err

    def test_as_of_changes_the_signals(self, capsys, log_csv):
        """``--as-of`` picks the date the signals describe."""
        status, out, _ = run(
            capsys,
            "classify",
            "--log",
            str(log_csv),
            "--as-of",
            "2026-01-31",
            "--format",
            "csv",
            *ABSENT,
        )

        assert 0 == status
        assert ["id", "ann"] == [line.split(",")[0] for line in out.splitlines()]

    def test_bad_as_of(self, capsys, log_csv):
        """A malformed ``--as-of`` is named."""
        assert "--as-of: expected an ISO date (YYYY-MM-DD), got 'soon'" == failure(
            capsys, "classify", "--log", str(log_csv), "--as-of", "soon", *ABSENT
        )

    def test_bad_log_row_stops_with_its_line(self, capsys, tmp_path):
        """A bad row of the log stops the run, naming the file, line and column."""
        path = write(tmp_path, "log.csv", LOG_CSV + "cid,soon,purchase,false,false,product,1\n")

        assert (
            f"{path}: line 6, column 'on': expected a date (YYYY-MM-DD, ISO datetime or "
            "M/D/YYYY H:MM), got 'soon'"
        ) == failure(capsys, "classify", "--log", path, *ABSENT)

    def test_bad_log_rows_are_skipped_into_rejects(self, capsys, tmp_path):
        """In skip mode a bad log row goes to the rejects file and the others are classified."""
        path = write(tmp_path, "log.csv", LOG_CSV + "cid,soon,purchase,false,false,product,1\n")
        rejects = tmp_path / "rejects.csv"

        status, out, _ = run(
            capsys,
            "classify",
            "--log",
            path,
            "--on-error",
            "skip",
            "--rejects",
            str(rejects),
            *ABSENT,
        )

        assert 0 == status
        assert out.endswith(
            f"2 rows: 1 customer, 1 client, 0 ambiguous; 1 rejected (written to {rejects})\n"
        )
        assert [
            "line,reason,party_id,on,kind,collaborative,customized,offering,amount",
            (
                "6,\"line 6, column 'on': expected a date (YYYY-MM-DD, ISO datetime or M/D/YYYY "
                "H:MM), got 'soon'\",cid,soon,purchase,false,false,product,1"
            ),
        ] == rejects.read_text().splitlines()

    def test_missing_log(self, capsys, tmp_path):
        """A log that does not exist is named."""
        path = str(tmp_path / "none.csv")

        assert f"LOG: expected a readable CSV file, got {path!r} (not found)" == failure(
            capsys, "classify", "--log", path
        )

    def test_engagements_count(self, capsys):
        """``--engagements`` adds each client's engagements to its signals."""
        log = str(demo_file("interactions"))
        engagements = str(demo_file("engagements"))

        status, out, _ = run(
            capsys, "classify", "--log", log, "--engagements", engagements, "--format", "csv"
        )
        lines = out.splitlines()

        assert (0, 301) == (status, len(lines))
        assert lines[1].startswith("acct-005,client,")

    def test_an_empty_log_gives_no_rows(self, capsys, tmp_path):
        """A log with only a header has no parties."""
        path = write(tmp_path, "log.csv", LOG_CSV.splitlines()[0] + "\n")

        status, out, _ = run(capsys, "classify", "--log", path, *ABSENT)

        assert (0, "0 rows: 0 customer, 0 client, 0 ambiguous") == (status, out.splitlines()[-1])


class TestClassifyProgress:
    def test_a_terminal_gets_a_progress_line_that_is_cleared(
        self, capsys, signals_csv, monkeypatch
    ):
        """On a terminal, ``classify`` draws a progress line on stderr and clears it at the end."""
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)

        status, out, err = run(capsys, "classify", str(signals_csv))

        assert (0, TABLE) == (status, out)
        assert err.startswith("\rclassify: 3 rows (")
        assert err.endswith("\r")
        assert "" == err.rsplit("\r", 2)[1].strip()

    def test_quiet_draws_nothing(self, capsys, signals_csv, monkeypatch):
        """``--quiet`` keeps stderr free of the progress line."""
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)

        assert (0, TABLE, "") == run(capsys, "classify", str(signals_csv), "--quiet")


DUCKDB_TABLE = (
    "id    role       score  deciding rule\n"
    "ann   client         9  score\n"
    "bob   customer      -1  score\n"
    "carl  ambiguous      3  score\n"
    "3 rows: 1 customer, 1 client, 1 ambiguous\n"
)


class TestClassifyDuckdb:
    @pytest.fixture(autouse=True)
    def _needs_duckdb(self):
        pytest.importorskip("duckdb")

    @pytest.fixture
    def numeric_csv(self, tmp_path):
        return write(tmp_path, "rows.csv", SIGNALS_CSV.replace(",x\n", ",\n"))

    def test_table_csv_and_jsonl_agree_with_the_python_engine(self, capsys, numeric_csv):
        """Each format carries id, role, score and decided_by, as the python engine decides."""
        _, python_out, _ = run(capsys, "classify", numeric_csv, "--format", "jsonl")
        expected = [
            {key: row[key] for key in ("id", "role", "score", "decided_by")}
            for row in map(json.loads, python_out.splitlines())
        ]

        table = run(capsys, "classify", numeric_csv, "--engine", "duckdb")
        status, out, err = run(
            capsys, "classify", numeric_csv, "--engine", "duckdb", "--format", "jsonl"
        )
        _, csv_out, _ = run(
            capsys, "classify", numeric_csv, "--engine", "duckdb", "--format", "csv"
        )

        assert (0, DUCKDB_TABLE, "") == table
        assert (0, expected) == (status, [json.loads(line) for line in out.splitlines()])
        assert "classify: 3 rows: 1 customer, 1 client, 1 ambiguous\n" == err
        assert [
            "id,role,score,decided_by",
            "ann,client,9,score",
            "bob,customer,-1,score",
            "carl,ambiguous,3,score",
        ] == csv_out.splitlines()

    def test_parquet_with_integer_ids_and_rules(self, capsys, numeric_csv, tmp_path):
        """A Parquet file is read by its extension; ids of any type become text; --rules holds."""
        duckdb = pytest.importorskip("duckdb")
        parquet = tmp_path / "rows.parquet"
        rows = duckdb.read_csv(numeric_csv).select("row_number() OVER () AS id, * EXCLUDE (id)")
        rows.write_parquet(str(parquet))
        rules = write(
            tmp_path,
            "rules.toml",
            'id = "tiny"\nversion = "1"\npolicy = { hit = "first", default = "customer" }\n'
            '[[rules]]\nid = "retainer"\nwhen = "active_engagement"\nrole = "client"\n'
            'because = "A contract is running."\n',
        )

        status, out, _ = run(
            capsys,
            "classify",
            str(parquet),
            "--engine",
            "duckdb",
            "--rules",
            rules,
            "--format",
            "csv",
        )

        assert 0 == status
        assert [
            "id,role,score,decided_by",
            "1,client,1,retainer",
            "2,ambiguous,0,insufficient-evidence",
            "3,customer,-1,policy.default",
        ] == out.splitlines()

    def test_a_column_of_the_wrong_type_names_it_and_writes_nothing(self, capsys, tmp_path):
        """A text column for a number signal is one line, exit 2, and no output file."""
        path = write(tmp_path, "rows.csv", "id,tenure_days\na,400\nb,long\n")
        output = tmp_path / "out.csv"

        message = failure(capsys, "classify", path, "--engine", "duckdb", "--output", str(output))

        assert message.startswith(f"{path}: column tenure_days: expected a ")
        assert message.endswith("column, got 'varchar'")
        assert not output.exists()

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("idx,nps\na,1\n", "expected an 'id' column, got idx, nps"),
            ("id,role\na,x\n", "expected no column named 'role' (a column of the output)"),
            ("id,spend\na,1\na,2\n", "row 2: field 'id': expected a new id, got 'a'"),
            ("id,spend\n,1\n", "row 1: field 'id': expected a non-empty id, got None"),
        ],
    )
    def test_bad_files_stop_with_one_line(self, capsys, tmp_path, text, message):
        """A file without ids, with a clashing column or repeated or empty ids is refused."""
        path = write(tmp_path, "rows.csv", text)

        assert f"{path}: {message}" == failure(capsys, "classify", path, "--engine", "duckdb")

    def test_a_file_duckdb_cannot_read(self, capsys, tmp_path):
        """A broken Parquet file is one line naming it."""
        path = write(tmp_path, "rows.parquet", "not parquet\n")

        message = failure(capsys, "classify", path, "--engine", "duckdb")

        assert message.startswith(f"{path}: expected a parquet file DuckDB can read, got ")

    def test_paths_and_formats_it_cannot_read(self, capsys, tmp_path, numeric_csv):
        """stdin, JSON Lines, other extensions, missing files and folders are refused."""
        missing, text = str(tmp_path / "none.csv"), write(tmp_path, "rows.txt", "id\n")
        folder = tmp_path / "dir.csv"
        folder.mkdir()
        engine = ("--engine", "duckdb")

        assert [
            "FILE: expected a file path with --engine duckdb (it does not read stdin), got '-'",
            "--input-format: expected csv with --engine duckdb, got 'jsonl'",
            (
                "FILE: expected a .csv or .parquet file with --engine duckdb "
                f"(or --input-format csv), got {text!r}"
            ),
            f"FILE: expected a readable file, got {missing!r} (not found)",
            f"FILE: expected a readable file, got {str(folder)!r} (a folder)",
        ] == [
            failure(capsys, "classify", "-", *engine),
            failure(capsys, "classify", numeric_csv, "--input-format", "jsonl", *engine),
            failure(capsys, "classify", text, *engine),
            failure(capsys, "classify", missing, *engine),
            failure(capsys, "classify", str(folder), *engine),
        ]
        status, out, _ = run(capsys, "classify", text, "--input-format", "csv", *engine)
        assert (0, "0 rows: 0 customer, 0 client, 0 ambiguous\n") == (
            status,
            out.splitlines()[-1] + "\n",
        )

    def test_python_only_options(self, capsys, numeric_csv, log_csv):
        """--on-error skip belongs to the python engine (with a signal FILE or a --log)."""
        engine = ("--engine", "duckdb")

        assert [
            "--engine duckdb: expected --log LOG without --on-error skip (python engine only)",
            "--engine duckdb: expected a signal FILE without --on-error skip (python engine only)",
        ] == [
            failure(capsys, "classify", "--log", str(log_csv), "--on-error", "skip", *engine),
            failure(capsys, "classify", numeric_csv, "--on-error", "skip", *engine),
        ]

    def test_without_duckdb_the_error_names_the_extra(self, capsys, numeric_csv, monkeypatch):
        """When duckdb is not installed, one line says which extra to install."""
        monkeypatch.setitem(sys.modules, "duckdb", None)

        assert (
            "--engine duckdb: expected the duckdb package (pip install clientcustomer[duckdb])"
            == failure(capsys, "classify", numeric_csv, "--engine", "duckdb")
        )

    def test_a_value_past_the_type_sample_is_one_line(self, capsys, tmp_path):
        """A bad value DuckDB meets only while reading (past its type sample) is one line."""
        rows = "".join(f"a{index},{index}\n" for index in range(21_000))
        path = write(tmp_path, "rows.csv", f"id,tenure_days\n{rows}z,long\n")

        message = failure(capsys, "classify", path, "--engine", "duckdb", "--format", "csv")

        assert message.startswith(f"{path}: Conversion Error: ")
        assert "Possible solutions" not in message

    def test_progress_on_a_terminal(self, capsys, numeric_csv, monkeypatch):
        """The duckdb engine draws and clears the progress line too, unless --quiet."""
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
        monkeypatch.setattr("clientcustomer.cli.classify._DUCKDB_BATCH", 2)

        _, _, err = run(capsys, "classify", numeric_csv, "--engine", "duckdb")
        quiet = run(capsys, "classify", numeric_csv, "--engine", "duckdb", "--quiet")

        assert err.startswith("\rclassify: 2 rows (")  # batches of 2, at most 4 redraws/s
        assert err.endswith("\r")
        assert (0, DUCKDB_TABLE, "") == quiet


class TestExplain:
    def test_signals_as_json(self, capsys):
        """``--signals`` explains a JSON object of signals."""
        signals = {"collaborative_share": 0.0, "tenure_days": 900}

        status, out, _ = run(capsys, "explain", "--signals", json.dumps(signals))

        assert (0, cc.explain(signals).explain() + "\n") == (status, out)
        assert out.startswith(verdict_of(**signals).explain() + "\n  near misses:")

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                "{oops",
                (
                    "--signals: expected a JSON object, got '{oops' "
                    "(Expecting property name enclosed in double quotes (line 1, column 2))"
                ),
            ),
            ("[1]", "--signals: expected a JSON object of signal name to value, got [1]"),
            (
                '{"customization": 1.5}',
                "--signals: $.customization: expected a number between 0 and 1, got 1.5",
            ),
        ],
    )
    def test_bad_signals(self, capsys, text, message):
        """Bad ``--signals`` are named in one line."""
        assert message == failure(capsys, "explain", "--signals", text)

    def test_a_row_of_a_file(self, capsys, signals_csv):
        """``FILE --id`` explains that row, titled with its id."""
        expected = cc.explain(
            {
                "collaborative_share": 0.25,
                "customization": 0.25,
                "tenure_days": 500,
                "active_engagement": False,
            }
        )

        status, out, _ = run(capsys, "explain", str(signals_csv), "--id", "carl")

        assert (0, f"carl: {expected.explain()}\n") == (status, out)

    def test_a_row_after_bad_rows(self, capsys, tmp_path):
        """Other rows' problems do not matter; the row asked for must be good."""
        path = write(tmp_path, "mixed.csv", MIXED_CSV)

        assert 0 == main(["explain", path, "--id", "eve"])
        assert (
            f"{path}: line 3, field 'purchases': expected an integer >= 0, got 'six'"
        ) == failure(capsys, "explain", path, "--id", "bob")

    def test_a_missing_id(self, capsys, signals_csv):
        """An id that is not in the file is named."""
        assert (
            f"--id: expected the id of a row of {signals_csv}, got 'zed' (no such row)"
        ) == failure(capsys, "explain", str(signals_csv), "--id", "zed")

    def test_a_file_needs_an_id(self, capsys, signals_csv):
        """``explain FILE`` without ``--id`` is refused."""
        assert "--id: expected the id of the row to explain, got nothing" == failure(
            capsys, "explain", str(signals_csv)
        )

    def test_a_party_of_a_log(self, capsys, log_csv):
        """``--log --party`` explains that party's derived signals."""
        status, out, _ = run(capsys, "explain", "--log", str(log_csv), "--party", "bob", *ABSENT)

        assert 0 == status
        assert out.startswith("bob: customer (score ")

    def test_a_log_needs_a_party(self, capsys, log_csv):
        """``--log`` without ``--party`` is refused, and an unknown party is named."""
        assert "--party: expected the party to explain, got nothing" == failure(
            capsys, "explain", "--log", str(log_csv), *ABSENT
        )
        assert (
            f"--party: expected a party of {log_csv}, got 'zed' (no interaction or engagement)"
        ) == failure(capsys, "explain", "--log", str(log_csv), "--party", "zed", *ABSENT)

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (
                [],
                (
                    "explain: expected exactly one of FILE --id ID, --signals JSON or "
                    "--log LOG --party ID"
                ),
            ),
            (
                ["--signals", "{}", "--id", "x"],
                "--id: expected a signal FILE to look the row up in",
            ),
            (
                ["--signals", "{}", "--party", "x"],
                "--party: expected --log LOG to derive the party's signals from",
            ),
        ],
    )
    def test_what_to_explain_must_be_clear(self, capsys, argv, message):
        """Exactly one source, and ``--id``/``--party`` only with theirs."""
        assert message == failure(capsys, "explain", *argv)

    def test_output_and_rules(self, capsys, tmp_path):
        """``--output`` writes the explanation; ``--rules`` picks the rule set."""
        rules = write(
            tmp_path,
            "rules.json",
            json.dumps(
                {
                    "id": "j",
                    "version": "1",
                    "policy": {"hit": "first"},
                    "rules": [
                        {"id": "r", "when": "tenure_days > 1", "role": "client", "because": "Old."}
                    ],
                }
            ),
        )
        output = tmp_path / "why.txt"

        status, out, _ = run(
            capsys,
            "explain",
            "--signals",
            '{"tenure_days": 5}',
            "--rules",
            rules,
            "--output",
            str(output),
        )

        assert (0, "") == (status, out)
        assert output.read_text().startswith("client (score 1, 1 past client) by j@1\n")


class TestDemo:
    def test_the_table_shows_twenty_parties_and_the_summary(self, capsys):
        """By default the table shows 20 parties, says how many more, then the summary."""
        status, out, _ = run(capsys, "demo")
        lines = out.splitlines()

        assert 0 == status
        assert lines[0].split() == [
            "party",
            "name",
            "business",
            "recorded",
            "role",
            "score",
            "deciding",
            "rule",
        ]
        assert "... 280 more (--all shows every party)" == lines[21]
        assert "300 parties: 196 customer, 103 client, 1 ambiguous" in lines
        assert any(line.split()[:4] == ["grocery", "60", "0", "0"] for line in lines)
        assert any(line.split() == ["former_client", "0", "6", "0", "6"] for line in lines)
        # retl-042 returned the one thing it bought: insufficient evidence, not a guess.
        assert lines[-1].startswith("agreement with the recorded roles: 299/300 (99.7 %)")

    def test_all_and_limit(self, capsys):
        """``--all`` shows every party; ``--limit N`` the first N."""
        _, every, _ = run(capsys, "demo", "--all")
        _, five, _ = run(capsys, "demo", "--limit", "5")

        assert "more (--all" not in every
        assert 301 == len(every.split("\n\n")[0].splitlines())
        assert "... 295 more (--all shows every party)" == five.splitlines()[6]

    def test_limit_and_all_exclude_each_other(self, capsys):
        """``--limit`` with ``--all`` is a usage error."""
        with pytest.raises(SystemExit) as info:
            main(["demo", "--all", "--limit", "3"])

        assert 2 == info.value.code
        capsys.readouterr()

    def test_negative_limit(self, capsys):
        """A negative ``--limit`` is refused."""
        assert "--limit: expected a number of rows >= 0, got -1" == failure(
            capsys, "demo", "--limit", "-1"
        )

    def test_csv_and_jsonl_show_every_party_with_the_summary_on_stderr(self, capsys):
        """Machine formats hold all 300 parties; the summary goes to stderr."""
        status, out, err = run(capsys, "demo", "--format", "csv")
        rows = out.splitlines()

        assert (0, 301) == (status, len(rows))
        assert (
            "id,name,business_type,scenario,recorded,role,score,margin,decided_by,rules" == rows[0]
        )
        assert err.startswith("300 parties: ")

        status, out, _ = run(capsys, "demo", "--format", "jsonl", "--limit", "2")
        documents = [json.loads(line) for line in out.splitlines()]

        assert (0, 2) == (status, len(documents))
        assert {"id", "name", "business_type", "scenario", "recorded", "role", "evidence"} <= set(
            documents[0]
        )

    def test_output_and_rules(self, capsys, tmp_path):
        """``--output`` writes the demo to a file; ``--rules`` classifies with another set."""
        rules = write(
            tmp_path,
            "rules.toml",
            'id = "all"\nversion = "1"\npolicy = { hit = "first", default = "customer" }\n'
            '[[rules]]\nid = "any"\nwhen = "tenure_days >= 0"\nrole = "client"\n'
            'because = "Everyone."\n',
        )
        output = tmp_path / "demo.txt"

        status, out, _ = run(capsys, "demo", "--rules", rules, "--output", str(output))

        assert (0, "") == (status, out)
        assert "300 parties: 0 customer, 300 client, 0 ambiguous" in output.read_text()

    def test_runs_as_a_module_quickly(self):
        """``python -m clientcustomer demo`` prints the table and the summary."""
        result = subprocess.run(
            [sys.executable, "-m", "clientcustomer", "demo", "--limit", "3"],
            capture_output=True,
            text=True,
            check=False,
        )

        assert (0, "") == (result.returncode, result.stderr)
        assert "agreement with the recorded roles:" in result.stdout
