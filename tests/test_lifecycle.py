import datetime as dt
import enum
import re
from pathlib import Path

import attrs
import pytest

import clientcustomer as cc
from clientcustomer import (
    LIFECYCLE,
    TRANSITIONS,
    ClassificationSummary,
    Client,
    Customer,
    Engagement,
    FormerClient,
    GuardContext,
    Lifecycle,
    LifecycleEvent,
    LifecycleState,
    Party,
    Stage,
    StageChange,
    StageTransition,
    TransitionCheck,
    lifecycle_diagram,
)
from clientcustomer.exceptions import (
    ClientCustomerError,
    LifecycleDefinitionError,
    TransitionError,
    ValidationError,
)
from clientcustomer.lifecycle.machine import (
    engaged_or_confirmed,
    engagement_current,
    history_problems,
    lapsed,
    stage_as_of,
)

D = dt.date
ACME = Party("acme", "Acme Ltd")
NO_ENGAGEMENT = (
    "no engagement (signed agreement, retainer or statement of work) is active on 2026-03-02"
)


MARCH_2 = D(2026, 3, 2)


def engagement(eid="e1", start=MARCH_2, end=None, client="acme"):
    return Engagement(eid, client, "Survey", start=start, end=end)


def confident(role="client", margin=0.3):
    return ClassificationSummary(role, 0.8, margin, "default@1", ("collab",))


def context(event="engage", stage="customer", on=MARCH_2, **kwargs):
    return GuardContext(event, stage, on, **kwargs)


class TestStageAndEvent:
    def test_stages_in_order(self):
        """The four stages are prospect, customer, client and former client."""
        assert ["prospect", "customer", "client", "former_client"] == [s.value for s in Stage]

    def test_label(self):
        """A stage's label is its name in words."""
        assert "former client" == Stage.FORMER_CLIENT.label

    def test_events(self):
        """The events include the privileged correction."""
        expected = ["purchase", "engage", "renew", "lapse", "re_engage", "correct"]
        assert expected == [e.value for e in LifecycleEvent]


class TestClassificationSummary:
    def test_integers_become_floats(self):
        """Integer scores and margins are kept as floats."""
        summary = ClassificationSummary("client", 7, 2)
        assert (7.0, 2.0) == (summary.score, summary.margin)
        assert isinstance(summary.score, float)

    @pytest.mark.parametrize("bad", [float("nan"), float("inf"), "0.5", True, None])
    def test_refuses_non_finite_scores(self, bad):
        """A score must be a finite number; the error names the field."""
        with pytest.raises(ValidationError) as caught:
            ClassificationSummary("client", bad, 0.1)
        assert "$.score" == caught.value.field

    def test_refuses_empty_role(self):
        """The role must be named."""
        with pytest.raises(ValidationError, match=r"\$\.role"):
            ClassificationSummary("", 0.5, 0.1)

    def test_of_reads_a_classification_like_object(self):
        """Any object with role, score and margin is summarized, enums and rule objects too."""

        class Role(enum.StrEnum):
            CLIENT = "client"

        @attrs.frozen
        class Rule:
            id: str

        @attrs.frozen
        class Verdict:
            role: Role
            score: float
            margin: float
            ruleset_id: str
            rules: tuple[Rule, ...]

        summary = ClassificationSummary.of(
            Verdict(Role.CLIENT, 0.9, 0.4, "default@1", (Rule("a"), Rule("b")))
        )
        assert ClassificationSummary("client", 0.9, 0.4, "default@1", ("a", "b")) == summary

    def test_of_without_ruleset_or_rules(self):
        """Missing ruleset and rules give empty values."""

        @attrs.frozen
        class Verdict:
            role: str
            score: float
            margin: float

        assert ClassificationSummary("client", 1.0, 0.5) == ClassificationSummary.of(
            Verdict("client", 1.0, 0.5)
        )

    def test_describe_without_ruleset(self):
        """The description leaves out an unknown rule set."""
        assert (
            "classified client (score 1, margin 0.5)"
            == ClassificationSummary("client", 1, 0.5).describe()
        )


class TestStageChange:
    def test_converts_strings(self):
        """Event and stages given as strings become enum members."""
        change = StageChange(D(2026, 3, 2), "engage", "customer", "client")
        assert (LifecycleEvent.ENGAGE, Stage.CUSTOMER, Stage.CLIENT) == (
            change.event,
            change.source,
            change.target,
        )

    @pytest.mark.parametrize(
        ("field", "kwargs"),
        [
            ("$.on", {"on": dt.datetime(2026, 3, 2, tzinfo=dt.UTC)}),
            ("$.event", {"event": "promote"}),
            ("$.source", {"source": "lead"}),
            ("$.target", {"target": "vip"}),
            ("$.actor", {"actor": ""}),
            ("$.classification", {"classification": {"role": "client"}}),
        ],
    )
    def test_bad_fields_are_named(self, field, kwargs):
        """Each bad field is named in the error."""
        values = {"on": D(2026, 3, 2), "event": "engage", "source": "customer"}
        values |= {"target": "client"} | kwargs
        with pytest.raises(ValidationError) as caught:
            StageChange(**values)
        assert field == caught.value.field

    def test_correction_flag_must_match_event(self):
        """Only a correct event is a correction, and a correct event always is."""
        with pytest.raises(ValidationError, match="expected False for a 'engage' event"):
            StageChange(D(2026, 3, 2), "engage", "customer", "client", correction=True)
        with pytest.raises(ValidationError, match="expected True for a 'correct' event"):
            StageChange(D(2026, 3, 2), "correct", "customer", "client", reason="x", actor="a")

    def test_correction_needs_reason_and_actor(self):
        """A recorded correction carries a reason and the person who made it."""
        with pytest.raises(ValidationError) as caught:
            StageChange(D(2026, 3, 2), "correct", "client", "customer", correction=True)
        assert ["$.reason", "$.actor"] == [p.field for p in caught.value.problems]

    def test_str_without_reason_or_actor(self):
        """A bare change reads as date, event and stages."""
        change = StageChange(D(2026, 3, 2), "engage", "customer", "client")
        assert "2026-03-02 engage: customer -> client" == str(change)

    def test_str(self):
        """A change reads as one line with its reason and actor."""
        change = StageChange(
            D(2026, 3, 2), "engage", "customer", "client", reason="retainer", actor="Dana"
        )
        assert "2026-03-02 engage: customer -> client (retainer) by Dana" == str(change)


class TestHistory:
    first = StageChange(D(2026, 1, 5), "purchase", "prospect", "customer")
    second = StageChange(D(2026, 3, 2), "engage", "customer", "client")

    def test_good_history(self):
        """A chained, ordered history ending in the stage has no problem."""
        assert [] == history_problems((self.first, self.second), Stage.CLIENT)

    def test_not_a_tuple(self):
        """A list is refused."""
        assert ["$.history: expected a tuple of StageChange, got []"] == [
            str(p) for p in history_problems([])
        ]

    def test_not_a_change(self):
        """Every item must be a StageChange."""
        assert ["$.history[1]"] == [p.field for p in history_problems((self.first, "x"))]

    def test_broken_chain_and_order(self):
        """A change must start where the previous ended, on or after its date."""
        late = StageChange(D(2026, 1, 1), "lapse", "client", "former_client")
        problems = history_problems((self.first, late))
        assert ["$.history[1].source", "$.history[1].on"] == [p.field for p in problems]

    def test_must_end_in_stage(self):
        """The last change's target is the current stage."""
        problems = history_problems((self.first,), Stage.CLIENT, "changes")
        assert ["$.changes[0].target"] == [p.field for p in problems]

    def test_stage_as_of(self):
        """The stage on a date follows the changes recorded on or before it."""
        history = (self.first, self.second)
        actual = [
            stage_as_of(history, Stage.CLIENT, day)
            for day in (D(2026, 1, 4), D(2026, 1, 5), D(2026, 3, 1), D(2026, 3, 2))
        ]
        assert [Stage.PROSPECT, Stage.CUSTOMER, Stage.CUSTOMER, Stage.CLIENT] == actual

    def test_stage_as_of_needs_a_date(self):
        """A datetime is not a date."""
        with pytest.raises(ValidationError, match=r"\$\.on"):
            stage_as_of((), Stage.CLIENT, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


class TestLifecycleState:
    def test_default_is_prospect(self):
        """A new state is a prospect with no history."""
        assert LifecycleState(Stage.PROSPECT, history=()) == LifecycleState()

    def test_history_is_checked(self):
        """A history that does not end in the stage is refused, naming the change."""
        change = StageChange(D(2026, 1, 5), "purchase", "prospect", "customer")
        with pytest.raises(ValidationError, match=r"\$\.history\[0\]\.target"):
            LifecycleState("client", history=(change,))

    def test_since(self):
        """Since is the date the current stage was entered; renewals do not move it."""
        state = LIFECYCLE.fire(
            "engage", LifecycleState("customer"), on=D(2026, 3, 2), engagements=(engagement(),)
        )
        state = LIFECYCLE.fire(
            "renew", state, on=D(2026, 5, 1), engagements=(engagement("e2", D(2026, 6, 1)),)
        )
        assert D(2026, 3, 2) == state.since

    def test_since_unknown_without_history(self):
        """Without history the entry date is unknown."""
        assert LifecycleState("client").since is None


class TestEngagedOrConfirmed:
    def test_active_engagement_allows(self):
        """An engagement active on the date is enough."""
        assert () == engaged_or_confirmed(context(engagements=(engagement(),)))

    def test_engagement_not_yet_started(self):
        """An engagement starting later does not count."""
        future = engagement(start=D(2026, 4, 1))
        assert NO_ENGAGEMENT in engaged_or_confirmed(context(engagements=(future,)))

    def test_engagement_ended(self):
        """An engagement that ended does not count."""
        ended = engagement(start=D(2026, 1, 1), end=D(2026, 3, 1))
        assert NO_ENGAGEMENT in engaged_or_confirmed(context(engagements=(ended,)))

    def test_confirmed_confident_classification_allows(self):
        """A confident client classification confirmed by a person is enough."""
        assert () == engaged_or_confirmed(context(classification=confident(), actor="Dana"))

    def test_nothing_offered(self):
        """Without engagement or classification both are said."""
        expected = (NO_ENGAGEMENT, "no client classification was offered as evidence")
        assert expected == engaged_or_confirmed(context())

    def test_every_classification_problem_is_said(self):
        """Wrong role, low margin and no confirmation are all reported."""
        expected = (
            NO_ENGAGEMENT,
            "the classification says 'customer', not 'client'",
            "the classification's margin 0 is not above 0, so it is not confident",
            "a classification must be confirmed by a person (give an actor)",
        )
        assert expected == engaged_or_confirmed(
            context(classification=confident("customer", margin=0.0))
        )

    def test_threshold_comes_from_context(self):
        """The minimum margin is a setting."""
        reasons = engaged_or_confirmed(
            context(classification=confident(margin=0.3), actor="Dana", min_margin=0.5)
        )
        assert "the classification's margin 0.3 is not above 0.5, so it is not confident" in (
            reasons
        )


class TestEngagementCurrent:
    def test_running_or_future_engagement_allows(self):
        """A renewal needs an engagement that runs on the date or starts after it."""
        assert () == engagement_current(context("renew", "client", engagements=(engagement(),)))
        future = engagement(start=D(2027, 1, 1), end=D(2027, 12, 31))
        assert () == engagement_current(context("renew", "client", engagements=(future,)))

    def test_ended_engagement_refused(self):
        """An engagement that has ended cannot be renewed with."""
        old = engagement(start=D(2025, 1, 1), end=D(2025, 12, 31))
        expected = ("no engagement runs on or starts after 2026-03-02 to renew with",)
        assert expected == engagement_current(context("renew", "client", engagements=(old,)))


class TestLapsed:
    def test_active_and_future_engagements_refuse(self):
        """Every engagement running or to come is a reason."""
        running = engagement("e1", D(2026, 1, 1))
        future = engagement("e2", D(2026, 9, 1))
        reasons = lapsed(context("lapse", "client", engagements=(running, future)))
        expected = (
            "engagement 'e1' is active on 2026-03-02",
            "engagement 'e2' starts on 2026-09-01",
        )
        assert expected == reasons

    def test_grace_counts_from_last_end(self):
        """The grace period runs from the latest end among the engagements."""
        early = engagement("e1", D(2025, 1, 1), D(2025, 6, 30))
        late = engagement("e2", D(2025, 7, 1), D(2026, 1, 31))
        reasons = lapsed(context("lapse", "client", engagements=(early, late), grace_days=30))
        expected = (
            (
                "engagement 'e2' ended on 2026-01-31, within the 30-day grace period "
                "(a lapse is possible from 2026-03-03)"
            ),
        )
        assert expected == reasons

    def test_grace_over_allows(self):
        """After the grace period the lapse is allowed."""
        ended = engagement("e1", D(2025, 1, 1), D(2025, 6, 30))
        assert () == lapsed(context("lapse", "client", engagements=(ended,)))

    def test_without_engagements_counts_from_since(self):
        """With no engagement the grace period runs from the day the party became a client."""
        reasons = lapsed(context("lapse", "client", since=D(2026, 1, 1)))
        assert (
            (
                "the relationship became a client on 2026-01-01, within the 90-day grace period "
                "(a lapse is possible from 2026-04-02)"
            ),
        ) == reasons

    def test_nothing_known_allows(self):
        """With neither engagements nor an entry date there is nothing to wait for."""
        assert () == lapsed(context("lapse", "client"))


def bad_guard(_context):
    return ()


class TestTableValidation:
    def test_default_table_is_valid(self):
        """The shipped table builds."""
        assert 7 == len(Lifecycle().transitions)

    def test_every_offender_is_named(self):
        """One error lists every problem of a bad table, each with its row."""
        rows = (
            *TRANSITIONS,
            StageTransition("promote", "customer", "client"),
            StageTransition("correct", "client", "customer"),
            StageTransition("purchase", "lead", "vip"),
            StageTransition("engage", "customer", "former_client"),
            StageTransition("lapse", "former_client", "prospect"),
            StageTransition("renew", "client", "client", ("not callable",)),  # type: ignore[arg-type]
            "not a row",
        )
        with pytest.raises(LifecycleDefinitionError) as caught:
            Lifecycle(rows)  # type: ignore[arg-type]
        expected = (
            (
                "row 7 (promote: customer -> client): unknown event 'promote'; known: "
                "['engage', 'lapse', 'purchase', 're_engage', 'renew']"
            ),
            (
                "row 8 (correct: client -> customer): 'correct' is privileged and cannot be a "
                "table event"
            ),
            (
                "row 9 (purchase: lead -> vip): unknown source stage 'lead'; known: "
                "['client', 'customer', 'former_client', 'prospect']"
            ),
            (
                "row 9 (purchase: lead -> vip): unknown target stage 'vip'; known: "
                "['client', 'customer', 'former_client', 'prospect']"
            ),
            (
                "row 11 (lapse: former_client -> prospect): nothing may return to the initial "
                "stage 'prospect'"
            ),
            "row 12 (renew: client -> client): guard 'not callable' is not callable",
            "row 13: expected a Transition, got 'not a row'",
            "event 'engage' from 'customer' has 2 rows: row 3 -> client, row 10 -> former_client",
            "event 'renew' from 'client' has 2 rows: row 4 -> client, row 12 -> client",
        )
        assert expected == caught.value.reasons
        assert isinstance(caught.value, ClientCustomerError)
        assert str(caught.value).startswith("invalid lifecycle: row 7")

    def test_unreachable_stages_are_named(self):
        """Every stage no event leads to is named."""
        rows = (StageTransition("purchase", "prospect", "customer"),)
        with pytest.raises(LifecycleDefinitionError) as caught:
            Lifecycle(rows)
        expected = (
            "stage 'client' cannot be reached from 'prospect'",
            "stage 'former_client' cannot be reached from 'prospect'",
        )
        assert expected == caught.value.reasons

    def test_unknown_initial_stage(self):
        """The initial stage must be a stage."""
        with pytest.raises(LifecycleDefinitionError, match="unknown initial stage 'lead'"):
            Lifecycle(initial="lead")

    @pytest.mark.parametrize("bad", [-1, 1.5, True, "90"])
    def test_grace_days_checked(self, bad):
        """The grace period is a non-negative whole number of days."""
        with pytest.raises(ValidationError, match=r"\$\.grace_days"):
            Lifecycle(grace_days=bad)

    @pytest.mark.parametrize("bad", [float("nan"), "0.1", False])
    def test_min_margin_checked(self, bad):
        """The minimum margin is a finite number."""
        with pytest.raises(ValidationError, match=r"\$\.min_margin"):
            Lifecycle(min_margin=bad)

    def test_unguarded_rows_record_the_event(self):
        """A custom row without guards records the event's name as its reason."""
        rows = (
            StageTransition("purchase", "prospect", "customer"),
            StageTransition("engage", "customer", "client"),
            StageTransition("lapse", "client", "former_client"),
        )
        state = Lifecycle(rows).fire("engage", LifecycleState("customer"), on=D(2026, 3, 2))
        assert "engage" == state.history[-1].reason

    def test_guards_are_used(self):
        """A custom table's guards decide."""

        def never(_context):
            return ("not on Sundays",)

        rows = (
            StageTransition("purchase", "prospect", "customer", (never,)),
            *TRANSITIONS[1:],
        )
        engine = Lifecycle(rows)
        assert ("not on Sundays",) == engine.can(
            "purchase", LifecycleState(), on=D(2026, 1, 4)
        ).reasons
        assert bad_guard(None) == ()


class TestCanAndFire:
    def test_purchase(self):
        """A prospect's purchase makes a customer, recorded with a reason."""
        state = LIFECYCLE.fire("purchase", LifecycleState(), on=D(2026, 1, 5), actor="shop")
        expected = StageChange(
            D(2026, 1, 5), "purchase", "prospect", "customer", reason="purchased", actor="shop"
        )
        assert (expected,) == state.history

    def test_refused_event_lists_possible_ones(self):
        """An event the table does not allow from the stage says what is possible."""
        with pytest.raises(TransitionError) as caught:
            LIFECYCLE.fire("lapse", LifecycleState("customer"), on=D(2026, 1, 1))
        error = caught.value
        assert ("lapse", "customer") == (error.event, error.stage)
        assert ("'lapse' is not possible from 'customer'; possible events: engage, correct",) == (
            error.reasons
        )

    @pytest.mark.parametrize(
        ("stage", "event"),
        [
            ("customer", "lapse"),
            ("client", "purchase"),
            ("former_client", "lapse"),
            ("prospect", "renew"),
            ("client", "engage"),
        ],
    )
    def test_forbidden_moves(self, stage, event):
        """Moves outside the table are refused, whatever the evidence."""
        check = LIFECYCLE.can(
            event,
            LifecycleState(stage),
            on=D(2026, 3, 2),
            engagements=(engagement(),),
            classification=confident(),
            actor="Dana",
        )
        assert not check
        assert f"{event!r} is not possible from {stage!r}" in check.reasons[0]

    def test_unknown_event(self):
        """An unknown event is refused with the list of events."""
        check = LIFECYCLE.can("promote", LifecycleState(), on=D(2026, 1, 1))
        expected = (
            (
                "unknown event 'promote'; known events: purchase, engage, renew, lapse, re_engage, "
                "correct"
            ),
        )
        assert ("promote", expected) == (check.event, check.reasons)

    def test_dates_stay_in_order(self):
        """An event dated before the last change is refused."""
        state = LIFECYCLE.fire("purchase", LifecycleState(), on=D(2026, 1, 5))
        check = LIFECYCLE.can("engage", state, on=D(2026, 1, 4), engagements=(engagement(),))
        assert "2026-01-04 is before the last recorded change on 2026-01-05" in check.reasons

    def test_every_reason_is_carried(self):
        """The error carries every reason from every check."""
        state = LIFECYCLE.fire("purchase", LifecycleState(), on=D(2026, 3, 5))
        with pytest.raises(TransitionError) as caught:
            LIFECYCLE.fire("engage", state, on=D(2026, 3, 2))
        expected = (
            "2026-03-02 is before the last recorded change on 2026-03-05",
            NO_ENGAGEMENT,
            "no client classification was offered as evidence",
        )
        assert expected == caught.value.reasons

    @pytest.mark.parametrize(
        ("to", "reasons"),
        [
            pytest.param(
                "former_client",
                ("'engage' from 'customer' leads to client, not 'former_client'",),
                id="another-target-is-refused",
            ),
            pytest.param("client", (), id="the-right-target-is-fine"),
        ],
    )
    def test_a_named_target_must_match_the_table(self, to, reasons):
        """Naming the target the event leads to is fine; naming another one is refused."""
        check = LIFECYCLE.can(
            "engage",
            LifecycleState("customer"),
            on=D(2026, 3, 2),
            engagements=(engagement(),),
            to=to,
        )
        assert TransitionCheck("engage", "customer", Stage.CLIENT, reasons) == check

    @pytest.mark.parametrize(
        ("event", "stage", "on", "facts", "reason"),
        [
            pytest.param(
                "engage",
                "customer",
                D(2026, 3, 2),
                {"engagements": (engagement(),)},
                "engagement 'e1' (Survey) is active",
                id="engage-names-the-engagement",
            ),
            pytest.param(
                "purchase",
                "prospect",
                D(2026, 1, 5),
                {"reason": "  walked in  "},
                "walked in",
                id="a-given-reason-wins-trimmed",
            ),
            pytest.param(
                "renew",
                "client",
                D(2026, 3, 2),
                {"engagements": (engagement(end=D(2026, 12, 31)),)},
                "engagement 'e1' (Survey) runs from 2026-03-02 to 2026-12-31",
                id="renewal-names-the-term",
            ),
            pytest.param(
                "renew",
                "client",
                D(2026, 3, 2),
                {"engagements": (engagement(),)},
                "engagement 'e1' (Survey) runs from 2026-03-02 to open-ended",
                id="renewal-of-an-open-ended-engagement",
            ),
            pytest.param(
                "lapse",
                "client",
                D(2027, 6, 1),
                {},
                "no engagement active or to come; grace period of 90 days over",
                id="lapse-says-the-grace-period-is-over",
            ),
        ],
    )
    def test_recorded_reason(self, event, stage, on, facts, reason):
        """The recorded reason says what allowed the change; a reason given is kept, trimmed."""
        state = LIFECYCLE.fire(event, LifecycleState(stage), on=on, **facts)
        assert reason == state.history[-1].reason

    def test_engage_by_classification_records_it(self):
        """A classification that allowed the change is kept with it."""
        state = LIFECYCLE.fire(
            "engage",
            LifecycleState("customer"),
            on=D(2026, 3, 2),
            classification=confident(),
            actor="Dana",
        )
        change = state.history[-1]
        assert confident() == change.classification
        assert (
            "classified client (score 0.8, margin 0.3) by default@1, confirmed by Dana"
            == change.reason
        )

    def test_re_engage_then_purchase(self):
        """A former client can come back as a client or buy again as a customer."""
        former = LifecycleState("former_client")
        back = LIFECYCLE.fire("re_engage", former, on=D(2026, 3, 2), engagements=(engagement(),))
        buyer = LIFECYCLE.fire("purchase", former, on=D(2026, 3, 2))
        assert (Stage.CLIENT, Stage.CUSTOMER) == (back.stage, buyer.stage)

    def test_bad_arguments_are_validation_errors(self):
        """Wrong argument types raise the library's validation error naming them."""
        with pytest.raises(ValidationError, match=r"\$\.state"):
            LIFECYCLE.can("purchase", "prospect", on=D(2026, 1, 1))  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match=r"\$\.on"):
            LIFECYCLE.can("purchase", LifecycleState(), on="2026-01-01")  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match=r"\$\.reason"):
            LIFECYCLE.can("purchase", LifecycleState(), on=D(2026, 1, 1), reason=None)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match=r"\$\.to"):
            LIFECYCLE.can("purchase", LifecycleState(), on=D(2026, 1, 1), to="vip")
        with pytest.raises(ValidationError, match=r"\$\.actor"):
            LIFECYCLE.can("purchase", LifecycleState(), on=D(2026, 1, 1), actor="")

    @pytest.mark.parametrize("bad", [{"role": "client"}, "client", 0.5])
    def test_bad_classification(self, bad):
        """Something that is not a classification is a validation error, not AttributeError."""
        with pytest.raises(ValidationError, match=r"\$\.classification"):
            LIFECYCLE.can("engage", LifecycleState(), on=D(2026, 1, 1), classification=bad)

    @pytest.mark.parametrize("bad", [None, 3, "e1", engagement()])
    def test_bad_engagements(self, bad):
        """Engagements must be an iterable of Engagement."""
        with pytest.raises(ValidationError, match=r"\$\.engagements"):
            LIFECYCLE.can("engage", LifecycleState(), on=D(2026, 1, 1), engagements=bad)

    def test_events_from(self):
        """Each stage lists its events in table order, with correct last."""
        expected = {
            "prospect": ("purchase", "engage", "correct"),
            "customer": ("engage", "correct"),
            "client": ("renew", "lapse", "correct"),
            "former_client": ("purchase", "re_engage", "correct"),
        }
        actual = {stage.value: tuple(LIFECYCLE.events_from(stage)) for stage in Stage}
        assert expected == actual

    def test_repr(self):
        """The engine has a short repr."""
        assert "<clientcustomer.Lifecycle(transitions=7, grace_days=90)>" == repr(LIFECYCLE)


class TestCorrect:
    def test_correction_is_recorded(self):
        """A correction moves anywhere, recorded with the person and the reason."""
        state = LIFECYCLE.correct(
            LifecycleState("client"), "prospect", on=D(2026, 3, 2), actor="Dana", reason="typo"
        )
        expected = StageChange(
            D(2026, 3, 2),
            "correct",
            "client",
            "prospect",
            reason="typo",
            actor="Dana",
            correction=True,
        )
        assert (expected,) == state.history

    def test_every_missing_piece_is_said(self):
        """A correction without target, reason and actor lists all three."""
        check = LIFECYCLE.can("correct", LifecycleState("client"), on=D(2026, 3, 2))
        expected = (
            "a correction needs the stage to correct to",
            "a correction needs a reason",
            "a correction needs the person making it (give an actor)",
        )
        assert expected == check.reasons

    def test_same_stage_refused(self):
        """Correcting to the current stage changes nothing and is refused."""
        with pytest.raises(TransitionError, match="the stage is already 'client'"):
            LIFECYCLE.correct(
                LifecycleState("client"), "client", on=D(2026, 3, 2), actor="Dana", reason="x"
            )

    def test_blank_reason_refused(self):
        """A blank reason is no reason."""
        with pytest.raises(TransitionError, match="a correction needs a reason"):
            LIFECYCLE.correct(
                LifecycleState("client"), "customer", on=D(2026, 3, 2), actor="Dana", reason=" "
            )


class TestTransitionCheck:
    def test_truthiness(self):
        """A check is truthy exactly when allowed."""
        assert TransitionCheck("purchase", "prospect", Stage.CUSTOMER)
        assert not TransitionCheck("lapse", "customer", None, ("no",))

    def test_error(self):
        """The error carries event, stage and reasons."""
        error = TransitionCheck("lapse", "customer", None, ("a", "b")).error()
        assert ("lapse", "customer", ("a", "b")) == (error.event, error.stage, error.reasons)
        assert "Can't lapse when in customer: a; b" == str(error)


class TestDiagram:
    def test_mermaid_from_table(self):
        """The diagram has one arrow per row and an entry arrow to the initial stage."""
        lines = lifecycle_diagram().splitlines()
        assert "stateDiagram-v2" == lines[0]
        assert "    [*] --> prospect" in lines
        assert len(TRANSITIONS) == sum(1 for line in lines if ": " in line)
        assert "    customer --> client: engage" in lines

    def test_custom_engine(self):
        """An engine without the renew row draws its own table: no renew arrow, the rest kept."""
        rows = [row for row in TRANSITIONS if row.event != "renew"]
        lines = Lifecycle(transitions=rows).diagram().splitlines()
        default = Lifecycle().diagram().splitlines()
        assert "    client --> client: renew" in default
        assert [line for line in default if "renew" not in line] == lines


class TestEntities:
    customer = Customer(ACME, since=D(2025, 6, 1))

    def test_become_client_with_engagement(self):
        """A customer who signs an engagement becomes a client that day, history attached."""
        client = self.customer.become_client(engagement(), on=D(2026, 3, 2), actor="Dana")
        assert isinstance(client, Client)
        assert (ACME, D(2026, 3, 2), (engagement(),)) == (
            client.party,
            client.since,
            client.engagements,
        )
        assert [Stage.CUSTOMER, Stage.CLIENT] == [change.target for change in client.history]
        assert D(2025, 6, 1) == client.history[0].on
        assert Stage.CUSTOMER == client.stage_as_of(D(2026, 3, 1))
        assert Stage.CLIENT == client.stage_as_of(D(2026, 3, 2))

    def test_become_client_by_classification(self):
        """A confirmed, confident classification promotes without an engagement."""
        client = self.customer.become_client(
            on=D(2026, 3, 2), classification=confident(), actor="Dana"
        )
        assert () == client.engagements
        assert confident() == client.history[-1].classification

    def test_become_client_refused(self):
        """Without evidence the promotion is refused with every reason."""
        with pytest.raises(TransitionError) as caught:
            self.customer.become_client(on=D(2026, 3, 2))
        assert ("engage", "customer") == (caught.value.event, caught.value.stage)
        assert 2 == len(caught.value.reasons)

    def test_engagement_of_another_party(self):
        """An engagement for another party is a validation error naming it."""
        with pytest.raises(ValidationError, match=r"\$\.engagements\[0\]\.client_id"):
            self.customer.become_client(engagement(client="other"), on=D(2026, 3, 2))

    def test_renew_adds_or_replaces(self):
        """Renewing adds a new engagement or replaces one with the same id."""
        client = self.customer.become_client(engagement(end=D(2026, 6, 30)), on=D(2026, 3, 2))
        extended = client.renew(engagement(end=D(2026, 12, 31)), on=D(2026, 6, 1))
        added = extended.renew(engagement("e2", D(2027, 1, 1)), on=D(2026, 12, 1))
        assert [D(2026, 12, 31)] == [e.end for e in extended.engagements]
        assert ["e1", "e2"] == [e.id for e in added.engagements]
        assert ["purchase", "engage", "renew", "renew"] == [c.event.value for c in added.history]
        assert D(2026, 3, 2) == added.since

    def test_lapse_and_come_back(self):
        """A client lapses to a former client, who can re-engage."""
        client = self.customer.become_client(engagement(end=D(2026, 6, 30)), on=D(2026, 3, 2))
        former = client.lapse(on=D(2026, 10, 1), actor="Dana")
        assert isinstance(former, FormerClient)
        assert (Stage.FORMER_CLIENT, D(2026, 10, 1)) == (former.stage, former.since)
        again = former.re_engage(engagement("e2", D(2027, 1, 4)), on=D(2027, 1, 4))
        assert ["e1", "e2"] == [e.id for e in again.engagements]
        assert ["purchase", "engage", "lapse", "re_engage"] == [
            c.event.value for c in again.history
        ]
        assert Stage.FORMER_CLIENT == again.stage_as_of(D(2026, 12, 31))

    def test_re_engage_by_classification(self):
        """A former client can come back on a confirmed classification."""
        former = FormerClient(ACME, since=D(2026, 1, 1))
        again = former.re_engage(on=D(2026, 3, 2), classification=confident(), actor="Dana")
        assert () == again.engagements

    def test_lapse_refused_within_grace(self):
        """A lapse within the grace period is refused with the date it becomes possible."""
        client = Client(ACME, since=D(2026, 3, 2))
        with pytest.raises(TransitionError, match="possible from 2026-06-01"):
            client.lapse(on=D(2026, 5, 1))

    def test_lapse_with_custom_lifecycle(self):
        """The engine's grace period is used."""
        client = Client(ACME, since=D(2026, 3, 2))
        former = client.lapse(on=D(2026, 5, 1), lifecycle=Lifecycle(grace_days=30))
        assert D(2026, 5, 1) == former.since

    def test_entity_history_must_end_in_its_stage(self):
        """A customer's history must end in customer."""
        change = StageChange(D(2026, 3, 2), "engage", "customer", "client")
        with pytest.raises(ValidationError, match=r"\$\.history\[0\]\.target"):
            Customer(ACME, since=D(2026, 3, 2), history=(change,))

    def test_stage_as_of_without_history(self):
        """Without history an entity knows its stage from since on."""
        assert self.customer.stage_as_of(D(2025, 5, 31)) is None
        assert Stage.CUSTOMER == self.customer.stage_as_of(D(2025, 6, 1))

    def test_lifecycle_property(self):
        """An entity exposes its stage and history as a state, from its entry on since."""
        state = FormerClient(ACME, since=D(2026, 1, 1)).lifecycle
        assert (Stage.FORMER_CLIENT, D(2026, 1, 1)) == (state.stage, state.since)
        assert [("lapse", "client")] == [(c.event.value, c.source.value) for c in state.history]

    def test_former_client_html(self):
        """A former client renders as an HTML table in notebooks."""
        assert (
            ">FormerClient Acme Ltd</caption>"
            in FormerClient(ACME, since=D(2026, 1, 1))._repr_html_()
        )

    def test_former_client_checks_engagements(self):
        """A former client's engagements belong to it."""
        with pytest.raises(ValidationError, match=r"\$\.engagements\[0\]\.client_id"):
            FormerClient(ACME, since=D(2026, 1, 1), engagements=(engagement(client="x"),))


class TestExports:
    def test_public_names(self):
        """The lifecycle's names are exported from the package root."""
        for name in ("Stage", "LifecycleEvent", "Lifecycle", "LIFECYCLE", "lifecycle_diagram"):
            assert name in cc.__all__


class TestDocs:
    @pytest.mark.parametrize("page", ["guide/lifecycle.md", "explanation/lifecycle.md"])
    def test_diagram_in_docs_is_generated(self, page):
        """The diagrams in the docs are exactly what the table generates."""
        text = (Path(__file__).parents[1] / "docs" / page).read_text(encoding="utf-8")
        blocks = re.findall(r"```mermaid\n(.*?)\n```", text, re.DOTALL)
        assert [lifecycle_diagram()] == blocks
