"""Signals: the measurable facts about one relationship, along the seed's five aspects.

`Signals` holds the canonical signals (fixed names, units and ranges) plus any custom ones a user
supplies. A signal that is not known is ``None`` (*unknown*), never silently 0.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import math
import types
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal, TypeVar

import attrs

from clientcustomer._core import html as h
from clientcustomer._core import validation as v
from clientcustomer.engagements.model import Engagement
from clientcustomer.exceptions import Problem, ValidationError
from clientcustomer.parties.entities import (
    Client,
    Customer,
    FormerClient,
    Interaction,
)

__all__ = [
    "SIGNALS",
    "Aspect",
    "PartyLog",
    "SignalSpec",
    "SignalValue",
    "Signals",
    "default_as_of",
    "derive_signals",
    "derive_signals_for",
    "party_logs",
    "signals_by_party",
]

T = TypeVar("T")

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
        """The customer end of this aspect, in the seed's words.

        Example:
            >>> Aspect.BUSINESS.customer_end
            'product-focused'
        """
        return _ENDS[self][0]

    @property
    def client_end(self) -> str:
        """The client end of this aspect, in the seed's words.

        Example:
            >>> Aspect.BUSINESS.client_end
            'service-oriented'
        """
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


_SIGNAL_TABLE = dict(
    [
        _spec(
            "collaborative_share",
            "number",
            "share 0-1",
            0.0,
            1.0,
            Aspect.INTERACTION,
            "collaborative interactions / counted interactions (every interaction except returns, "
            "cancellations and purchases cancelled in full, and those whose collaboration was not "
            "recorded); unknown when none is counted, as in a billing-only log that records no "
            "contacts.",
        ),
        _spec(
            "touchpoints_per_quarter",
            "number",
            "interactions per quarter",
            0.0,
            None,
            Aspect.INTERACTION,
            "counted touchpoints (support, meeting, check_in, workshop, planning, training, "
            "consultation, agreement_signed, agreement_ended) x 91.25 / max(tenure_days, 30).",
        ),
        _spec(
            "tenure_days",
            "integer",
            "days",
            0,
            None,
            Aspect.RELATIONSHIP,
            "as_of - the first interaction or engagement start, in days.",
        ),
        _spec(
            "active_engagement",
            "boolean",
            "true/false",
            None,
            None,
            Aspect.RELATIONSHIP,
            "true when an engagement runs on as_of (start <= as_of <= end) or a service (or "
            "professional) agreement signed by as_of has not ended.",
        ),
        _spec(
            "repeat_rate",
            "number",
            "share 0-1",
            0.0,
            1.0,
            Aspect.RELATIONSHIP,
            "(purchase occasions - 1) / purchase occasions, an occasion being a distinct date with "
            "a purchase not cancelled; unknown without purchases.",
        ),
        _spec(
            "retainer_months",
            "integer",
            "months 0-12",
            0,
            12,
            Aspect.RELATIONSHIP,
            "calendar months with professional services billed (a professional purchase not "
            "cancelled) in the 365 days up to as_of, at most 12: recurring professional billing "
            "is a retainer, an ongoing engagement even without an agreement on file; unknown "
            "without interactions.",
        ),
        _spec(
            "service_share",
            "number",
            "share 0-1",
            0.0,
            1.0,
            Aspect.BUSINESS,
            "net spend on services (standard and professional) / spend; unknown when spend is 0.",
        ),
        _spec(
            "customization",
            "number",
            "share 0-1",
            0.0,
            1.0,
            Aspect.PERSONALIZATION,
            "customized items / work items (purchases not cancelled, deliveries, consultations, "
            "trainings, workshops) whose customization was recorded (professional work is "
            "customized by default); unknown when there are none.",
        ),
        _spec(
            "commitment_days",
            "integer",
            "days",
            0,
            None,
            Aspect.EXPECTATION,
            "the longest term still to run on as_of: end - as_of for a running engagement, 365 "
            "for an open-ended engagement or an agreement signed and not ended; 0 when none.",
        ),
        _spec(
            "purchases",
            "integer",
            "count",
            0,
            None,
            None,
            "orders not cancelled in full (purchase lines sharing a reference are one order; a "
            "purchase without reference is an order of its own).",
        ),
        _spec(
            "purchases_per_year",
            "number",
            "purchases per 365 days",
            0.0,
            None,
            None,
            "purchases x 365 / max(tenure_days, 30).",
        ),
        _spec(
            "recency_days",
            "integer",
            "days",
            0,
            None,
            None,
            "as_of - the last purchase not cancelled, in days; unknown without purchases.",
        ),
        _spec(
            "spend",
            "number",
            "currency units",
            0.0,
            None,
            None,
            "net spend: for each offering apart (product, service, professional), purchase "
            "amounts - return and cancellation amounts, never below 0; then their sum.",
        ),
    ]
)
SIGNALS: Mapping[str, SignalSpec] = types.MappingProxyType(_SIGNAL_TABLE)
"""The canonical signals, by name, in the order of the design's table (a read-only mapping)."""

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
    elif (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (isinstance(value, float) and math.isnan(value))
    ):
        return Problem(field, "a number or null", value)
    assert isinstance(value, int | float)  # noqa: S101 - narrowed above, for the type checker
    if isinstance(value, int) and abs(value) > _INT64_MAX:
        return Problem(field, "a number within the 64-bit integer range", value)
    low, high = spec.minimum, spec.maximum
    if (
        (low is not None and value < low)
        or (high is not None and value > high)
        or (isinstance(value, float) and math.isinf(value))
    ):
        bound = f"between {low:g} and {high:g}" if high is not None else f">= {low:g}"
        article = "an" if spec.type == "integer" else "a"
        return Problem(field, f"{article} {spec.type} {bound}", value)
    return None


_INT64_MAX = 2**63 - 1
"""The largest integer a signal may hold: what dataframes and SQL engines can store."""


def _check_custom(custom: object) -> list[Problem]:
    if not isinstance(custom, Mapping):
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


def _is_nan(value: object) -> bool:
    """Whether a value is a float or ``Decimal`` NaN (quiet or signalling): unknown."""
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, Decimal) and value.is_nan()


def _unknown_or_number(value: object) -> Any:  # noqa: ANN401 - checked by the class next
    """NaN is unknown (``None``); a finite ``Decimal`` is its float; anything else as given."""
    if _is_nan(value):
        return None
    return float(value) if isinstance(value, Decimal) and value.is_finite() else value


def _unknown_or_integer(value: object) -> Any:  # noqa: ANN401 - checked by the class next
    """NaN is unknown (``None``); a whole ``Decimal`` is its int; anything else as given."""
    if _is_nan(value):
        return None
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def _unknown_or_flag(value: object) -> Any:  # noqa: ANN401 - checked by the class next
    """NaN is unknown (``None``); anything else as given."""
    return None if _is_nan(value) else value


def _read_only_custom(value: object) -> Any:  # noqa: ANN401 - checked by the class next
    """A read-only copy of the custom signals, NaN as unknown and a Decimal as its float."""
    if not isinstance(value, Mapping):
        return value
    return types.MappingProxyType(
        {
            key: _unknown_or_number(item) if isinstance(item, float | Decimal) else item
            for key, item in value.items()
        }
    )


_NO_CUSTOM: Mapping[str, Any] = types.MappingProxyType({})
"""The custom signals of a record without any (shared: it cannot change)."""


def not_a_signal(name: object, known: Iterable[str], ruleset: str) -> Problem:
    """The problem with a key or column that is not a signal, suggesting a close one.

    Example:
        >>> from clientcustomer.signals.derive import SIGNALS, not_a_signal
        >>> print(not_a_signal("collab_share", SIGNALS, "default@1"))
        $.collab_share: not a signal of default@1 (did you mean 'collaborative_share'?); a descriptive column goes in passthrough
    """  # noqa: E501 - a doctest line cannot be wrapped
    text = str(name)
    if not ruleset.isprintable():  # one problem, one line: an id with a line break is quoted
        ruleset = repr(ruleset)
    close = difflib.get_close_matches(text, sorted(known), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return Problem(
        f"$.{text}",
        f"a signal of {ruleset}{hint}",
        name,
        f"not a signal of {ruleset}{hint}; a descriptive column goes in passthrough",
    )


@attrs.frozen
class Signals:
    """The signals of one relationship; ``None`` means *unknown*.

    NaN is unknown too (read as ``None``), whatever the path it comes by, and a ``Decimal`` is a
    number like any other (a whole one for the integer signals). The custom signals are a
    read-only mapping, as every table inside a frozen object of the package.

    Attributes:
        collaborative_share: Interaction aspect: share of collaborative interactions (0-1).
        touchpoints_per_quarter: Interaction aspect: non-purchase touchpoints per quarter.
        tenure_days: Relationship aspect: days since the first interaction.
        active_engagement: Relationship aspect: whether a service engagement is running.
        repeat_rate: Relationship aspect: share of repeat purchase occasions (0-1).
        retainer_months: Relationship aspect: calendar months with professional services
            billed in the year up to as_of, at most 12 (six or more: a retainer).
        service_share: Business aspect: share of spend on services (0-1).
        customization: Personalization aspect: share of customized orders and work (0-1).
        commitment_days: Expectation aspect: days still to run on agreements.
        purchases: Transactional fact: number of purchases.
        purchases_per_year: Transactional fact: purchases per year of tenure.
        recency_days: Transactional fact: days since the last purchase.
        spend: Transactional fact: net spend.
        custom: Custom signals supplied by the user, by name (usable in rules that declare
            them); a read-only mapping.

    Example:
        >>> from decimal import Decimal
        >>> from clientcustomer import Signals
        >>> s = Signals(collaborative_share=0.6, customization=0.8, custom={"nps": 9})
        >>> s.get("customization"), s.get("tenure_days"), s.get("nps")
        (0.8, None, 9)
        >>> dict(Signals.from_mapping({"tenure_days": 400, "region": "north"}).custom)
        {'region': 'north'}
        >>> Signals(spend=Decimal("10.50"), repeat_rate=float("nan")).as_dict()["spend"]
        10.5
    """

    collaborative_share: float | None = attrs.field(default=None, converter=_unknown_or_number)
    touchpoints_per_quarter: float | None = attrs.field(default=None, converter=_unknown_or_number)
    tenure_days: int | None = attrs.field(default=None, converter=_unknown_or_integer)
    active_engagement: bool | None = attrs.field(default=None, converter=_unknown_or_flag)
    repeat_rate: float | None = attrs.field(default=None, converter=_unknown_or_number)
    retainer_months: int | None = attrs.field(default=None, converter=_unknown_or_integer)
    service_share: float | None = attrs.field(default=None, converter=_unknown_or_number)
    customization: float | None = attrs.field(default=None, converter=_unknown_or_number)
    commitment_days: int | None = attrs.field(default=None, converter=_unknown_or_integer)
    purchases: int | None = attrs.field(default=None, converter=_unknown_or_integer)
    purchases_per_year: float | None = attrs.field(default=None, converter=_unknown_or_number)
    recency_days: int | None = attrs.field(default=None, converter=_unknown_or_integer)
    spend: float | None = attrs.field(default=None, converter=_unknown_or_number)
    custom: Mapping[str, SignalValue | None] = attrs.field(
        default=_NO_CUSTOM, converter=_read_only_custom, hash=False
    )

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

    def _repr_html_(self) -> str:
        return _signals_html(self)


_SET = object.__setattr__


def derived_signals(**values: Any) -> Signals:  # noqa: ANN401 - the canonical signals' values
    """Signals built from values derived by the library itself, without checking them again.

    For the accumulators' snapshots (a timeline takes thousands): every value comes from the
    derivation's own arithmetic, in range by construction, so the checks `Signals` runs on
    outside input are skipped. The fields not given are unknown.
    """
    signals = object.__new__(Signals)
    for name in _CANONICAL:
        _SET(signals, name, values.get(name))
    _SET(signals, "custom", _NO_CUSTOM)
    return signals


def _signals_html(signals: Signals) -> str:
    """The signals grouped by aspect (then the transactional facts and custom ones)."""
    groups: list[tuple[str, list[str]]] = [
        (f"{aspect.value} ({aspect.customer_end} / {aspect.client_end})", []) for aspect in Aspect
    ]
    groups.append(("transactional facts", []))
    order = {aspect: index for index, aspect in enumerate(Aspect)}
    for name, spec in SIGNALS.items():
        groups[len(Aspect) if spec.aspect is None else order[spec.aspect]][1].append(name)
    rows: list[tuple[object, ...]] = []
    for title, names in [*groups, ("custom", sorted(signals.custom))]:
        for index, name in enumerate(names):
            value = signals.get(name)
            shown = h.Raw("<i>unknown</i>") if value is None else value
            unit = SIGNALS[name].unit if name in SIGNALS else ""
            rows.append((title if index == 0 else "", name, shown, unit))
    unknown = len(signals.unknown())
    caption = f"Signals ({unknown} of {len(SIGNALS)} unknown)"
    return h.table(("aspect", "signal", "value", "unit"), rows, caption=caption)


# --- derivation from an interaction log ---------------------------------------------------------


def month_index(day: dt.date) -> int:
    """The calendar month of a day as one number (months since year 0), for retainer months.

    Example:
        >>> import datetime as dt
        >>> month_index(dt.date(2026, 1, 31)) - month_index(dt.date(2025, 12, 1))
        1
    """
    return day.year * 12 + day.month - 1


def _check_as_of(as_of: object) -> dt.date:
    return v.a_date(as_of, "$.as_of")


def derive_signals(
    interactions: Iterable[Interaction],
    engagements: Iterable[Engagement] = (),
    *,
    as_of: dt.date,
    party_id: str | None = None,
) -> Signals:
    """Derive one relationship's signals from its interaction log, as of a date.

    Pure and deterministic: the order of the interactions does not matter, and only what happened
    on or before ``as_of`` counts (interactions dated on or before it, engagements started by it).
    Each signal's formula is in its `SignalSpec.description` (see `SIGNALS`). With nothing on or
    before ``as_of`` every signal is unknown (``None``); a ratio with nothing to divide by is
    unknown too, never 0.

    Returns and cancellations: their amounts reduce the net spend on their offering (never below
    0). One that names an order by ``reference`` (the purchases sharing that reference) cancels
    the whole order when its amount is 0 or covers what is outstanding on it; one without a
    matching reference cancels the latest earlier purchase with the same item, offering and
    amount. A purchase cancelled in full is not a purchase.

    Each call reads the whole of ``interactions``: for many parties of one log, group it once
    with `signals_by_party` or `accumulate` (one pass, one accumulator per party) instead of
    calling this with ``party_id=`` for each party, which reads the whole log every time.

    Args:
        interactions: One party's interactions, in any order.
        engagements: That party's engagements (as the client), if any.
        as_of: The date the signals describe.
        party_id: When given, only this party's interactions and engagements are used; without
            it, they must all belong to one party.

    Returns:
        The derived signals (no custom signals).

    Raises:
        ValidationError: When ``as_of`` is not a date, an item is not an `Interaction` or
            `Engagement`, or the items belong to several parties and no ``party_id`` is given.

    Example:
        >>> import datetime as dt
        >>> from decimal import Decimal
        >>> from clientcustomer import Interaction, derive_signals
        >>> log = [
        ...     Interaction("ann", dt.date(2026, 1, 10), "purchase", item="shirt",
        ...                 amount=Decimal("40"), reference="A1"),
        ...     Interaction("ann", dt.date(2026, 3, 2), "purchase", item="shoes",
        ...                 amount=Decimal("60"), reference="A2"),
        ...     Interaction("ann", dt.date(2026, 3, 5), "return", amount=Decimal("60"),
        ...                 reference="A2"),
        ... ]
        >>> signals = derive_signals(log, as_of=dt.date(2026, 4, 1))
        >>> signals.purchases, signals.spend, signals.recency_days, signals.service_share
        (1, 40.0, 81, 0.0)
        >>> derive_signals([], as_of=dt.date(2026, 4, 1)).tenure_days is None
        True
    """
    as_of = _check_as_of(as_of)
    past, owner = _owned(
        interactions, "interactions", Interaction, "party_id", party_id, strict=party_id is None
    )
    started, owner = _owned(
        engagements, "engagements", Engagement, "client_id", owner, strict=party_id is None
    )
    from clientcustomer.signals.accumulate import fold  # noqa: PLC0415 - built on this module

    return fold(
        owner,
        [interaction for interaction in past if interaction.on <= as_of],
        [engagement for engagement in started if engagement.start <= as_of],
        as_of,
    )


def _owned(  # noqa: PLR0913 - one helper for both kinds of record
    items: Iterable[T],
    field: str,
    cls: type[T],
    owner_field: str,
    owner: str | None,
    *,
    strict: bool,
) -> tuple[list[T], str | None]:
    """Check the records' type and keep one owner's: the first one seen unless ``owner``."""
    kept: list[T] = []
    for index, item in enumerate(_iterate(items, field)):
        if not isinstance(item, cls):
            raise ValidationError.single(f"$.{field}[{index}]", f"an {cls.__name__}", item)
        item_owner: str = getattr(item, owner_field)
        if owner is None:
            owner = item_owner
        elif item_owner != owner:
            if not strict:
                continue
            raise ValidationError.single(
                f"$.{field}[{index}].{owner_field}",
                f"the same party as the others ({owner!r}); pass party_id= to pick one",
                item_owner,
            )
        kept.append(item)
    return kept, owner


def _iterate(items: object, field: str) -> Iterable[object]:
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise ValidationError.single(f"$.{field}", "an iterable of records", items)
    return items


def derive_signals_for(entity: Customer | Client | FormerClient, *, as_of: dt.date) -> Signals:
    """Derive the signals of a `Customer`, `Client` or `FormerClient` from its log.

    Args:
        entity: The customer or (former) client; a client's engagements count too.
        as_of: The date the signals describe.

    Returns:
        The same signals as `derive_signals` on the entity's log.

    Raises:
        ValidationError: When ``entity`` is not one of those, or ``as_of`` is not a date.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Client, Engagement, Interaction, Party, derive_signals_for
        >>> acme = Party("acme", "Acme Ltd")
        >>> survey = Engagement("e1", "acme", "Survey", start=dt.date(2026, 1, 5),
        ...                     end=dt.date(2026, 6, 30))
        >>> kickoff = Interaction("acme", dt.date(2026, 1, 5), "workshop", offering="service",
        ...                       customized=True)
        >>> client = Client(acme, since=dt.date(2026, 1, 5), interactions=(kickoff,),
        ...                 engagements=(survey,))
        >>> signals = derive_signals_for(client, as_of=dt.date(2026, 3, 1))
        >>> signals.active_engagement, signals.commitment_days, signals.collaborative_share
        (True, 121, 1.0)
    """
    if isinstance(entity, Client | FormerClient):
        return derive_signals(
            entity.interactions, entity.engagements, as_of=as_of, party_id=entity.party.id
        )
    if isinstance(entity, Customer):
        return derive_signals(entity.interactions, as_of=as_of, party_id=entity.party.id)
    raise ValidationError.single("$", "a Customer, Client or FormerClient", entity)


def signals_by_party(
    interactions: Iterable[Interaction],
    *,
    as_of: dt.date | None,
    engagements: Iterable[Engagement] = (),
) -> dict[str, Signals]:
    """Derive the signals of every party in a mixed log, in one pass over it.

    The log may be a stream (such as `read_log`'s); it is grouped by ``party_id`` and each group is
    derived exactly as `derive_signals` would. Only parties with an interaction on or before
    ``as_of`` (or an engagement started by then) appear.

    Args:
        interactions: Interactions of any number of parties, in any order.
        as_of: The date the signals describe; ``None`` means `default_as_of` of the log and
            engagements (the day after the latest one not after today; later rows never count).
        engagements: Engagements of any of those parties (grouped by ``client_id``).

    Returns:
        Party id to signals, ordered by party id.

    Raises:
        ValidationError: When ``as_of`` is not a date or ``None``, or an item is not an
            `Interaction` or `Engagement`.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Interaction, signals_by_party
        >>> log = [Interaction("bob", dt.date(2026, 2, 1), "purchase"),
        ...        Interaction("ann", dt.date(2026, 1, 1), "meeting"),
        ...        Interaction("bob", dt.date(2026, 3, 1), "purchase")]
        >>> {party: s.repeat_rate for party, s in signals_by_party(log, as_of=None).items()}
        {'ann': None, 'bob': 0.5}
        >>> signals_by_party(log, as_of=None)["bob"].recency_days  # as of 2026-03-02
        1
    """
    from clientcustomer.signals.accumulate import accumulate  # noqa: PLC0415 - built on this module

    if as_of is not None:
        as_of = _check_as_of(as_of)
    today = _today() if as_of is None else as_of
    parties = accumulate(interactions, engagements, as_of=as_of, today=today)
    if as_of is None:
        latest = max(
            (day for party in parties.values() if (day := party.latest) is not None),
            default=None,
        )
        if latest is None:
            latest = max(
                (
                    e.start
                    for party in parties.values()
                    for e in party.engagements
                    if e.start <= today
                ),
                default=None,
            )
        if latest is None:
            return {}
        as_of = _day_after(latest)
    result: dict[str, Signals] = {}
    for party in sorted(parties):
        accumulator = parties[party]
        if accumulator.latest is not None or any(e.start <= as_of for e in accumulator.engagements):
            result[party] = accumulator.signals(as_of)
    return result


def _today() -> dt.date:
    """Today's date in UTC: what "after today" means for a log's rows."""
    return dt.datetime.now(tz=dt.UTC).date()


@attrs.frozen
class PartyLog:
    """One party's part of a log: its interactions (in log order) and its engagements.

    Attributes:
        party_id: The party.
        interactions: The party's interactions, in the order the log gives them.
        engagements: The engagements whose ``client_id`` is the party.

    Example:
        >>> from clientcustomer import PartyLog
        >>> PartyLog("ann", (), ()).party_id
        'ann'
    """

    party_id: str = attrs.field(validator=v.non_empty_str)
    interactions: tuple[Interaction, ...] = attrs.field(
        validator=v.tuple_of(Interaction, "an Interaction")
    )
    engagements: tuple[Engagement, ...] = attrs.field(
        validator=v.tuple_of(Engagement, "an Engagement")
    )


def party_logs(
    interactions: Iterable[Interaction], engagements: Iterable[Engagement] = ()
) -> Iterator[PartyLog]:
    r"""Group a log by party, in order of first appearance, each with its engagements.

    The one grouping of the library: every command of the command line that needs a party's
    own interactions (``timeline --party``, ``recommend``, ``rules diff --log``) reads a log
    through it. A party with engagements but no interaction in the log comes out after the
    others. Nothing is filtered by date: `signals_by_party` and `derive_signals` apply the
    as-of date.

    Args:
        interactions: The log, any iterable of `Interaction` (a `LogReader` too).
        engagements: Engagements of any of those parties (grouped by ``client_id``).

    Yields:
        One `PartyLog` per party.

    Raises:
        ValidationError: When an item is not an `Interaction` or an `Engagement`.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Interaction, party_logs
        >>> log = [Interaction("ann", dt.date(2026, 1, 5), "meeting"),
        ...        Interaction("bob", dt.date(2026, 1, 6), "purchase"),
        ...        Interaction("ann", dt.date(2026, 2, 1), "purchase")]
        >>> [(item.party_id, len(item.interactions)) for item in party_logs(log)]
        [('ann', 2), ('bob', 1)]
    """
    grouped: dict[str, list[Interaction]] = {}
    for index, interaction in enumerate(interactions):
        if not isinstance(interaction, Interaction):
            raise ValidationError.single(f"$.interactions[{index}]", "an Interaction", interaction)
        grouped.setdefault(interaction.party_id, []).append(interaction)
    owned: dict[str, list[Engagement]] = {}
    for index, engagement in enumerate(engagements):
        if not isinstance(engagement, Engagement):
            raise ValidationError.single(f"$.engagements[{index}]", "an Engagement", engagement)
        owned.setdefault(engagement.client_id, []).append(engagement)
    for party_id, items in grouped.items():
        yield PartyLog(party_id, tuple(items), tuple(owned.get(party_id, ())))
    for party_id, work in owned.items():
        if party_id not in grouped:
            yield PartyLog(party_id, (), tuple(work))


def default_as_of(
    interactions: Iterable[Interaction],
    engagements: Iterable[Engagement] = (),
    *,
    today: dt.date | None = None,
) -> dt.date | None:
    """The as-of date a log is read on when none is given: one rule, in Python and the CLI.

    The day after the latest interaction dated on or before today (or, with no interaction,
    after the latest engagement start), so the last day's events count. A date after today is
    a mistake, not the present: such rows do not move the date (`read_log` reports them as bad
    rows with their line; `signals_by_party` leaves them out). ``None`` when nothing qualifies.

    Args:
        interactions: The interactions of any parties.
        engagements: Their engagements.
        today: The present; the current date in UTC when ``None``.

    Returns:
        The default as-of date, or ``None`` for an empty log.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Interaction, default_as_of
        >>> log = [Interaction("ann", dt.date(2026, 3, 1), "purchase"),
        ...        Interaction("bob", dt.date(2205, 1, 17), "purchase")]
        >>> default_as_of(log, today=dt.date(2026, 12, 4))
        datetime.date(2026, 3, 2)
    """
    if today is None:
        today = _today()
    elif not isinstance(today, dt.date) or isinstance(today, dt.datetime):
        raise ValidationError.single("$.today", "a date (datetime.date, not a datetime)", today)
    _, latest = _group(interactions, None, today)
    if latest is None:
        for index, engagement in enumerate(_iterate(engagements, "engagements")):
            if not isinstance(engagement, Engagement):
                raise ValidationError.single(f"$.engagements[{index}]", "an Engagement", engagement)
            if engagement.start <= today and (latest is None or engagement.start > latest):
                latest = engagement.start
    return None if latest is None else _day_after(latest)


def _day_after(latest: dt.date) -> dt.date:
    """The default as-of date after the latest one; the calendar's last day has none."""
    if latest == dt.date.max:
        raise ValidationError.single(
            "$.interactions",
            "interactions dated before 9999-12-31 (the calendar's last day; a log is read as of "
            "the day after its latest)",
            latest.isoformat(),
        )
    return latest + dt.timedelta(days=1)


def _group(
    interactions: Iterable[Interaction], as_of: dt.date | None, today: dt.date
) -> tuple[dict[str, list[Interaction]], dt.date | None]:
    """Group interactions by party: on or before ``as_of``, or (without one) not after ``today``.

    Also return the latest date kept.
    """
    groups: dict[str, list[Interaction]] = {}
    latest: dt.date | None = None
    limit = today if as_of is None else as_of
    for index, interaction in enumerate(_iterate(interactions, "interactions")):
        if not isinstance(interaction, Interaction):
            raise ValidationError.single(f"$.interactions[{index}]", "an Interaction", interaction)
        on = interaction.on
        if on > limit:
            continue
        if latest is None or on > latest:
            latest = on
        group = groups.get(interaction.party_id)
        if group is None:
            group = groups[interaction.party_id] = []
        group.append(interaction)
    return groups, latest
