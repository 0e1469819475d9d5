"""The signals' public types, type-checked only (never run)."""

import datetime as dt
from collections.abc import Mapping
from typing import assert_type

from clientcustomer import (
    SIGNALS,
    Aspect,
    Classifier,
    Customer,
    Interaction,
    LogColumns,
    Offering,
    Party,
    Signals,
    SignalSpec,
    SignalValue,
    classify,
    default_as_of,
    default_ruleset,
    derive_signals,
    derive_signals_for,
    signals_by_party,
)

day = dt.date(2026, 3, 2)
log = [Interaction("acme", dt.date(2026, 1, 5), "purchase")]

assert_type(SIGNALS, Mapping[str, SignalSpec])
assert_type(SIGNALS["tenure_days"].aspect, Aspect | None)

signals = Signals(tenure_days=400, active_engagement=True)
assert_type(signals.tenure_days, int | None)
assert_type(signals.active_engagement, bool | None)
assert_type(signals.get("tenure_days"), SignalValue | None)
assert_type(signals.unknown(), tuple[str, ...])
assert_type(Signals.from_mapping({"tenure_days": 3}), Signals)

assert_type(derive_signals(log, as_of=day), Signals)
assert_type(derive_signals_for(Customer(Party("acme", "Acme"), since=day), as_of=day), Signals)
assert_type(signals_by_party(log, as_of=day), dict[str, Signals])

# Read-only tables, a verdict that says "cannot tell", descriptive keys passed through.
assert_type(signals.custom, Mapping[str, SignalValue | None])
verdict = classify({"id": "acme", "name": "Acme"}, passthrough=["name"])
assert_type(verdict.insufficient_evidence, bool)
assert_type(verdict.evidence[0].values, Mapping[str, SignalValue | None])
assert_type(default_ruleset().signals_read, tuple[str, ...])
assert_type(Classifier().signals_of({"spend": 1.0}, passthrough=("name",)), Signals)
assert_type(signals_by_party(log, as_of=None), dict[str, Signals])
assert_type(default_as_of(log, today=day), dt.date | None)

# Billing data: retainers, professional work, columns stated absent.
assert_type(signals.retainer_months, int | None)
assert_type(Offering.PROFESSIONAL.is_service, bool)
assert_type(Offering.PROFESSIONAL.customized_by_default, bool)
billing = LogColumns(professional=("legal advice",)).without("kind", "customized")
assert_type(billing, LogColumns)
assert_type(billing.professional, tuple[str, ...])
assert_type(billing.kind, str | None)
