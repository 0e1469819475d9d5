"""``clientcustomer rules check|test|show``: every problem with its position, examples, listings."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import textwrap
import tomllib
from importlib import resources
from pathlib import Path

import pytest

import clientcustomer as cc
from clientcustomer import default_ruleset, load_ruleset, loads_ruleset
from clientcustomer.cli import main
from clientcustomer.cli.rules import describe
from clientcustomer.exceptions import RulesetError
from clientcustomer.signals.derive import Aspect
from test_docs import console_sessions, same_output
from test_rules import MISSPELT

FIRST = textwrap.dedent(
    """\
    id = "mine"
    version = "2"
    description = "Engaged or collaborative parties are clients."

    [policy]
    hit = "first"
    default = "customer"

    [[rules]]
    id = "engaged"
    when = "active_engagement"
    role = "client"
    because = "A service engagement runs."

    [[rules]]
    id = "together"
    when = "collaborative_share >= 0.5"
    aspect = "interaction"
    role = "client"
    because = "Most of the work is done together."

    [[examples]]
    id = "consultancy"
    expect = "client"
    signals = { active_engagement = true }

    [[examples]]
    id = "shop"
    expect = "customer"
    signals = { collaborative_share = 0.0, active_engagement = false }
    """
)

BAD = (
    MISSPELT
    + """
[[rules]]
id = "big"
when = "spend >= true"
role = "client"
because = "Spends a lot."
"""
)


@pytest.fixture
def first(write_file):
    return write_file("first.toml", FIRST)


class TestCheck:
    def test_valid_rule_set_prints_one_ok_line(self, first, capsys):
        """A valid file exits with 0 and prints its reference, counts and policy."""
        status = main(["rules", "check", str(first)])

        out, err = capsys.readouterr()
        assert (0, "ok: mine@2 - 2 rules, 2 examples, policy first\n", "") == (status, out, err)

    def test_the_default_rule_set_file_is_valid(self, capsys):
        """The rule set shipped with the package passes the check."""
        source = resources.files("clientcustomer.rules").joinpath("default_rules.toml")
        with resources.as_file(source) as file:
            status = main(["rules", "check", str(file)])

        assert (0, "ok: default@1 - 13 rules, 15 examples, policy score\n") == (
            status,
            capsys.readouterr().out,
        )

    def test_every_problem_is_printed_with_line_and_column(self, write_file, capsys):
        """Each problem gets its own FILE:LINE:COLUMN line, then one summary line; exit 2."""
        bad = write_file("bad.toml", BAD)
        status = main(["rules", "check", str(bad)])

        out, err = capsys.readouterr()
        assert 2 == status
        assert "" == out
        assert [
            (
                f"{bad}:9:9: rule 'engaged': unknown signal 'active_engagment' "
                "(did you mean 'active_engagement'?)"
            ),
            f"{bad}:15:9: rule 'big': cannot compare number signal 'spend' with boolean true",
            "clientcustomer: error: the rule set is not valid (2 problems)",
        ] == err.splitlines()

    def test_toml_syntax_error_has_its_position(self, tmp_path, capsys):
        """A file that is not TOML is reported at the offending line and column."""
        path = tmp_path / "broken.toml"
        path.write_text('id = "mine"\nversion = "1\n', encoding="utf-8")

        status = main(["rules", "check", str(path)])

        err = capsys.readouterr().err.splitlines()
        assert 2 == status
        assert err[0].startswith(f"{path}:2:")
        assert "not valid TOML" in err[0]
        assert "clientcustomer: error: the rule set is not valid (1 problem)" == err[-1]

    def test_json_rule_set_problems_have_positions(self, tmp_path, capsys):
        """A .json file is read as JSON, and its problems are located too."""
        document = default_ruleset().to_dict()
        document["rules"][0]["aspect"] = "interactoin"
        path = tmp_path / "rules.json"
        path.write_text(json.dumps(document, indent=2), encoding="utf-8")

        status = main(["rules", "check", str(path)])

        err = capsys.readouterr().err.splitlines()
        assert 2 == status
        assert err[0].startswith(f"{path}:")
        assert "aspect" in err[0]
        assert "interactoin" in err[0]

    def test_missing_file_is_bad_input(self, tmp_path, capsys):
        """A file that does not exist is reported by name, without a traceback."""
        path = tmp_path / "missing.toml"

        status = main(["rules", "check", str(path)])

        err = capsys.readouterr().err
        assert 2 == status
        assert f"{path}: cannot read the file" in err
        assert "Traceback" not in err

    def test_reads_stdin(self, monkeypatch, capsys):
        """``-`` reads the rule set from stdin, and problems name ``<stdin>``."""
        monkeypatch.setattr(sys, "stdin", io.StringIO(BAD))

        status = main(["rules", "check", "-"])

        err = capsys.readouterr().err.splitlines()
        assert 2 == status
        assert err[0].startswith("<stdin>:9:9: rule 'engaged'")

    def test_valid_stdin(self, monkeypatch, capsys):
        """A valid rule set on stdin passes."""
        monkeypatch.setattr(sys, "stdin", io.StringIO(FIRST))

        assert 0 == main(["rules", "check", "-"])
        assert capsys.readouterr().out.startswith("ok: mine@2")


class TestTest:
    def test_default_rule_set_examples_all_pass(self, capsys):
        """Without FILE the default rule set's examples run; all pass, exit 0."""
        status = main(["rules", "test"])

        lines = capsys.readouterr().out.splitlines()
        assert 0 == status
        assert ["example", "expected", "actual", "score", "result"] == lines[0].split()
        assert ["retail-shirt", "customer", "customer", "-3", "ok"] == lines[1].split()
        assert "default@1: 15 examples, 15 passed, 0 failed" == lines[-1]
        assert 17 == len(lines)

    def test_a_failing_example_exits_with_1(self, tmp_path, capsys):
        """An example that gets another role is marked FAIL and the command exits with 1."""
        path = tmp_path / "failing.toml"
        path.write_text(FIRST.replace('expect = "customer"', 'expect = "client"'), "utf-8")

        status = main(["rules", "test", str(path)])

        lines = capsys.readouterr().out.splitlines()
        assert 1 == status
        assert ["consultancy", "client", "client", "1", "ok"] == lines[1].split()
        assert ["shop", "client", "customer", "-1", "FAIL"] == lines[2].split()
        assert "mine@2: 2 examples, 1 passed, 1 failed" == lines[-1]

    def test_no_examples_is_not_a_failure(self, tmp_path, capsys):
        """A rule set without examples has nothing to fail."""
        path = tmp_path / "bare.toml"
        path.write_text(FIRST.split("[[examples]]")[0], encoding="utf-8")

        assert 0 == main(["rules", "test", str(path)])
        assert "mine@2: no examples to run\n" == capsys.readouterr().out

    def test_invalid_rule_set_is_bad_input(self, write_file, capsys):
        """An invalid file is reported like ``check`` does, exit 2."""
        assert 2 == main(["rules", "test", str(write_file("bad.toml", BAD))])
        assert 3 == len(capsys.readouterr().err.splitlines())


class TestShow:
    @pytest.mark.parametrize("fmt", ["toml", "json"])
    def test_default_rule_set_round_trips(self, fmt, capsys):
        """The TOML and JSON listings load back into the default rule set."""
        assert 0 == main(["rules", "show", "--format", fmt])

        assert default_ruleset() == loads_ruleset(capsys.readouterr().out)

    @pytest.mark.parametrize("fmt", ["toml", "json"])
    def test_file_round_trips_through_output_file(self, fmt, first, tmp_path, capsys):
        """``--output`` writes the listing to a file that loads back into an equal rule set."""
        target = tmp_path / f"copy.{fmt}"

        assert 0 == main(["rules", "show", str(first), "--format", fmt, "--output", str(target)])

        assert "" == capsys.readouterr().out
        assert load_ruleset(first) == load_ruleset(target)

    def test_text_groups_score_rules_by_aspect(self, capsys):
        """The text listing names the policy, and each aspect once, with the rules' sentences."""
        assert 0 == main(["rules", "show"])

        out = capsys.readouterr().out
        lines = out.splitlines()
        assert "default@1 - 13 rules, 15 examples, policy score" == lines[0]
        assert any(line.startswith("policy: score - a client at 5 points") for line in lines)
        headers = [line for line in lines if line in {aspect.value for aspect in Aspect}]
        assert ["interaction", "relationship", "business", "personalization", "expectation"] == (
            headers
        )
        assert "  +2  engaged: active_engagement" in lines
        assert "      A contracted, ongoing service engagement is running." in lines
        assert "  customer-becoming-client   expects ambiguous" in lines

    def test_text_lists_first_rules_in_order(self, first, capsys):
        """Under ``first`` file order decides, so the listing numbers the rules in that order."""
        assert 0 == main(["rules", "show", str(first)])

        lines = capsys.readouterr().out.splitlines()
        assert "policy: first - the first rule that fires decides (in file order)" in lines
        assert "  when no rule fires: customer" in lines
        assert lines.index("  1. client  engaged: active_engagement") < lines.index(
            "  2. client  together: collaborative_share >= 0.5"
        )

    def test_text_shows_priorities_custom_signals_and_rules_without_aspect(self):
        """Priority rules show their priority; declared custom signals are listed."""
        ruleset = loads_ruleset(
            textwrap.dedent(
                """\
                id = "p"
                version = "1"
                policy = { hit = "priority", default = "ambiguous" }
                signals = { segment = "string" }

                [[rules]]
                id = "law"
                when = 'segment in ["law", "consulting"]'
                role = "client"
                priority = 5
                because = "Professional services."

                [[rules]]
                id = "retail"
                when = 'segment == "retail"'
                aspect = "business"
                role = "customer"
                because = "A shop."
                """
            )
        )

        lines = describe(ruleset).splitlines()

        assert "policy: priority - of the rules that fire, the highest priority decides" in lines
        assert "  when no rule fires: ambiguous" in lines
        assert "  segment (string)" in lines
        assert "(no aspect)" in lines
        assert '  client (priority 5)  law: segment in ["law", "consulting"]' in lines
        assert lines.index("business") < lines.index("(no aspect)")

    @pytest.mark.parametrize(
        ("requires", "expected"),
        [("", None), ('requires = "customization > 0"', "  a client also requires: ")],
    )
    def test_text_shows_requires_only_when_given(self, requires, expected):
        """A score policy without ``requires`` (or without its sentence) shows just that."""
        ruleset = loads_ruleset(
            f'id = "s"\nversion = "1"\n[policy]\nhit = "score"\n{requires}\n'
            '[[rules]]\nid = "r"\nwhen = "customization > 0.5"\naspect = "personalization"\n'
            'points = 1\nbecause = "Tailored."\n'
        )

        lines = describe(ruleset).splitlines()
        found = [line for line in lines if line.startswith("  a client also requires")]

        assert ([] if expected is None else [expected + "customization > 0"]) == found
        assert "policy: score - a client at 1 point or more, a customer below" == lines[2]

    def test_unknown_format_is_a_usage_error(self, capsys):
        """``--format`` accepts only text, toml and json."""
        with pytest.raises(SystemExit) as info:
            main(["rules", "show", "--format", "yaml"])

        assert 2 == info.value.code
        assert "invalid choice: 'yaml'" in capsys.readouterr().err


def test_rules_group_runs_as_a_subprocess(tmp_path):
    """The installed entry point checks a bad file: every problem on stderr, exit status 2."""
    path = tmp_path / "bad.toml"
    path.write_text(BAD, encoding="utf-8")

    result = subprocess.run(  # noqa: S603 - this interpreter, this package
        [sys.executable, "-m", "clientcustomer", "rules", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert (2, "", 3) == (result.returncode, result.stdout, len(result.stderr.splitlines()))


class TestGuide:
    """The rule set guide's TOML files load as it says, and its console sessions are real."""

    GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide" / "rulesets.md"

    def blocks(self, language):
        text = self.GUIDE.read_text(encoding="utf-8")
        return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)

    def write_files(self, folder):
        """Write the guide's complete rule sets (blocks starting ``# NAME.toml``) to ``folder``."""
        names = []
        for block in self.blocks("toml"):
            first, _, _ = block.partition("\n")
            if first.startswith("# ") and first.endswith(".toml"):
                name = first.removeprefix("# ")
                (folder / name).write_text(block, encoding="utf-8")
                names.append(name)
        return names

    def test_every_toml_block_is_toml_and_the_files_are_as_described(self, tmp_path):
        """Fragments parse as TOML; agency.toml loads and its examples pass; broken.toml fails."""
        for block in self.blocks("toml"):
            tomllib.loads(block)

        assert ["agency.toml", "broken.toml"] == self.write_files(tmp_path)
        agency = load_ruleset(tmp_path / "agency.toml")
        assert all(result.passed for result in cc.Classifier(agency).run_examples())
        with pytest.raises(RulesetError):
            load_ruleset(tmp_path / "broken.toml")

    def test_console_sessions_show_the_real_output(self, tmp_path, monkeypatch, capsys):
        """Each `rules` command on the guide's files prints what the guide shows."""
        self.write_files(tmp_path)
        monkeypatch.chdir(tmp_path)
        checked = 0
        for block in self.blocks("console"):
            for argv, shown in console_sessions(block):
                if not any(name in argv for name in ("agency.toml", "broken.toml")):
                    continue
                main(argv[1:])
                out, err = capsys.readouterr()
                assert same_output(shown, out + err), argv
                checked += 1

        assert 3 == checked
