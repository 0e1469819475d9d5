"""Properties of strict JSON, for every public type: round trips, primitives, clean failures."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import clientcustomer as cc
from clientcustomer import testing
from clientcustomer.exceptions import ValidationError

TYPES: list[tuple[type, st.SearchStrategy[Any]]] = [
    (cc.Party, testing.parties()),
    (cc.Interaction, testing.interactions(parties=("p", "q"))),
    (cc.Customer, testing.customers()),
    (cc.Client, testing.clients()),
    (cc.Engagement, testing.engagements()),
    (cc.Deliverable, testing.deliverables()),
    (cc.Dependency, testing.dependencies()),
    (cc.RoleAssignment, testing.role_assignments()),
    (cc.Signals, testing.signals()),
    (cc.ClassificationSummary, testing.classification_summaries()),
    (cc.LifecycleState, testing.lifecycle_states(max_events=4)),
    (cc.Ruleset, testing.rulesets(max_rules=3)),
    (cc.Rule, testing.rules(hit="priority")),
    (cc.RulesetPolicy, testing.rulesets(max_rules=1).map(lambda ruleset: ruleset.policy)),
    (
        cc.RulesetExample,
        testing.rulesets(max_rules=1)
        .filter(lambda r: r.examples)
        .map(lambda ruleset: ruleset.examples[0]),
    ),
    (cc.Classification, testing.classifications()),
    (
        cc.Evidence,
        testing.classifications()
        .filter(lambda v: v.evidence)
        .map(lambda verdict: verdict.evidence[-1]),
    ),
    (cc.AspectLeaning, testing.classifications().map(lambda verdict: verdict.leanings[0])),
    (cc.PlaybookAction, testing.actions()),
    (cc.PlaybookStrategy, testing.playbook_strategies()),
    (cc.Playbook, testing.playbooks(max_strategies=3)),
    (cc.StatusChange, testing.status_changes()),
    (cc.Escalation, testing.escalations()),
    (cc.Readiness, testing.readinesses()),
    (
        cc.BlockedDeliverable,
        testing.readinesses().filter(lambda r: r.blocked).map(lambda r: r.blocked[0]),
    ),
    (
        cc.OverdueDependency,
        testing.readinesses().filter(lambda r: r.overdue).map(lambda r: r.overdue[0]),
    ),
    (cc.RulesetExampleResult, testing.example_results()),
    (cc.VerdictChange, testing.verdict_changes()),
    (cc.RoleChange, testing.role_changes()),
    (cc.RulesetDiff, testing.ruleset_diffs()),
    (cc.ScorePoint, testing.score_points()),
    (cc.SignalMove, testing.signal_moves()),
    (cc.EmergingClient, testing.emerging_clients()),
    (cc.PartyTimeline, testing.party_timelines()),
    (cc.StageChange, testing.stage_changes()),
    (cc.FormerClient, testing.former_clients()),
    (cc.TransitionCheck, testing.transition_checks()),
    (cc.RejectedRow, testing.rejected_rows()),
]
IDS = [cls.__name__ for cls, _ in TYPES]
PRIMITIVES = (str, int, float, bool, type(None))

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def only_primitives(value: object) -> bool:
    """Whether a value is made of JSON primitives only, recursively."""
    if isinstance(value, dict):
        return all(type(key) is str and only_primitives(item) for key, item in value.items())
    if isinstance(value, list):
        return all(only_primitives(item) for item in value)
    return type(value) in PRIMITIVES


def paths(value: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a JSON value (keys and indexes), the root included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(paths(item, (*prefix, index)))
    return found


@st.composite
def mutated(draw: st.DrawFn, strategy: st.SearchStrategy[Any]) -> dict[str, Any]:
    """A valid document with one random change: a key dropped or added, or a value replaced."""
    document: dict[str, Any] = json.loads(cc.to_json(draw(strategy)))
    path = draw(st.sampled_from(paths(document)[1:] or [()]))
    if not path:
        return document
    parent: Any = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = draw(st.sampled_from(("drop", "add", "replace", "stringify", "wrap")))
    if action == "drop":
        del parent[last]
    elif action == "add" and isinstance(parent, dict):
        parent[draw(st.text(max_size=6))] = draw(json_values)
    elif action == "stringify":
        parent[last] = json.dumps(parent[last])
    elif action == "wrap":
        parent[last] = [parent[last]]
    else:
        parent[last] = draw(json_values)
    return document


def check_clean(cls: type, text: str) -> object | None:
    """Read a document: either an object (which round-trips) or a ValidationError, nothing else."""
    problems: list[str] = []
    try:
        obj = cc.from_json(cls, text)
    except ValidationError as error:
        problems = [str(problem) for problem in error.problems]
    else:
        assert obj == cc.from_json(cls, cc.to_json(obj))
        return obj
    assert problems
    assert all(problem.startswith("$") for problem in problems)
    assert not any(": invalid value (" in problem for problem in problems)
    return None


@pytest.mark.parametrize(("cls", "strategy"), TYPES, ids=IDS)
class TestProperties:
    def test_json_round_trip(self, cls, strategy):
        """``from_json(cls, to_json(x)) == x`` and the output matches the type's schema."""
        validator = Draft202012Validator(cc.json_schema(cls))

        @given(strategy)
        def check(obj):
            text = cc.to_json(obj)
            assert obj == cc.from_json(cls, text)
            assert [] == [error.message for error in validator.iter_errors(json.loads(text))]

        check()

    def test_structure_round_trip(self, cls, strategy):
        """``structure(cls, unstructure(x)) == x``, and the data holds JSON primitives only."""

        @given(strategy)
        def check(obj):
            data = cc.unstructure(obj)
            assert only_primitives(data)
            assert obj == cc.structure(cls, data)

        check()

    def test_arbitrary_json(self, cls, strategy):
        """Any JSON value, with or without a schema_version, fails only with ValidationError."""
        del strategy

        @given(json_values, st.booleans())
        def check(value, versioned):
            if versioned and isinstance(value, dict):
                value = {"schema_version": 1, **value}
            check_clean(cls, json.dumps(value))
            with contextlib.suppress(ValidationError):
                cc.structure(cls, value)

        check()

    def test_mutations(self, cls, strategy):
        """A mutated valid document is read cleanly or refused with a ValidationError only.

        What the library accepts, the schema accepts too.
        """
        validator = Draft202012Validator(cc.json_schema(cls))

        @given(mutated(strategy))
        def check(document):
            if check_clean(cls, json.dumps(document)) is not None:
                assert validator.is_valid(document)

        check()
