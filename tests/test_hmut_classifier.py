"""Tests that bite: the compiled classifier's decisions, evidence and streaming, exactly.

Each test pins a documented behaviour that a mutant of ``rules/classifier.py`` or
``rules/decision.py`` survived (``scripts/mutation.sh classifier`` / ``decision``): the score
thresholds at equality, the policy's requirement on an ambiguous verdict, tie-breaking, the
insufficient-evidence verdict, the text of the evidence and of ``explain()``, the keys set aside,
and the progress calls of a stream. The expected verdicts are written out by hand (no table of the
code under test is imported).
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from clientcustomer import (
    Classification,
    Classifier,
    Evidence,
    Role,
    Rule,
    Ruleset,
    RulesetPolicy,
    Signals,
    classify,
    testing,
)
from clientcustomer.exceptions import ValidationError
from clientcustomer.rules.classifier import _plain_signals
from clientcustomer.signals.derive import SIGNALS

INSUFFICIENT = (
    "Insufficient evidence: no rule fired, and the rules that could not be decided read "
    "unknown signals; the verdict cannot tell customer from client."
)


def _scoring(
    *rules: Rule, client_at: float = 2, customer_below: float = 1, **policy: Any
) -> Classifier:
    return Classifier(
        Ruleset(
            "s",
            "1",
            RulesetPolicy("score", client_at=client_at, customer_below=customer_below, **policy),
            rules,
        )
    )


def _picking(hit: str, *rules: Rule, default: str = "customer", **kwargs: Any) -> Classifier:
    return Classifier(Ruleset("p", "1", RulesetPolicy(hit, default=default), rules, **kwargs))


ENGAGED = Rule("engaged", "active_engagement", "Engaged.", aspect="relationship", points=2)
OLD = Rule("old", "tenure_days > 100", "Old.", aspect="relationship", points=1)
LOW = Rule("low", "customization < 0.1", "Standard.", aspect="personalization", points=-1)


def _both_paths(classifier: Classifier, record: dict[str, Any]) -> Classification:
    """Classify a record on the fast path (a dict) and the general one (Signals): the same."""
    fast = classifier.classify(record)
    slow = classifier.classify(Signals.from_mapping(record))
    assert fast == slow
    assert classifier._reference(Signals.from_mapping(record)) == fast
    return fast


# --- the score policy ----------------------------------------------------------------------------


class TestScore:
    @staticmethod
    def classifier() -> Classifier:
        return _scoring(ENGAGED, OLD, LOW)

    @pytest.mark.parametrize(
        ("record", "role", "score", "fired"),
        [
            ({"active_engagement": True}, Role.CLIENT, 2.0, ("engaged",)),  # == client_at
            ({"active_engagement": True, "tenure_days": 200}, Role.CLIENT, 3.0, ("engaged", "old")),
            ({"tenure_days": 200}, Role.AMBIGUOUS, 1.0, ("old",)),  # == customer_below
            ({"tenure_days": 200, "customization": 0.0}, Role.CUSTOMER, 0.0, ("old", "low")),
            (
                {"active_engagement": False, "tenure_days": 1, "customization": 0.5},
                Role.CUSTOMER,
                0.0,
                (),
            ),
            ({"customization": 0.05}, Role.CUSTOMER, -1.0, ("low",)),
        ],
    )
    def test_thresholds(
        self, record: dict[str, Any], role: Role, score: float, fired: tuple[str, ...]
    ) -> None:
        verdict = _both_paths(self.classifier(), record)
        assert (verdict.role, verdict.score, verdict.margin) == (role, score, score - 2)
        assert verdict.fired == fired
        assert verdict.decided_by == "score"
        assert verdict.note == ""
        assert verdict.ruleset == "s@1"
        assert [item.rule_id for item in verdict.evidence] == list(fired)

    def test_insufficient_evidence(self) -> None:
        verdict = _both_paths(self.classifier(), {"active_engagement": False})
        assert verdict.role is Role.AMBIGUOUS
        assert (verdict.score, verdict.margin) == (0.0, -2.0)
        assert verdict.decided_by == "insufficient-evidence"
        assert verdict.insufficient_evidence
        assert verdict.note == INSUFFICIENT
        assert verdict.fired == ()
        assert verdict.evidence == ()
        assert verdict.unresolved == ("old", "low")
        assert verdict.unknown == ("tenure_days", "customization")

    def test_a_rule_that_fired_is_evidence_enough(self) -> None:
        verdict = _both_paths(self.classifier(), {"tenure_days": 200})
        assert not verdict.insufficient_evidence
        assert verdict.unresolved == ("engaged", "low")

    def test_a_rule_without_points_counts_zero(self) -> None:
        neutral = Rule("neutral", "tenure_days > 0", "Known.", aspect="relationship", points=0)
        verdict = _both_paths(_scoring(neutral, client_at=0, customer_below=-1), {"tenure_days": 5})
        assert (verdict.role, verdict.score, verdict.margin) == (Role.CLIENT, 0.0, 0.0)
        assert verdict.evidence[0].points == 0
        assert verdict.evidence[0].leans is None
        assert str(verdict.evidence[0]) == "relationship (+0): Known. [tenure_days=5]"

    def test_the_score_is_exactly_rounded(self) -> None:
        tenth = [
            Rule(f"r{i}", "tenure_days > 0", "Any.", aspect="business", points=0.1)
            for i in range(10)
        ]
        verdict = _both_paths(_scoring(*tenth, client_at=1, customer_below=0), {"tenure_days": 1})
        assert verdict.score == 1.0  # sum() would give 0.9999999999999999
        assert verdict.role is Role.CLIENT


class TestRequires:
    BECAUSE = "Needs an engagement."

    @classmethod
    def classifier(cls) -> Classifier:
        return _scoring(
            OLD,
            Rule("big", "spend > 1000", "Big.", aspect="business", points=2),
            client_at=2,
            customer_below=1,
            requires="active_engagement",
            requires_because=cls.BECAUSE,
        )

    def test_a_client_without_the_requirement_is_a_customer(self) -> None:
        verdict = _both_paths(self.classifier(), {"spend": 5000.0, "active_engagement": False})
        assert (verdict.role, verdict.decided_by, verdict.note) == (
            Role.CUSTOMER,
            "policy.requires",
            self.BECAUSE,
        )
        assert (verdict.score, verdict.margin, verdict.fired) == (2.0, 0.0, ("big",))

    def test_an_ambiguous_verdict_is_gated_too(self) -> None:
        verdict = _both_paths(self.classifier(), {"tenure_days": 500, "active_engagement": False})
        assert (verdict.role, verdict.decided_by) == (Role.CUSTOMER, "policy.requires")

    def test_unknown_requirement_is_not_met(self) -> None:
        verdict = _both_paths(self.classifier(), {"tenure_days": 500})
        assert (verdict.role, verdict.decided_by) == (Role.CUSTOMER, "policy.requires")

    def test_the_requirement_met(self) -> None:
        verdict = _both_paths(self.classifier(), {"spend": 5000.0, "active_engagement": True})
        assert (verdict.role, verdict.decided_by, verdict.note) == (Role.CLIENT, "score", "")
        ambiguous = _both_paths(self.classifier(), {"tenure_days": 500, "active_engagement": True})
        assert (ambiguous.role, ambiguous.decided_by) == (Role.AMBIGUOUS, "score")

    def test_a_customer_is_not_gated(self) -> None:
        verdict = _both_paths(self.classifier(), {"tenure_days": 5, "spend": 1.0})
        assert (verdict.role, verdict.decided_by, verdict.note) == (Role.CUSTOMER, "score", "")

    def test_insufficient_evidence_wins_over_the_requirement(self) -> None:
        verdict = _both_paths(self.classifier(), {})
        assert (verdict.role, verdict.decided_by) == (Role.AMBIGUOUS, "insufficient-evidence")
        assert verdict.unknown == ("tenure_days", "spend", "active_engagement")


# --- first and priority --------------------------------------------------------------------------


class TestPick:
    def test_first_takes_the_first_that_fired(self) -> None:
        classifier = _picking(
            "first",
            Rule("a", "tenure_days > 100", "Old.", role="client", priority=1),
            Rule("b", "customization > 0.5", "Custom.", role="customer", priority=9),
            default="ambiguous",
        )
        both = _both_paths(classifier, {"tenure_days": 200, "customization": 0.9})
        assert (both.role, both.decided_by, both.fired, both.score, both.margin) == (
            Role.CLIENT,
            "a",
            ("a",),
            1.0,
            1.0,
        )
        # An unknown first rule does not stop the second from deciding.
        second = _both_paths(classifier, {"customization": 0.9})
        assert (second.role, second.decided_by, second.fired) == (Role.CUSTOMER, "b", ("b",))
        assert second.unresolved == ("a",)
        assert (second.score, second.margin) == (-1.0, -1.0)

    def test_first_does_not_try_the_rules_after_the_one_that_fired(self) -> None:
        classifier = _picking(
            "first",
            Rule("a", "tenure_days > 100", "Old.", role="client"),
            Rule("b", "customization > 0.5", "Custom.", role="customer"),
        )
        verdict = _both_paths(classifier, {"tenure_days": 200})
        assert verdict.unresolved == ()
        assert verdict.unknown == ("customization",)  # listed, though not tried
        assert [item.rule_id for item in verdict.evidence] == ["a"]

    def test_priority_highest_wins_and_ties_go_to_the_first(self) -> None:
        classifier = _picking(
            "priority",
            Rule("a", "tenure_days > 1", "A.", role="customer", priority=1),
            Rule("b", "tenure_days > 2", "B.", role="ambiguous", priority=5),
            Rule("c", "tenure_days > 3", "C.", role="client", priority=5),
            Rule("d", "tenure_days > 4", "D.", role="client", priority=2),
        )
        verdict = _both_paths(classifier, {"tenure_days": 10})
        assert (verdict.decided_by, verdict.role, verdict.score) == ("b", Role.AMBIGUOUS, 0.0)
        assert verdict.fired == ("a", "b", "c", "d")
        assert [item.rule_id for item in verdict.evidence] == ["a", "b", "c", "d"]
        low = _both_paths(classifier, {"tenure_days": 2})
        assert (low.decided_by, low.role, low.score) == ("a", Role.CUSTOMER, -1.0)
        later = _both_paths(classifier, {"tenure_days": 5, "customization": 0.5})
        assert later.decided_by == "b"

    def test_priority_a_later_higher_rule_wins(self) -> None:
        classifier = _picking(
            "priority",
            Rule("a", "tenure_days > 1", "A.", role="customer", priority=1),
            Rule("b", "tenure_days > 2", "B.", role="client", priority=2),
        )
        verdict = _both_paths(classifier, {"tenure_days": 10})
        assert (verdict.decided_by, verdict.role, verdict.score) == ("b", Role.CLIENT, 1.0)

    @pytest.mark.parametrize("hit", ["first", "priority"])
    def test_the_default_and_insufficient_evidence(self, hit: str) -> None:
        classifier = _picking(
            hit,
            Rule("a", "tenure_days > 100", "Old.", role="client"),
            Rule("b", "customization > 0.5", "Custom.", role="client"),
            default="ambiguous",
        )
        nothing = _both_paths(classifier, {"tenure_days": 1, "customization": 0.0})
        assert (nothing.role, nothing.decided_by, nothing.score, nothing.note) == (
            Role.AMBIGUOUS,
            "policy.default",
            0.0,
            "",
        )
        assert nothing.unresolved == ()
        assert nothing.explain().splitlines()[-1] == "  decided by policy.default: no rule fired"
        unknown = _both_paths(classifier, {"tenure_days": 1})
        assert (unknown.role, unknown.decided_by, unknown.score, unknown.margin) == (
            Role.AMBIGUOUS,
            "insufficient-evidence",
            0.0,
            0.0,
        )
        assert unknown.note == INSUFFICIENT
        assert unknown.unresolved == ("b",)
        assert unknown.fired == ()

    def test_a_customer_default(self) -> None:
        classifier = _picking("priority", Rule("a", "tenure_days > 100", "Old.", role="client"))
        verdict = _both_paths(classifier, {"tenure_days": 1})
        assert (verdict.role, verdict.score, verdict.margin) == (Role.CUSTOMER, -1.0, -1.0)


# --- evidence and explanations -------------------------------------------------------------------


class TestEvidence:
    def test_the_evidence_of_a_rule(self) -> None:
        rule = Rule(
            "both",
            "tenure_days > 1 and (active_engagement or customization >= 0.5)",
            "Both.",
            aspect="relationship",
            points=1.5,
        )
        verdict = _both_paths(
            _scoring(rule), {"tenure_days": 9, "active_engagement": True, "customization": 0.25}
        )
        (item,) = verdict.evidence
        assert item == Evidence(
            "both",
            "relationship",
            "client",
            1.5,
            "Both.",
            {"tenure_days": 9, "active_engagement": True, "customization": 0.25},
        )
        assert list(item.values) == ["tenure_days", "active_engagement", "customization"]
        assert str(item) == (
            "relationship -> client (+1.5): Both. "
            "[tenure_days=9, active_engagement=true, customization=0.25]"
        )

    def test_the_evidence_of_a_rule_with_an_unknown_value(self) -> None:
        rule = Rule("either", "tenure_days > 1 or active_engagement", "Either.", role="client")
        verdict = _both_paths(_picking("first", rule), {"tenure_days": 9})
        (item,) = verdict.evidence
        assert dict(item.values) == {"tenure_days": 9, "active_engagement": None}
        assert str(item) == "rule -> client: Either. [tenure_days=9, active_engagement=unknown]"

    def test_the_evidence_of_a_one_signal_rule(self) -> None:
        rule = Rule("off", "not active_engagement", "Off.", aspect="relationship", points=-2)
        (item,) = _both_paths(_scoring(rule), {"active_engagement": False}).evidence
        assert dict(item.values) == {"active_engagement": False}
        assert str(item) == "relationship -> customer (-2): Off. [active_engagement=false]"

    def test_evidence_of_a_custom_signal(self) -> None:
        classifier = _picking(
            "first",
            Rule("north", "region == 'north'", "North.", role="client"),
            signals={"region": "string"},
        )
        (item,) = classifier.classify({"region": "north"}).evidence
        assert str(item) == "rule -> client: North. [region=north]"


class TestExplain:
    def test_past_at_and_short_of_the_threshold(self) -> None:
        classifier = _scoring(ENGAGED, OLD, LOW)
        past = classifier.classify({"active_engagement": True, "tenure_days": 200})
        assert past.explain().splitlines()[0] == "client (score 3, 1 past client) by s@1"
        at = classifier.classify({"active_engagement": True})
        assert at.explain().splitlines()[0] == "client (score 2, at the client threshold) by s@1"
        short = classifier.classify({"customization": 0.0})
        assert short.explain().splitlines()[0] == "customer (score -1, 3 short of client) by s@1"

    def test_every_line(self) -> None:
        classifier = _scoring(ENGAGED, OLD, LOW)
        verdict = classifier.classify({"tenure_days": 200, "customization": 0.0})
        assert verdict.explain().splitlines() == (
            [
                "customer (score 0, 2 short of client) by s@1",
                "  relationship -> client (+1): Old. [tenure_days=200]",
                "  personalization -> customer (-1): Standard. [customization=0]",
                "  unknown: active_engagement",
            ]
        )
        assert str(verdict) == verdict.explain()

    def test_no_rule_fired_and_insufficient_evidence(self) -> None:
        classifier = _scoring(ENGAGED, OLD, LOW)
        nothing = classifier.classify(
            {"active_engagement": False, "tenure_days": 1, "customization": 0.5}
        )
        assert nothing.explain().splitlines() == (
            [
                "customer (score 0, 2 short of client) by s@1",
                "  decided by score: no rule fired",
            ]
        )
        unknown = classifier.classify({})
        assert unknown.explain().splitlines() == (
            [
                "ambiguous (score 0, 2 short of client) by s@1",
                f"  decided by insufficient-evidence: {INSUFFICIENT}",
                "  unknown: active_engagement, tenure_days, customization",
            ]
        )


# --- the lazy verdicts of the compiled path ------------------------------------------------------


class TestLazyVerdicts:
    def test_the_explanation_keeps_only_the_signals_read(self) -> None:
        classifier = _scoring(ENGAGED, OLD, LOW)
        record = {"tenure_days": 200, "customization": 0.0, "spend": 9.0, "purchases": 3}
        verdict = classifier.classify(record)
        reference = classifier._reference(Signals.from_mapping(record))
        assert verdict.evidence == reference.evidence
        assert verdict.unknown == ("active_engagement",)
        assert verdict.unresolved == ("engaged",)
        assert verdict == reference

    def test_each_lazy_field_explains_the_verdict(self) -> None:
        classifier = _scoring(ENGAGED, OLD, LOW)
        record = {"tenure_days": 200}
        for field in ("evidence", "unknown", "unresolved"):
            verdict = classifier.classify(record)
            first = getattr(verdict, field)
            assert first == getattr(classifier._reference(Signals.from_mapping(record)), field)
            assert getattr(verdict, field) is first  # kept, not rebuilt
        verdict = classifier.classify(record)
        assert verdict.unresolved == ("engaged", "low")
        assert verdict.unknown == ("active_engagement", "customization")
        assert [item.rule_id for item in verdict.evidence] == ["old"]

    def test_verdicts_of_a_stream_explain_themselves(self) -> None:
        classifier = _scoring(ENGAGED, OLD, LOW)
        records: list[dict[str, Any]] = [{"tenure_days": 200}, {"active_engagement": True}, {}]
        verdicts = list(classifier.classify_many(records))
        assert [v.fired for v in verdicts] == [("old",), ("engaged",), ()]
        assert [v.unresolved for v in verdicts] == [
            ("engaged", "low"),
            ("old", "low"),
            ("engaged", "old", "low"),
        ]
        for record, verdict in zip(records, verdicts, strict=True):
            assert verdict == classifier._reference(Signals.from_mapping(record))


# --- keys set aside ------------------------------------------------------------------------------


class TestKeys:
    def test_id_keys_are_set_aside(self) -> None:
        plain = classify({"customization": 0.9})
        assert classify({"id": "a", "party_id": "b", "customization": 0.9}) == plain
        assert classify(Signals(customization=0.9)) == plain

    def test_an_id_key_declared_as_a_signal_is_read(self) -> None:
        classifier = _picking(
            "first", Rule("one", "id == 1", "One.", role="client"), signals={"id": "integer"}
        )
        assert classifier.classify({"id": 1}).role is Role.CLIENT
        assert classifier.classify({"id": 2}).role is Role.CUSTOMER
        with pytest.raises(ValidationError, match=r"^\$\.id: expected a integer or null"):
            classifier.classify({"id": "acme"})

    def test_passthrough_keys_are_set_aside(self) -> None:
        plain = classify({"customization": 0.9})
        assert classify({"name": "Acme", "customization": 0.9}, passthrough=["name"]) == plain
        assert (
            classify({"name": "Acme", "customization": 0.9}, passthrough=("name", "segment"))
            == plain
        )

    @pytest.mark.parametrize("record", [Signals(), {}, {"customization": 0.9}])
    @pytest.mark.parametrize("passthrough", ["name", 3, None])
    def test_passthrough_must_be_names(self, record: object, passthrough: object) -> None:
        """On every path: a plain dict (the fast path) is checked as a `Signals` record is."""
        with pytest.raises(ValidationError) as caught:
            classify(record, passthrough=passthrough)  # type: ignore[arg-type]
        assert str(caught.value) == (
            "passthrough: expected names of descriptive keys (a list of strings), got "
            f"{passthrough!r}"
        )

    @pytest.mark.parametrize("name", [3, "tenure_days"])
    def test_passthrough_names_are_not_signals(self, name: object) -> None:
        with pytest.raises(ValidationError) as caught:
            classify({}, passthrough=[name])  # type: ignore[list-item]
        assert str(caught.value) == (
            "passthrough: expected names that are not signals of default@1 (a signal is read, "
            f"not passed), got {name!r}"
        )

    def test_a_declared_custom_signal_is_not_passed(self) -> None:
        classifier = _picking(
            "first", Rule("n", "nps > 8", "Fan.", role="client"), signals={"nps": "integer"}
        )
        with pytest.raises(ValidationError, match=r"^passthrough: expected names that are not"):
            classifier.classify({}, passthrough=["nps"])

    def test_every_stranger_is_named_then_every_bad_value(self) -> None:
        with pytest.raises(ValidationError) as caught:
            classify({"name": "Acme", "tenure_days": -3, "segmnt": "x", "id": "a"})
        fields = [problem.field for problem in caught.value.problems]
        assert fields == ["$.name", "$.segmnt", "$.tenure_days"]

    def test_strangers_in_a_mapping_that_is_not_a_dict(self) -> None:
        record = _Mapping({"name": "Acme", "customization": 0.9})
        with pytest.raises(ValidationError, match=r"^\$\.name: not a signal of default@1"):
            classify(record)
        assert classify(record, passthrough=["name"]) == classify({"customization": 0.9})

    def test_undeclared_custom_signals_of_a_signals(self) -> None:
        signals = Signals(customization=0.9, custom={"region": "north"})
        with pytest.raises(ValidationError, match=r"^\$\.region: not a signal of default@1"):
            classify(signals)
        assert classify(signals, passthrough=["region"]) == classify({"customization": 0.9})


def test_a_classifier_needs_a_ruleset() -> None:
    with pytest.raises(ValidationError) as caught:
        Classifier("default")  # type: ignore[arg-type]
    assert str(caught.value) == "$.ruleset: expected a Ruleset, got 'default'"


class _Mapping(dict):  # type: ignore[type-arg]
    """A mapping that is not exactly a dict (it takes the general path)."""


# --- streams -------------------------------------------------------------------------------------


class TestStreams:
    @pytest.mark.parametrize(
        ("count", "every", "calls"),
        [
            (0, 2, []),
            (1, 1, [1]),
            (4, 2, [2, 4]),
            (5, 2, [2, 4, 5]),
            (3, 5, [3]),
            (6, 3, [3, 6]),
        ],
    )
    def test_progress_calls(self, count: int, every: int, calls: list[int]) -> None:
        for records in (
            [{"customization": 0.5}] * count,  # the fast path
            [Signals(customization=0.5)] * count,  # the general path
        ):
            seen: list[int] = []
            verdicts = list(Classifier().classify_many(records, progress=seen.append, every=every))
            assert len(verdicts) == count
            assert seen == calls

    @pytest.mark.parametrize("every", [0, -3, True, 1.5])
    def test_every_must_be_a_positive_integer(self, every: object) -> None:
        with pytest.raises(ValidationError) as caught:
            list(Classifier().classify_many([{}], every=every))  # type: ignore[arg-type]
        assert str(caught.value) == f"every: expected an integer >= 1, got {every!r}"

    def test_every_one_is_allowed(self) -> None:
        seen: list[int] = []
        list(Classifier().classify_many([{}, {}], progress=seen.append, every=1))
        assert seen == [1, 2]

    def test_progress_must_be_callable(self) -> None:
        with pytest.raises(ValidationError) as caught:
            list(Classifier().classify_many([{}], progress=7))  # type: ignore[arg-type]
        assert str(caught.value) == "progress: expected a callable taking a count, or None, got 7"

    def test_progress_counts_both_paths(self) -> None:
        records: list[Any] = [{"customization": 0.5}, Signals(customization=0.5)] * 3
        seen: list[int] = []
        verdicts = list(Classifier().classify_many(records, progress=seen.append, every=2))
        assert seen == [2, 4, 6]
        assert len({(v.role, v.score) for v in verdicts}) == 1

    def test_the_default_every(self) -> None:
        seen: list[int] = []
        list(Classifier().classify_many([{}] * 10_001, progress=seen.append))
        assert seen == [10_000, 10_001]

    def test_a_stream_with_custom_signals(self) -> None:
        classifier = _picking(
            "first", Rule("n", "nps > 8", "Fan.", role="client"), signals={"nps": "integer"}
        )
        seen: list[int] = []
        verdicts = list(
            classifier.classify_many(
                [{"nps": 9}, {"nps": 1}, {"nps": 9.0}], progress=seen.append, every=2
            )
        )
        assert [v.role for v in verdicts] == [Role.CLIENT, Role.CUSTOMER, Role.CLIENT]
        assert seen == [2, 3]
        with pytest.raises(ValidationError, match=r"^\$\[1\]\.nps: expected a integer or null"):
            list(classifier.classify_many([{"nps": 9}, {"nps": 8.5}]))

    def test_a_bad_record_after_good_ones_has_its_index(self) -> None:
        records: list[Any] = [{"customization": 0.5}, Signals(), {"customization": 0.5, "nme": 1}]
        with pytest.raises(ValidationError) as caught:
            list(Classifier().classify_many(records))
        assert [p.field for p in caught.value.problems] == ["$[2].nme"]

    def test_passthrough_in_a_stream(self) -> None:
        records = [{"name": "a", "customization": 0.9}, {"name": "b", "customization": 0.0}]
        verdicts = list(Classifier().classify_many(records, passthrough=["name"]))
        assert verdicts == [classify({"customization": 0.9}), classify({"customization": 0.0})]
        with pytest.raises(ValidationError, match=r"^\$\[0\]\.name"):
            list(Classifier().classify_many(records))

    def test_a_stream_equals_one_by_one(self) -> None:
        records: list[Any] = [
            {"customization": 0.9, "tenure_days": 400},
            {"customization": float("nan")},  # NaN is unknown: the general path
            {"tenure_days": 10**20},  # beyond 64 bits: refused
        ]
        stream = Classifier().classify_many(records)
        assert next(stream) == classify(records[0])
        assert next(stream) == classify({})
        with pytest.raises(ValidationError, match=r"^\$\[2\]\.tenure_days"):
            next(stream)


# --- every path agrees ---------------------------------------------------------------------------


@given(testing.signals(custom=False))
@example(Signals())
@example(Signals(active_engagement=True, customization=0.0, collaborative_share=0.0))
def test_a_dict_signals_and_the_reference_agree(signals: Signals) -> None:
    record = {name: value for name, value in signals.as_dict().items() if value is not None}
    classifier = Classifier()
    verdict = classifier.classify(record)
    assert verdict == classifier.classify(signals) == classifier._reference(signals)
    assert verdict.explain() == classifier._reference(signals).explain()
    assert math.isfinite(verdict.score)


# --- the plain path of a dict --------------------------------------------------------------------


def _plain_records() -> st.SearchStrategy[dict[str, Any]]:
    return testing.signals(custom=False).map(
        lambda signals: {k: v for k, v in signals.as_dict().items() if v is not None}
    )


@given(_plain_records())
@example(dict.fromkeys(SIGNALS))
def test_a_plainly_valid_dict_takes_the_plain_path(record: dict[str, Any]) -> None:
    """A dict of canonical signals, each of its exact type and in range, needs no conversion."""
    signals = _plain_signals(record)
    assert signals is not None
    assert signals == Signals.from_mapping(record)


@pytest.mark.parametrize(
    "record",
    [
        {"tenure_days": 2**63 - 1, "commitment_days": 0},  # the 64-bit and range bounds
        {"tenure_days": 0, "customization": 1.0, "collaborative_share": 0.0},
        {"customization": 1, "service_share": 0},  # a whole number where a float is expected
        {"active_engagement": False},
        dict.fromkeys(SIGNALS),  # every canonical key
    ],
)
def test_plain_bounds(record: dict[str, Any]) -> None:
    signals = _plain_signals(record)
    assert signals is not None
    assert signals == Signals.from_mapping(record)


@pytest.mark.parametrize(
    "record",
    [
        {"tenure_days": 2**63},
        {"tenure_days": -1},
        {"customization": 1.5},
        {"customization": float("nan")},
        {"tenure_days": 3.0},  # a float where an integer is expected: converted by the general path
        {"active_engagement": 1},
        {"tenure_days": True},
        {"name": "acme"},
    ],
)
def test_anything_else_takes_the_general_path(record: dict[str, Any]) -> None:
    assert _plain_signals(record) is None


@given(_plain_records())
@example(dict.fromkeys(SIGNALS))
@example({"tenure_days": 2**63 - 1, "customization": 1.0, "collaborative_share": 0.0})
@example({"customization": 1, "active_engagement": False, "spend": 1e308})
def test_the_decision_function_takes_every_plainly_valid_dict(record: dict[str, Any]) -> None:
    """The generated ``from_record`` decides a plain dict itself (``None``: general path)."""
    # Built in the test (not at import), so that a mutant of the code generator is in effect.
    for classifier in (Classifier(), TestScore.classifier(), TestRequires.classifier()):
        verdict = classifier._fast(record)
        assert verdict is not None
        assert verdict == classifier.classify(Signals.from_mapping(record))


@pytest.mark.parametrize(
    "record",
    [
        {"tenure_days": 2**63},
        {"tenure_days": -1},
        {"customization": 1.5},
        {"customization": -0.5},
        {"spend": -1.0},
        {"customization": float("inf")},
        {"tenure_days": 3.0},
        {"active_engagement": 1},
        {"tenure_days": True},
        {"name": "acme"},
    ],
)
def test_the_decision_function_leaves_the_rest_to_the_general_path(record: dict[str, Any]) -> None:
    classifier = Classifier()
    assert classifier._fast(record) is None
    with pytest.raises(ValidationError):
        classifier.classify({**record, "spend": 1.0, "tenure_days": -1})


def test_the_generated_code_sees_only_its_own_names() -> None:
    """The decision functions run with four builtins and show their origin in a traceback."""
    classifier = Classifier()
    for function in (classifier._fast, classifier._decide):
        assert set(function.__globals__["__builtins__"]) == {"type", "bool", "float", "int"}
        assert function.__code__.co_filename == "<clientcustomer decision>"
