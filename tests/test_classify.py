"""The classifier: properties over random signals and rule sets, the sources' cases, output."""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from collections import OrderedDict
from decimal import Decimal
from enum import IntEnum
from types import MappingProxyType

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import clientcustomer as cc
from clientcustomer import (
    Classification,
    Classifier,
    Role,
    Rule,
    Ruleset,
    RulesetPolicy,
    Signals,
    classify,
    classify_many,
    default_ruleset,
    testing,
)
from clientcustomer.exceptions import ValidationError

# Each signal the default rule set reads, and the values it moves through toward the client end
# (see default_rules.toml and the design's aspect table: more collaboration, touchpoints, tenure,
# services, customization and commitment, and a running engagement, lean toward a client).
TOWARD_CLIENT = {
    "collaborative_share": st.floats(0, 1),
    "touchpoints_per_quarter": st.floats(0, 50),
    "tenure_days": st.integers(0, 5000),
    "service_share": st.floats(0, 1),
    "customization": st.floats(0, 1),
    "commitment_days": st.integers(0, 1000),
}

SEEDS = {
    "loyal grocery shopper": (
        Role.CUSTOMER,
        {
            "collaborative_share": 0.0,
            "touchpoints_per_quarter": 0.2,
            "tenure_days": 2400,
            "active_engagement": False,
            "repeat_rate": 0.98,
            "service_share": 0.0,
            "customization": 0.0,
            "commitment_days": 0,
            "purchases": 300,
            "purchases_per_year": 46.0,
        },
    ),
    "wholesale buyer": (
        Role.CUSTOMER,
        {
            "collaborative_share": 0.02,
            "touchpoints_per_quarter": 1.0,
            "tenure_days": 1500,
            "active_engagement": False,
            "repeat_rate": 0.95,
            "service_share": 0.05,
            "customization": 0.0,
            "purchases": 80,
            "spend": 250000.0,
        },
    ),
    "gym member": (
        Role.CUSTOMER,
        {
            "collaborative_share": 0.0,
            "tenure_days": 900,
            "active_engagement": True,
            "repeat_rate": 0.9,
            "service_share": 1.0,
            "customization": 0.0,
            "commitment_days": 200,
        },
    ),
    "two-year phone subscriber": (
        Role.CUSTOMER,
        {
            "collaborative_share": 0.04,
            "touchpoints_per_quarter": 0.5,
            "tenure_days": 730,
            "active_engagement": True,
            "repeat_rate": 0.95,
            "service_share": 1.0,
            "customization": 0.0,
            "commitment_days": 365,
        },
    ),
    "one-off collaborative legal advice": (
        Role.CLIENT,
        {
            "collaborative_share": 0.6,
            "touchpoints_per_quarter": 3.0,
            "tenure_days": 20,
            "active_engagement": False,
            "service_share": 1.0,
            "customization": 1.0,
            "commitment_days": 0,
        },
    ),
    "design commission": (
        Role.CLIENT,
        {
            "collaborative_share": 0.5,
            "tenure_days": 60,
            "active_engagement": False,
            "service_share": 0.9,
            "customization": 1.0,
            "commitment_days": 0,
        },
    ),
}


def picking(hit: str, *rules: Rule, default: str = "customer") -> Classifier:
    return Classifier(Ruleset("pick", "1", RulesetPolicy(hit, default=default), rules))


@st.composite
def ruleset_and_signals(draw: st.DrawFn, hit: str | None = None) -> tuple[Ruleset, Signals]:
    """A random rule set and signals whose custom values have the types it declares."""
    ruleset = draw(testing.rulesets(hit=hit))
    canonical = draw(testing.signals(custom=False))
    custom = {}
    for name, kind in ruleset.signals.items():
        strategy = {
            "number": st.floats(-1e6, 1e6) | st.integers(-5, 5),
            "integer": st.integers(-5, 5),
            "boolean": st.booleans(),
            "string": st.sampled_from(("", "north", "a")),
        }[kind]
        custom[name] = draw(st.none() | strategy)
    return ruleset, attrs.evolve(canonical, custom=custom)


class TestProperties:
    @given(testing.signals(custom=False))
    def test_total_and_deterministic(self, signals):
        first = classify(signals)
        assert first == classify(signals) == Classifier().classify(signals)
        assert first.role in set(Role)
        assert [item.rule_id for item in first.evidence] == list(first.fired)
        assert set(first.fired).isdisjoint(first.unresolved)
        assert first.margin == first.score - default_ruleset().policy.client_at

    @given(ruleset_and_signals())
    def test_any_ruleset_is_total(self, drawn):
        ruleset, signals = drawn
        verdict = Classifier(ruleset).classify(signals)
        ids = [rule.id for rule in ruleset.rules]
        assert set(verdict.fired) <= set(ids)
        assert verdict.ruleset == ruleset.ref
        assert verdict == Classifier(ruleset).classify(signals)
        if ruleset.policy.hit.value == "first":
            assert len(verdict.fired) <= 1
        if ruleset.policy.hit.value != "score":
            assert verdict.decided_by in {*verdict.fired, "policy.default", "insufficient-evidence"}
        if verdict.insufficient_evidence:
            assert (verdict.role, verdict.fired) == (Role.AMBIGUOUS, ())
            assert verdict.unresolved

    @given(ruleset_and_signals(hit="score"), st.randoms(use_true_random=False))
    def test_score_ignores_rule_order(self, drawn, random):
        ruleset, signals = drawn
        rules = list(ruleset.rules)
        random.shuffle(rules)
        shuffled = attrs.evolve(ruleset, rules=tuple(rules))
        verdict, again = (
            Classifier(ruleset).classify(signals),
            Classifier(shuffled).classify(signals),
        )
        assert (verdict.role, verdict.score, verdict.margin, verdict.decided_by) == (
            again.role,
            again.score,
            again.margin,
            again.decided_by,
        )
        assert set(verdict.fired) == set(again.fired)
        assert set(verdict.unresolved) == set(again.unresolved)

    @given(testing.signals(custom=False), st.data())
    def test_toward_the_client_end_never_lowers_the_rank(self, signals, data):
        name = data.draw(st.sampled_from([*TOWARD_CLIENT, "active_engagement"]))
        before = signals.get(name)
        if name == "active_engagement":
            after: object = True
        else:
            if before is None:
                before = data.draw(TOWARD_CLIENT[name])
                signals = attrs.evolve(signals, **{name: before})
            low = before
            after = data.draw(TOWARD_CLIENT[name].filter(lambda x: x >= low))
        moved = attrs.evolve(signals, **{name: after})
        was, now = classify(signals), classify(moved)
        # "Cannot tell" (insufficient evidence) is no place on the axis: only the first known
        # evidence can move the verdict from it, either way; a client never becomes a customer.
        if not was.insufficient_evidence:
            assert was.role.rank <= now.role.rank
        assert not (was.role is Role.CLIENT and now.role is Role.CUSTOMER)
        assert was.score <= now.score

    @given(testing.signals(custom=False))
    def test_unknown_signals_are_listed_not_zero(self, signals):
        verdict = classify(signals)
        read = [name for name in TOWARD_CLIENT if signals.get(name) is None]
        assert set(read) <= set(verdict.unknown)
        if signals.get("active_engagement") is None:
            assert "active_engagement" in verdict.unknown
        for item in verdict.evidence:
            assert all(value is not None for value in item.values.values())
        zeros = attrs.evolve(signals, **dict.fromkeys(read, 0))
        if read:
            assert set(classify(zeros).unknown).isdisjoint(read)

    @given(testing.classifications())
    def test_json_round_trip(self, verdict):
        assert verdict == cc.from_json(Classification, cc.to_json(verdict))


class TestSeeds:
    @pytest.mark.parametrize("case", list(SEEDS))
    def test_sources_cases(self, case):
        expected, values = SEEDS[case]
        assert expected == classify(values).role

    def test_customers_are_decided_by_the_relational_requirement(self):
        gym = classify(SEEDS["gym member"][1])
        assert ("policy.requires", Role.CUSTOMER) == (gym.decided_by, gym.role)
        assert gym.score >= default_ruleset().policy.customer_below
        assert gym.note

    def test_embedded_examples(self):
        results = cc.Classifier(default_ruleset()).run_examples()
        assert all(result.passed for result in results)

    def test_unknown_is_not_zero(self):
        unknown = classify({})
        zero = classify({"collaborative_share": 0.0, "customization": 0.0})
        assert () == unknown.fired
        assert ("transactional", "standard") == zero.fired
        assert {"collaborative_share", "customization"} <= set(unknown.unknown)
        assert not {"collaborative_share", "customization"} & set(zero.unknown)
        assert "collaborative" in unknown.unresolved


class TestInputs:
    def test_mapping_signals_and_entity(self):
        values = SEEDS["design commission"][1]
        assert classify(values) == classify(Signals.from_mapping(values))
        ann = cc.Party("ann", "Ann", "person")
        log = tuple(
            cc.Interaction(
                "ann",
                dt.date(2026, 1, day),
                kind,
                offering="service",
                amount=Decimal(100),
                customized=True,
            )
            for day, kind in ((5, "workshop"), (12, "consultation"), (19, "meeting"))
        )
        customer = cc.Customer(ann, since=dt.date(2026, 1, 5), interactions=log)
        verdict = classify(customer, as_of=dt.date(2026, 2, 1))
        assert verdict == classify(cc.derive_signals_for(customer, as_of=dt.date(2026, 2, 1)))
        assert Role.CLIENT == verdict.role
        with pytest.raises(ValidationError, match="as_of: expected a date"):
            classify(customer)
        with pytest.raises(ValidationError, match="as_of: expected a date"):
            classify(customer, as_of=dt.datetime(2026, 2, 1, tzinfo=dt.UTC))

    @pytest.mark.parametrize(
        ("record", "expected"),
        [
            ([1], "$: expected Signals, a mapping of signal name to value, or a Customer"),
            ({"customization": 2}, "$.customization: expected a number between 0 and 1, got 2"),
        ],
    )
    def test_invalid_records(self, record, expected):
        with pytest.raises(ValidationError) as caught:
            classify(record)
        assert str(caught.value).startswith(expected)

    def test_custom_signal_types(self):
        ruleset = Ruleset(
            "region",
            "1",
            RulesetPolicy("first"),
            (Rule("north", "region == 'north' and nps > 8", "In the north.", role="client"),),
            signals={"region": "string", "nps": "integer"},
        )
        classifier = Classifier(ruleset)
        assert Role.CLIENT == classifier.classify({"region": "north", "nps": 9.0}).role
        assert ("nps",) == classifier.classify({"region": "north"}).unknown
        for values, expected in (
            ({"region": 3}, "$.region: expected a string or null, got 3"),
            ({"nps": 8.5}, "$.nps: expected a integer or null, got 8.5"),
            ({"nps": True}, "$.nps: expected a integer or null, got True"),
        ):
            with pytest.raises(ValidationError) as caught:
                classifier.classify(values)
            assert expected == str(caught.value)

    def test_classifier_needs_a_ruleset(self):
        with pytest.raises(ValidationError, match=r"\$.ruleset: expected a Ruleset"):
            Classifier("default")  # type: ignore[arg-type]
        assert "<clientcustomer.Classifier(rules=13)>" == repr(Classifier())
        assert default_ruleset() is Classifier().ruleset


class TestStreaming:
    def test_generator(self):
        consumed = []

        def rows():
            for share in (0.0, 0.5, 1.0):
                consumed.append(share)
                yield {"customization": share}

        stream = classify_many(rows())
        assert [] == consumed
        assert Role.CUSTOMER == next(stream).role
        assert [0.0] == consumed
        assert [Role.AMBIGUOUS, Role.AMBIGUOUS] == [verdict.role for verdict in stream]

    def test_errors_carry_the_index(self):
        rows = iter([{"customization": 0.1}, {"tenure_days": 3}, {"customization": 7}])
        stream = Classifier().classify_many(rows)
        assert 2 == len([next(stream), next(stream)])
        with pytest.raises(ValidationError) as caught:
            next(stream)
        assert str(caught.value).startswith("$[2].customization: expected a number")

    def test_entities_need_as_of(self):
        customer = cc.Customer(cc.Party("ann", "Ann", "person"), since=dt.date(2026, 1, 1))
        with pytest.raises(ValidationError, match=r"^\$\[0\]\.as_of"):
            list(classify_many([customer]))
        assert 1 == len(list(classify_many([customer], as_of=dt.date(2026, 2, 1))))


class TestPolicies:
    def test_first(self):
        classifier = picking(
            "first",
            Rule("a", "tenure_days > 10", "Old.", role="client"),
            Rule("b", "tenure_days > 5", "Older than five.", role="customer"),
            default="ambiguous",
        )
        verdict = classifier.classify({"tenure_days": 20})
        assert ("a", ("a",), Role.CLIENT, 1.0) == (
            verdict.decided_by,
            verdict.fired,
            verdict.role,
            verdict.score,
        )
        assert ("b", Role.CUSTOMER, -1.0) == (
            classifier.classify({"tenure_days": 7}).decided_by,
            classifier.classify({"tenure_days": 7}).role,
            classifier.classify({"tenure_days": 7}).margin,
        )
        nothing = classifier.classify({"tenure_days": 1})
        assert ("policy.default", Role.AMBIGUOUS, ()) == (
            nothing.decided_by,
            nothing.role,
            nothing.unresolved,
        )
        assert "no rule fired" in nothing.explain()
        unknown = classifier.classify({})
        assert ("insufficient-evidence", ("a", "b")) == (unknown.decided_by, unknown.unresolved)

    def test_priority_highest_wins_ties_in_order(self):
        classifier = picking(
            "priority",
            Rule("low", "tenure_days > 1", "Low.", role="customer", priority=1),
            Rule("high", "tenure_days > 2", "High.", role="client", priority=5),
            Rule("tie", "tenure_days > 3", "Tie.", role="customer", priority=5),
        )
        verdict = classifier.classify({"tenure_days": 9})
        assert ("high", ("low", "high", "tie")) == (verdict.decided_by, verdict.fired)
        assert "low" == classifier.classify({"tenure_days": 2}).decided_by

    def test_score_thresholds(self):
        ruleset = Ruleset(
            "s",
            "1",
            RulesetPolicy("score", client_at=2, customer_below=1),
            (
                Rule("a", "active_engagement", "Engaged.", aspect="relationship", points=2),
                Rule("b", "tenure_days > 1", "Old.", aspect="relationship", points=1),
            ),
        )
        classifier = Classifier(ruleset)
        assert Role.CLIENT == classifier.classify({"active_engagement": True}).role
        assert Role.AMBIGUOUS == classifier.classify({"tenure_days": 3}).role
        assert (
            Role.CUSTOMER
            == classifier.classify({"tenure_days": 0, "active_engagement": False}).role
        )
        assert "insufficient-evidence" == classifier.classify({}).decided_by


class TestOutput:
    def test_explain(self):
        text = classify(SEEDS["design commission"][1]).explain()
        lines = text.splitlines()
        assert lines[0].startswith("client (score ")
        assert "past client) by default@1" in lines[0]
        assert any(line.startswith("  personalization -> client (+2): ") for line in lines)
        assert lines[-1].startswith("  unknown: touchpoints_per_quarter")
        assert text == str(classify(SEEDS["design commission"][1]))

    def test_explain_at_the_threshold(self):
        verdict = classify({"collaborative_share": 0.5, "customization": 0.2, "service_share": 0.6})
        assert 0 == verdict.margin
        assert "at the client threshold" in verdict.explain().splitlines()[0]

    def test_evidence_without_aspect(self):
        verdict = picking("first", Rule("r", "tenure_days >= 0", "Any.", role="client")).classify(
            {"tenure_days": 0}
        )
        assert "rule -> client: Any. [tenure_days=0]" == str(verdict.evidence[0])

    def test_leanings(self):
        leanings = classify(SEEDS["gym member"][1]).leanings
        assert [a.value for a in cc.Aspect] == [item.aspect.value for item in leanings]
        by_aspect = {item.aspect.value: item for item in leanings}
        assert (Role.CLIENT, 3.0) == (
            by_aspect["relationship"].leans,
            by_aspect["relationship"].points,
        )
        assert (Role.CUSTOMER, ("standard",)) == (
            by_aspect["personalization"].leans,
            by_aspect["personalization"].rules,
        )
        assert by_aspect["expectation"].leans is Role.CLIENT
        picked = picking(
            "first", Rule("r", "active_engagement", "On.", aspect="relationship", role="ambiguous")
        ).classify({"active_engagement": True})
        assert picked.leanings[1].leans is None

    def test_html_is_escaped(self):
        ruleset = Ruleset(
            "<x>",
            "1&2",
            RulesetPolicy(
                "score",
                client_at=1,
                customer_below=1,
                requires="active_engagement",
                requires_because="<i>needs</i>",
            ),
            (Rule("<r>", "tenure_days > 1", "Because <b>&amp;</b>.", aspect="business", points=2),),
        )
        html = Classifier(ruleset).classify({"tenure_days": 3})._repr_html_()
        assert "<b>" not in html.replace("<b>customer</b>", "")
        assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in html
        assert "&lt;x&gt;@1&amp;2" in html
        assert "&lt;i&gt;needs&lt;/i&gt;" in html
        assert "unknown: active_engagement" in html

    def test_json(self):
        verdict = classify(SEEDS["gym member"][1])
        document = json.loads(cc.to_json(verdict))
        assert "customer" == document["role"]
        assert verdict == cc.from_json(Classification, json.dumps(document))


def outcome(call, *args, **kwargs):
    """``("ok", result)``, or ``("error", message)`` for a `ValidationError`."""
    try:
        return "ok", call(*args, **kwargs)
    except ValidationError as error:
        return "error", str(error)


def slow(classifier, mapping):
    """The fallback: validate through `Signals.from_mapping`, then classify the signals."""
    return outcome(lambda: classifier.classify(Signals.from_mapping(mapping)))


def strangers(classifier, mapping):
    """The keys of a mapping that are not signals of the classifier's rule set (nor ids)."""
    names = {*cc.SIGNALS, *classifier.ruleset.signals, "id", "party_id"}
    return [f"$.{key}" for key in mapping if key not in names]


def fields(message):
    """Each problem's field: a problem a line (only "\\n" ends one; an id may hold "\\r")."""
    return [line.split(":")[0] for line in message.split("\n")]


# Values that are not plainly valid for some canonical signal: each must give the fast path's
# result or error exactly as `Signals.from_mapping` does.
ODD_VALUES = st.sampled_from(
    (
        math.nan,
        math.inf,
        -math.inf,
        -1,
        -0.5,
        -0.0,
        1.5,
        2,
        True,
        False,
        0,
        1,
        0.0,
        1.0,
        3.0,
        10**300,
        -(10**300),
        sys.float_info.max,
        "0.5",
        "",
        [1],
        Decimal(1),
        IntEnum("Count", "ONE")(1),
    )
)
BAD_CUSTOM = st.sampled_from(
    (
        ("bad key", 1),
        ("1st", 1),
        (1, 1),
        ("nps", math.nan),
        ("nps", math.inf),
        ("nps", [1]),
        ("nps", Decimal(1)),
        ("nps", None),
        ("region", "north"),
        ("flag", True),
    )
)


@st.composite
def mappings(draw: st.DrawFn) -> dict[object, object]:
    """Signal mappings, valid and not: random signals, some values dropped or replaced."""
    record: dict[object, object] = dict(draw(testing.signals(custom=False)).as_dict())
    names = sorted(cc.SIGNALS)
    for name in draw(st.lists(st.sampled_from(names), max_size=3)):
        record.pop(name, None)
    for name in draw(st.lists(st.sampled_from(names), max_size=3)):
        record[name] = draw(ODD_VALUES)
    record.update(draw(st.lists(BAD_CUSTOM, max_size=2)))
    return record


class TestFastPath:
    """A plain dict is validated in one pass; anything else must give the fallback's outcome."""

    def test_an_integer_beyond_64_bits_is_refused_as_on_the_slow_path(self):
        """Found by the property below: the fast path once let 10**60 through."""
        with pytest.raises(ValidationError, match=r"\$\.commitment_days: expected a number within"):
            classify({"commitment_days": 10**60})

    @given(mappings())
    def test_same_as_from_mapping(self, mapping):
        classifier = Classifier()
        unknown = strangers(classifier, mapping)
        if unknown:  # every key that is not a signal is named (before the values' problems)
            kind, message = outcome(classifier.classify, mapping)
            assert ("error", unknown) == (kind, fields(message)[: len(unknown)])
            assert (kind, message) == outcome(classify, mapping)
            return
        expected = slow(classifier, mapping)
        assert expected == outcome(classifier.classify, mapping)
        assert expected == outcome(classify, mapping)
        assert expected == outcome(classifier.classify, MappingProxyType(mapping))
        kind, streamed = outcome(lambda: next(classifier.classify_many([mapping])))
        if kind == "error":
            streamed = streamed.replace("$[0]", "$")
        assert expected == (kind, streamed)

    @given(ruleset_and_signals(), mappings())
    def test_same_as_from_mapping_with_custom_signals(self, drawn, mapping):
        ruleset, signals = drawn
        mapping = {**mapping, **signals.custom}
        classifier = Classifier(ruleset)
        unknown = strangers(classifier, mapping)
        if unknown:
            kind, message = outcome(classifier.classify, mapping)
            assert ("error", unknown) == (kind, fields(message)[: len(unknown)])
            return
        expected = slow(classifier, mapping)
        assert expected == outcome(classifier.classify, mapping)
        assert expected[0] == outcome(classifier.signals_of, mapping)[0]
        assert expected == outcome(classifier.classify, MappingProxyType(mapping))

    @pytest.mark.parametrize(
        ("record", "expected"),
        [
            ({"active_engagement": 1}, "$.active_engagement: expected a boolean or null, got 1"),
            ({"active_engagement": "yes"}, "$.active_engagement: expected a boolean or null"),
            ({"tenure_days": True}, "$.tenure_days: expected an integer or null, got True"),
            ({"tenure_days": 3.0}, "$.tenure_days: expected an integer or null, got 3.0"),
            ({"tenure_days": -1}, "$.tenure_days: expected an integer >= 0, got -1"),
            ({"customization": True}, "$.customization: expected a number or null, got True"),
            ({"customization": 1.5}, "$.customization: expected a number between 0 and 1"),
            ({"spend": math.inf}, "$.spend: expected a number >= 0, got inf"),
            ({"spend": -math.inf}, "$.spend: expected a number >= 0, got -inf"),
            ({"spend": -0.01}, "$.spend: expected a number >= 0, got -0.01"),
        ],
    )
    def test_invalid_values_name_the_same_problem(self, record, expected):
        with pytest.raises(ValidationError) as fallback:
            Signals.from_mapping(record)
        assert str(fallback.value).startswith(expected)
        assert ("error", str(fallback.value)) == outcome(classify, record)
        assert ("error", str(fallback.value)) == outcome(Classifier().signals_of, record)

    def test_every_problem_is_listed_once(self):
        record = {"tenure_days": -1, "customization": 2.0, "active_engagement": 0, "x y": None}
        with pytest.raises(ValidationError) as caught:
            classify(record)
        message = str(caught.value)
        assert message.startswith("$.x y: not a signal of default@1")
        for name in ("tenure_days", "customization", "active_engagement", "x y"):
            assert 1 == [line.split(":")[0] for line in message.splitlines()].count(f"$.{name}")

    @pytest.mark.parametrize(
        "record",
        [
            {},
            {"tenure_days": 0, "customization": 0, "spend": 0, "active_engagement": False},
            {"tenure_days": 2**63 - 1, "touchpoints_per_quarter": sys.float_info.max},
            {"collaborative_share": 1, "customization": 1.0, "service_share": 0.5},
            {"commitment_days": None, "active_engagement": None, "customization": math.nan},
            {"id": "acme", "customization": 0.9, "spend": Decimal("10.5")},
        ],
    )
    def test_valid_values_give_equal_signals_and_verdicts(self, record):
        classifier = Classifier()
        signals = Signals.from_mapping({k: v for k, v in record.items() if k != "id"})
        assert signals == classifier.signals_of(record)
        assert signals.custom == classifier.signals_of(record).custom
        assert classifier.classify(signals) == classifier.classify(record)
        assert classifier.classify(signals) == classifier.classify(OrderedDict(record))
        assert classifier.classify(signals).explain() == classifier.classify(record).explain()

    def test_the_dict_is_not_kept(self):
        record = {"customization": 0.9, "nps": 9}
        rules = Ruleset(
            "nps",
            "1",
            RulesetPolicy("first"),
            (Rule("fan", "nps > 8", "A promoter.", role="client"),),
            signals={"nps": "integer"},
        )
        signals = Classifier(rules).signals_of(record)
        record["nps"] = 1
        assert {"nps": 9} == signals.custom

    def test_custom_signal_types_on_the_fast_path(self):
        ruleset = Ruleset(
            "typed",
            "1",
            RulesetPolicy("score", client_at=1, customer_below=0),
            (
                Rule("vip", "vip", "A VIP.", aspect="relationship", points=1),
                Rule(
                    "nps", "nps > 8 or tenure_days > 10", "Promoter.", aspect="business", points=1
                ),
            ),
            signals={"vip": "boolean", "nps": "integer", "unread": "string"},
        )
        classifier = Classifier(ruleset)
        verdict = classifier.classify({"vip": True, "nps": 9, "unread": 1})
        assert (Role.CLIENT, 2.0) == (verdict.role, verdict.score)
        assert verdict == classifier.classify(Signals(custom={"vip": True, "nps": 9, "unread": 1}))
        assert "business -> client (+1): Promoter. [nps=9, tenure_days=unknown]" == str(
            verdict.evidence[1]
        )
        for record, expected in (
            ({"vip": 1}, "$.vip: expected a boolean or null, got 1"),
            ({"vip": "yes"}, "$.vip: expected a boolean or null, got 'yes'"),
            ({"nps": 9.5}, "$.nps: expected a integer or null, got 9.5"),
            ({"vip": True, "tenure_days": -1}, "$.tenure_days: expected an integer >= 0, got -1"),
        ):
            with pytest.raises(ValidationError) as caught:
                classifier.classify(record)
            assert expected == str(caught.value)
            assert ("error", expected) == slow(classifier, record)

    def test_entities_and_signals_skip_the_fast_path(self):
        customer = cc.Customer(cc.Party("ann", "Ann", "person"), since=dt.date(2026, 1, 1))
        as_of = dt.date(2026, 2, 1)
        derived = cc.derive_signals_for(customer, as_of=as_of)
        assert classify(derived) == classify(customer, as_of=as_of)
        assert classify(derived.as_dict()) == classify(customer, as_of=as_of)
        with pytest.raises(ValidationError, match=r"^\$\.as_of: expected a date"):
            classify(customer, as_of="2026-02-01")  # type: ignore[arg-type]
        assert classify(derived) == classify(customer, as_of=as_of)


class TestResultValidation:
    """The results are built without validators on the hot path; built by hand, they validate."""

    def test_numbers_must_be_finite(self):
        for bad in (math.nan, math.inf, True, "1"):
            with pytest.raises(ValidationError, match=r"^\$\.score: expected a finite number"):
                Classification("client", bad, 0.0, "r@1", "score")
            with pytest.raises(ValidationError, match=r"^\$\.points: expected a finite number"):
                cc.AspectLeaning("business", None, bad)
        with pytest.raises(ValidationError, match=r"^\$\.points: expected a finite number"):
            cc.Evidence("r", None, None, math.nan, "Because.")

    def test_evidence_values(self):
        with pytest.raises(ValidationError, match="expected a dict of signal name to value"):
            cc.Evidence("r", None, None, None, "Because.", values=[("a", 1)])
        with pytest.raises(ValidationError, match="expected a dict of signal name to value"):
            cc.Evidence("r", None, None, None, "Because.", values={1: 1})
        with pytest.raises(ValidationError) as caught:
            cc.Evidence("r", None, None, None, "Because.", values={"a": [1]})
        assert str(caught.value).startswith(
            "$.values.a: expected a number, boolean, string or null"
        )
        item = cc.Evidence("r", "business", None, None, "Because.", values={"a": None, "b": 1.5})
        assert "business: Because. [a=unknown, b=1.5]" == str(item)

    def test_leanings_without_aspect_or_direction(self):
        verdict = Classification(
            "ambiguous",
            0.0,
            0.0,
            "r@1",
            "r",
            fired=("r", "s"),
            evidence=(
                cc.Evidence("r", None, "client", None, "No aspect."),
                cc.Evidence("s", "business", None, None, "No direction."),
            ),
        )
        business = {item.aspect: item for item in verdict.leanings}[cc.Aspect.BUSINESS]
        assert (None, 0.0, ("s",)) == (business.leans, business.points, business.rules)
        assert all(item.rules == () for item in verdict.leanings if item != business)
        assert "unknown:" not in verdict.explain()
        assert verdict.explain().startswith("ambiguous (score 0, at the client threshold) by r@1")


class TestStreamingArguments:
    @pytest.mark.parametrize("every", [0, -1, True, 2.0, "10"])
    def test_every(self, every):
        with pytest.raises(ValidationError, match=r"^every: expected an integer >= 1"):
            list(classify_many([{}], every=every))

    def test_progress(self):
        with pytest.raises(ValidationError, match=r"^progress: expected a callable"):
            list(classify_many([{}], progress=3))  # type: ignore[arg-type]
        seen = []
        assert [] == list(classify_many([], progress=seen.append))
        assert [] == seen
