"""The timeline's cheaper paths give exactly what the plain ones give.

* a replay's accumulator (`SignalAccumulator._watch_refunds`) skips the refund matching while no
  refund shares a key or a reference with a purchase line, and matches again as soon as one
  does, including a line added after the refund (an order reference reaching a later line);
* the rows a replay folds in coded (`PartyRecords.coded`) are the rows `in_date_order` reads;
* the lifecycle's one decision (`Lifecycle._decide`): the replay's `_allowed` is what `can` and
  `fire` say, on any state, event, date, engagements and evidence;
* the checkpoints, the relational signals (read once per policy) and the near misses with the
  default rule set (its compiled classifier shared) are what they were.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientcustomer import (
    LIFECYCLE,
    Interaction,
    LifecycleEvent,
    derive_signals,
    near_misses,
    replay,
    timeline,
)
from clientcustomer.advice import timeline as tl
from clientcustomer.advice.timeline import relational_signals
from clientcustomer.exceptions import TransitionError
from clientcustomer.rules.ruleset import default_ruleset
from clientcustomer.signals import accumulate as acc
from clientcustomer.signals.accumulate import SignalAccumulator, record_log
from clientcustomer.testing import (
    classification_summaries,
    engagements,
    lifecycle_states,
    signals,
    streamed_logs,
)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
D = dt.date
EVENTS = [event for event in LifecycleEvent if event is not LifecycleEvent.CORRECT]


def _replayed(log: list[Interaction], days: list[dt.date], *, watch: bool) -> list[object]:
    """Party p's signals on each day, fed its coded rows day by day as the timeline does."""
    records = record_log(log)["p"]
    accumulator = records.accumulator()
    if watch:
        accumulator._watch_refunds()
    rows = records.coded()
    fed, found = 0, []
    for day in sorted(days):
        while fed < len(rows) and rows[fed][0] <= day.toordinal():
            accumulator._add(*rows[fed])
            fed += 1
        found.append(accumulator._signals(day, day.toordinal()))
    return found


_DAYS = st.dates(D(2025, 1, 1), D(2027, 6, 30))


@FAST
@given(streamed_logs(parties=("p",)), st.lists(_DAYS, min_size=1, max_size=6))
def test_watched_refunds_give_derived_signals_at_every_checkpoint(drawn, days):
    log, _ = drawn
    log = [item for item in log if item.party_id == "p"]
    if not log:
        return
    latest = max(item.on for item in log)
    days = sorted(days)
    days[-1] = max(days[-1], latest)  # the last checkpoint sees every row
    expected = [derive_signals(log, as_of=day, party_id="p") for day in days]
    assert _replayed(log, days, watch=True) == expected
    assert _replayed(log, days, watch=False) == expected


def _buy(on: dt.date, item: str, amount: str, reference: str = "") -> Interaction:
    return Interaction("p", on, "purchase", item=item, amount=Decimal(amount), reference=reference)


def _refund(kind: str, on: dt.date, item: str, amount: str, reference: str = "") -> Interaction:
    return Interaction("p", on, kind, item=item, amount=Decimal(amount), reference=reference)


def _no_matching(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the calls of the refund matching."""
    calls: list[int] = []
    matched = SignalAccumulator._matched

    def counted(self: SignalAccumulator) -> tuple[object, ...]:
        calls.append(1)
        return matched(self)

    monkeypatch.setattr(SignalAccumulator, "_matched", counted)
    return calls


def test_refunds_sharing_nothing_with_a_line_are_not_matched(monkeypatch):
    calls = _no_matching(monkeypatch)
    log = [
        _buy(D(2026, 1, 5), "mug", "10", "O1"),
        _refund("return", D(2026, 2, 1), "tea", "4"),  # no line of tea at 4
        _refund("cancellation", D(2026, 2, 3), "", "0", "O9"),  # no order O9
        _buy(D(2026, 3, 1), "bowl", "7", "O2"),
    ]
    days = [D(2026, 1, 31), D(2026, 2, 2), D(2026, 2, 28), D(2026, 3, 2)]
    expected = [derive_signals(log, as_of=day, party_id="p") for day in days]
    calls.clear()  # derive_signals' own accumulators match
    assert _replayed(log, days, watch=True) == expected
    assert not calls
    assert _replayed(log, days, watch=False) == expected
    assert calls  # the plain accumulator matches them


@pytest.mark.parametrize(
    ("later", "what"),
    [
        (_buy(D(2026, 3, 1), "bowl", "7", "O9"), "an order line with the cancelled reference"),
        (_buy(D(2026, 3, 1), "tea", "4", "O3"), "a line of the returned item and amount"),
    ],
)
def test_a_line_added_after_a_refund_it_shares_with_is_matched(monkeypatch, later, what):
    """A cancellation of order O9 reaches O9's lines added later: the matching is done again."""
    calls = _no_matching(monkeypatch)
    log = [
        _buy(D(2026, 1, 5), "mug", "10", "O1"),
        _refund("return", D(2026, 2, 1), "tea", "4"),
        _refund("cancellation", D(2026, 2, 3), "", "0", "O9"),
        later,
    ]
    days = [D(2026, 2, 28), D(2026, 3, 2), D(2026, 4, 1)]
    expected = [derive_signals(log, as_of=day, party_id="p") for day in days]
    calls.clear()
    assert _replayed(log, days, watch=True) == expected, what
    assert calls, what
    if later.reference == "O9":  # the cancellation undoes the order: no purchase is left of it
        assert expected[-1].purchases == 1


def test_a_refund_added_after_a_line_it_shares_with_is_matched(monkeypatch):
    calls = _no_matching(monkeypatch)
    log = [_buy(D(2026, 1, 5), "mug", "10", "O1"), _refund("return", D(2026, 2, 1), "mug", "10")]
    days = [D(2026, 1, 31), D(2026, 2, 2)]
    expected = [derive_signals(log, as_of=day, party_id="p") for day in days]
    calls.clear()
    found = _replayed(log, days, watch=True)
    assert found == expected
    assert found[-1].purchases == 0
    assert calls


def test_coded_rows_are_the_rows_in_date_order():
    log = [
        _buy(D(2026, 3, 1), "bowl", "7", "O2"),
        _buy(D(2026, 1, 5), "mug", "10", "C536379"),
        _refund("cancellation", D(2026, 2, 3), "", "0", "text ref"),
        Interaction("p", D(2026, 2, 4), "meeting", collaborative=True),
    ]
    records = record_log(log)["p"]
    coded = records.coded()
    plain = list(records.in_date_order())
    assert [(*row[:7], records.reference(row[9])) for row in coded] == plain
    keys = records._tables.keys
    assert [keys[row[8]] for row in coded] == [row[2:5] for row in plain]
    assert records.latest == D(2026, 3, 1).toordinal()


# --- the lifecycle's one decision -----------------------------------------------------------------


@FAST
@given(
    state=lifecycle_states(max_events=6),
    event=st.sampled_from(EVENTS),
    on=st.dates(D(2025, 1, 1), D(2028, 12, 31)),
    work=st.lists(engagements(client_id="acme"), max_size=3, unique_by=lambda e: e.id),
    evidence=st.none() | classification_summaries(),
)
def test_the_replays_decision_is_can_and_fire(state, event, on, work, evidence):
    offered = tuple(work)
    change = LIFECYCLE._allowed(event, state, on, offered, evidence)
    check = LIFECYCLE.can(event, state, on=on, engagements=offered, classification=evidence)
    assert check.allowed is (change is not None)
    if change is None:
        with pytest.raises(TransitionError):
            LIFECYCLE.fire(event, state, on=on, engagements=offered, classification=evidence)
    else:
        fired = LIFECYCLE.fire(event, state, on=on, engagements=offered, classification=evidence)
        assert fired.history[-1] == change
        assert check.target is change.target


def test_every_reason_is_still_given_when_the_target_is_wrong():
    """`can` (the full decision) words the table's target and every guard's refusal."""
    check = LIFECYCLE.can(
        "engage", LIFECYCLE.fire("purchase", _prospect(), on=D(2026, 1, 1)), on=D(2026, 1, 2),
        to="former_client",
    )  # fmt: skip
    assert check.reasons[0] == "'engage' from 'customer' leads to client, not 'former_client'"
    assert len(check.reasons) == 3  # and the guard's two: no engagement, no classification
    assert check.target is not None
    assert check.target.value == "client"


def _prospect():
    from clientcustomer import LifecycleState  # noqa: PLC0415

    return LifecycleState()


# --- checkpoints, relational signals, near misses ------------------------------------------------


def _checkpoints_stepped(first: dt.date, last: dt.date, every: int) -> list[dt.date]:
    """The checkpoints as the replay stepped them before: day by day of ``every`` days."""
    if first > last:
        return []
    found, day = [], first
    while True:
        found.append(day)
        if (last - day).days < every:
            break
        day += dt.timedelta(days=every)
    if day != last:
        found.append(last)
    return found


@given(
    first=st.dates(D(2020, 1, 1), D(2030, 1, 1)),
    span=st.integers(-5, 800),
    every=st.integers(1, 120),
)
def test_checkpoints_step_every_days_then_end_on_the_last_day(first, span, every):
    last = first + dt.timedelta(days=span)
    assert tl._checkpoints(first, last, every) == _checkpoints_stepped(first, last, every)


def test_checkpoints_at_the_calendars_end():
    last = dt.date.max
    assert tl._checkpoints(last - dt.timedelta(days=3), last, 2) == _checkpoints_stepped(
        last - dt.timedelta(days=3), last, 2
    )


def test_relational_signals_follow_the_rule_sets_policy():
    base = default_ruleset()
    assert relational_signals() == relational_signals(base)
    requires = "tenure_days >= 30 or collaborative_share >= 0.2"
    other = attrs.evolve(base, policy=attrs.evolve(base.policy, requires=requires))
    assert "tenure_days" in relational_signals(other)
    assert "tenure_days" not in relational_signals(base)


@settings(max_examples=40, deadline=None)
@given(signals(custom=False))
def test_near_misses_with_the_default_rule_set_are_the_explicit_ones(drawn):
    for toward in (None, "client"):
        assert near_misses(drawn, toward=toward) == near_misses(
            drawn, default_ruleset(), toward=toward
        )


def test_the_watch_is_what_a_replay_turns_on(monkeypatch):
    """The replay asks its accumulators to watch refunds; without it, the same timelines."""
    log = [
        _buy(D(2026, 1, 5), "mug", "10", "O1"),
        _refund("return", D(2026, 2, 1), "tea", "4"),
        Interaction("p", D(2026, 2, 2), "agreement_signed", offering="service", item="Plan",
                    reference="R1"),
        Interaction("p", D(2026, 2, 9), "workshop", offering="service", customized=True),
        _buy(D(2026, 3, 1), "tea", "4", "O2"),
    ]  # fmt: skip
    watched = timeline(log, every_days=7)
    monkeypatch.setattr(acc.SignalAccumulator, "_watch_refunds", lambda _self: None)
    assert tuple(replay(log, every_days=7)) == watched


def test_records_past_64_bits_are_kept_as_plain_integers(monkeypatch):
    """A packed row too wide for the machine array (more than 2**32 keys) falls back to a list."""
    from array import array  # noqa: PLC0415

    log = [
        _buy(D(2026, 3, 1), "bowl", "7", "O2"),
        _buy(D(2026, 1, 5), "mug", "10", "O1"),
        Interaction("p", D(2026, 2, 4), "meeting", collaborative=True),
    ]
    expected = record_log(log)["p"].coded()
    monkeypatch.setattr(acc, "array", lambda _code: array("B"))  # a byte: every row overflows
    records = record_log(log)["p"]
    assert isinstance(records._packed, list)
    assert records.coded() == expected
    assert records.days == {D(2026, 3, 1).toordinal(), D(2026, 1, 5).toordinal(),
                            D(2026, 2, 4).toordinal()}  # fmt: skip
