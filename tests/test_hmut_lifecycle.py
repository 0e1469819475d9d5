"""Tests that bite: the lifecycle's guards, history checks and event evaluation, exactly.

Each test pins a documented behaviour that a mutant of ``lifecycle/machine.py`` survived
(``scripts/mutation.sh lifecycle``): boundaries (a date equal to the limit), every reason a guard
gives (not just the first), the wording the history and the command line show, and the path of
each history problem.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcustomer import (
    LIFECYCLE,
    ClassificationSummary,
    Engagement,
    GuardContext,
    Lifecycle,
    LifecycleEvent,
    LifecycleState,
    Stage,
    StageChange,
)
from clientcustomer.exceptions import Problem, TransitionError, ValidationError
from clientcustomer.lifecycle import machine
from clientcustomer.testing import lifecycle_states

D = dt.date
AUDIT = Engagement("e1", "acme", "Audit", start=D(2026, 1, 1), end=D(2026, 3, 31))
RETAINER = Engagement("e2", "acme", "Retainer", start=D(2026, 2, 1), end=D(2026, 4, 30))
NO_ENGAGEMENT = "no engagement (signed agreement, retainer or statement of work) is active on {}"


MARCH_2 = D(2026, 3, 2)
SEPTEMBER_1 = D(2026, 9, 1)


def _engage(on: dt.date = MARCH_2) -> StageChange:
    return StageChange(on, "engage", "customer", "client")


def _lapse(on: dt.date = SEPTEMBER_1) -> StageChange:
    return StageChange(on, "lapse", "client", "former_client")


# --- history_problems ----------------------------------------------------------------------------


class TestHistoryProblems:
    def test_not_a_tuple_is_one_problem_at_the_field(self) -> None:
        history = [_engage()]
        assert machine.history_problems(history, field="log") == [
            Problem("$.log", "a tuple of StageChange", history)
        ]

    def test_a_good_history_has_no_problem(self) -> None:
        assert machine.history_problems((_engage(), _lapse()), Stage.FORMER_CLIENT) == []
        assert machine.history_problems(()) == []
        assert machine.history_problems((), Stage.CLIENT) == []  # an empty history ends nowhere

    def test_an_item_that_is_not_a_change(self) -> None:
        assert machine.history_problems((_engage(), "lapse"), field="h") == [
            Problem("$.h[1]", "a StageChange", "lapse")
        ]

    def test_the_chain_restarts_after_an_item_that_is_not_a_change(self) -> None:
        # After a bad item there is no previous change to chain to or to compare dates with.
        history = (_lapse(D(2026, 9, 1)), 7, _engage(D(2026, 1, 1)))
        assert machine.history_problems(history) == [Problem("$.history[1]", "a StageChange", 7)]

    def test_the_items_after_a_bad_one_are_still_checked(self) -> None:
        history = (_engage(), 7, _engage(MARCH_2), _engage(SEPTEMBER_1))
        assert machine.history_problems(history) == [
            Problem("$.history[1]", "a StageChange", 7),
            Problem("$.history[3].source", "the previous change's target 'client'", "customer"),
        ]

    def test_a_broken_chain_names_the_previous_target(self) -> None:
        history = (_engage(), _engage(D(2026, 4, 1)))
        assert machine.history_problems(history) == [
            Problem("$.history[1].source", "the previous change's target 'client'", "customer")
        ]

    def test_a_change_before_the_previous_one(self) -> None:
        history = (_engage(D(2026, 3, 2)), _lapse(D(2026, 3, 1)))
        assert machine.history_problems(history) == [
            Problem(
                "$.history[1].on",
                "a date on or after the previous change (2026-03-02)",
                D(2026, 3, 1),
            )
        ]

    def test_two_changes_on_the_same_day_are_in_order(self) -> None:
        assert machine.history_problems((_engage(D(2026, 3, 2)), _lapse(D(2026, 3, 2)))) == []

    def test_every_problem_of_a_change_is_listed(self) -> None:
        history = (_engage(D(2026, 3, 2)), _engage(D(2026, 3, 1)))
        assert [p.field for p in machine.history_problems(history)] == [
            "$.history[1].source",
            "$.history[1].on",
        ]

    def test_only_consecutive_changes_are_compared(self) -> None:
        history = (
            _engage(D(2026, 3, 2)),
            _lapse(D(2026, 9, 1)),
            StageChange(D(2026, 9, 2), "re_engage", "former_client", "client"),
        )
        assert machine.history_problems(history, Stage.CLIENT) == []

    def test_the_last_change_must_end_in_the_stage(self) -> None:
        history = (_engage(), _lapse())
        assert machine.history_problems(history, Stage.CLIENT, "log") == [
            Problem("$.log[1].target", "the current stage 'client'", "former_client")
        ]

    def test_the_stage_may_be_given_by_name(self) -> None:
        assert machine.history_problems((_engage(),), "client") == []  # type: ignore[arg-type]
        assert [str(p) for p in machine.history_problems((_engage(),), "customer")] == [  # type: ignore[arg-type]
            "$.history[0].target: expected the current stage 'customer', got 'client'"
        ]

    def test_no_stage_no_end_check(self) -> None:
        assert machine.history_problems((_engage(),), None) == []

    def test_a_bad_last_item_is_not_checked_against_the_stage(self) -> None:
        assert machine.history_problems((_engage(), None), Stage.CUSTOMER) == [
            Problem("$.history[1]", "a StageChange", None)
        ]

    def test_a_state_reports_the_problems(self) -> None:
        with pytest.raises(ValidationError) as caught:
            LifecycleState("customer", history=(_engage(),))
        assert [p.field for p in caught.value.problems] == ["$.history[0].target"]


# --- stage_as_of ---------------------------------------------------------------------------------


class TestStageAsOf:
    HISTORY = (_engage(D(2026, 3, 2)), _lapse(D(2026, 9, 1)))

    @pytest.mark.parametrize(
        ("on", "stage"),
        [
            (D(2026, 3, 1), Stage.CUSTOMER),
            (D(2026, 3, 2), Stage.CLIENT),  # a change counts from its own day
            (D(2026, 8, 31), Stage.CLIENT),
            (D(2026, 9, 1), Stage.FORMER_CLIENT),
            (D(2030, 1, 1), Stage.FORMER_CLIENT),
        ],
    )
    def test_the_stage_on_a_date(self, on: dt.date, stage: Stage) -> None:
        assert machine.stage_as_of(self.HISTORY, Stage.FORMER_CLIENT, on) is stage

    def test_without_history_the_current_stage(self) -> None:
        assert machine.stage_as_of((), Stage.CLIENT, D(1990, 1, 1)) is Stage.CLIENT

    def test_a_bad_date_is_refused(self) -> None:
        with pytest.raises(ValidationError, match=r"^\$\.on: expected a date"):
            machine.stage_as_of(self.HISTORY, Stage.FORMER_CLIENT, "2026-01-01")  # type: ignore[arg-type]

    @given(lifecycle_states())
    def test_it_replays_the_history(self, state: LifecycleState) -> None:
        for change in state.history:
            assert state.stage_as_of(change.on) is _last_target_on(state, change.on)
        if state.history:
            before = state.history[0].on - dt.timedelta(days=1)
            assert state.stage_as_of(before) is state.history[0].source
        assert state.stage_as_of(D.max) is state.stage


def _last_target_on(state: LifecycleState, on: dt.date) -> Stage:
    return [change.target for change in state.history if change.on <= on][-1]


# --- guards --------------------------------------------------------------------------------------


def _context(event: str, stage: str, on: dt.date, **kwargs: object) -> GuardContext:
    return GuardContext(event, stage, on, **kwargs)  # type: ignore[arg-type]


class TestEngagedOrConfirmed:
    ON = D(2026, 3, 2)

    def test_an_active_engagement_allows(self) -> None:
        assert (
            machine.engaged_or_confirmed(
                _context("engage", "customer", self.ON, engagements=(AUDIT,))
            )
            == ()
        )

    def test_an_active_engagement_with_a_client_or_ambiguous_verdict_allows(self) -> None:
        for role in ("client", "ambiguous"):
            verdict = ClassificationSummary(role, 0, -1)
            context = _context(
                "engage", "customer", self.ON, engagements=(AUDIT,), classification=verdict
            )
            assert machine.engaged_or_confirmed(context) == ()

    def test_an_engagement_not_running_that_day_does_not_count(self) -> None:
        later = D(2026, 4, 1)
        context = _context("engage", "customer", later, engagements=(AUDIT,))
        reasons = machine.engaged_or_confirmed(context)
        assert reasons == (
            NO_ENGAGEMENT.format("2026-04-01"),
            "no client classification was offered as evidence",
        )

    def test_a_customer_verdict_on_one_engagement(self) -> None:
        verdict = ClassificationSummary("customer", 3, -2, "default@1")
        context = _context(
            "engage", "customer", self.ON, engagements=(AUDIT,), classification=verdict
        )
        assert machine.engaged_or_confirmed(context) == (
            (
                "engagement 'e1' is active, but it was classified customer (score 3, margin -2) by "
                "default@1 that day: a contract without relational evidence leaves the party a "
                "customer with an active contract"
            ),
        )

    def test_a_customer_verdict_on_two_engagements(self) -> None:
        verdict = ClassificationSummary("customer", 0, -5)
        context = _context(
            "engage", "customer", self.ON, engagements=(AUDIT, RETAINER), classification=verdict
        )
        assert machine.engaged_or_confirmed(context) == (
            (
                "engagements 'e1', 'e2' are active, but it was classified customer (score 0, "
                "margin -5) that day: a contract without relational evidence leaves the party a "
                "customer with an active contract"
            ),
        )

    def test_a_confident_confirmed_client_verdict_allows(self) -> None:
        verdict = ClassificationSummary("client", 6, 0.5)
        context = _context("engage", "customer", self.ON, classification=verdict, actor="Dana")
        assert machine.engaged_or_confirmed(context) == ()

    def test_every_reason_a_verdict_falls_short(self) -> None:
        verdict = ClassificationSummary("customer", 0, 0)
        assert machine.engaged_or_confirmed(
            _context("engage", "customer", self.ON, classification=verdict)
        ) == (
            NO_ENGAGEMENT.format("2026-03-02"),
            "the classification says 'customer', not 'client'",
            "the classification's margin 0 is not above 0, so it is not confident",
            "a classification must be confirmed by a person (give an actor)",
        )

    def test_the_margin_must_be_above_the_minimum(self) -> None:
        for margin, allowed in ((1.0, False), (1.5, True), (0.5, False)):
            verdict = ClassificationSummary("client", 6, margin)
            context = _context(
                "engage",
                "customer",
                self.ON,
                classification=verdict,
                actor="Dana",
                min_margin=1.0,
            )
            reasons = machine.engaged_or_confirmed(context)
            assert (reasons == ()) is allowed
            if not allowed:
                assert reasons == (
                    NO_ENGAGEMENT.format("2026-03-02"),
                    (
                        f"the classification's margin {margin:g} is not above 1, so it is not "
                        "confident"
                    ),
                )

    def test_an_unconfirmed_client_verdict(self) -> None:
        verdict = ClassificationSummary("client", 6, 1)
        assert machine.engaged_or_confirmed(
            _context("engage", "customer", self.ON, classification=verdict)
        ) == (
            NO_ENGAGEMENT.format("2026-03-02"),
            "a classification must be confirmed by a person (give an actor)",
        )

    def test_an_ambiguous_confirmed_verdict(self) -> None:
        verdict = ClassificationSummary("ambiguous", 6, 1)
        context = _context("engage", "customer", self.ON, classification=verdict, actor="Dana")
        assert machine.engaged_or_confirmed(context) == (
            NO_ENGAGEMENT.format("2026-03-02"),
            "the classification says 'ambiguous', not 'client'",
        )


class TestEngagementCurrent:
    @pytest.mark.parametrize(
        ("on", "allowed"),
        [(D(2026, 3, 30), True), (D(2026, 3, 31), True), (D(2026, 4, 1), False)],
    )
    def test_an_engagement_runs_through_its_last_day(self, on: dt.date, allowed: bool) -> None:
        reasons = machine.engagement_current(_context("renew", "client", on, engagements=(AUDIT,)))
        if allowed:
            assert reasons == ()
        else:
            assert reasons == ("no engagement runs on or starts after 2026-04-01 to renew with",)

    def test_an_open_ended_or_future_engagement_allows(self) -> None:
        open_ended = Engagement("e3", "acme", "Support", start=D(2020, 1, 1))
        future = Engagement("e4", "acme", "Phase 2", start=D(2027, 1, 1), end=D(2027, 6, 30))
        for engagement in (open_ended, future):
            context = _context("renew", "client", D(2026, 6, 1), engagements=(AUDIT, engagement))
            assert machine.engagement_current(context) == ()


class TestLapsed:
    def test_a_customer_verdict_lapses_at_once(self) -> None:
        verdict = ClassificationSummary("customer", 0, -5)
        context = _context(
            "lapse", "client", D(2026, 3, 2), engagements=(AUDIT,), classification=verdict
        )
        assert machine.lapsed(context) == ()

    def test_another_verdict_does_not(self) -> None:
        verdict = ClassificationSummary("ambiguous", 0, -5)
        context = _context(
            "lapse", "client", D(2026, 3, 2), engagements=(AUDIT,), classification=verdict
        )
        assert machine.lapsed(context) == ("engagement 'e1' is active on 2026-03-02",)

    def test_every_active_or_coming_engagement_is_a_reason(self) -> None:
        coming = Engagement("e5", "acme", "Phase 2", start=D(2026, 6, 1))
        context = _context("lapse", "client", D(2026, 3, 2), engagements=(AUDIT, RETAINER, coming))
        assert machine.lapsed(context) == (
            "engagement 'e1' is active on 2026-03-02",
            "engagement 'e2' is active on 2026-03-02",
            "engagement 'e5' starts on 2026-06-01",
        )

    def test_the_grace_period_counts_from_the_last_end(self) -> None:
        context = _context("lapse", "client", D(2026, 5, 1), engagements=(RETAINER, AUDIT))
        assert machine.lapsed(context) == (
            (
                "engagement 'e2' ended on 2026-04-30, within the 90-day grace period (a lapse is "
                "possible from 2026-07-30)"
            ),
        )

    @pytest.mark.parametrize(
        ("on", "allowed"),
        [(D(2026, 7, 29), False), (D(2026, 7, 30), True), (D(2026, 12, 1), True)],
    )
    def test_the_grace_period_boundary(self, on: dt.date, allowed: bool) -> None:
        context = _context("lapse", "client", on, engagements=(AUDIT, RETAINER))
        assert (machine.lapsed(context) == ()) is allowed

    def test_the_last_end_whatever_the_order_or_the_names(self) -> None:
        early = Engagement("z", "acme", "Early", start=D(2026, 1, 1), end=D(2026, 1, 31))
        late = Engagement("a", "acme", "Late", start=D(2026, 1, 1), end=D(2026, 2, 28))
        for engagements in ((early, late), (late, early)):
            context = _context("lapse", "client", D(2026, 3, 15), engagements=engagements)
            assert machine.lapsed(context) == (
                (
                    "engagement 'a' ended on 2026-02-28, within the 90-day grace period "
                    "(a lapse is possible from 2026-05-30)"
                ),
            )

    def test_on_a_tie_the_first_engagement_listed_is_named(self) -> None:
        first = Engagement("b", "acme", "One", start=D(2026, 1, 1), end=D(2026, 2, 28))
        second = Engagement("a", "acme", "Two", start=D(2026, 1, 5), end=D(2026, 2, 28))
        context = _context("lapse", "client", D(2026, 3, 15), engagements=(first, second))
        assert machine.lapsed(context)[0].startswith("engagement 'b' ended on 2026-02-28")
        swapped = _context("lapse", "client", D(2026, 3, 15), engagements=(second, first))
        assert machine.lapsed(swapped)[0].startswith("engagement 'a' ended on 2026-02-28")

    def test_an_engagement_starting_on_the_day_is_active(self) -> None:
        starts = Engagement("s", "acme", "Starts", start=D(2026, 3, 2))
        context = _context("lapse", "client", D(2026, 3, 2), engagements=(starts,))
        assert machine.lapsed(context) == ("engagement 's' is active on 2026-03-02",)

    def test_without_engagements_from_the_day_it_became_a_client(self) -> None:
        context = _context("lapse", "client", D(2026, 5, 1), since=D(2026, 4, 1), grace_days=30)
        assert machine.lapsed(context) == (
            (
                "the relationship became a client on 2026-04-01, within the 30-day grace period (a "
                "lapse is possible from 2026-05-02)"
            ),
        )
        on_time = _context("lapse", "client", D(2026, 5, 2), since=D(2026, 4, 1), grace_days=30)
        assert machine.lapsed(on_time) == ()

    def test_an_ended_engagement_wins_over_since(self) -> None:
        context = _context(
            "lapse", "client", D(2026, 5, 1), engagements=(AUDIT,), since=D(2026, 4, 20)
        )
        assert machine.lapsed(context) == (
            (
                "engagement 'e1' ended on 2026-03-31, within the 90-day grace period (a lapse is "
                "possible from 2026-06-30)"
            ),
        )

    def test_nothing_known_allows(self) -> None:
        assert machine.lapsed(_context("lapse", "client", D(2026, 5, 1))) == ()

    def test_open_ended_engagements_have_no_end(self) -> None:
        ended = Engagement("e6", "acme", "Old", start=D(2020, 1, 1), end=D(2020, 6, 30))
        context = _context("lapse", "client", D(2021, 1, 1), engagements=(ended,))
        assert machine.lapsed(context) == ()

    def test_a_zero_grace_period(self) -> None:
        day_after = _context("lapse", "client", D(2026, 4, 1), engagements=(AUDIT,), grace_days=0)
        assert machine.lapsed(day_after) == ()

    def test_near_the_calendar_end(self) -> None:
        context = _context("lapse", "client", D(9999, 12, 1), since=D(9999, 11, 1))
        assert machine.lapsed(context) == (
            (
                "the relationship became a client on 9999-11-01, within the 90-day grace period (a "
                "lapse is possible only after the calendar's last day)"
            ),
        )
        # The grace period ends exactly on the calendar's last day: no day after it to name.
        exact = _context("lapse", "client", D(9999, 12, 1), since=D(9999, 10, 2), grace_days=90)
        assert machine.lapsed(exact) == (
            (
                "the relationship became a client on 9999-10-02, within the 90-day grace period (a "
                "lapse is possible only after the calendar's last day)"
            ),
        )
        # The last day the grace period can end on is still a date.
        last = _context("lapse", "client", D(9999, 12, 1), since=D(9999, 10, 1), grace_days=90)
        assert machine.lapsed(last) == (
            (
                "the relationship became a client on 9999-10-01, within the 90-day grace period (a "
                "lapse is possible from 9999-12-31)"
            ),
        )


# --- the engine ----------------------------------------------------------------------------------


class TestEvaluate:
    ON = D(2026, 3, 2)

    def test_an_unknown_event(self) -> None:
        check = LIFECYCLE.can("fly", LifecycleState("client"), on=self.ON)
        assert not check
        assert check.event == "fly"
        assert check.stage is Stage.CLIENT
        assert check.target is None
        assert check.reasons == (
            "unknown event 'fly'; known events: purchase, engage, renew, lapse, re_engage, correct",
        )
        with pytest.raises(TransitionError):
            LIFECYCLE.fire("fly", LifecycleState("client"), on=self.ON)

    def test_an_event_not_in_the_table(self) -> None:
        check = LIFECYCLE.can("engage", LifecycleState("client"), on=self.ON)
        assert check.reasons == (
            "'engage' is not possible from 'client'; possible events: renew, lapse, correct",
        )
        assert check.target is None

    def test_the_wrong_target(self) -> None:
        check = LIFECYCLE.can(
            "lapse", LifecycleState("client"), on=self.ON, to="customer", since=D(2020, 1, 1)
        )
        assert check.reasons == ("'lapse' from 'client' leads to former_client, not 'customer'",)
        assert check.target is Stage.FORMER_CLIENT

    def test_the_right_target_given(self) -> None:
        check = LIFECYCLE.can("purchase", LifecycleState(), on=self.ON, to="customer")
        assert check.allowed
        assert check.target is Stage.CUSTOMER

    def test_a_change_before_the_last_recorded_one(self) -> None:
        state = LifecycleState("client", history=(_engage(self.ON),))
        check = LIFECYCLE.can("renew", state, on=D(2026, 3, 1), engagements=(AUDIT,))
        assert check.reasons == ("2026-03-01 is before the last recorded change on 2026-03-02",)
        same_day = LIFECYCLE.can("renew", state, on=self.ON, engagements=(AUDIT,))
        assert same_day.allowed

    def test_a_change_before_since(self) -> None:
        state = LifecycleState("client")
        check = LIFECYCLE.can("renew", state, on=D(2026, 3, 1), engagements=(AUDIT,), since=self.ON)
        assert check.reasons == (
            (
                "2026-03-01 is before 2026-03-02, the day the relationship became a client: a "
                "change cannot be back-dated"
            ),
        )
        assert LIFECYCLE.can(
            "renew", state, on=self.ON, engagements=(AUDIT,), since=self.ON
        ).allowed

    def test_the_history_gives_since(self) -> None:
        # Entered client on 2026-03-02 (history), a lapse 90 days later is still refused.
        state = LifecycleState("client", history=(_engage(self.ON),))
        check = LIFECYCLE.can("lapse", state, on=D(2026, 5, 31), since=D(2020, 1, 1))
        assert check.reasons == (
            (
                "the relationship became a client on 2026-03-02, within the 90-day grace period (a "
                "lapse is possible from 2026-06-01)"
            ),
        )

    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            ({"state": "prospect"}, "$.state: expected a LifecycleState, got 'prospect'"),
            ({"reason": 3}, "$.reason: expected a string, got 3"),
            (
                {"on": "2026-03-02"},
                "$.on: expected a date (datetime.date, not a datetime), got '2026-03-02'",
            ),
            (
                {"to": "nowhere"},
                (
                    "$.to: expected one of 'prospect', 'customer', 'client', 'former_client', "
                    "got 'nowhere'"
                ),
            ),
            ({"engagements": [1]}, "$.engagements[0]: expected an Engagement, got 1"),
        ],
    )
    def test_bad_arguments_are_validation_errors(
        self, arguments: dict[str, object], message: str
    ) -> None:
        given: dict[str, Any] = {"state": LifecycleState(), "on": self.ON, **arguments}
        state = given.pop("state")
        for call in (LIFECYCLE.can, LIFECYCLE.fire):
            with pytest.raises(ValidationError) as caught:
                call("purchase", state, **given)
            assert str(caught.value) == message
        with pytest.raises(ValidationError, match=r"^\$\.engagements: expected an iterable"):
            LIFECYCLE.can("purchase", LifecycleState(), on=self.ON, engagements=AUDIT)  # type: ignore[arg-type]

    def test_an_event_given_as_an_enum_member_is_read_by_value(self) -> None:
        class Event(enum.Enum):
            PURCHASE = "purchase"

        check = LIFECYCLE.can(Event.PURCHASE, LifecycleState(), on=self.ON)  # type: ignore[arg-type]
        assert check.allowed
        assert check.event == "purchase"
        assert LIFECYCLE.can(LifecycleEvent.PURCHASE, LifecycleState(), on=self.ON).allowed

    def test_fire_reads_since(self) -> None:
        with pytest.raises(TransitionError) as caught:
            LIFECYCLE.fire("lapse", LifecycleState("client"), on=D(2026, 5, 1), since=D(2026, 4, 1))
        assert caught.value.reasons == (
            (
                "the relationship became a client on 2026-04-01, within the 90-day grace period "
                "(a lapse is possible from 2026-07-01)"
            ),
        )
        state = LIFECYCLE.fire("lapse", LifecycleState("client"), on=D(2026, 5, 1))
        assert state.stage is Stage.FORMER_CLIENT

    def test_fire_records_the_change(self) -> None:
        verdict = ClassificationSummary("client", 6, 1, "default@1", ("collaborative",))
        state = LIFECYCLE.fire(
            "engage",
            LifecycleState("customer"),
            on=self.ON,
            classification=verdict,
            actor="Dana",
        )
        assert state.stage is Stage.CLIENT
        (change,) = state.history
        assert change == StageChange(
            self.ON,
            "engage",
            "customer",
            "client",
            reason="classified client (score 6, margin 1) by default@1, confirmed by Dana",
            actor="Dana",
            classification=verdict,
        )

    def test_fire_keeps_a_given_reason_stripped(self) -> None:
        state = LIFECYCLE.fire("purchase", LifecycleState(), on=self.ON, reason="  first order ")
        assert state.history[-1].reason == "first order"
        assert state.history[-1].correction is False
        blank = LIFECYCLE.fire("purchase", LifecycleState(), on=self.ON, reason="   ")
        assert blank.history[-1].reason == "purchased"

    def test_fire_appends_to_the_history(self) -> None:
        first = LIFECYCLE.fire("purchase", LifecycleState(), on=D(2026, 1, 5))
        second = LIFECYCLE.fire("engage", first, on=self.ON, engagements=(AUDIT,))
        assert second.history[0] == first.history[0]
        assert [c.event.value for c in second.history] == ["purchase", "engage"]
        assert second.history[-1].reason == "engagement 'e1' (Audit) is active"

    def test_fire_raises_every_reason(self) -> None:
        with pytest.raises(TransitionError) as caught:
            LIFECYCLE.fire("engage", LifecycleState("customer"), on=self.ON)
        assert caught.value.reasons == (
            NO_ENGAGEMENT.format("2026-03-02"),
            "no client classification was offered as evidence",
        )

    def test_the_engine_settings_reach_the_guards(self) -> None:
        strict = Lifecycle(grace_days=10, min_margin=2.0)
        state = LifecycleState("client")
        assert strict.can("lapse", state, on=D(2026, 4, 11), engagements=(AUDIT,)).allowed
        assert not strict.can("lapse", state, on=D(2026, 4, 10), engagements=(AUDIT,))
        verdict = ClassificationSummary("client", 6, 1.5)
        check = strict.can(
            "engage", LifecycleState("customer"), on=self.ON, classification=verdict, actor="D"
        )
        assert check.reasons[1] == (
            "the classification's margin 1.5 is not above 2, so it is not confident"
        )


class TestCorrections:
    ON = D(2026, 3, 2)

    def test_a_correction_is_recorded(self) -> None:
        state = LIFECYCLE.correct(
            LifecycleState("client"), "customer", on=self.ON, actor="Dana", reason=" never signed "
        )
        (change,) = state.history
        assert state.stage is Stage.CUSTOMER
        assert change.correction is True
        assert change.reason == "never signed"
        assert change.actor == "Dana"
        assert change.source is Stage.CLIENT

    def test_every_reason_to_refuse_a_correction(self) -> None:
        check = LIFECYCLE.can("correct", LifecycleState("client"), on=self.ON, to="client")
        assert check.reasons == (
            "the stage is already 'client'",
            "a correction needs a reason",
            "a correction needs the person making it (give an actor)",
        )
        check = LIFECYCLE.can(
            "correct", LifecycleState("client"), on=self.ON, reason=" ", actor="Dana"
        )
        assert check.reasons == (
            "a correction needs the stage to correct to",
            "a correction needs a reason",
        )
        assert check.target is None

    def test_a_complete_correction_is_allowed(self) -> None:
        check = LIFECYCLE.can(
            "correct", LifecycleState("client"), on=self.ON, to="prospect", reason="x", actor="D"
        )
        assert check.allowed
        assert check.target is Stage.PROSPECT

    def test_a_refused_correction_raises(self) -> None:
        with pytest.raises(TransitionError) as caught:
            LIFECYCLE.correct(LifecycleState("client"), "client", on=self.ON, actor="D", reason="x")
        assert caught.value.reasons == ("the stage is already 'client'",)


class TestDefaultReasons:
    def test_renew_lists_the_current_engagements(self) -> None:
        open_ended = Engagement("e3", "acme", "Support", start=D(2026, 1, 1))
        state = LIFECYCLE.fire(
            "renew",
            LifecycleState("client"),
            on=D(2026, 4, 15),
            engagements=(AUDIT, RETAINER, open_ended),
        )
        assert state.history[-1].reason == (
            "engagement 'e2' (Retainer) runs from 2026-02-01 to 2026-04-30; engagement 'e3' "
            "(Support) runs from 2026-01-01 to open-ended"
        )

    def test_renew_on_an_engagement_s_last_day(self) -> None:
        state = LIFECYCLE.fire(
            "renew", LifecycleState("client"), on=D(2026, 3, 31), engagements=(AUDIT,)
        )
        assert state.history[-1].reason == (
            "engagement 'e1' (Audit) runs from 2026-01-01 to 2026-03-31"
        )

    def test_a_lapse_after_the_grace_period(self) -> None:
        state = LIFECYCLE.fire(
            "lapse", LifecycleState("client"), on=D(2026, 12, 1), engagements=(AUDIT,)
        )
        assert state.history[-1].reason == (
            "no engagement active or to come; grace period of 90 days over"
        )

    def test_a_lapse_on_a_customer_verdict(self) -> None:
        verdict = ClassificationSummary("customer", 0, -5, "default@1")
        state = LIFECYCLE.fire(
            "lapse",
            LifecycleState("client"),
            on=D(2026, 3, 2),
            engagements=(AUDIT,),
            classification=verdict,
        )
        assert state.history[-1].reason == (
            "classified customer (score 0, margin -5) by default@1: the evidence no longer "
            "shows a client relationship"
        )

    def test_a_lapse_with_a_verdict_that_was_not_needed(self) -> None:
        verdict = ClassificationSummary("customer", 0, -5)
        state = LIFECYCLE.fire(
            "lapse",
            LifecycleState("client"),
            on=D(2026, 12, 1),
            engagements=(AUDIT,),
            classification=verdict,
        )
        assert state.history[-1].reason == (
            "no engagement active or to come; grace period of 90 days over"
        )

    def test_re_engage_names_the_engagements(self) -> None:
        state = LIFECYCLE.fire(
            "re_engage",
            LifecycleState("former_client"),
            on=D(2026, 3, 2),
            engagements=(AUDIT, RETAINER),
        )
        assert state.history[-1].reason == (
            "engagement 'e1' (Audit) is active; engagement 'e2' (Retainer) is active"
        )

    def test_purchase(self) -> None:
        state = LIFECYCLE.fire("purchase", LifecycleState("former_client"), on=D(2026, 3, 2))
        assert state.history[-1].reason == "purchased"


@given(st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=400))
def test_the_grace_period_is_exact(grace: int, days: int) -> None:
    """A lapse is refused up to ``grace_days`` after the last end, allowed from the day after."""
    end = D(2026, 3, 31)
    on = end + dt.timedelta(days=days)
    context = _context("lapse", "client", on, engagements=(AUDIT,), grace_days=grace)
    reasons = machine.lapsed(context)
    assert (reasons == ()) is (days > grace)
    if reasons:
        possible = (end + dt.timedelta(days=grace + 1)).isoformat()
        assert reasons == (
            (
                f"engagement 'e1' ended on 2026-03-31, within the {grace}-day grace period "
                f"(a lapse is possible from {possible})"
            ),
        )
