"""Rule sets: loading TOML and JSON, every problem with its position, canonical TOML, fuzzing."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import clientcustomer as cc
from clientcustomer import (
    HitPolicy,
    Role,
    Rule,
    Ruleset,
    RulesetExample,
    RulesetPolicy,
    default_ruleset,
    load_ruleset,
    loads_ruleset,
    testing,
)
from clientcustomer.exceptions import RulesetError, RulesetProblem, ValidationError

VALID = """\
id = "mine"
version = "1"
description = "A small rule set."

[policy]
hit = "first"
default = "ambiguous"

[signals]
region = "string"

[[rules]]
id = "engaged"
when = "active_engagement and region in ['north', 'east']"
role = "client"
because = "A service engagement runs in the north or east."

[[rules]]
id = "one-off"
when = "tenure_days < 30"
role = "customer"
because = "A single purchase."

[[examples]]
id = "north"
expect = "client"
signals = { active_engagement = true, region = "north" }

[[examples]]
id = "new"
expect = "customer"
note = "Seen once."
signals = { tenure_days = 3 }
"""

MISSPELT = """\
id = "mine"
version = "1"

[policy]
hit = "first"

[[rules]]
id = "engaged"
when = "active_engagment"
role = "client"
because = "A service engagement runs."
"""
"""A first-hit rule set whose one rule misspells its signal (``active_engagment``)."""

BAD = (
    MISSPELT
    + """
[[rules]]
id = "typed"
when = "active_engagement >= 3"
role = "client"
because = "Types."

[[rules]]
id = "engaged"
when = "tenure_days > 1"
role = "customer"
because = "Duplicate."

[[rules]]
id = "again"
when = "tenure_days  > 1"
role = "client"
because = "Same condition."

[[rules]]
id = "scored"
when = "customization >= 0.5"
points = 2
because = "Points under first."
"""
)


def problems_of(source: str | Path, **options: object) -> list[str]:
    loader = load_ruleset if isinstance(source, Path) else loads_ruleset
    with pytest.raises(RulesetError) as caught:
        loader(source, **options)  # type: ignore[operator]
    return [str(problem) for problem in caught.value.problems]


class TestLoading:
    def test_toml_text(self):
        ruleset = loads_ruleset(VALID)
        assert ("mine@1", HitPolicy.FIRST, Role.AMBIGUOUS) == (
            ruleset.ref,
            ruleset.policy.hit,
            ruleset.policy.default,
        )
        assert ("engaged", "one-off") == tuple(rule.id for rule in ruleset.rules)
        assert {"region": "string"} == ruleset.signals
        assert "string" == ruleset.signal_types()["region"]
        assert [True, True] == [result.passed for result in cc.Classifier(ruleset).run_examples()]

    def test_files_and_json(self, tmp_path):
        ruleset = loads_ruleset(VALID)
        toml_file = tmp_path / "rules.toml"
        toml_file.write_text(VALID, encoding="utf-8")
        json_file = tmp_path / "rules.JSON"
        json_file.write_text(json.dumps(ruleset.to_dict()), encoding="utf-8")
        assert ruleset == load_ruleset(toml_file)
        assert ruleset == load_ruleset(json_file)
        assert ruleset == loads_ruleset(json.dumps(ruleset.to_dict()))
        assert ruleset == loads_ruleset(cc.to_json(ruleset))  # schema_version is ignored
        assert ruleset == loads_ruleset("  " + json.dumps(ruleset.to_dict()), format="json")

    def test_integer_version(self):
        assert "3" == loads_ruleset(VALID.replace('version = "1"', "version = 3")).version

    def test_file_problems(self, tmp_path):
        missing = tmp_path / "missing.toml"
        assert [f"{missing}: cannot read the file: No such file or directory"] == problems_of(
            missing
        )
        latin = tmp_path / "latin.toml"
        latin.write_bytes(b"id = '\xe9'\n")
        assert [f"{latin}: cannot read the file: not UTF-8 text"] == problems_of(latin)
        broken = tmp_path / "broken.json"
        broken.write_text('{"id": }', encoding="utf-8")
        assert [f"{broken}:1:8: not valid JSON: Expecting value"] == problems_of(broken)

    @pytest.mark.parametrize(
        ("source", "options", "expected"),
        [
            (
                "[1, 2]",
                {"format": "json"},
                "<string>:1:1: expected a JSON object at the top, got [1, 2]",
            ),
            ("id = ", {}, "<string>: not valid TOML: Invalid value"),
            (VALID, {"format": "yaml"}, "<string>: format: expected 'toml' or 'json', got 'yaml'"),
            (b"id", {}, "<string>: loads_ruleset expects the rule set's text (str), got bytes"),
        ],
    )
    def test_unreadable(self, source, options, expected):
        assert [expected] == problems_of(source, **options)

    def test_default_ruleset(self):
        ruleset = default_ruleset()
        assert ruleset is default_ruleset()
        assert ("default@1", HitPolicy.SCORE) == (ruleset.ref, ruleset.policy.hit)
        assert ruleset.description

    def test_default_examples_pass(self):
        results = cc.Classifier(default_ruleset()).run_examples()
        assert len(results) >= 10
        assert [] == [str(result) for result in results if not result.passed]
        assert {"customer", "client", "ambiguous"} == {result.expected.value for result in results}


class TestProblems:
    def test_every_semantic_problem_at_once(self):
        """Unknown signal, types, duplicate id, unreachable rule, wrong outcome: all, placed."""
        assert [
            (
                "<string>:9:9: rule 'engaged': unknown signal 'active_engagment' "
                "(did you mean 'active_engagement'?)"
            ),
            (
                "<string>:15:9: rule 'typed': cannot compare boolean signal 'active_engagement' "
                "with number 3"
            ),
            "<string>:20:7: duplicate rule id 'engaged' (first used by rule 1)",
            (
                "<string>:26:7: rule 'again' can never be reached under 'first': rule 'engaged' "
                "before it has the same condition"
            ),
            "<string>:32:7: rule 'scored': under the 'first' policy a rule needs a 'role'",
            "<string>:32:7: rule 'scored': 'points' are for the 'score' policy",
        ] == problems_of(BAD)

    def test_rule_ids_are_kept(self):
        with pytest.raises(RulesetError) as caught:
            loads_ruleset(BAD)
        assert ["engaged", "typed", "engaged", "again", "scored", "scored"] == [
            problem.rule_id for problem in caught.value.problems
        ]

    def test_file_name_in_every_problem(self, tmp_path):
        path = tmp_path / "bad.toml"
        path.write_text(BAD, encoding="utf-8")
        found = problems_of(path)
        assert 6 == len(found)
        assert all(problem.startswith(f"{path}:") for problem in found)

    def test_always_true_rule_shadows_the_rest(self):
        text = VALID.replace("active_engagement and region in ['north', 'east']", "true")
        assert [
            (
                "<string>:19:7: rule 'one-off' can never be reached under 'first': rule 'engaged' "
                "before it always fires"
            ),
        ] == problems_of(text)

    def test_same_condition_is_fine_under_priority(self):
        text = BAD.replace('hit = "first"', 'hit = "priority"')
        assert not any("never be reached" in problem for problem in problems_of(text))

    def test_structural_problems_at_once(self):
        text = """\
id = ""
version = "1"
colour = "red"

[policy]
hit = "fist"

[[rules]]
id = "a"
when = "tenure_days >"
role = "boss"
because = "x"
wen = "y"

[[rules]]
id = "b"
role = "client"
"""
        assert [
            (
                "<string>:3:1: rule set: unknown key 'colour' (known: id, version, description, "
                "policy, signals, rules, examples)"
            ),
            "<string>:6:8: policy.hit: expected one of 'first', 'priority', 'score', got 'fist'",
            "<string>:13:1: rules[0]: unknown key 'wen' (did you mean 'when'?)",
            (
                "<string>:11:9: rules[0].role: expected one of 'customer', 'ambiguous', 'client', "
                "got 'boss'"
            ),
            "<string>:16:7: rules[1]: required key 'when' missing",
            "<string>:1:1: id: expected a non-empty string, got ''",
        ] == problems_of(text)

    @pytest.mark.parametrize(
        ("edit", "expected"),
        [
            (
                ('hit = "first"', 'hit = "score"'),
                [
                    (
                        "<string>:13:7: rule 'engaged': under the 'score' policy a rule needs "
                        "'points' and 'aspect'"
                    ),
                    (
                        "<string>:13:7: rule 'engaged': 'role' is for the 'first' and 'priority' "
                        "policies; under 'score' give 'points'"
                    ),
                    (
                        "<string>:19:7: rule 'one-off': under the 'score' policy a rule needs "
                        "'points' and 'aspect'"
                    ),
                    (
                        "<string>:19:7: rule 'one-off': 'role' is for the 'first' and 'priority' "
                        "policies; under 'score' give 'points'"
                    ),
                ],
            ),
            (
                ('region = "string"', 'region = "text"'),
                [
                    (
                        "<string>:10:1: signals.region: expected one of 'number', 'integer', "
                        "'boolean', 'string', got 'text'"
                    )
                ],
            ),
            (
                ('region = "string"', 'tenure_days = "number"'),
                [
                    (
                        "<string>:10:1: signals.tenure_days: expected a custom signal name "
                        "(this one is canonical), got 'tenure_days'"
                    )
                ],
            ),
            (
                ('id = "new"', 'id = "north"'),
                ["<string>:30:7: duplicate example id 'north'"],
            ),
            (
                ("tenure_days = 3 }", "tenure_dys = 3 }"),
                [
                    (
                        "<string>:33:13: example 'new': unknown signal 'tenure_dys' (did you mean "
                        "'tenure_days'?)"
                    )
                ],
            ),
            (('[[rules]]\nid = "one-off"', '[rules]\nid = "one-off"'), None),
            (('default = "ambiguous"', 'default = "ambiguous"\nclient_at = "x"'), None),
        ],
    )
    def test_each_problem(self, edit, expected):
        old, new = edit
        assert old in VALID
        found = problems_of(VALID.replace(old, new, 1))
        if expected is None:
            assert found
            assert all(problem.startswith("<string>") for problem in found)
        else:
            assert expected == found

    def test_json_shapes(self):
        document = {"id": "x", "version": 1.5, "policy": [], "rules": {}, "examples": 3}
        assert [
            "<string>:1:30: policy: expected a table, got []",
            "<string>: rules: expected an array of tables, got {}",
            "<string>: examples: expected an array of tables, got 3",
            "<string>:1:14: version: expected a non-empty string, got 1.5",
        ] == problems_of(json.dumps(document))
        assert [
            "<string>:1:1: rule set: required key 'id' missing",
            "<string>:1:1: rule set: required key 'version' missing",
            "<string>:1:1: rule set: required key 'policy' missing",
            "<string>:1:1: rule set: required key 'rules' missing",
            "<string>: policy: required key 'hit' missing",
        ] == problems_of("{}")

    def test_condition_syntax_error_at_its_character(self):
        """On one line without escapes, at the offending character; else at the rule's id."""
        text = """\
id = "mine"
version = "1"
policy = { hit = "first" }

[[rules]]
id = "a"
when = "tenure_days > and active_engagement"
role = "client"
because = "x"

[[rules]]
id = "b"
when = 'region == "north" and (nps > 1'
role = "client"
because = "x"

[[rules]]
id = "c"
when = "tenure_days > and active_engagement"
role = "client"
because = "x"

[[rules]]
id = "escaped"
when = "region == \\"north\\" and (nps > 1"
role = "client"
because = "x"

[[rules]]
id = "multi-line"
when = \"\"\"
tenure_days >\"\"\"
role = "client"
because = "x"
"""
        anything = "a signal name, a number, a string, true or false"
        assert [
            f"<string>:7:23: rules[0].when: expected {anything}, got 'and'",
            "<string>:13:39: rules[1].when: expected ')', got the end of the condition",
            f"<string>:19:23: rules[2].when: expected {anything}, got 'and'",
            (
                "<string>:24:7: rules[3].when: expected ')', got the end of the condition "
                "(column 31)"
            ),
            (
                f"<string>:30:7: rules[4].when: expected {anything}, got the end of the "
                "condition (column 14)"
            ),
        ] == problems_of(text)

    def test_condition_syntax_error_in_json(self):
        rules = [{"id": "a", "when": "nps >= ", "role": "client", "because": "x"}]
        document = {"id": "x", "version": "1", "policy": {"hit": "first"}, "rules": rules}
        assert [
            (
                "<string>:1:95: rules[0].when: expected a signal name, a number, a string, "
                "true or false, got the end of the condition"
            ),
        ] == problems_of(json.dumps(document))
        document["policy"] = {"hit": "score", "requires": "(nps"}
        assert [
            "<string>:6:20: policy.requires: expected ')', got the end of the condition",
            (
                "<string>:11:20: rules[0].when: expected a signal name, a number, a string, "
                "true or false, got the end of the condition"
            ),
        ] == problems_of(json.dumps(document, indent=1))

    def test_structural_and_semantic_problems_at_once(self):
        """A well-formed rule's meaning is checked even when another rule is malformed."""
        text = BAD.replace('because = "Types."\n', "").replace(
            '"tenure_days > 1"', '"tenure_days >"'
        )
        assert [
            "<string>:14:7: rules[1]: required key 'because' missing",
            (
                "<string>:20:22: rules[2].when: expected a signal name, a number, a string, "
                "true or false, got the end of the condition"
            ),
            (
                "<string>:9:9: rule 'engaged': unknown signal 'active_engagment' "
                "(did you mean 'active_engagement'?)"
            ),
            "<string>:31:7: rule 'scored': under the 'first' policy a rule needs a 'role'",
            "<string>:31:7: rule 'scored': 'points' are for the 'score' policy",
        ] == problems_of(text)

    @pytest.mark.parametrize(
        ("edit", "expected"),
        [
            (
                ('hit = "first"', 'hit = "fist"'),
                (
                    "<string>:5:8: policy.hit: expected one of 'first', 'priority', 'score', "
                    "got 'fist'"
                ),
            ),
            (
                ("[policy]", 'signal = { region = "string" }\n\n[policy]'),
                "<string>:4:1: rule set: unknown key 'signal' (did you mean 'signals'?)",
            ),
            (
                ("[policy]", '[signals]\nregion = "text"\n\n[policy]'),
                (
                    "<string>:5:1: signals.region: expected one of 'number', 'integer', "
                    "'boolean', 'string', got 'text'"
                ),
            ),
        ],
    )
    def test_no_meaning_checked_against_a_broken_policy_or_signals(self, edit, expected):
        """The rules' meaning needs the policy and the signals: when in doubt, it waits."""
        old, new = edit
        assert old in BAD
        assert [expected] == problems_of(BAD.replace(old, new, 1))

    def test_policy_requires_problems(self):
        text = VALID.replace(
            'hit = "first"\ndefault = "ambiguous"', 'hit = "score"\nrequires = "tenur_days > 1"'
        )
        found = problems_of(text)
        assert (
            "<string>:7:13: policy.requires: unknown signal 'tenur_days' "
            "(did you mean 'tenure_days'?)"
        ) == found[0]

    def test_problems_from_python(self):
        """Building a rule set in code reports the same problems, without positions."""
        with pytest.raises(RulesetError) as caught:
            Ruleset(
                "mine",
                "1",
                RulesetPolicy("first"),
                (
                    Rule("a", "nps > 1", "Because.", role="client"),
                    Rule("a", "active_engagement", "Because.", points=1),
                ),
                examples=(RulesetExample("x", "client", {"nsp": 1}), RulesetExample("x", "client")),
            )
        assert [
            "<ruleset>: rule 'a': unknown signal 'nps'",
            "<ruleset>: duplicate rule id 'a' (first used by rule 1)",
            "<ruleset>: rule 'a': under the 'first' policy a rule needs a 'role'",
            "<ruleset>: rule 'a': 'points' are for the 'score' policy",
            "<ruleset>: example 'x': unknown signal 'nsp'",
            "<ruleset>: duplicate example id 'x'",
        ] == [str(problem) for problem in caught.value.problems]

    @pytest.mark.parametrize(
        ("build", "expected"),
        [
            (
                lambda: RulesetPolicy("score", client_at=1, customer_below=2),
                "$.customer_below: expected a number at most client_at (1), got 2",
            ),
            (
                lambda: RulesetPolicy("score", client_at=float("nan")),
                "$.client_at: expected a finite number, got nan",
            ),
            (
                lambda: RulesetPolicy("score", requires="a >"),
                (
                    "$.requires: expected a signal name, a number, a string, true or false, "
                    "got the end of the condition (column 4)"
                ),
            ),
            (lambda: Rule("r", 3, "Because."), "$.when: expected a condition as a string, got 3"),
            (lambda: Rule("r", "a", " "), "$.because: expected a non-empty string, got ' '"),
            (
                lambda: Rule("r", "a", "b", points=True),
                "$.points: expected a finite number, got True",
            ),
            (
                lambda: RulesetExample("x", "client", {"a": [1]}),
                "$.signals.a: expected a number, boolean, string or null, got [1]",
            ),
            (
                lambda: RulesetExample("x", "client", {"a": float("inf")}),
                "$.signals.a: expected a number, boolean, string or null, got inf",
            ),
            (
                lambda: RulesetExample("x", "client", [1]),
                "$.signals: expected a table of signal name to value, got [1]",
            ),
            (
                lambda: Ruleset("x", "1", RulesetPolicy("first"), (), signals=[]),
                "$.signals: expected a table of custom signal name to type, got []",
            ),
            (
                lambda: Ruleset("x", "1", RulesetPolicy("first"), (), signals={"and": "number"}),
                "$.signals: expected signal names that are identifiers, got 'and'",
            ),
        ],
    )
    def test_validation_in_python(self, build, expected):
        with pytest.raises(ValidationError) as caught:
            build()
        assert str(caught.value).startswith(expected)


class TestValues:
    def test_rule_properties(self):
        rule = Rule("r", "x > 1 or (y)", "Because.", aspect="business", points=-1)
        assert (("x", "y"), Role.CUSTOMER) == (rule.signals, rule.leans)
        assert Role.CLIENT == attrs.evolve(rule, points=0.5).leans
        assert attrs.evolve(rule, points=0).leans is None
        assert Role.AMBIGUOUS == Rule("r", "x", "B.", role="ambiguous").leans

    def test_rules_compare_by_condition(self):
        assert Rule("r", "(a)  and b", "B.", role="client") == Rule(
            "r", "a and b", "B.", role="client"
        )
        assert Rule("r", "a and b", "B.", role="client") != Rule(
            "r", "b and a", "B.", role="client"
        )

    def test_example_drops_unknown_signals(self):
        assert {"a": 1} == RulesetExample("x", "client", {"a": 1, "b": None}).signals

    def test_example_result(self):
        result = cc.RulesetExampleResult("gym", "customer", "client", 6.0)
        assert (False, "FAIL gym: expected customer, got client (score 6)") == (
            result.passed,
            str(result),
        )
        assert "ok   gym: expected client, got client (score 6)" == str(
            attrs.evolve(result, expected=Role.CLIENT)
        )

    def test_role_rank(self):
        assert [0, 1, 2] == [Role.CUSTOMER.rank, Role.AMBIGUOUS.rank, Role.CLIENT.rank]

    def test_html(self):
        assert "<table" in default_ruleset()._repr_html_()

    def test_to_dict_leaves_defaults_out(self):
        document = loads_ruleset(VALID).to_dict()
        assert {"hit": "first", "default": "ambiguous"} == document["policy"]
        assert {"id", "when", "role", "because"} == set(document["rules"][0])


class TestCanonicalToml:
    def test_default_round_trip(self):
        ruleset = default_ruleset()
        assert ruleset == loads_ruleset(ruleset.to_toml())
        assert ruleset.to_toml() == loads_ruleset(ruleset.to_toml()).to_toml()

    def test_conditions_are_canonical(self):
        text = loads_ruleset(VALID).to_toml()
        assert 'when = "active_engagement and region in [\\"north\\", \\"east\\"]"' in text

    def test_awkward_strings(self):
        ruleset = attrs.evolve(loads_ruleset(VALID), description='q"\\\n\t\x7f\x00é ]] #')
        assert ruleset == loads_ruleset(ruleset.to_toml())

    @given(testing.rulesets())
    def test_round_trip(self, ruleset):
        """``loads_ruleset(r.to_toml()) == r``, and the TOML is a fixpoint."""
        text = ruleset.to_toml()
        again = loads_ruleset(text)
        assert ruleset == again
        assert text == again.to_toml()

    @given(testing.rulesets())
    def test_json_document_round_trip(self, ruleset):
        assert ruleset == loads_ruleset(json.dumps(ruleset.to_dict()))

    @given(testing.rulesets(hit="first"))
    def test_first_has_no_unreachable_rule(self, ruleset):
        conditions = [rule.condition for rule in ruleset.rules]
        assert len(set(conditions)) == len(conditions)


@st.composite
def mutated_toml(draw: st.DrawFn) -> str:
    """A valid rule file with a few random edits: lines deleted, duplicated, chars replaced."""
    lines = draw(st.sampled_from((VALID, BAD, default_ruleset().to_toml()))).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(("delete", "duplicate", "replace", "insert", "swap")))
        line = lines[index]
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, line)
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], line
        elif action == "insert" or not line:
            position = draw(st.integers(0, len(line)))
            lines[index] = line[:position] + draw(st.text(max_size=3)) + line[position:]
        else:
            position = draw(st.integers(0, len(line) - 1))
            char = draw(st.sampled_from("\"'[]{}=,.#\\ 0aZ-é\x00\x7f") | st.characters())
            lines[index] = line[:position] + char + line[position + 1 :]
        if not lines:
            break
    return "\n".join(lines)


def load_or_problems(text: str) -> Ruleset | tuple[RulesetProblem, ...]:
    """The rule set, or the problems of the RulesetError (any other exception propagates)."""
    try:
        return loads_ruleset(text)
    except RulesetError as error:
        return error.problems


class TestFuzzing:
    @given(st.text())
    def test_random_text(self, text):
        found = load_or_problems(text)
        if not isinstance(found, Ruleset):
            assert found
            assert all(isinstance(problem, RulesetProblem) for problem in found)

    @given(mutated_toml())
    def test_mutated_files(self, text):
        """A damaged rule file loads or fails with a RulesetError only, with messages."""
        found = load_or_problems(text)
        if isinstance(found, Ruleset):
            assert found == loads_ruleset(found.to_toml())
        else:
            assert all(problem.message for problem in found)
            assert all(problem.source == "<string>" for problem in found)

    @given(st.text(), st.sampled_from(("toml", "json")))
    def test_random_text_in_either_format(self, text, fmt):
        with contextlib.suppress(RulesetError):
            loads_ruleset(text, format=fmt)
