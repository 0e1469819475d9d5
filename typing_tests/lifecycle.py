"""The lifecycle's public API, type-checked only (never run)."""

import datetime as dt
from typing import assert_type

from clientcustomer import (
    LIFECYCLE,
    ClassificationSummary,
    Client,
    Customer,
    EmergingClient,
    Engagement,
    FormerClient,
    Interaction,
    LifecycleState,
    Party,
    PartyTimeline,
    Signals,
    Stage,
    StageChange,
    TransitionCheck,
    classify,
    default_ruleset,
    emerging_clients,
    lifecycle_diagram,
    timeline,
)

day = dt.date(2026, 3, 2)
work = Engagement("e1", "acme", "Work", start=day)
customer = Customer(Party("acme", "Acme Ltd"), since=day)

client = customer.become_client(work, on=day, actor="Dana")
assert_type(client, Client)
assert_type(client.renew(work, on=day), Client)
former = client.lapse(on=day)
assert_type(former, FormerClient)
assert_type(former.re_engage(work, on=day), Client)
assert_type(client.history, tuple[StageChange, ...])
assert_type(client.stage_as_of(day), Stage | None)
assert_type(client.lifecycle, LifecycleState)

state = LIFECYCLE.fire("purchase", LifecycleState(), on=day)
assert_type(state, LifecycleState)
assert_type(state.stage_as_of(day), Stage)
assert_type(LIFECYCLE.can("engage", state, on=day), TransitionCheck)
assert_type(LIFECYCLE.correct(state, "client", on=day, actor="Dana", reason="x"), LifecycleState)
assert_type(lifecycle_diagram(), str)


assert_type(classify({"customization": 0.5}).summary(), ClassificationSummary)


def stand_in(signals: Signals) -> ClassificationSummary:
    return ClassificationSummary("customer", float(signals.purchases or 0), -1.0)


log = [Interaction("acme", day, "purchase")]
lines = timeline(log, classify=stand_in)
assert_type(lines, tuple[PartyTimeline, ...])
assert_type(lines[0].became_client(), dt.date | None)
assert_type(emerging_clients(lines), tuple[EmergingClient, ...])
watch = emerging_clients(lines, ruleset=default_ruleset(), near=0.1)
assert_type(watch, tuple[EmergingClient, ...])
assert_type(watch[0].rules, tuple[str, ...])
assert_type(watch[0].shortfall, float)
