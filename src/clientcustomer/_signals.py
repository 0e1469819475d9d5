"""Signals: the measurable facts about one relationship, along the seed's five aspects.

`Signals` holds the canonical signals (fixed names, units and ranges) plus any custom ones a user
supplies. A signal that is not known is ``None`` (*unknown*), never silently 0.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from .exceptions import Problem, ValidationError

__all__ = ["SIGNALS", "Aspect", "SignalSpec", "SignalValue", "Signals"]

SignalValue = float | int | bool | str
"""The type of one signal's value: a number, a boolean or (custom signals only) a string."""


class Aspect(enum.StrEnum):
    """The five aspects along which the sources tell customers from clients.

    Example:
        >>> from clientcustomer import Aspect
        >>> Aspect.PERSONALIZATION.customer_end, Aspect.PERSONALIZATION.client_end
        ('minimal personalization', 'high customization')
    """

    INTERACTION = "interaction"
    RELATIONSHIP = "relationship"
    BUSINESS = "business"
    PERSONALIZATION = "personalization"
    EXPECTATION = "expectation"

    @property
    def customer_end(self) -> str:
        """The customer end of this aspect, in the seed's words."""
        return _ENDS[self][0]

    @property
    def client_end(self) -> str:
        """The client end of this aspect, in the seed's words."""
        return _ENDS[self][1]


_ENDS = {
    Aspect.INTERACTION: ("primarily transactional", "ongoing and collaborative"),
    Aspect.RELATIONSHIP: ("short-term", "long-term"),
    Aspect.BUSINESS: ("product-focused", "service-oriented"),
    Aspect.PERSONALIZATION: ("minimal personalization", "high customization"),
    Aspect.EXPECTATION: ("immediate satisfaction", "long-term strategy and satisfaction"),
}

SignalType = Literal["number", "integer", "boolean", "string"]


@attrs.frozen
class SignalSpec:
    """The definition of one canonical signal.

    Attributes:
        name: The signal's name, as used in rules and in columns.
        type: ``number``, ``integer`` or ``boolean``.
        unit: The unit, in words.
        minimum: The smallest allowed value (numbers only).
        maximum: The largest allowed value, or ``None`` for no bound.
        aspect: The aspect it measures, or ``None`` for the transactional (RFM) facts.
        description: What it measures and how it is derived, in words.

    Example:
        >>> from clientcustomer import SIGNALS
        >>> SIGNALS["collaborative_share"].maximum
        1.0
    """

    name: str
    type: SignalType
    unit: str
    minimum: float | None
    maximum: float | None
    aspect: Aspect | None
    description: str


def _spec(  # noqa: PLR0913, PLR0917 - a table row
    name: str,
    type_: SignalType,
    unit: str,
    minimum: float | None,
    maximum: float | None,
    aspect: Aspect | None,
    description: str,
) -> tuple[str, SignalSpec]:
    return name, SignalSpec(name, type_, unit, minimum, maximum, aspect, description)


SIGNALS: Mapping[str, SignalSpec] = dict(
    [
        _spec(
            "collaborative_share",
            "number",
            "share 0-1",
            0.0,
            1.0,
            Aspect.INTERACTION,
            "Share of interactions that were collaborative (meetings, workshops, check-ins, "
            "joint planning).",
        ),
        _spec(
            "touchpoints_per_quarter",
            "number",
            "interactions per quarter",
            0.0,
            None,
            Aspect.INTERACTION,
            "Non-purchase touchpoints (meetings, check-ins, support...) per 91 days of tenure.",
        ),
        _spec(
            "tenure_days",
            "integer",
            "days",
            0,
            None,
            Aspect.RELATIONSHIP,
            "Days from the first interaction to the as-of date.",
        ),
        _spec(
            "active_engagement",
            "boolean",
            "true/false",
            None,
            None,
            Aspect.RELATIONSHIP,
            "Whether a contracted, ongoing service engagement runs on the as-of date.",
        ),
        _spec(
            "repeat_rate",
            "number",
            "share 0-1",
            0.0,
            1.0,
            Aspect.RELATIONSHIP,
            "Share of purchase occasions that were repeats (occasions after the first).",
        ),
        _spec(
            "service_share",
            "number",
            "share 0-1",
            0.0,
            1.0,
            Aspect.BUSINESS,
            "Share of net spend that went to services rather than products.",
        ),
        _spec(
            "customization",
            "number",
            "share 0-1",
            0.0,
            1.0,
            Aspect.PERSONALIZATION,
            "Share of orders and work items that were customized.",
        ),
        _spec(
            "commitment_days",
            "integer",
            "days",
            0,
            None,
            Aspect.EXPECTATION,
            "Forward horizon of agreements: days still to run on contracts and engagements.",
        ),
        _spec(
            "purchases",
            "integer",
            "count",
            0,
            None,
            None,
            "Number of purchases not cancelled or returned in full.",
        ),
        _spec(
            "purchases_per_year",
            "number",
            "purchases per 365 days",
            0.0,
            None,
            None,
            "Purchases per 365 days of tenure (at least 30 days counted).",
        ),
        _spec(
            "recency_days",
            "integer",
            "days",
            0,
            None,
            None,
            "Days since the last purchase.",
        ),
        _spec(
            "spend",
            "number",
            "currency units",
            0.0,
            None,
            None,
            "Net spend: purchases less returns and cancellations, never below 0.",
        ),
    ]
)
"""The canonical signals, by name, in the order of the design's table."""

_CANONICAL = tuple(SIGNALS)


def _check_canonical(name: str, value: object) -> Problem | None:  # noqa: PLR0911 - one check per case
    """Return the problem with a canonical signal's value, or ``None`` when it is fine."""
    if value is None:
        return None
    spec = SIGNALS[name]
    field = f"$.{name}"
    if spec.type == "boolean":
        if not isinstance(value, bool):
            return Problem(field, "a boolean or null", value)
        return None
    if spec.type == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return Problem(field, "an integer or null", value)
    elif isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        return Problem(field, "a number or null", value)
    assert isinstance(value, int | float)  # noqa: S101 - narrowed above, for the type checker
    low, high = spec.minimum, spec.maximum
    if (
        (low is not None and value < low)
        or (high is not None and value > high)
        or (math.isinf(value))
    ):
        bound = f"between {low:g} and {high:g}" if high is not None else f">= {low:g}"
        return Problem(field, f"a {spec.type} {bound}", value)
    return None


def _check_custom(custom: object) -> list[Problem]:
    if not isinstance(custom, dict):
        return [Problem("$.custom", "a dict of signal name to value", custom)]
    problems = []
    for key, value in custom.items():
        if not isinstance(key, str) or not key.isidentifier():
            problems.append(Problem("$.custom", "signal names that are identifiers", key))
        elif key in SIGNALS:
            problems.append(
                Problem(f"$.custom.{key}", "a custom signal name (this one is canonical)", key)
            )
        elif value is not None and (
            not isinstance(value, int | float | bool | str)
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            problems.append(Problem(f"$.custom.{key}", "a number, boolean, string or null", value))
    return problems


@attrs.frozen
class Signals:
    """The signals of one relationship; ``None`` means *unknown*.

    Attributes:
        collaborative_share: Interaction aspect: share of collaborative interactions (0-1).
        touchpoints_per_quarter: Interaction aspect: non-purchase touchpoints per quarter.
        tenure_days: Relationship aspect: days since the first interaction.
        active_engagement: Relationship aspect: whether a service engagement is running.
        repeat_rate: Relationship aspect: share of repeat purchase occasions (0-1).
        service_share: Business aspect: share of spend on services (0-1).
        customization: Personalization aspect: share of customized orders and work (0-1).
        commitment_days: Expectation aspect: days still to run on agreements.
        purchases: Transactional fact: number of purchases.
        purchases_per_year: Transactional fact: purchases per year of tenure.
        recency_days: Transactional fact: days since the last purchase.
        spend: Transactional fact: net spend.
        custom: Custom signals supplied by the user, by name (usable in rules).

    Example:
        >>> from clientcustomer import Signals
        >>> s = Signals(collaborative_share=0.6, customization=0.8, custom={"nps": 9})
        >>> s.get("customization"), s.get("tenure_days"), s.get("nps")
        (0.8, None, 9)
        >>> Signals.from_mapping({"tenure_days": 400, "region": "north"}).custom
        {'region': 'north'}
    """

    collaborative_share: float | None = None
    touchpoints_per_quarter: float | None = None
    tenure_days: int | None = None
    active_engagement: bool | None = None
    repeat_rate: float | None = None
    service_share: float | None = None
    customization: float | None = None
    commitment_days: int | None = None
    purchases: int | None = None
    purchases_per_year: float | None = None
    recency_days: int | None = None
    spend: float | None = None
    custom: dict[str, SignalValue | None] = attrs.field(factory=dict, hash=False)

    def __attrs_post_init__(self) -> None:
        problems = [
            problem
            for name in _CANONICAL
            if (problem := _check_canonical(name, getattr(self, name))) is not None
        ]
        problems.extend(_check_custom(self.custom))
        if problems:
            raise ValidationError(problems)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Signals:
        """Build signals from a flat mapping; names that are not canonical become custom.

        Args:
            values: Signal name to value; ``None`` means unknown.

        Returns:
            The validated signals.

        Raises:
            ValidationError: When a value has the wrong type or is out of range; every problem
                is listed.

        Example:
            >>> from clientcustomer import Signals
            >>> Signals.from_mapping({"customization": 1.5})
            Traceback (most recent call last):
            ...
            clientcustomer.exceptions.ValidationError: $.customization: expected a number between 0 and 1, got 1.5
        """  # noqa: E501 - a doctest line cannot be wrapped
        if not isinstance(values, Mapping):
            raise ValidationError.single("$", "a mapping of signal name to value", values)
        canonical: dict[str, Any] = {}
        custom: dict[str, Any] = {}
        for key, value in values.items():
            if key in SIGNALS:
                canonical[key] = value
            else:
                custom[key] = value
        return cls(**canonical, custom=custom)

    def get(self, name: str) -> SignalValue | None:
        """Return a signal's value by name, canonical or custom; ``None`` when unknown.

        Args:
            name: The signal's name.

        Returns:
            The value, or ``None`` when it is unknown (or not supplied).

        Example:
            >>> from clientcustomer import Signals
            >>> Signals(repeat_rate=0.5).get("repeat_rate")
            0.5
        """
        if name in SIGNALS:
            value: SignalValue | None = getattr(self, name)
            return value
        return self.custom.get(name)

    def as_dict(self) -> dict[str, SignalValue | None]:
        """Return every signal as one flat dict: canonical ones first, then custom ones.

        Example:
            >>> from clientcustomer import Signals
            >>> Signals(tenure_days=3, custom={"nps": 7}).as_dict()["nps"]
            7
        """
        flat: dict[str, SignalValue | None] = {name: getattr(self, name) for name in _CANONICAL}
        flat.update(self.custom)
        return flat

    def unknown(self) -> tuple[str, ...]:
        """Return the names of the canonical signals that are unknown.

        Example:
            >>> from clientcustomer import Signals
            >>> "spend" in Signals(tenure_days=3).unknown()
            True
        """
        return tuple(name for name in _CANONICAL if getattr(self, name) is None)
