"""Issue 13, case 9: entities refuse contradictions; a ``Decimal`` is a number wherever one is."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import clientcustomer as cc
from clientcustomer.exceptions import ValidationError

START = dt.date(2026, 1, 5)


def survey_for_shoppers(client_id: str, *, payer: str, decider: str) -> cc.Engagement:
    """A survey whose recipients are the shoppers, paid for and decided by the parties named."""
    roles = (
        cc.RoleAssignment(payer, "payer"),
        cc.RoleAssignment(decider, "decision_maker"),
        cc.RoleAssignment("shoppers", "recipient"),
    )
    return cc.Engagement("e1", client_id, "Survey", start=START, roles=roles)


class TestParty:
    @pytest.mark.parametrize("name", ["", "   "])
    def test_an_empty_name_is_refused(self, name):
        """A party needs a name."""
        with pytest.raises(ValidationError) as info:
            cc.Party("acme", name)

        assert "$.name" == info.value.field


class TestEngagementClient:
    def test_a_client_that_only_receives_is_refused(self):
        """The client pays or decides: a client id holding only ``recipient`` is refused."""
        with pytest.raises(ValidationError) as info:
            survey_for_shoppers("shoppers", payer="retailer", decider="retailer")

        assert "$.client_id" == info.value.field

    def test_a_client_that_decides_is_fine(self):
        """Deciding without paying is enough: "the client makes the decisions"."""
        work = survey_for_shoppers("retailer", payer="parent", decider="retailer")

        assert ("parent", "retailer") == work.client_parties


class TestDecimal:
    def test_classify_takes_a_decimal_amount(self):
        """``spend`` as a Decimal is a number, as amounts are everywhere else."""
        verdict = cc.classify({"spend": Decimal(10), "service_share": Decimal("0.0")})

        assert cc.Role.CUSTOMER is verdict.role

    def test_signals_take_decimals(self):
        """A Decimal becomes the signal's own type: a float, or an int for a whole count."""
        signals = cc.Signals.from_mapping(
            {"spend": Decimal("10.5"), "tenure_days": Decimal(400), "customization": Decimal(1)}
        )

        assert (10.5, 400, 1.0) == (signals.spend, signals.tenure_days, signals.customization)
        assert isinstance(signals.tenure_days, int)

    def test_a_fractional_decimal_count_is_refused(self):
        with pytest.raises(ValidationError) as info:
            cc.Signals(tenure_days=Decimal("1.5"))  # type: ignore[arg-type]

        assert "$.tenure_days" == info.value.field
