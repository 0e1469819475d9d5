"""Random event sequences against a simple model of the lifecycle."""

import datetime as dt
import itertools
import json

import attrs
import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

import clientcustomer as cc
from clientcustomer import (
    LIFECYCLE,
    ClassificationSummary,
    Engagement,
    LifecycleEvent,
    LifecycleState,
    Stage,
    StageChange,
)
from clientcustomer.exceptions import TransitionError
from clientcustomer.testing import classification_summaries

START = dt.date(2026, 1, 1)
ORIGIN = START - dt.timedelta(days=365)

# The model: which event moves which stage where, written out independently of the table.
ALLOWED = {
    ("purchase", "prospect"): "customer",
    ("purchase", "former_client"): "customer",
    ("engage", "prospect"): "client",
    ("engage", "customer"): "client",
    ("renew", "client"): "client",
    ("lapse", "client"): "former_client",
    ("re_engage", "former_client"): "client",
}


@st.composite
def engagements(draw, on):
    """Up to three engagements placed around ``on``: ended, running or to come."""
    count = draw(st.sampled_from((0, 0, 1, 1, 2, 3)))
    found = []
    for index in range(count):
        start = on + dt.timedelta(days=draw(st.integers(-500, 100)))
        length = draw(st.none() | st.integers(0, 300))
        end = None if length is None else start + dt.timedelta(days=length)
        found.append(Engagement(f"e{index}", "acme", "Work", start=start, end=end))
    return tuple(found)


def json_round_trip(state):
    """Round-trip a state through JSON text with the library's converter."""
    return cc.from_json(LifecycleState, cc.to_json(state))


def local_round_trip(state):
    """Round-trip through JSON text by hand, for when the library's converter is not there."""
    text = json.dumps(attrs.asdict(state), default=str)
    data = json.loads(text)
    changes = []
    for item in data["history"]:
        summary = item.pop("classification")
        changes.append(
            StageChange(
                dt.date.fromisoformat(item.pop("on")),
                item.pop("event"),
                item.pop("source"),
                item.pop("target"),
                classification=None
                if summary is None
                else ClassificationSummary(**{**summary, "rules": tuple(summary["rules"])}),
                **item,
            )
        )
    return LifecycleState(data["stage"], history=tuple(changes))


def round_trip(state):
    try:
        return json_round_trip(state)
    except NotImplementedError:
        return local_round_trip(state)


class LifecycleMachine(RuleBasedStateMachine):
    """Drive the default lifecycle with random events and check it against the model."""

    def __init__(self):
        super().__init__()
        self.state = LifecycleState()
        self.today = START
        self.since: dt.date | None = None
        self.seen: list[tuple[dt.date, Stage]] = [(ORIGIN, Stage.PROSPECT)]

    @initialize(stage=st.sampled_from(Stage))
    def begin(self, stage):
        self.state = LifecycleState(stage)
        self.seen = [(ORIGIN, stage)]

    @rule(days=st.integers(0, 200))
    def wait(self, days):
        self.today += dt.timedelta(days=days)

    @rule(
        data=st.data(),
        name=st.sampled_from([*LifecycleEvent, "promote"]),
        classification=st.none() | classification_summaries(),
        actor=st.none() | st.just("Dana"),
        backdate=st.sampled_from([0, 0, 0, 1]),
    )
    def fire(self, data, name, classification, actor, backdate):
        on = self.today - dt.timedelta(days=backdate)
        found = data.draw(engagements(on))
        to = data.draw(st.none() | st.sampled_from(Stage)) if name == "correct" else None
        reason = data.draw(st.sampled_from(["", "because"]))
        before = self.state
        expected = self.model(
            name,
            on=on,
            found=found,
            classification=classification,
            actor=actor,
            to=to,
            reason=reason,
        )
        check = LIFECYCLE.can(
            name,
            before,
            on=on,
            engagements=found,
            classification=classification,
            actor=actor,
            to=to,
            reason=reason,
        )
        assert (expected is not None) == check.allowed, check.reasons
        facts = {
            "on": on,
            "engagements": found,
            "classification": classification,
            "actor": actor,
            "to": to,
            "reason": reason,
        }
        event(f"{'refused' if expected is None else 'accepted'} {name}")
        if expected is None:
            with pytest.raises(TransitionError) as caught:
                LIFECYCLE.fire(name, before, **facts)
            error = caught.value
            assert error.reasons
            assert all(isinstance(r, str) and r.strip() for r in error.reasons)
            assert (str(name), before.stage.value) == (error.event, error.stage)
            assert check.reasons == error.reasons
            return
        after = LIFECYCLE.fire(name, before, **facts)
        assert expected == after.stage
        assert before.history == after.history[:-1]
        change = after.history[-1]
        assert (on, before.stage, expected) == (change.on, change.source, change.target)
        assert change.reason.strip()
        assert (name == "correct") == change.correction
        self.state = after
        if change.source is not change.target:
            self.since = on
        self.seen.append((on, expected))

    def model(self, event, *, on, found, classification, actor, to, reason):  # noqa: C901, PLR0911
        """The stage the event leads to, or None when it must be refused."""
        stage = self.state.stage.value
        if self.state.history and on < self.state.history[-1].on:
            return None
        if event == "correct":
            if to is None or to == self.state.stage or not reason or actor is None:
                return None
            return Stage(to)
        target = ALLOWED.get((event, stage))
        if target is None:
            return None
        active = [e for e in found if e.start <= on and (e.end is None or on <= e.end)]
        confirmed = (
            classification is not None
            and classification.role == "client"
            and classification.margin > 0
            and actor is not None
        )
        says_customer = classification is not None and classification.role == "customer"
        if event in {"engage", "re_engage"}:
            if active and says_customer:  # a contract without relational evidence
                return None
            if not (active or confirmed):
                return None
        if event == "renew" and not any(e.end is None or e.end >= on for e in found):
            return None
        if event == "lapse" and not says_customer:  # a customer verdict ends it at once
            if any(e.start > on or e in active for e in found):
                return None
            ends = [e.end for e in found if e.end is not None] or (
                [self.since] if self.since else []
            )
            if ends and on <= max(ends) + dt.timedelta(days=90):
                return None
        return Stage(target)

    @invariant()
    def only_table_moves(self):
        """Every change that is not a correction is a row of the table."""
        for change in self.state.history:
            if not change.correction:
                key = (change.event.value, change.source.value)
                assert ALLOWED[key] == change.target.value

    @invariant()
    def never_back_to_prospect(self):
        """Only a correction leads to prospect."""
        assert all(
            change.correction for change in self.state.history if change.target is Stage.PROSPECT
        )

    @invariant()
    def history_grows_in_order(self):
        """History is chained and ordered, and grows with each accepted event."""
        history = self.state.history
        assert len(self.seen) - 1 == len(history)
        for previous, change in itertools.pairwise(history):
            assert previous.target == change.source
            assert previous.on <= change.on
        if history:
            assert history[-1].target == self.state.stage

    @invariant()
    def stage_as_of_agrees(self):
        """The stage on each date a change happened, and the day before, matches the model."""
        for day, _ in self.seen:
            expected = [stage for when, stage in self.seen if when <= day][-1]
            assert expected == self.state.stage_as_of(day)
        first = self.seen[0][1]
        assert first == self.state.stage_as_of(ORIGIN)

    @precondition(lambda self: bool(self.state.history))
    @invariant()
    def round_trips_through_json(self):
        """The state, history included, comes back equal from JSON."""
        assert self.state == round_trip(self.state)


LifecycleMachine.TestCase.settings = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLifecycleMachine = LifecycleMachine.TestCase
