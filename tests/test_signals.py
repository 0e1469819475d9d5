"""Tests for deriving signals from interactions: formulas, refunds, agreements, properties."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcustomer import (
    SIGNALS,
    Client,
    Customer,
    Engagement,
    FormerClient,
    Interaction,
    Party,
    Signals,
    derive_signals,
    derive_signals_for,
    signals_by_party,
)
from clientcustomer.exceptions import ValidationError
from clientcustomer.testing import interaction_logs, interactions

AS_OF = dt.date(2026, 4, 1)
SHARES = ("collaborative_share", "repeat_rate", "service_share", "customization")


def day(month: int, day_: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day_)


def buy(on: dt.date, amount: str = "10", **kwargs) -> Interaction:
    return Interaction("p", on, "purchase", amount=Decimal(amount), **kwargs)


def refund(on: dt.date, amount: str = "10", kind: str = "return", **kwargs) -> Interaction:
    return Interaction("p", on, kind, amount=Decimal(amount), **kwargs)


class TestSignalsValue:
    @pytest.mark.parametrize(
        ("values", "message"),
        [
            ({"active_engagement": 1}, "$.active_engagement: expected a boolean or null, got 1"),
            ({"tenure_days": 1.5}, "$.tenure_days: expected an integer or null, got 1.5"),
            ({"tenure_days": True}, "$.tenure_days: expected an integer or null, got True"),
            ({"spend": "3"}, "$.spend: expected a number or null, got '3'"),
            ({"spend": float("-inf")}, "$.spend: expected a number >= 0, got -inf"),
            ({"spend": float("inf")}, "$.spend: expected a number >= 0, got inf"),
            ({"tenure_days": -3}, "$.tenure_days: expected an integer >= 0, got -3"),
            ({"repeat_rate": 2}, "$.repeat_rate: expected a number between 0 and 1, got 2"),
        ],
    )
    def test_canonical_values_are_checked(self, values, message):
        """Each canonical signal's type and range is checked, naming the signal."""
        with pytest.raises(ValidationError) as caught:
            Signals.from_mapping(values)
        assert message == str(caught.value)

    @pytest.mark.parametrize(
        ("custom", "message"),
        [
            ([], "$.custom: expected a dict of signal name to value, got []"),
            ({"not ok": 1}, "$.custom: expected signal names that are identifiers, got 'not ok'"),
            (
                {"spend": 1},
                (
                    "$.custom.spend: expected a custom signal name (this one is canonical), "
                    "got 'spend'"
                ),
            ),
            ({"nps": [1]}, "$.custom.nps: expected a number, boolean, string or null, got [1]"),
            (
                {"nps": float("inf")},
                "$.custom.nps: expected a number, boolean, string or null, got inf",
            ),
        ],
    )
    def test_custom_values_are_checked(self, custom, message):
        """Custom signals need identifier names and primitive values."""
        with pytest.raises(ValidationError) as caught:
            Signals(custom=custom)
        assert message == str(caught.value)

    def test_from_mapping_needs_a_mapping(self):
        """Only a mapping can be read as signals."""
        with pytest.raises(ValidationError) as caught:
            Signals.from_mapping([("spend", 1)])  # type: ignore[arg-type]
        assert "$" == caught.value.field

    def test_accessors(self):
        """get, as_dict and unknown see canonical and custom signals alike."""
        signals = Signals(spend=3.0, custom={"nps": 9})
        assert (3.0, 9, None) == (signals.get("spend"), signals.get("nps"), signals.get("x"))
        assert 9 == signals.as_dict()["nps"]
        assert "spend" not in signals.unknown()


class TestNothingKnown:
    def test_empty_log_gives_all_unknown(self):
        """With no interaction and no engagement every signal is unknown."""
        assert Signals() == derive_signals([], as_of=AS_OF)

    def test_only_future_interactions_give_all_unknown(self):
        """Interactions after as_of do not count at all."""
        assert Signals() == derive_signals([buy(day(5, 1))], as_of=AS_OF)

    def test_engagement_only_knows_relationship_signals(self):
        """An engagement without interactions gives tenure, engagement and commitment only."""
        engagement = Engagement("e", "p", "Audit", start=day(3, 1), end=day(4, 30))
        expected = Signals(tenure_days=31, active_engagement=True, commitment_days=29)
        assert expected == derive_signals([], [engagement], as_of=AS_OF)

    def test_ratios_without_denominator_are_unknown(self):
        """A meeting-only log has no purchases, so purchase ratios are unknown, not 0."""
        signals = derive_signals([Interaction("p", day(3, 1), "meeting")], as_of=AS_OF)
        assert (None, None, None, None) == (
            signals.repeat_rate,
            signals.recency_days,
            signals.service_share,
            signals.customization,
        )
        assert (0, 0.0, 1.0) == (signals.purchases, signals.spend, signals.collaborative_share)


class TestFormulas:
    def test_worked_example(self):
        """Every signal of a small log matches its documented formula."""
        log = [
            Interaction("p", day(1, 1), "workshop", offering="service", customized=True),
            buy(day(1, 10), "300", item="design", offering="service", customized=True),
            buy(day(1, 10), "100", item="paper"),
            buy(day(3, 1), "100", item="paper"),
            Interaction("p", day(3, 2), "support"),
        ]
        expected = Signals(
            collaborative_share=1 / 5,
            touchpoints_per_quarter=2 * 91.25 / 90,
            tenure_days=90,
            active_engagement=False,
            repeat_rate=1 / 2,
            retainer_months=0,
            service_share=300 / 500,
            customization=2 / 4,
            commitment_days=0,
            purchases=3,
            purchases_per_year=3 * 365 / 90,
            recency_days=31,
            spend=500.0,
        )
        assert expected == derive_signals(log, as_of=AS_OF)

    def test_rates_use_at_least_thirty_days(self):
        """A relationship a day old is rated over 30 days."""
        signals = derive_signals([buy(AS_OF)], as_of=AS_OF)
        assert (0, 365 / 30) == (signals.tenure_days, signals.purchases_per_year)

    def test_lines_sharing_a_reference_are_one_order(self):
        """Two invoice lines with the same reference make one purchase and one occasion."""
        log = [buy(day(3, 1), item="a", reference="I1"), buy(day(3, 1), item="b", reference="I1")]
        signals = derive_signals(log, as_of=AS_OF)
        assert (1, 0.0) == (signals.purchases, signals.repeat_rate)

    def test_repeat_rate_counts_distinct_dates(self):
        """Three purchases on two dates are two occasions, one of them a repeat."""
        log = [buy(day(3, 1)), buy(day(3, 1), item="x"), buy(day(3, 5))]
        assert 0.5 == derive_signals(log, as_of=AS_OF).repeat_rate

    def test_engagement_start_counts_for_tenure(self):
        """Tenure starts at the earlier of the first interaction and the first engagement."""
        engagement = Engagement("e", "p", "Audit", start=day(1, 1), end=day(1, 31))
        signals = derive_signals([buy(day(3, 1))], [engagement], as_of=AS_OF)
        assert (90, False, 0) == (
            signals.tenure_days,
            signals.active_engagement,
            signals.commitment_days,
        )


class TestRefunds:
    @pytest.mark.parametrize(
        ("log", "expected"),
        [
            # Returning part of an order lowers spend but the order still counts.
            pytest.param(
                [buy(day(3, 1), "40", reference="I1"), refund(day(3, 2), "15", reference="I1")],
                (1, 25.0),
                id="partial-return-keeps-the-purchase",
            ),
            # Two partial returns covering the order cancel it in full.
            pytest.param(
                [
                    buy(day(3, 1), "40", reference="I1"),
                    refund(day(3, 2), "15", reference="I1"),
                    refund(day(3, 3), "25", reference="I1"),
                ],
                (0, 0.0),
                id="partial-returns-that-add-up-cancel-the-order",
            ),
            # A cancellation without amount cancels the order but gives no money back.
            pytest.param(
                [
                    buy(day(3, 1), "40", reference="I1"),
                    refund(day(3, 2), "0", "cancellation", reference="I1"),
                ],
                (0, 40.0),
                id="zero-amount-cancellation-refunds-nothing",
            ),
            # A refund naming an order already cancelled only lowers spend.
            pytest.param(
                [
                    buy(day(3, 1), "40", item="mug", reference="I1"),
                    buy(day(3, 1), "40", item="mug"),
                    refund(day(3, 2), "40", item="mug", reference="I1"),
                    refund(day(3, 3), "40", item="mug", reference="I1"),
                ],
                (1, 0.0),
                id="second-cancellation-cancels-nothing-more",
            ),
            # A refund only matches purchases made on or before its date.
            pytest.param(
                [refund(day(3, 1), "10", item="mug"), buy(day(3, 5), "10", item="mug")],
                (1, 0.0),
                id="refund-does-not-match-a-later-purchase",
            ),
            # A refund of a different amount keeps the purchase and lowers spend.
            pytest.param(
                [buy(day(3, 1), "30", item="mug"), refund(day(3, 2), "10", item="mug")],
                (1, 20.0),
                id="unmatched-partial-refund-only-lowers-spend",
            ),
            # A cancellation after as_of does not count yet.
            pytest.param(
                [buy(day(3, 1), "40", reference="I1"), refund(day(5, 1), "40", reference="I1")],
                (1, 40.0),
                id="cancellation-after-as-of-does-not-count-yet",
            ),
        ],
    )
    def test_refunds_cancel_orders_and_lower_spend(self, log, expected):
        """Refunds and cancellations give the purchases and the net spend as of the date."""
        signals = derive_signals(log, as_of=AS_OF)
        assert expected == (signals.purchases, signals.spend)

    def test_full_cancellation_by_reference_is_not_a_purchase(self):
        """A cancellation covering an order's amount cancels the order."""
        log = [
            buy(day(3, 1), "40", reference="I1"),
            refund(day(3, 2), "40", "cancellation", reference="I1"),
        ]
        signals = derive_signals(log, as_of=AS_OF)
        assert (0, 0.0, None, None) == (
            signals.purchases,
            signals.spend,
            signals.recency_days,
            signals.collaborative_share,
        )

    def test_match_by_item_and_amount_without_reference(self):
        """A refund without a matching reference cancels the latest equal purchase line."""
        log = [
            buy(day(3, 1), "10", item="mug"),
            buy(day(3, 5), "10", item="mug"),
            refund(day(3, 6), "10", item="mug", reference="C9"),
        ]
        signals = derive_signals(log, as_of=AS_OF)
        assert (1, 10.0, 31) == (signals.purchases, signals.spend, signals.recency_days)

    def test_spend_never_goes_below_zero(self):
        """Refunding more than was bought gives a spend of 0 and an unknown service share."""
        log = [buy(day(3, 1), "30", item="a"), refund(day(3, 2), "50", item="b")]
        signals = derive_signals(log, as_of=AS_OF)
        assert (0.0, None) == (signals.spend, signals.service_share)

    def test_product_refund_does_not_eat_service_spend(self):
        """Each offering's net spend is floored at 0 on its own."""
        log = [
            buy(day(3, 1), "100", item="advice", offering="service"),
            refund(day(3, 2), "500", item="chair"),
        ]
        signals = derive_signals(log, as_of=AS_OF)
        assert (100.0, 1.0) == (signals.spend, signals.service_share)


def signed(month: int, **kwargs) -> Interaction:
    return Interaction("p", day(month, 1), "agreement_signed", **kwargs)


def ended(month: int, **kwargs) -> Interaction:
    return Interaction("p", day(month, 1), "agreement_ended", **kwargs)


class TestAgreements:
    @pytest.mark.parametrize(
        ("log", "expected"),
        [
            # A signed, not ended service agreement is active with the open-ended horizon.
            pytest.param([signed(2, offering="service")], (True, 365), id="service-is-active"),
            # A product supply agreement counts for commitment but not for active engagement.
            pytest.param([signed(2)], (False, 365), id="product-commits-only"),
            # An agreement_ended ends the agreement.
            pytest.param(
                [signed(2, offering="service"), ended(3, offering="service")],
                (False, 0),
                id="ended-no-longer-commits",
            ),
            # An agreement_ended with a reference ends that agreement, not the latest one.
            pytest.param(
                [
                    signed(1, offering="service", reference="K1"),
                    signed(2, reference="K2"),
                    ended(3, reference="K1"),
                ],
                (False, 365),
                id="ended-by-reference",
            ),
            # Without a matching reference the most recently signed agreement ends.
            pytest.param(
                [signed(1, offering="service"), signed(2), ended(3, reference="nope")],
                (True, 365),
                id="unmatched-end-ends-the-latest",
            ),
            # An agreement_ended with nothing running changes nothing.
            pytest.param([ended(1)], (False, 0), id="end-without-agreement-is-ignored"),
        ],
    )
    def test_agreements_commit_and_engage(self, log, expected):
        """Signed and ended agreements give the active engagement and the commitment in days."""
        signals = derive_signals(log, as_of=AS_OF)
        assert expected == (signals.active_engagement, signals.commitment_days)

    def test_longest_engagement_term_is_the_commitment(self):
        """commitment_days is the longest term still to run among running engagements."""
        engagements = [
            Engagement("e1", "p", "Short", start=day(1, 1), end=day(4, 11)),
            Engagement("e2", "p", "Long", start=day(1, 1), end=day(6, 30)),
            Engagement("e3", "p", "Later", start=day(5, 1)),
        ]
        assert 90 == derive_signals([], engagements, as_of=AS_OF).commitment_days

    def test_open_ended_engagement_gets_the_horizon(self):
        """An engagement without end date commits 365 days ahead."""
        engagement = Engagement("e", "p", "Retainer", start=day(1, 1))
        assert 365 == derive_signals([], [engagement], as_of=AS_OF).commitment_days


class TestValidation:
    def test_as_of_must_be_a_date(self):
        """A datetime as_of is refused with the field named."""
        with pytest.raises(ValidationError) as caught:
            derive_signals([], as_of=dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
        assert "$.as_of" == caught.value.field

    def test_items_must_be_interactions(self):
        """A non-interaction in the log is named by index."""
        with pytest.raises(ValidationError) as caught:
            derive_signals([buy(day(3, 1)), "x"], as_of=AS_OF)
        assert "$.interactions[1]: expected an Interaction, got 'x'" == str(caught.value)

    def test_log_must_be_iterable(self):
        """A string is not a log."""
        with pytest.raises(ValidationError) as caught:
            derive_signals("log", as_of=AS_OF)  # type: ignore[arg-type]
        assert "$.interactions" == caught.value.field

    def test_mixed_parties_are_refused(self):
        """Interactions of two parties need party_id to pick one."""
        log = [buy(day(3, 1)), Interaction("q", day(3, 1), "purchase")]
        with pytest.raises(ValidationError) as caught:
            derive_signals(log, as_of=AS_OF)
        expected = (
            "$.interactions[1].party_id: expected the same party as the others ('p'); "
            "pass party_id= to pick one, got 'q'"
        )
        assert expected == str(caught.value)

    def test_party_id_filters(self):
        """With party_id only that party's interactions and engagements count."""
        log = [buy(day(3, 1)), Interaction("q", day(3, 1), "purchase"), buy(day(3, 2))]
        engagements = [Engagement("e", "q", "Other", start=day(1, 1))]
        signals = derive_signals(log, engagements, as_of=AS_OF, party_id="p")
        assert (2, False) == (signals.purchases, signals.active_engagement)

    def test_engagement_of_another_party_is_refused(self):
        """An engagement for another client is named by index."""
        engagements = [Engagement("e", "q", "Other", start=day(1, 1))]
        with pytest.raises(ValidationError) as caught:
            derive_signals([buy(day(3, 1))], engagements, as_of=AS_OF)
        assert "$.engagements[0].client_id" == caught.value.field

    def test_engagements_must_be_engagements(self):
        """A non-engagement is named by index."""
        with pytest.raises(ValidationError) as caught:
            derive_signals([], [1], as_of=AS_OF)
        assert "$.engagements[0]: expected an Engagement, got 1" == str(caught.value)


class TestDeriveSignalsFor:
    def test_customer(self):
        """A customer's signals come from its interactions."""
        customer = Customer(Party("p", "P"), since=day(3, 1), interactions=(buy(day(3, 1)),))
        assert derive_signals([buy(day(3, 1))], as_of=AS_OF) == derive_signals_for(
            customer, as_of=AS_OF
        )

    def test_client_uses_engagements(self):
        """A client's engagements count."""
        engagement = Engagement("e", "p", "Audit", start=day(1, 1))
        client = Client(Party("p", "P"), since=day(1, 1), engagements=(engagement,))
        assert True is derive_signals_for(client, as_of=AS_OF).active_engagement

    def test_former_client_uses_engagements(self):
        """A former client's past engagements count for tenure."""
        engagement = Engagement("e", "p", "Audit", start=day(1, 1), end=day(1, 31))
        former = FormerClient(Party("p", "P"), since=day(2, 1), engagements=(engagement,))
        signals = derive_signals_for(former, as_of=AS_OF)
        assert (90, False) == (signals.tenure_days, signals.active_engagement)

    def test_other_objects_are_refused(self):
        """Only customers and clients are accepted."""
        with pytest.raises(ValidationError) as caught:
            derive_signals_for(Party("p", "P"), as_of=AS_OF)  # type: ignore[arg-type]
        assert "$" == caught.value.field


class TestSignalsByParty:
    def test_groups_by_party_in_order(self):
        """Each party gets its own signals, ordered by party id."""
        log = [Interaction("b", day(3, 1), "purchase"), Interaction("a", day(3, 2), "meeting")]
        result = signals_by_party(log, as_of=AS_OF)
        assert ["a", "b"] == list(result)
        assert derive_signals(log[:1], as_of=AS_OF) == result["b"]

    def test_future_only_party_is_left_out(self):
        """A party with nothing on or before as_of does not appear."""
        log = [Interaction("b", day(5, 1), "purchase")]
        engagements = [Engagement("e", "c", "Later", start=day(5, 1))]
        assert {} == signals_by_party(log, as_of=AS_OF, engagements=engagements)

    def test_engagement_only_party_appears(self):
        """A client known only through an engagement appears."""
        engagements = [Engagement("e", "c", "Audit", start=day(1, 1))]
        assert ["c"] == list(signals_by_party([], as_of=AS_OF, engagements=engagements))

    def test_as_of_none_uses_the_day_after_the_latest_date(self):
        """Without as_of the day after the latest interaction is used (`default_as_of`)."""
        log = [Interaction("a", day(3, 1), "purchase"), Interaction("a", day(3, 11), "meeting")]
        assert 11 == signals_by_party(log, as_of=None)["a"].tenure_days  # as of the day after

    def test_as_of_none_on_empty_log(self):
        """An empty log gives no parties."""
        assert {} == signals_by_party([], as_of=None)

    def test_bad_items_are_refused(self):
        """Non-interactions and non-engagements are named by index."""
        with pytest.raises(ValidationError) as caught:
            signals_by_party([None], as_of=AS_OF)
        assert "$.interactions[0]" == caught.value.field
        with pytest.raises(ValidationError) as caught:
            signals_by_party([], as_of=AS_OF, engagements=[None])
        assert "$.engagements[0]" == caught.value.field

    def test_bad_as_of_is_refused(self):
        """as_of must be a date or None."""
        with pytest.raises(ValidationError) as caught:
            signals_by_party([], as_of="2026-01-01")  # type: ignore[arg-type]
        assert "$.as_of" == caught.value.field


class TestDocumentation:
    def test_docs_table_quotes_every_formula(self):
        """The explanation page's table has one row per signal with its spec's formula."""
        page = Path(__file__).parent.parent / "docs" / "explanation" / "signals.md"
        if not page.exists():  # pragma: no cover - tests run from an installed wheel
            pytest.skip("the documentation is not next to the tests")
        rows = re.findall(
            r"^\| `(\w+)` \| ([^|]+) \| ([^|]+) \| [^|]+ \| (.+) \|$",
            page.read_text(encoding="utf-8"),
            re.MULTILINE,
        )
        expected = [
            (s.name, s.aspect.value if s.aspect else "(RFM fact)", s.unit, s.description)
            for s in SIGNALS.values()
        ]
        assert expected == rows


AS_OF_ST = st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31))


class TestProperties:
    @given(log=interaction_logs(), as_of=AS_OF_ST, data=st.data())
    def test_order_does_not_matter(self, log, as_of, data):
        """Any permutation of the log gives the same signals."""
        shuffled = data.draw(st.permutations(log))
        assert derive_signals(log, as_of=as_of) == derive_signals(shuffled, as_of=as_of)

    @given(log=interaction_logs(), future=interaction_logs(), as_of=AS_OF_ST)
    def test_only_the_past_counts(self, log, future, as_of):
        """Adding interactions dated after as_of changes nothing."""
        later = [attrs.evolve(i, on=as_of + dt.timedelta(days=1 + n)) for n, i in enumerate(future)]
        assert derive_signals(log, as_of=as_of) == derive_signals(log + later, as_of=as_of)

    @given(log=interaction_logs(), as_of=AS_OF_ST)
    def test_shares_stay_in_range(self, log, as_of):
        """Every share is unknown or between 0 and 1, and counts are non-negative."""
        signals = derive_signals(log, as_of=as_of)
        for name in SHARES:
            value = signals.get(name)
            assert value is None or 0 <= value <= 1
        assert signals.spend is None or signals.spend >= 0

    @given(
        log=interaction_logs(), extra=interactions(kinds=("return", "cancellation")), as_of=AS_OF_ST
    )
    def test_refund_never_increases_spend_or_purchases(self, log, extra, as_of):
        """Adding a return or cancellation never raises spend or the purchase count."""
        before = derive_signals(log, as_of=as_of)
        after = derive_signals([*log, extra], as_of=as_of)
        if before.spend is not None and after.spend is not None:
            assert after.spend <= before.spend
            assert (after.purchases or 0) <= (before.purchases or 0)

    @given(
        log=interaction_logs(parties=("a", "b", "c")),
        as_of=AS_OF_ST,
    )
    def test_by_party_agrees_with_one_party(self, log, as_of):
        """signals_by_party gives each party what derive_signals gives it."""
        result = signals_by_party(log, as_of=as_of)
        for party in ("a", "b", "c"):
            alone = derive_signals(log, as_of=as_of, party_id=party)
            assert alone == result.get(party, Signals())

    @given(log=interaction_logs(), as_of=AS_OF_ST)
    def test_deterministic(self, log, as_of):
        """Deriving twice gives equal signals."""
        assert derive_signals(log, as_of=as_of) == derive_signals(tuple(log), as_of=as_of)


class TestHugeIntegers:
    @pytest.mark.parametrize("name", ["tenure_days", "customization"])
    def test_an_integer_beyond_64_bits_is_a_validation_error(self, name):
        """An integer no engine can store is refused cleanly, never an ``OverflowError``."""
        with pytest.raises(
            ValidationError, match=rf"\$\.{name}: expected a number within the 64-bit"
        ):
            Signals.from_mapping({name: 10**400})
