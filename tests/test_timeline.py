import datetime as dt
from decimal import Decimal

import pytest

from clientcustomer import (
    ClassificationSummary,
    EmergingClient,
    Engagement,
    Interaction,
    Lifecycle,
    LifecycleState,
    PartyTimeline,
    ScorePoint,
    SignalMove,
    Signals,
    Stage,
    emerging_clients,
    timeline,
)
from clientcustomer.advice.timeline import engagements_from_log
from clientcustomer.exceptions import ValidationError

D = dt.date


def by_engagement(signals):
    """A stand-in classifier: client while a service engagement runs."""
    client = bool(signals.active_engagement)
    return ClassificationSummary("client" if client else "customer", 1.0, 0.5 if client else -0.5)


def engaged_or_unsure(signals):
    """A stand-in classifier: client while a service engagement runs, ambiguous after."""
    client = bool(signals.active_engagement)
    return ClassificationSummary("client" if client else "ambiguous", 1.0, 0.5 if client else -0.5)


def by_collaboration(signals):
    """A stand-in classifier scoring collaboration; the threshold is 8."""
    score = 10 * (signals.collaborative_share or 0)
    role = "client" if score > 8 else "customer"
    return ClassificationSummary(role, score, score - 8, "test@1", ("collab",))


def signed(party, on, reference="", offering="service", item="Retainer"):
    return Interaction(
        party, on, "agreement_signed", offering=offering, item=item, reference=reference
    )


def ended(party, on, reference=""):
    return Interaction(party, on, "agreement_ended", offering="service", reference=reference)


def purchase(party, on):
    return Interaction(party, on, "purchase", item="mug", amount=Decimal(10))


class TestEngagementsFromLog:
    def test_reference_matches_the_end(self):
        """An end closes the agreement with its reference, not the latest one."""
        log = [
            signed("a", D(2026, 1, 1), "X"),
            signed("a", D(2026, 2, 1), "Y"),
            ended("a", D(2026, 3, 1), "X"),
        ]
        found = [(e.id, e.start, e.end) for e in engagements_from_log(log)]
        assert [("X", D(2026, 1, 1), D(2026, 3, 1)), ("Y", D(2026, 2, 1), None)] == found

    def test_unreferenced_end_closes_the_latest(self):
        """Without a matching reference the most recent agreement ends."""
        log = [signed("a", D(2026, 1, 1)), signed("a", D(2026, 2, 1)), ended("a", D(2026, 3, 1))]
        found = [(e.id, e.end) for e in engagements_from_log(log)]
        assert [("agreement-1", None), ("agreement-2", D(2026, 3, 1))] == found

    def test_product_agreements_and_stray_ends_are_ignored(self):
        """Supply contracts are not engagements; an end with nothing running does nothing."""
        log = [ended("a", D(2026, 1, 1)), signed("a", D(2026, 2, 1), offering="product")]
        assert () == engagements_from_log(log)

    def test_title_defaults(self):
        """An agreement without an item gets a generic title."""
        [engagement] = engagements_from_log([signed("a", D(2026, 1, 1), item="")])
        assert "Service agreement" == engagement.title


class TestTimeline:
    def test_customer_becomes_client_on_signing_day(self):
        """A customer who signs a service agreement becomes a client that very day."""
        log = [
            purchase("ann", D(2026, 1, 10)),
            purchase("ann", D(2026, 2, 10)),
            signed("ann", D(2026, 3, 2), "R1"),
        ]
        [line] = timeline(log, classify=by_engagement)
        assert D(2026, 3, 2) == line.became_client()
        assert ["purchase", "engage"] == [c.event.value for c in line.changes]
        engage = line.changes[-1]
        assert ("client", 0.5) == (engage.classification.role, engage.classification.margin)
        assert Stage.CUSTOMER == line.state.stage_as_of(D(2026, 3, 1))

    def test_prospect_straight_to_client(self):
        """A party whose first act is signing becomes a client without being a customer."""
        [line] = timeline([signed("law", D(2026, 3, 2))], classify=by_engagement)
        assert [(Stage.PROSPECT, Stage.CLIENT)] == [(c.source, c.target) for c in line.changes]

    def test_renewal_lapse_and_return(self):
        """Renewals are recorded, lapses happen the first day allowed, and clients come back."""
        log = [
            signed("a", D(2025, 1, 1), "S1"),
            ended("a", D(2025, 6, 30), "S1"),
            signed("a", D(2025, 6, 1), "S2"),
            ended("a", D(2025, 9, 30), "S2"),
            signed("a", D(2026, 6, 1), "S3"),
        ]
        [line] = timeline(log, classify=engaged_or_unsure, end=D(2026, 12, 31))
        actual = [(c.on, c.event.value) for c in line.changes]
        expected = [
            (D(2025, 1, 1), "engage"),
            (D(2025, 6, 1), "renew"),
            (D(2025, 12, 30), "lapse"),
            (D(2026, 6, 1), "re_engage"),
        ]
        assert expected == actual

    def test_grace_period_from_the_engine(self):
        """The lapse date follows the lifecycle's grace period."""
        log = [signed("a", D(2025, 1, 1), "S1"), ended("a", D(2025, 6, 30), "S1")]
        [line] = timeline(
            log,
            classify=engaged_or_unsure,
            end=D(2025, 12, 31),
            lifecycle=Lifecycle(grace_days=10),
        )
        assert D(2025, 7, 11) == line.changes[-1].on

    def test_a_customer_verdict_ends_the_client_stage_that_day(self):
        """When the day's classification says customer, the client lapses at once, grace or not."""
        log = [signed("a", D(2025, 1, 1), "S1"), ended("a", D(2025, 6, 30), "S1")]
        [line] = timeline(log, classify=by_engagement, end=D(2025, 12, 31))
        lapse = line.changes[-1]
        assert (D(2025, 6, 30), "lapse") == (lapse.on, lapse.event.value)
        assert lapse.classification is not None
        assert "customer" == lapse.classification.role
        assert "no longer shows a client relationship" in lapse.reason

    def test_former_client_buys_again(self):
        """A former client who buys again is a customer."""
        log = [
            signed("a", D(2025, 1, 1), "S1"),
            ended("a", D(2025, 2, 1), "S1"),
            purchase("a", D(2025, 9, 1)),
        ]
        [line] = timeline(log, classify=by_engagement)
        assert ["engage", "lapse", "purchase"] == [c.event.value for c in line.changes]

    def test_given_engagements_count(self):
        """Engagements known apart from the log are replayed too, even without interactions."""
        work = Engagement("e1", "acme", "Audit", start=D(2026, 2, 1))
        lines = timeline([purchase("ann", D(2026, 1, 1))], (work,), classify=by_engagement)
        assert ["acme", "ann"] == [line.party_id for line in lines]
        assert D(2026, 2, 1) == lines[0].became_client()

    def test_score_series(self):
        """The party is classified every period from its first interaction to the end."""
        [line] = timeline([purchase("a", D(2026, 1, 1))], classify=by_engagement, end=D(2026, 3, 5))
        expected = [D(2026, 1, 1), D(2026, 1, 31), D(2026, 3, 2), D(2026, 3, 5)]
        assert expected == [point.on for point in line.scores]

    def test_nothing_after_end(self):
        """Events after the end of the replay are ignored."""
        log = [purchase("a", D(2026, 1, 1)), signed("a", D(2026, 6, 1))]
        [line] = timeline(log, classify=by_engagement, end=D(2026, 3, 1))
        assert Stage.CUSTOMER == line.state.stage

    def test_party_starting_after_end(self):
        """A party whose log starts after the end stays a prospect with no scores."""
        [line] = timeline([purchase("a", D(2027, 1, 1))], classify=by_engagement, end=D(2026, 1, 1))
        assert (Stage.PROSPECT, ()) == (line.state.stage, line.scores)

    def test_party_without_dates(self):
        """A party timeline with nothing known is a prospect."""
        assert PartyTimeline("a", LifecycleState()).became_client() is None

    def test_empty_log(self):
        """An empty log has no timelines."""
        assert () == timeline([], classify=by_engagement)

    @pytest.mark.parametrize(
        ("field", "kwargs"),
        [
            ("$.every_days", {"every_days": 0}),
            ("$.every_days", {"every_days": True}),
            ("$.end", {"end": "2026-01-01"}),
            ("$.interactions[0]", {"interactions": ["x"]}),
            ("$.engagements[0]", {"engagements": ["x"]}),
        ],
    )
    def test_bad_arguments(self, field, kwargs):
        """Bad arguments are validation errors naming them."""
        arguments = {"interactions": [purchase("a", D(2026, 1, 1))], **kwargs}
        with pytest.raises(ValidationError) as caught:
            timeline(classify=by_engagement, **arguments)
        assert field == caught.value.field


def point(month, score, **signals):
    """A checkpoint whose collaboration follows the score unless given (a relational rise)."""
    verdict = ClassificationSummary("customer", score, score - 6)
    signals.setdefault("collaborative_share", score / 10)
    return ScorePoint(D(2026, month, 1), verdict, Signals(**signals))


class TestEmergingClients:
    def test_rising_customer_is_listed_with_moved_signals(self):
        """A customer whose score rises is listed with the signals that rose."""
        log = [
            purchase("ann", D(2026, 1, 5)),
            Interaction("ann", D(2026, 2, 5), "meeting"),
            Interaction("ann", D(2026, 3, 5), "workshop", customized=True),
            purchase("bob", D(2026, 1, 5)),
            purchase("bob", D(2026, 3, 5)),
        ]
        lines = timeline(log, classify=by_collaboration, every_days=30)
        [watch] = emerging_clients(lines)
        assert "ann" == watch.party_id
        assert ["collaborative_share", "touchpoints_per_quarter", "customization"] == [
            move.name for move in watch.moved
        ]

    def test_order_and_filters(self):
        """Closest to the threshold first; past it, not rising or not a customer are left out."""
        customer = LifecycleState("customer")
        lines = [
            PartyTimeline("far", customer, (point(1, 1), point(2, 2))),
            PartyTimeline("near", customer, (point(1, 3), point(2, 5))),
            PartyTimeline("flat", customer, (point(1, 3), point(2, 3))),
            PartyTimeline("client", LifecycleState("client"), (point(1, 1), point(2, 5))),
            PartyTimeline("short", customer, (point(1, 1),)),
        ]
        past = PartyTimeline(
            "past",
            customer,
            (
                point(1, 5),
                ScorePoint(D(2026, 2, 1), ClassificationSummary("client", 8, 2), Signals()),
            ),
        )
        found = emerging_clients([*lines, past])
        assert ["near", "far"] == [entry.party_id for entry in found]

    def test_window_and_min_gain(self):
        """The window picks the starting checkpoint; a small gain can be filtered out."""
        line = PartyTimeline(
            "a", LifecycleState("customer"), (point(1, 0), point(2, 4), point(3, 5))
        )
        assert [5.0] == [e.gain for e in emerging_clients([line], window=3)]
        assert [1.0] == [e.gain for e in emerging_clients([line], window=1)]
        assert () == emerging_clients([line], window=1, min_gain=1.0)

    def test_unknown_then_known_signal_moved(self):
        """A signal that becomes known counts as moved, shown from unknown; only relational
        signals are named (a contract starting is not why a customer is emerging)."""
        line = PartyTimeline(
            "a",
            LifecycleState("customer"),
            (
                point(1, 0, active_engagement=False, collaborative_share=None),
                point(2, 3, customization=0.5, active_engagement=True, collaborative_share=None),
            ),
        )
        [entry] = emerging_clients([line])
        expected = ["customization unknown -> 0.5"]
        assert expected == [str(move) for move in entry.moved]

    @pytest.mark.parametrize("bad", [0, True, "3"])
    def test_bad_window(self, bad):
        """The window is a positive number of checkpoints."""
        with pytest.raises(ValidationError, match=r"\$\.window"):
            emerging_clients([], window=bad)

    def test_value_types(self):
        """The watchlist's values are plain attrs values."""
        entry = EmergingClient(
            "a", point(1, 0), point(2, 1), (SignalMove("customization", None, 1),)
        )
        assert "customization unknown -> 1" == str(entry.moved[0])
