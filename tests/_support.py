"""Helpers that several test modules share (imported as ``_support``: tests/ is on the path)."""

from __future__ import annotations

import math
from typing import Any

import pytest

import clientcustomer as cc
from clientcustomer import SIGNALS, NearMiss

CLIENT = {
    "collaborative_share": 0.6,
    "customization": 0.5,
    "active_engagement": True,
    "commitment_days": 300,
}
"""A record the default rule set calls a client."""
SHOP = {"collaborative_share": 0.0, "customization": 0.0}
"""A record the default rule set calls a customer."""


def plain(record: cc.Signals) -> dict[str, object]:
    """A drawn `Signals` as a plain record: its known built-in values (no custom ones)."""
    document = cc.unstructure(record)
    document.pop("custom", None)
    return {key: value for key, value in document.items() if value is not None}


def engines(*names: str, also: tuple[str, ...] = ()) -> tuple[Any, ...]:
    """The optional dataframe engines a test module runs on, imported, in the order named.

    The calling module is skipped when one of them (or one of ``also``, needed but not used by
    name, such as narwhals behind ``signals_frame``) is not installed.
    """
    for name in also:
        pytest.importorskip(name)
    return tuple(pytest.importorskip(name) for name in names)


def short_of(miss: NearMiss) -> list[float | int]:
    """Values of a near miss's signal strictly between its value now and its target, typed like
    the signal (whole numbers only for an integer signal): just past now, halfway, just short of
    the target; none for a flag, or when the value now is unknown."""
    if isinstance(miss.now, bool) or miss.now is None or isinstance(miss.to, bool):
        return []
    now, to = float(miss.now), float(miss.to)
    toward = math.nextafter(to, now)
    between = [
        value
        for value in {math.nextafter(now, to), (now + to) / 2, toward}
        if min(now, to) < value < max(now, to)
    ]
    if SIGNALS[miss.signal].type == "integer":
        return [int(value) for value in between if value == int(value)]
    return between
