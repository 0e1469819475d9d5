"""Issue 13, case 6: lifecycle history can be back-dated and loses facts."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import clientcustomer as cc
from clientcustomer import (
    LIFECYCLE,
    ClassificationSummary,
    Client,
    Customer,
    Engagement,
    FormerClient,
    LifecycleState,
    Party,
    Stage,
)
from clientcustomer.cli import main
from clientcustomer.exceptions import TransitionError

D = dt.date
ANN = Party("ann", "Ann Lee", "person")
RELATIONAL = {
    "collaborative_share": 0.7,
    "customization": 0.9,
    "service_share": 1.0,
    "tenure_days": 500,
    "touchpoints_per_quarter": 5.0,
}


MARCH_2 = D(2026, 3, 2)


def retainer(eid="r1", start=MARCH_2, end=None):
    return Engagement(eid, "ann", "Retainer", start=start, end=end)


class TestNoBackDating:
    def test_become_client_before_the_customer_since_is_refused(self):
        """A promotion dated before the day the party became a customer is refused, saying so."""
        ann = Customer(ANN, since=D(2025, 6, 1))

        with pytest.raises(TransitionError) as caught:
            ann.become_client(retainer(start=D(2020, 1, 1)), on=D(2024, 1, 1))

        assert ("engage", "customer") == (caught.value.event, caught.value.stage)
        assert any("2025-06-01" in reason for reason in caught.value.reasons), caught.value.reasons

    def test_lapse_before_the_client_since_is_refused(self):
        """A lapse dated before the client's since is refused, whatever the grace period."""
        client = Client(ANN, since=D(2026, 3, 2))

        with pytest.raises(TransitionError) as caught:
            client.lapse(on=D(2025, 1, 1), lifecycle=cc.Lifecycle(grace_days=0))

        assert any("2026-03-02" in reason for reason in caught.value.reasons), caught.value.reasons

    def test_before_the_last_history_entry_is_refused(self):
        """A change dated before the last recorded change is refused with that reason."""
        client = Customer(ANN, since=D(2025, 6, 1)).become_client(retainer(), on=D(2026, 3, 2))

        with pytest.raises(TransitionError, match="before the last recorded change"):
            client.renew(retainer("r2", start=D(2026, 1, 1)), on=D(2026, 1, 1))

    @pytest.mark.parametrize(
        ("stage", "event"),
        [
            ("prospect", "purchase"),
            ("prospect", "engage"),
            ("customer", "engage"),
            ("client", "renew"),
            ("client", "lapse"),
            ("former_client", "purchase"),
            ("former_client", "re_engage"),
            ("customer", "correct"),
        ],
    )
    def test_cli_check_refuses_every_event_dated_before_since(self, capsys, stage, event):
        """`lifecycle check --since 2027-01-01 --on 2026-01-01` is refused for every event."""
        argv = ["lifecycle", "check", "--stage", stage, "--event", event]
        argv += ["--since", "2027-01-01", "--on", "2026-01-01"]
        argv += ["--role", "client", "--score", "9", "--margin", "4", "--actor", "Dana"]
        if event == "correct":
            argv += ["--to", "client", "--reason", "typo"]

        status = main(argv)
        out = capsys.readouterr().out

        assert 1 == status, out
        assert out.startswith("refused:")
        assert "2027-01-01" in out


class TestPromotionKeepsHistory:
    def test_client_remembers_when_the_party_became_a_customer(self):
        """`Client.stage_as_of` matches what the `Customer` said, on every date before."""
        ann = Customer(ANN, since=D(2025, 6, 1))

        client = ann.become_client(retainer(), on=D(2026, 3, 2))

        for day in (D(2020, 1, 1), D(2025, 5, 31), D(2025, 6, 1), D(2026, 3, 1)):
            assert ann.stage_as_of(day) == client.stage_as_of(day), day
        assert client.stage_as_of(D(2020, 1, 1)) is None
        assert Stage.CUSTOMER == client.stage_as_of(D(2025, 6, 1))
        assert D(2025, 6, 1) == client.history[0].on
        assert Stage.CUSTOMER == client.history[0].target

    def test_former_client_remembers_when_the_party_became_a_client(self):
        """A lapse keeps the day the relationship became a client."""
        client = Client(ANN, since=D(2026, 3, 2))

        former = client.lapse(on=D(2026, 9, 1))

        for day in (D(2020, 1, 1), D(2026, 3, 1), D(2026, 3, 2), D(2026, 8, 31)):
            assert client.stage_as_of(day) == former.stage_as_of(day), day

    @given(
        since=st.dates(D(2024, 1, 1), D(2025, 12, 31)),
        gap=st.integers(0, 400),
        probe=st.integers(-800, 800),
    )
    def test_every_move_keeps_every_earlier_answer(self, since, gap, probe):
        """Customer -> Client -> FormerClient -> Client: earlier answers never change."""
        on = since + dt.timedelta(days=gap)
        day = since + dt.timedelta(days=probe)
        customer = Customer(ANN, since=since)
        client = customer.become_client(retainer(start=on, end=on), on=on)
        later = on + dt.timedelta(days=200)
        former = client.lapse(on=later)
        again = former.re_engage(retainer("r2", start=later), on=later)

        if day < on:
            assert customer.stage_as_of(day) == client.stage_as_of(day)
        if day < later:
            assert client.stage_as_of(day) == former.stage_as_of(day)
        assert former.stage_as_of(day) == again.stage_as_of(day) or day >= later


class TestClassificationSummary:
    def test_summary_keeps_the_rules_that_fired(self):
        """`Classification.summary()` keeps the role, score, margin, rule set and fired rules."""
        verdict = cc.classify(RELATIONAL)

        summary = verdict.summary()

        assert isinstance(summary, ClassificationSummary)
        assert (verdict.role.value, verdict.score, verdict.margin) == (
            summary.role,
            summary.score,
            summary.margin,
        )
        assert ("default@1", verdict.fired) == (summary.ruleset, summary.rules)

    def test_of_a_classification_uses_its_summary(self):
        """`ClassificationSummary.of` a package `Classification` keeps the fired rules."""
        verdict = cc.classify(RELATIONAL)

        assert verdict.fired == ClassificationSummary.of(verdict).rules

    def test_become_client_records_the_rules_that_fired(self):
        """A promotion on a classification records the rules that fired, not an empty tuple."""
        verdict = cc.classify(RELATIONAL)
        ann = Customer(ANN, since=D(2025, 6, 1))

        client = ann.become_client(on=D(2026, 3, 2), classification=verdict, actor="Dana")

        recorded = client.history[-1].classification
        assert recorded is not None
        assert len(verdict.fired) >= 5
        assert verdict.fired == recorded.rules

    def test_lifecycle_fire_records_the_rules(self):
        """The engine itself summarizes a Classification through `summary()`."""
        verdict = cc.classify(RELATIONAL)

        state = LIFECYCLE.fire(
            "engage",
            LifecycleState("customer"),
            on=D(2026, 3, 2),
            classification=verdict,
            actor="Dana",
        )

        assert verdict.fired == state.history[-1].classification.rules


def test_re_engage_before_the_lapse_is_refused():
    """A former client cannot come back on a day before it lapsed."""
    former = FormerClient(ANN, since=D(2026, 7, 1))

    with pytest.raises(TransitionError) as caught:
        former.re_engage(retainer("r2", start=D(2026, 1, 1)), on=D(2026, 6, 1))

    assert any("2026-07-01" in reason for reason in caught.value.reasons), caught.value.reasons
