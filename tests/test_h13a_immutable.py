"""Issue 13, case 8: public constants and the tables inside frozen objects cannot be changed."""

from __future__ import annotations

import pytest

import clientcustomer as cc
from clientcustomer import structure, unstructure


def custom_rules() -> cc.Ruleset:
    return cc.Ruleset(
        "nps",
        "1",
        cc.RulesetPolicy("first"),
        (cc.Rule("fan", "nps >= 9", "A promoter.", role="client"),),
        signals={"nps": "integer"},
        examples=(cc.RulesetExample("fan", "client", {"nps": 10}),),
    )


class TestMutationFails:
    def test_signals_table(self):
        """``SIGNALS`` is read-only: no key can be popped, added or replaced."""
        with pytest.raises(AttributeError):
            cc.SIGNALS.pop("tenure_days")  # type: ignore[attr-defined]
        with pytest.raises(TypeError):
            cc.SIGNALS["x"] = cc.SIGNALS["tenure_days"]  # type: ignore[index]
        assert "tenure_days" in cc.SIGNALS

    def test_default_ruleset_tables(self):
        """The default rule set's custom-signal table cannot be changed under later classifiers."""
        with pytest.raises(TypeError):
            cc.default_ruleset().signals["nps"] = "number"  # type: ignore[index]
        assert {} == dict(cc.default_ruleset().signals)

    def test_ruleset_and_example_tables(self):
        rules = custom_rules()
        with pytest.raises(TypeError):
            rules.signals["nps"] = "string"  # type: ignore[index]
        with pytest.raises(TypeError):
            rules.examples[0].signals["nps"] = 0  # type: ignore[index]

    def test_a_ruleset_does_not_share_the_callers_dict(self):
        """Changing the dict a rule set was built from does not change the rule set."""
        table = {"nps": "integer"}
        rules = cc.Ruleset(
            "nps",
            "1",
            cc.RulesetPolicy("first"),
            (cc.Rule("fan", "nps >= 9", "A promoter.", role="client"),),
            signals=table,  # type: ignore[arg-type]
        )
        table["nps"] = "string"

        assert "integer" == rules.signals["nps"]

    def test_signals_custom(self):
        signals = cc.Signals(custom={"nps": 9})
        with pytest.raises(TypeError):
            signals.custom["nps"] = 0  # type: ignore[index]

    def test_evidence_values(self):
        evidence = cc.classify({"customization": 0.9}).evidence[0]
        with pytest.raises(TypeError):
            evidence.values["customization"] = 0.0  # type: ignore[index]


class TestSerializationKeepsWorking:
    def test_round_trips(self):
        """cattrs still (un)structures every type holding a read-only table."""
        rules = custom_rules()
        signals = cc.Signals(tenure_days=3, custom={"nps": 9})
        verdict = cc.Classifier(rules).classify({"nps": 9})

        for value, cls in (
            (rules, cc.Ruleset),
            (signals, cc.Signals),
            (verdict, cc.Classification),
        ):
            assert value == structure(cls, unstructure(value))
