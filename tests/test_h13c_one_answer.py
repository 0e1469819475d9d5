"""Issue 13, case 10: the lifecycle and the classifier give one answer about a party."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import clientcustomer as cc
from clientcustomer import (
    LIFECYCLE,
    ClassificationSummary,
    Customer,
    Engagement,
    Interaction,
    LifecycleState,
    Party,
    Stage,
)
from clientcustomer.advice.timeline import engagements_from_log
from clientcustomer.cli import main
from clientcustomer.exceptions import TransitionError
from clientcustomer.testing import interactions

D = dt.date


def signed_on_5_january(party: str, item: str, reference: str) -> Interaction:
    """A service agreement signed on 2024-01-05, the day both stories begin."""
    return Interaction(
        party, D(2024, 1, 5), "agreement_signed", offering="service", item=item, reference=reference
    )


def phone_subscriber(party="tel-900"):
    """A 24-month mobile plan signed, then monthly fees and one support call."""
    log = [signed_on_5_january(party, "Mobile plan 30 GB, 24 months", "PLAN-1")]
    log += [
        Interaction(
            party,
            D(2024, month, 5),
            "purchase",
            offering="service",
            item="Mobile plan 30 GB",
            amount=Decimal("22.00"),
        )
        for month in range(1, 13)
    ]
    log.append(Interaction(party, D(2024, 6, 10), "support", offering="service"))
    return log


def research_client(party="rsch-900"):
    """A survey project signed, then worked out together: workshops and customized analysis."""
    return [
        signed_on_5_january(party, "Customer survey", "SOW-1"),
        Interaction(party, D(2024, 1, 9), "workshop", offering="service", customized=True),
        Interaction(party, D(2024, 2, 6), "consultation", offering="service", customized=True),
        Interaction(
            party,
            D(2024, 3, 1),
            "purchase",
            offering="service",
            item="Survey analysis",
            amount=Decimal(4000),
            customized=True,
        ),
    ]


class TestPhoneSubscriber:
    def test_timeline_keeps_a_plain_contract_a_customer(self):
        """A signed 24-month plan with fees and a support call stays a customer, as classified."""
        log = phone_subscriber()

        [line] = cc.timeline(log)

        verdict = cc.classify(cc.derive_signals(log, as_of=D(2024, 12, 31)))
        assert "customer" == verdict.role.value
        assert Stage.CUSTOMER == line.state.stage
        assert line.became_client() is None

    def test_cli_timeline_says_customer(self, capsys, tmp_path: Path):
        """`clientcustomer timeline` does not call the subscriber a client."""
        path = tmp_path / "log.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            # The native layout's columns are the fields of `Interaction`, in order.
            header = [field.name for field in attrs.fields(Interaction)]
            writer.writerow(header)
            writer.writerows([getattr(i, name) for name in header] for i in phone_subscriber())

        status = main(["timeline", str(path)])
        out = capsys.readouterr().out

        assert 0 == status
        assert out.startswith("tel-900: customer since 2024-01-05\n"), out
        assert "client since" not in out

    def test_a_customer_classification_refuses_the_promotion(self):
        """An engagement with a `customer` classification as evidence does not promote."""
        log = phone_subscriber()
        verdict = cc.classify(cc.derive_signals(log, as_of=D(2024, 1, 5)))
        plan = Engagement("PLAN-1", "tel-900", "Mobile plan", start=D(2024, 1, 5))
        subscriber = Customer(Party("tel-900", "Bea"), since=D(2024, 1, 5))

        with pytest.raises(TransitionError) as caught:
            subscriber.become_client(plan, on=D(2024, 1, 5), classification=verdict)

        assert any("classified customer" in reason for reason in caught.value.reasons)

    def test_engine_refuses_with_the_reason(self):
        """The engine's check names the customer classification as the reason."""
        plan = Engagement("PLAN-1", "tel-900", "Mobile plan", start=D(2024, 1, 5))

        check = LIFECYCLE.can(
            "engage",
            LifecycleState("customer"),
            on=D(2024, 1, 5),
            engagements=(plan,),
            classification=ClassificationSummary("customer", 2, -3, "default@1"),
        )

        assert not check
        assert any("customer" in reason for reason in check.reasons)


class TestClientEngagement:
    def test_a_worked_out_project_promotes_when_the_evidence_shows_it(self):
        """A signed project promotes on the first day the classifier does not say customer."""
        log = research_client()

        [line] = cc.timeline(log)

        became = line.became_client()
        assert became is not None
        verdict = cc.classify(cc.derive_signals(log, as_of=became))
        assert "customer" != verdict.role.value
        assert D(2024, 1, 5) <= became <= D(2024, 1, 9)
        promotion = next(c for c in line.changes if c.target is Stage.CLIENT)
        assert promotion.classification is not None
        assert "customer" != promotion.classification.role

    def test_an_engagement_alone_still_promotes_an_entity(self):
        """Without a classification offered, the caller's engagement is enough, as before."""
        ann = Customer(Party("ann", "Ann"), since=D(2025, 6, 1))
        work = Engagement("r1", "ann", "Retainer", start=D(2026, 3, 2))

        assert Stage.CLIENT == ann.become_client(work, on=D(2026, 3, 2)).stage


KINDS = (
    "purchase",
    "purchase",
    "meeting",
    "workshop",
    "consultation",
    "support",
    "agreement_signed",
    "agreement_ended",
)
LOGS = st.lists(
    interactions(kinds=KINDS, dates=st.dates(D(2026, 1, 1), D(2026, 9, 30))),
    min_size=1,
    max_size=14,
)


@given(log=LOGS)
@example(log=phone_subscriber())
@example(log=research_client())
def test_timeline_and_classifier_never_say_client_and_customer_at_once(log):
    """On every day of a replay the stage and the verdict never contradict each other.

    A party the timeline calls a client is never classified a customer that day; a party it
    calls a customer is classified a client only when no engagement runs that day (promotion on
    a classification alone waits for a person to confirm it).
    """
    [line] = cc.timeline(log, every_days=7)
    work = engagements_from_log(log)
    days = {item.on for item in log} | {point.on for point in line.scores}
    for day in sorted(days):
        stage = line.state.stage_as_of(day)
        verdict = cc.classify(cc.derive_signals(log, as_of=day)).role.value
        assert not (stage is Stage.CLIENT and verdict == "customer"), (day, line.changes)
        if stage is Stage.CUSTOMER and verdict == "client":
            assert not any(e.is_active(day) for e in work), (day, line.changes)
