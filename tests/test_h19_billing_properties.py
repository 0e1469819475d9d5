"""Issue 19 properties: generated billing logs (strategies in clientcustomer.testing).

Retainers (monthly professional invoices over a year or more) are clients; subscriptions to
standard services, retail buyers and loyal buyers of goods stay customers; the dataframe path
agrees with the one-record path on them.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import clientcustomer as cc
from clientcustomer import testing


def _verdict(log: tuple[cc.Interaction, ...]) -> cc.Classification:
    as_of = max(i.on for i in log) + dt.timedelta(days=1)
    return cc.classify(cc.derive_signals(log, as_of=as_of))


@settings(max_examples=60, deadline=None)
@given(testing.retainer_logs())
def test_retainers_are_clients(log):
    """Every generated professional retainer is a client."""
    verdict = _verdict(log)
    assert verdict.role is cc.Role.CLIENT, verdict


@settings(max_examples=60, deadline=None)
@given(testing.subscription_logs())
def test_subscriptions_stay_customers(log):
    """Every generated subscription to a standard service is a customer."""
    assert _verdict(log).role is cc.Role.CUSTOMER


@settings(max_examples=60, deadline=None)
@given(testing.goods_buyer_logs())
def test_goods_buyers_stay_customers(log):
    """Every generated buyer of goods, however loyal, is a customer."""
    assert _verdict(log).role is cc.Role.CUSTOMER


def _as_billed(log: tuple[cc.Interaction, ...]) -> list[cc.Interaction]:
    """The log as a billing export records it: no contact, customization only by nature."""
    return [
        attrs.evolve(
            item,
            collaborative=None,
            customized=True if item.offering is cc.Offering.PROFESSIONAL else None,
        )
        for item in log
    ]


@settings(max_examples=30, deadline=None)
@given(
    st.one_of(
        testing.retainer_logs(party="r"),
        testing.subscription_logs(party="s"),
        testing.goods_buyer_logs(party="g"),
    ),
    st.integers(0, 800),
)
def test_the_frame_path_agrees_on_billing_exports(log, days_later):
    """signals_frame on a billing export equals derive_signals, signal for signal."""
    pl = pytest.importorskip("polars")
    pytest.importorskip("narwhals")
    frame = pl.DataFrame(
        {
            "party_id": [item.party_id for item in log],
            "on": [item.on for item in log],
            "item": [item.item for item in log],
            "offering": [item.offering.value for item in log],
            "amount": [float(item.amount) for item in log],
            "reference": [item.reference for item in log],
        }
    )
    columns = cc.LogColumns(kind=None, customized=None, collaborative=None)
    as_of = max(item.on for item in log) + dt.timedelta(days=days_later)
    expected = cc.derive_signals(_as_billed(log), as_of=as_of)
    row = cc.signals_frame(frame, as_of=as_of, columns=columns).row(0, named=True)
    for name in cc.SIGNALS:
        want, got = expected.get(name), row[name]
        assert (want is None and got is None) or want == pytest.approx(got), name
