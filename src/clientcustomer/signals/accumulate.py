"""Signals that stream: one accumulator per party, folding interactions in as they are read.

`SignalAccumulator` takes one party's interactions one at a time, in any order, and gives its
`Signals` as of a date: exactly what `derive_signals` gives on the same interactions (returns
and cancellations matched to purchases included); `derive_signals` is this fold, on one party.
Contacts (meetings, support calls, deliveries) are folded into counters at once. A purchase line
is kept as one machine integer (its day, kind, flags and item-offering-amount), its order
reference once per run of lines of one order, since a return read later may still undo it;
returns, cancellations and agreements are kept the same way (an integer and a reference each).
A reference such as ``536365``, ``C536379`` or ``O00012345`` (text, then up to 15 digits) is
stored as a number, its text never kept. No `Interaction` is kept.

`accumulate` groups a whole log by party into accumulators, in one pass; reading a `LogReader`,
it folds the rows straight in without building an `Interaction` per row. `signals_by_party`, the
command line's ``classify --log`` and `timeline` are built on it.
"""

from __future__ import annotations

import datetime as dt
import operator
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from clientcustomer._core import validation as v
from clientcustomer.engagements.model import Engagement
from clientcustomer.exceptions import ValidationError
from clientcustomer.parties.entities import Interaction, InteractionKind, Offering
from clientcustomer.signals import constants as c
from clientcustomer.signals.derive import (
    Signals,
    derived_signals,
    month_index,
)
from clientcustomer.signals.logs import LogReader, Row

__all__ = ["SignalAccumulator", "accumulate"]

_K = InteractionKind
_KINDS = tuple(InteractionKind)
_OFFERINGS = tuple(Offering)
_OFFERING_INDEX = {offering: index for index, offering in enumerate(_OFFERINGS)}
_PRODUCT = _OFFERING_INDEX[Offering.PRODUCT]
_PROFESSIONAL = Offering.PROFESSIONAL
_PURCHASE = InteractionKind.PURCHASE
_AGREEMENT_KINDS = frozenset({_K.AGREEMENT_SIGNED, _K.AGREEMENT_ENDED})
_SIGNED_RANK = c.KIND_RANK[_K.AGREEMENT_SIGNED]
_FLAG_CODE = {None: 0, False: 1, True: 2}
_FLAG_OF = (None, False, True)
_FLAG_RANK = (-1, 0, 1)  # by flag code: not recorded, false, true (as `derive` sorts)
_ZERO = Decimal(0)
_NO_SUMS = (0, 0, 0, 0, 0, 0)
_FIRST = operator.itemgetter(0)
_NOTHING = (0, 0, 0, 0, 0, None, 0, (), 0, False, None, 0.0)  # `_summary` without records
_CENTS_LIMIT = 10**25  # sums in cents stay below this (exact in a Decimal of 28 digits)

# One record as one integer: key << 32 | kind << 26 | customized << 24 | collaborative << 22 |
# day (an ordinal: 3,652,059 for 9999-12-31 fits 22 bits); a purchase line as key << 22 | day,
# its flags in its header byte (see `_put`).
_DAY = (1 << 22) - 1
_NEAR = 4096  # a line's day within 2,047 days of the latest before it is kept as the difference
_LOW_50 = (1 << 50) - 1
_FOLLOWS = 16  # a record's header bit: its reference follows it
_NUMBER_DIGITS = 18  # whole-number references up to this long are stored as that number
_DIGITS = "0123456789"
_PACKED_DIGITS = 15  # a text prefix then up to this many digits is stored as a number
_MAX_PREFIXES = 256


class _Tables:
    """What the accumulators of one log share: the (item, offering, amount) keys and references.

    A reference is stored as a number, its last two bits saying how: 0 for the empty one; a
    whole number written plainly (``536365``) as that number; text then 1 to 15 digits
    (``C536379``, ``007``) as the digits, their count and the index of the text part in a small
    table of prefixes; any other text as its index in a table of texts (the only texts kept).
    """

    __slots__ = ("cents", "key_cents", "key_ids", "keys", "last_code", "last_text", "prefix_ids",
                 "prefixes", "text_ids", "texts")  # fmt: skip

    def __init__(self) -> None:
        self.last_text: str | None = None  # the reference read last (an order's lines follow)
        self.last_code = 0
        self.keys: list[tuple[str, Offering, Decimal]] = []
        self.key_ids: dict[tuple[str, Offering, Decimal], int] = {}
        self.key_cents: list[int | None] = []  # each key's amount in cents (`cents_of`)
        self.prefixes: list[str] = []
        self.prefix_ids: dict[str, int] = {}
        self.texts: list[str] = []
        self.text_ids: dict[str, int] = {}
        self.cents: dict[Decimal, int | None] = {}  # amount -> its cents, when whole cents

    def cents_of(self, amount: Decimal) -> int | None:
        """An amount in whole cents (``12.50``, ``3``) as its cents; ``None`` for any other."""
        found = self.cents.get(amount, -1)
        if found != -1:
            return found
        exponent = amount.as_tuple().exponent
        whole = isinstance(exponent, int) and exponent >= -2 and abs(amount) < _CENTS_LIMIT // 100
        found = self.cents[amount] = int(amount.scaleb(2)) if whole else None
        return found

    def key(self, item: str, offering: Offering, amount: Decimal) -> int:
        found = (item, offering, amount)
        key = self.key_ids.get(found)
        if key is None:
            key = self.key_ids[found] = len(self.keys)
            self.keys.append(found)
            self.key_cents.append(self.cents_of(amount))
        return key

    def ids(
        self, item: str, offering: Offering, amount: Decimal, reference: str
    ) -> tuple[int, int]:
        """A row's item-offering-amount key and reference code (each added when new)."""
        return self.key(item, offering, amount), self.reference(reference)

    def reference(self, text: str) -> int:
        if text == self.last_text:
            return self.last_code
        code = self.last_code = self._reference(text)
        self.last_text = text
        return code

    def _reference(self, text: str) -> int:
        if not text:
            return 0
        head = text.rstrip(_DIGITS)
        size = len(text) - len(head)
        if not head and (text[0] != "0" or size == 1):
            if size <= _NUMBER_DIGITS:
                return int(text) << 2 | 1
        elif 0 < size <= _PACKED_DIGITS:
            prefix = self.prefix_ids.get(head)
            if prefix is None and len(self.prefixes) < _MAX_PREFIXES:
                prefix = self.prefix_ids[head] = len(self.prefixes)
                self.prefixes.append(head)
            if prefix is not None:
                return ((prefix << 4 | (size - 1)) << 50 | int(text[-size:])) << 2 | 2
        index = self.text_ids.get(text)
        if index is None:
            index = self.text_ids[text] = len(self.texts)
            self.texts.append(text)
        return index << 2 | 3

    def text(self, code: int) -> str:
        tag, rest = code & 3, code >> 2
        if tag == 1:
            return str(rest)
        if tag == 2:
            slot = rest >> 50  # the digits are the low 50 bits: an order's next is near
            return self.prefixes[slot >> 4] + str(rest & _LOW_50).zfill((slot & 15) + 1)
        if tag == 3:
            return self.texts[rest]
        return ""

    def sort_key(self, packed: int, code: int) -> tuple[Any, ...]:
        """`derive`'s order of a packed record (`Interaction`'s fields, flags ranked)."""
        item, offering, amount = self.keys[packed >> 32]
        return (
            packed & _DAY,
            (packed >> 26) & 31,
            self.text(code),
            item,
            offering.value,
            amount,
            _FLAG_RANK[(packed >> 24) & 3],
            _FLAG_RANK[(packed >> 22) & 3],
        )


def _packed(
    key: int, on: int, kind: InteractionKind, customized: bool | None, collaborative: bool | None
) -> int:
    """A record but its reference as one integer: its key, kind, flags and day (an ordinal)."""
    return (
        key << 32
        | c.KIND_RANK[kind] << 26
        | _FLAG_CODE[customized] << 24
        | _FLAG_CODE[collaborative] << 22
        | on
    )


def _zigzag(number: int) -> int:
    return number << 1 if number >= 0 else (-number << 1) - 1


def _unzigzag(number: int) -> int:
    return number >> 1 if not number & 1 else -((number + 1) >> 1)


def _put(
    records: bytearray, flags: int, value: int, reference: int | None, previous: int = 0
) -> None:
    """Append one record: a header byte, ``value``'s bytes, then the reference's if given.

    The header holds the value's length in bytes less one (3 bits), whether a reference follows
    (`_FOLLOWS`) and 4 bits of ``flags``; a reference follows as its difference from
    ``previous`` (the one given before it, for `_records` with ``delta``), zigzag-coded: its
    length in a byte, then its bytes.
    """
    size = (value.bit_length() + 7) >> 3 or 1
    if reference is None:
        records.append((size - 1) << 5 | flags)
        records += value.to_bytes(size, "little")
        return
    reference = _zigzag(reference - previous)
    width = (reference.bit_length() + 7) >> 3
    records.append((size - 1) << 5 | _FOLLOWS | flags)
    records += value.to_bytes(size, "little")
    records.append(width)
    records += reference.to_bytes(width, "little")


def _decimal(total: int | Decimal) -> Decimal:
    """A sum kept in cents (an int) as its `Decimal`; a `Decimal` as it is."""
    return total if isinstance(total, Decimal) else Decimal(total).scaleb(-2)


def _add_amount(sums: list[int | Decimal], index: int, amount: Decimal, cents: int | None) -> None:
    """Add an amount to a sum: in cents while both are whole cents and small, else in Decimal."""
    total = sums[index]
    if cents is not None and type(total) is int:
        added = total + cents
        if -_CENTS_LIMIT < added < _CENTS_LIMIT:
            sums[index] = added
            return
    sums[index] = _decimal(total) + amount


def _records(records: bytearray, *, delta: bool) -> Iterator[tuple[int, int, int]]:
    """The records `_put` wrote: flags, value and reference (the last one given, else 0).

    ``delta``: each reference was written as its difference from the one before it.
    """
    position, end, reference = 0, len(records), 0
    from_bytes = int.from_bytes
    while position < end:
        header = records[position]
        start = position + 1
        position = start + (header >> 5) + 1
        value = from_bytes(records[start:position], "little")
        if header & _FOLLOWS:
            start = position + 1
            position = start + records[position]
            given = _unzigzag(from_bytes(records[start:position], "little"))
            reference = reference + given if delta else given
        yield header & 15, value, reference


class SignalAccumulator:
    """One party's signals, folded in one interaction at a time.

    Add the party's interactions (`add`) and engagements (`add_engagement`) in any order, then
    ask for `signals` as of a date on or after every interaction added: the result is exactly
    `derive_signals` on the same records. Ask again after adding more (a timeline asks at each
    checkpoint, adding the days in between): nothing is derived again from the start but the
    matching of returns to purchases, and only for a party that has returns or cancellations
    (a timeline's replay, only once one of them shares an item-offering-amount or a reference
    with a purchase line: until then none can undo a line).

    Memory grows with the purchase lines (a few bytes each: about 4, and 5 more per order),
    returns and agreements (about 10 bytes each); contacts cost nothing once counted.

    Attributes:
        party_id: The party.

    Example:
        >>> import datetime as dt
        >>> from decimal import Decimal
        >>> from clientcustomer import Interaction, SignalAccumulator
        >>> ann = SignalAccumulator("ann")
        >>> ann.add(Interaction("ann", dt.date(2026, 1, 10), "purchase", item="shirt",
        ...                     amount=Decimal("40"), reference="A1"))
        >>> ann.signals(dt.date(2026, 2, 1)).purchases
        1
        >>> ann.add(Interaction("ann", dt.date(2026, 3, 5), "return", amount=Decimal("40"),
        ...                     reference="A1"))
        >>> s = ann.signals(dt.date(2026, 4, 1))
        >>> s.purchases, s.spend, s.recency_days
        (0, 0.0, None)
    """

    __slots__ = (
        "_agreements",
        "_collaborative",
        "_counted",
        "_customized",
        "_days",
        "_engagements",
        "_events",
        "_first",
        "_last_day",
        "_latest",
        "_line_code",
        "_line_collaborative",
        "_line_counted",
        "_line_customized",
        "_line_work",
        "_lines",
        "_marks",
        "_matched_cache",
        "_orders",
        "_professional",
        "_refunds",
        "_sums",
        "_tables",
        "_top",
        "_touchpoints",
        "_unreferenced",
        "_work",
        "party_id",
    )

    def __init__(self, party_id: str, *, _tables: _Tables | None = None) -> None:
        if not isinstance(party_id, str) or not party_id:
            raise ValidationError.single("$.party_id", "a non-empty string", party_id)
        self.party_id = party_id
        self._tables = _Tables() if _tables is None else _tables
        self._first: int | None = None
        self._latest: int | None = None
        self._counted = self._collaborative = self._touchpoints = self._work = 0
        self._customized = self._unreferenced = self._refunds = self._agreements = 0
        self._days = self._orders = self._top = self._line_code = 0
        self._last_day: int | None = None
        self._line_counted = self._line_collaborative = self._line_work = 0
        self._line_customized = 0
        # Spend bought, then refunded, per offering: in cents while every amount is whole cents.
        self._sums: list[int | Decimal] | None = None
        self._lines: bytearray | None = None  # purchase lines (`_put`)
        self._events: bytearray | None = None  # returns, cancellations, agreements
        self._professional: set[int] | None = None  # days with a professional line
        self._engagements: list[Engagement] | None = None
        self._matched_cache: tuple[tuple[int, int], tuple[Any, ...]] | None = None
        # For a replay (`_watch_refunds`): the keys and references of the purchase lines, then
        # of the refunds, while no refund shares one with a line (``None`` once one does).
        self._marks: tuple[set[int], set[int], set[int], set[int]] | None = None

    def __repr__(self) -> str:
        latest = None if self._latest is None else dt.date.fromordinal(self._latest)
        return f"<SignalAccumulator {self.party_id!r}, latest {latest}>"

    @property
    def latest(self) -> dt.date | None:
        """The date of the latest interaction added, or ``None`` before any.

        Example:
            >>> from clientcustomer import SignalAccumulator
            >>> SignalAccumulator("ann").latest is None
            True
        """
        return None if self._latest is None else dt.date.fromordinal(self._latest)

    @property
    def engagements(self) -> tuple[Engagement, ...]:
        """The party's engagements added, in the order added.

        Example:
            >>> from clientcustomer import SignalAccumulator
            >>> SignalAccumulator("ann").engagements
            ()
        """
        return tuple(self._engagements or ())

    def add(self, interaction: Interaction) -> None:
        """Fold in one of the party's interactions.

        Raises:
            ValidationError: When it is not an `Interaction` of this party.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import Interaction, SignalAccumulator
            >>> acme = SignalAccumulator("acme")
            >>> acme.add(Interaction("acme", dt.date(2026, 1, 5), "meeting"))
            >>> acme.signals(dt.date(2026, 1, 6)).collaborative_share
            1.0
        """
        self._check_own(interaction, Interaction, "party_id")
        self._add(*_fields(interaction)[1:])

    def add_engagement(self, engagement: Engagement) -> None:
        """Add one of the party's engagements (as the client).

        It counts from its start on: a signals date before it leaves it out.

        Raises:
            ValidationError: When it is not an `Engagement` whose client is this party.

        Example:
            >>> from datetime import date
            >>> from clientcustomer import Engagement, SignalAccumulator
            >>> survey = Engagement("e1", "acme", "Survey", start=date(2026, 1, 5))
            >>> party = SignalAccumulator("acme")
            >>> party.add_engagement(survey)
            >>> party.signals(date(2026, 2, 1)).commitment_days, party.engagements == (survey,)
            (365, True)
        """
        self._check_own(engagement, Engagement, "client_id")
        if self._engagements is None:
            self._engagements = []
        self._engagements.append(engagement)

    def _check_own(self, record: object, kind: type, owner: str) -> None:
        """Refuse what is not a ``kind`` whose ``owner`` field is this party."""
        name = kind.__name__.lower()
        if not isinstance(record, kind):
            raise ValidationError.single(f"$.{name}", f"an {kind.__name__}", record)
        if getattr(record, owner) != self.party_id:
            raise ValidationError.single(
                f"$.{name}.{owner}", f"the party {self.party_id!r}", getattr(record, owner)
            )

    def _watch_refunds(self) -> None:
        """Track which purchase lines a refund may match, so that none matching skips the match.

        For an accumulator asked for signals again and again (a replay): while no return or
        cancellation shares an item-offering-amount key or a reference with a purchase line,
        none undoes a line, and `_summary` counts the lines as they came instead of matching
        the refunds again from the start. Call it before the first record is added.
        """
        self._marks = (set(), set(), set(), set())

    def _mark(self, key: int, code: int, refund: bool) -> None:
        """Note a line's (or a refund's) key and reference; stop once a refund may match a line."""
        marks = self._marks
        if marks is None:
            return
        keys, codes, other_keys, other_codes = marks[2:] + marks[:2] if refund else marks
        if key in other_keys or (code and code in other_codes):
            self._marks = None  # a refund may match: `_matched` decides from now on
            return
        keys.add(key)
        if code:
            codes.add(code)

    def _add(  # noqa: C901, PLR0912, PLR0913, PLR0915, PLR0917 - one row's fields, for speed
        self,
        on: int,
        kind: InteractionKind,
        item: str,
        offering: Offering,
        amount: Decimal,
        customized: bool | None,
        collaborative: bool | None,
        reference: str,
        key: int = -1,
        code: int = -1,
    ) -> None:
        """Fold in one interaction given as its fields (``on`` as a day ordinal).

        ``key`` and ``code``, given together (a replay of records kept), are the row's
        item-offering-amount key and reference code in the shared tables: ``item`` and
        ``reference`` are then not read again.
        """
        first = self._first
        if first is None:
            self._first = self._latest = on
        elif on < first:
            self._first = on
        elif on > self._latest:  # type: ignore[operator]
            self._latest = on
        if kind is _PURCHASE:
            # The hot path: `_add_amount`, `_Tables.ids` and `_put` inlined for what was seen
            # before (an amount in whole cents, the item, the order of the line before), each
            # called for anything else.
            tables = self._tables
            sums = self._sums
            if sums is None:
                sums = self._sums = [0, 0, 0, 0, 0, 0]
            if key < 0:  # not a replay: the key and code of the row's text
                key = tables.key_ids.get((item, offering, amount), -1)
                code = tables.last_code if reference == tables.last_text else -1
                if key < 0 or code < 0:
                    key, code = tables.ids(item, offering, amount, reference)
            index = _OFFERING_INDEX[offering]
            cents = tables.key_cents[key]
            total = sums[index]
            if (
                cents is not None
                and type(total) is int
                and -_CENTS_LIMIT < total + cents < _CENTS_LIMIT
            ):
                sums[index] = total + cents
            else:
                _add_amount(sums, index, amount, cents)
            if self._marks is not None:
                self._mark(key, code, refund=False)
            lines = self._lines
            if customized is None and collaborative is None:  # neither recorded: code 0
                flags = 0
            else:
                flags = _FLAG_CODE[customized] << 2 | _FLAG_CODE[collaborative]
            last = self._last_day
            if last is None:
                near = _NEAR
            else:  # `_zigzag(on - last)`
                near = on - last
                near = near << 1 if near >= 0 else (-near << 1) - 1
            value = (key << 12 | near) << 1 if near < _NEAR else (key << 22 | on) << 1 | 1
            if lines is None:
                lines = self._lines = bytearray()
                new = True
            else:
                new = code != self._line_code
            if new:
                _put(lines, flags, value, code, self._line_code)
                self._line_code = code
            else:  # `_put` without a reference
                size = (value.bit_length() + 7) >> 3 or 1
                lines.append((size - 1) << 5 | flags)
                lines += value.to_bytes(size, "little")
            # Occasions and orders counted as the lines come, while days and references only
            # grow (a log in date order); any other order leaves them to a scan (-1).
            if last is None or on > last:
                self._last_day = on
                if self._days >= 0:
                    self._days += 1
            elif on < last:
                self._days = -1
            if not code:
                self._unreferenced += 1
            elif new:
                if code > self._top:
                    self._top = code
                    if self._orders >= 0:
                        self._orders += 1
                else:
                    self._orders = -1
            if collaborative is not None:
                self._line_counted += 1
                self._line_collaborative += collaborative
            if customized is not None:
                self._line_work += 1
                self._line_customized += customized
            if offering is _PROFESSIONAL:
                if self._professional is None:
                    self._professional = set()
                self._professional.add(on)
            return
        refund = kind in c.REFUND_KINDS
        if refund or kind in _AGREEMENT_KINDS:
            tables = self._tables
            if key < 0:  # not a replay: the key and code of the row's text
                key, code = tables.ids(item, offering, amount, reference)
            if refund:
                if self._sums is None:
                    self._sums = [0, 0, 0, 0, 0, 0]
                index = 3 + _OFFERING_INDEX[offering]
                _add_amount(self._sums, index, amount, tables.key_cents[key])
                self._refunds += 1
            else:
                self._agreements += 1
            if self._events is None:
                self._events = bytearray()
            if refund and self._marks is not None:
                self._mark(key, code, refund=True)
            packed = _packed(key, on, kind, customized, collaborative)
            _put(self._events, 0, packed, code)
            if refund:
                return
        if collaborative is not None:
            self._counted += 1
            self._collaborative += collaborative
        if kind in c.TOUCHPOINT_KINDS:
            self._touchpoints += 1
        if kind in c.WORK_KINDS and customized is not None:
            self._work += 1
            self._customized += customized

    def signals(self, as_of: dt.date) -> Signals:
        """The party's signals as of a date: `derive_signals` on everything added.

        Engagements count when they start on or before ``as_of``.

        Args:
            as_of: The date the signals describe, on or after every interaction added.

        Returns:
            The signals (no custom signals).

        Raises:
            ValidationError: When ``as_of`` is not a date, or is before an interaction added.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import SignalAccumulator
            >>> SignalAccumulator("ann").signals(dt.date(2026, 1, 1)).tenure_days is None
            True
        """
        as_of = v.a_date(as_of, "$.as_of")
        day = as_of.toordinal()
        if self._latest is not None and day < self._latest:
            raise ValidationError.single(
                "$.as_of",
                f"a date on or after the latest interaction added ({self.latest})",
                as_of.isoformat(),
            )
        return self._signals(as_of, day)

    def _signals(self, as_of: dt.date, day: int) -> Signals:
        first = self._first
        if self._engagements:
            engagements = [e for e in self._engagements if e.start <= as_of]
            if first is None and not engagements:
                return Signals()
            starts = [e.start.toordinal() for e in engagements]
            if first is not None:
                starts.append(first)
            tenure_days = day - min(starts)
        elif first is None:
            return Signals()
        else:  # no engagement: the first interaction starts the tenure
            engagements = []
            tenure_days = day - first
        period = max(tenure_days, c.MIN_PERIOD_DAYS)
        summary = _NOTHING if first is None else self._summary()
        (counted, collaborative, work, customized, occasions, last, purchase_count, professional,
         running, active, service_share, spend) = summary  # fmt: skip
        horizons = [c.OPEN_ENDED_HORIZON_DAYS] if running else []
        for engagement in engagements:
            if engagement.is_active(as_of):
                active = True
                horizons.append(
                    c.OPEN_ENDED_HORIZON_DAYS
                    if engagement.end is None
                    else (engagement.end - as_of).days
                )
        commitment_days = max(horizons) if horizons else 0
        if first is None:
            return derived_signals(
                tenure_days=tenure_days, active_engagement=active, commitment_days=commitment_days
            )
        counted += self._counted
        collaborative += self._collaborative
        work += self._work
        customized += self._customized
        retained = (
            {
                month_index(dt.date.fromordinal(on))
                for on in professional
                if day - on < c.RETAINER_WINDOW_DAYS
            }
            if professional
            else ()
        )
        return derived_signals(
            collaborative_share=collaborative / counted if counted else None,
            touchpoints_per_quarter=self._touchpoints * c.DAYS_PER_QUARTER / period,
            tenure_days=tenure_days,
            active_engagement=active,
            repeat_rate=(occasions - 1) / occasions if occasions else None,
            retainer_months=min(len(retained), c.RETAINER_MAX_MONTHS),
            service_share=service_share,
            customization=customized / work if work else None,
            commitment_days=commitment_days,
            purchases=purchase_count,
            purchases_per_year=purchase_count * c.DAYS_PER_YEAR / period,
            recency_days=day - last if last is not None else None,
            spend=spend,
        )

    def _summary(self) -> tuple[Any, ...]:
        """What the records kept say whatever the date, kept until more are added.

        The purchase lines left after refunds (counted, collaborative, work and customized
        counts, occasions, last day, purchases, days of professional lines), the agreements
        running (how many, any of a service), the share of spend on services and the spend.
        """
        size = (len(self._lines or ()), len(self._events or ()))
        cached = self._matched_cache
        if cached is not None and cached[0] == size:
            return cached[1]
        if (not self._refunds or self._marks is not None) and self._days >= 0 and self._orders >= 0:
            # Nothing undone (no refund, or none sharing a key or a reference with a line),
            # lines in date order: every purchase line counts, as counted.
            lines: tuple[Any, ...] = (
                self._line_counted,
                self._line_collaborative,
                self._line_work,
                self._line_customized,
                self._days,
                self._last_day,
                self._unreferenced + self._orders,
                self._professional or (),
            )
        else:
            lines = self._matched()
        if cached is not None and cached[0][1] == size[1]:  # the same agreements
            running_count, running_service = cached[1][8:10]
        else:
            running = self._running_agreements()
            running_count = len(running)
            running_service = any(offering.is_service for offering in running)
        totals = self._sums or _NO_SUMS
        if all(type(total) is int for total in totals):  # in cents: the same values, sooner
            cents = [max(0, totals[i] - totals[3 + i]) for i in range(3)]
            spent = sum(cents)
            # The quotient of the cents is the quotient of the amounts, to the same digits.
            share = float(Decimal(spent - cents[_PRODUCT]) / Decimal(spent)) if spent else None
            summary = (*lines, running_count, running_service, share, spent / 100)
        else:
            sums = [_decimal(total) for total in totals]
            net = [max(_ZERO, sums[i] - sums[3 + i]) for i in range(3)]
            spend = sum(net, _ZERO)
            services = spend - net[_PRODUCT]
            summary = (
                *lines,
                running_count,
                running_service,
                float(services / spend) if spend else None,
                float(spend),
            )
        self._matched_cache = (size, summary)
        return summary

    def _sorted_events(self, refunds: bool) -> list[tuple[tuple[Any, ...], int, int]]:
        """The returns and cancellations (or the agreements) in `derive`'s order.

        Each as its sort key, its packed integer and its reference code.
        """
        if self._events is None:
            return []
        sort_key = self._tables.sort_key
        picked = []
        for _, packed, code in _records(self._events, delta=False):
            if ((packed >> 26) & 31 >= _SIGNED_RANK) is not refunds:
                picked.append((sort_key(packed, code), packed, code))
        picked.sort(key=_first_item)
        return picked

    def _running_agreements(self) -> list[Offering]:
        """The offerings of the agreements signed and not ended (as `derive` matches them)."""
        if not self._agreements:
            return []
        running: list[tuple[int, Offering]] = []
        keys = self._tables.keys
        for _, packed, code in self._sorted_events(refunds=False):
            if (packed >> 26) & 31 == _SIGNED_RANK:
                running.append((code, keys[packed >> 32][1]))
                continue
            if not running:
                continue
            index = len(running) - 1
            if code:
                for position in range(len(running) - 1, -1, -1):
                    if running[position][0] == code:
                        index = position
                        break
            del running[index]
        return [offering for _, offering in running]

    def _matched(  # noqa: C901, PLR0912, PLR0915 - the refund matching of `derive`
        self,
    ) -> tuple[int, int, int, int, int, int | None, int, set[int]]:
        """Match returns and cancellations to the purchase lines, then count what is left.

        The matching of `derive` (orders by reference, else the latest earlier line with the
        same item, offering and amount), on the integers kept: only the lines a refund may
        match by item are put in `derive`'s order. Returns the lines' counted, collaborative,
        work and customized counts, the purchase occasions, the last purchase day, the
        purchases and the days of professional lines left (kept until more rows come).
        """
        tables = self._tables
        keys = tables.keys
        refunds = self._sorted_events(refunds=True)
        refund_keys = {packed >> 32 for _, packed, _ in refunds}
        # The orders a refund may reach: by its reference, or through a line of its key.
        touched = {code for _, _, code in refunds if code}
        lines: list[int] = []  # each line's key << 26 | flags << 22 | day
        references: list[int] = []  # each line's reference code
        by_key: dict[int, list[int]] = {}  # the lines of each key a refund has, in turn
        latest = 0  # the latest day before each line, as `_add` saw it (the first has its own)
        for position, (flags, value, code) in enumerate(
            _records(self._lines or bytearray(), delta=True)
        ):
            if value & 1:
                key, on = value >> 23, value >> 1 & _DAY
            else:
                key, on = value >> 13, latest + _unzigzag(value >> 1 & 4095)
            if on > latest:  # noqa: PLR1730 - once per line: cheaper than a call of max
                latest = on
            lines.append(key << 26 | flags << 22 | on)
            references.append(code)
            if key in refund_keys:
                by_key.setdefault(key, []).append(position)
                if code:
                    touched.add(code)
        orders: dict[int, list[int]] = {}  # reference code -> its lines, for the orders touched
        if touched:
            for position, code in enumerate(references):
                if code in touched:
                    orders.setdefault(code, []).append(position)
        outstanding: dict[int, Decimal] = {}
        alive: dict[int, int] = {}
        for code, members in orders.items():
            outstanding[code] = sum((keys[lines[i] >> 26][2] for i in members), _ZERO)
            alive[code] = len(members)
        cancelled = bytearray(len(lines))
        gone: list[int] = []  # the positions cancelled
        ordered: set[int] = set()

        def line_order(position: int) -> tuple[Any, ...]:
            """Where `derive` puts a line among those of its item, offering and amount."""
            packed = lines[position]
            return (
                packed & _DAY,
                tables.text(references[position]),
                _FLAG_RANK[(packed >> 24) & 3],
                _FLAG_RANK[(packed >> 22) & 3],
            )

        for _, packed, code in refunds:
            if code and code in orders:
                if alive[code]:
                    amount = keys[packed >> 32][2]
                    if amount == 0 or amount >= outstanding[code]:
                        for position in orders[code]:
                            if not cancelled[position]:
                                cancelled[position] = 1
                                gone.append(position)
                        alive[code] = 0
                        outstanding[code] = _ZERO
                    else:
                        outstanding[code] -= amount
                continue
            same = packed >> 32
            group = by_key.get(same)
            if not group:
                continue
            if same not in ordered:  # `derive`'s order of these lines
                ordered.add(same)
                group.sort(key=line_order)
            on = packed & _DAY
            for position in reversed(group):
                if not cancelled[position] and lines[position] & _DAY <= on:
                    cancelled[position] = 1
                    gone.append(position)
                    order = references[position]
                    if order:
                        outstanding[order] -= keys[lines[position] >> 26][2]
                        alive[order] -= 1
                    break
        if self._days >= 0 and not self._professional:
            return self._left(lines, references, cancelled, gone, alive)
        counted = collaborative = work = customized = 0
        occasions: set[int] = set()
        retained: set[int] = set()
        unreferenced = 0
        for position, packed in enumerate(lines):
            if cancelled[position]:
                continue
            collab = _FLAG_OF[(packed >> 22) & 3]
            if collab is not None:
                counted += 1
                collaborative += collab
            custom = _FLAG_OF[(packed >> 24) & 3]
            if custom is not None:
                work += 1
                customized += custom
            on = packed & _DAY
            occasions.add(on)
            if keys[packed >> 26][1] is _PROFESSIONAL:
                retained.add(on)
            if not references[position]:
                unreferenced += 1
        purchase_count = self._purchases(unreferenced, references, alive)
        return (
            counted,
            collaborative,
            work,
            customized,
            len(occasions),
            max(occasions, default=None),
            purchase_count,
            retained,
        )

    def _left(
        self,
        lines: list[int],
        references: list[int],
        cancelled: bytearray,
        gone: list[int],
        alive: dict[int, int],
    ) -> tuple[int, int, int, int, int, int | None, int, set[int]]:
        """`_matched`'s counts from the lines' counts as they came, less the lines cancelled.

        For lines added in date order (the days only grow) and none of a professional offering:
        the counts of every line (kept as they came) less those of the few lines cancelled, a
        day lost only when each of its lines is (its lines are side by side), the orders lost
        those whose every line is.
        """
        counted, collaborative = self._line_counted, self._line_collaborative
        work, customized = self._line_work, self._line_customized
        unreferenced = self._unreferenced
        lost: dict[int, int] = {}  # day -> lines cancelled on it
        for position in gone:
            packed = lines[position]
            collab = _FLAG_OF[(packed >> 22) & 3]
            if collab is not None:
                counted -= 1
                collaborative -= collab
            custom = _FLAG_OF[(packed >> 24) & 3]
            if custom is not None:
                work -= 1
                customized -= custom
            if not references[position]:
                unreferenced -= 1
            on = packed & _DAY
            lost[on] = lost.get(on, 0) + 1
        occasions = self._days
        last: int | None = None
        if lost:
            days = [packed & _DAY for packed in lines]  # in date order: sorted
            for on, count in lost.items():
                if bisect_right(days, on) - bisect_left(days, on) == count:
                    occasions -= 1
            position = len(lines) - 1
            while position >= 0 and cancelled[position]:
                position -= 1
            last = days[position] if position >= 0 else None
        elif lines:
            last = lines[-1] & _DAY
        purchase_count = self._purchases(unreferenced, references, alive)
        return (counted, collaborative, work, customized, occasions, last, purchase_count, set())

    def _purchases(self, unreferenced: int, references: list[int], alive: dict[int, int]) -> int:
        """The purchases left: each line without a reference, and each order not wholly undone.

        ``alive``: the lines left of each order a refund reached (the others keep all theirs).
        """
        if self._orders >= 0:  # counted as the lines came
            orders = self._orders
        else:
            every_order = set(references)
            every_order.discard(0)
            orders = len(every_order)
        return unreferenced + orders - sum(1 for count in alive.values() if not count)


def fold(
    party: str | None,
    interactions: Iterable[Interaction],
    engagements: Iterable[Engagement],
    as_of: dt.date,
) -> Signals:
    """`derive_signals`' work: one party's checked records, none after ``as_of``, folded."""
    if party is None:  # no records at all
        return Signals()
    accumulator = SignalAccumulator(party)
    add = accumulator._add  # noqa: SLF001 - this module's own
    for interaction in interactions:
        add(*_fields(interaction)[1:])
    accumulator._engagements = list(engagements)  # noqa: SLF001 - this module's own
    return accumulator._signals(as_of, as_of.toordinal())  # noqa: SLF001 - this module's own


def _first_item(item: tuple[Any, ...] | list[Any]) -> Any:  # noqa: ANN401 - a sort key
    return item[0]


def _fields(interaction: Interaction) -> tuple[Any, ...]:
    """An interaction's fields as `_add` takes them, after its party."""
    return (
        interaction.party_id,
        interaction.on.toordinal(),
        interaction.kind,
        interaction.item,
        interaction.offering,
        interaction.amount,
        interaction.customized,
        interaction.collaborative,
        interaction.reference,
    )


def accumulate(
    interactions: Iterable[Interaction],
    engagements: Iterable[Engagement] = (),
    *,
    as_of: dt.date | None = None,
    today: dt.date | None = None,
) -> dict[str, SignalAccumulator]:
    """Group a log by party into accumulators, in one pass, keeping no `Interaction`.

    Only interactions on or before ``as_of`` are folded in (without one: not after ``today``,
    which a log's default as-of date never passes); every engagement is kept, each accumulator
    counting those started by the date its signals are asked for. Given a `LogReader` (what
    `read_log` returns), the rows are folded straight in, no `Interaction` built.

    Args:
        interactions: The log: `Interaction` objects of any parties, in any order, or a
            `LogReader`.
        engagements: Engagements of any of those parties (grouped by ``client_id``).
        as_of: The last day to fold in; ``None`` for every day up to ``today``.
        today: The present; the current date in UTC when ``None``.

    Returns:
        Party id to accumulator, in order of first appearance in the log, whatever the date
        (a party whose rows all come after ``as_of`` has an empty one: its `latest` is
        ``None``); parties with engagements only come last.

    Raises:
        ValidationError: When an item is not an `Interaction` or `Engagement`, or a date is not
            a date.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Interaction, accumulate
        >>> parties = accumulate([
        ...     Interaction("bob", dt.date(2026, 2, 1), "purchase"),
        ...     Interaction("ann", dt.date(2026, 1, 1), "meeting"),
        ...     Interaction("bob", dt.date(2026, 3, 1), "purchase"),
        ... ])
        >>> list(parties), parties["bob"].latest
        (['bob', 'ann'], datetime.date(2026, 3, 1))
        >>> parties["bob"].signals(dt.date(2026, 3, 2)).repeat_rate
        0.5
    """
    if as_of is not None:
        as_of = v.a_date(as_of, "$.as_of")
    today = dt.datetime.now(tz=dt.UTC).date() if today is None else v.a_date(today, "$.today")
    limit = (today if as_of is None else as_of).toordinal()
    tables = _Tables()
    found: dict[str, SignalAccumulator] = {}
    rows = interactions.tuples() if isinstance(interactions, LogReader) else _rows(interactions)
    # The rows of one order come together: the same party and day objects as the row before
    # (the reader's caches give the same ones) are taken as they were.
    party_before: object = None
    on_before: object = None
    accumulator: SignalAccumulator  # set with party_before, on the first row
    day = 0
    for party, on, kind, item, offering, amount, customized, collaborative, reference in rows:
        if party is not party_before:
            known = found.get(party)
            if known is None:
                known = found[party] = SignalAccumulator(party, _tables=tables)
            accumulator, party_before = known, party
        if on is not on_before:
            day, on_before = on.toordinal(), on
        if day > limit:
            continue
        accumulator._add(day, kind, item, offering, amount, customized, collaborative, reference)  # noqa: SLF001
    for index, engagement in enumerate(_iterate(engagements, "engagements")):
        if not isinstance(engagement, Engagement):
            raise ValidationError.single(f"$.engagements[{index}]", "an Engagement", engagement)
        client = found.get(engagement.client_id)
        if client is None:
            client = found[engagement.client_id] = SignalAccumulator(
                engagement.client_id, _tables=tables
            )
        client.add_engagement(engagement)
    return found


def _iterate(items: object, field: str) -> Iterable[object]:
    if isinstance(items, str | bytes | dict) or not isinstance(items, Iterable):
        raise ValidationError.single(f"$.{field}", "an iterable of records", items)
    return items


def _rows(interactions: Iterable[Interaction]) -> Iterator[Row]:
    for index, interaction in enumerate(_iterate(interactions, "interactions")):
        if not isinstance(interaction, Interaction):
            raise ValidationError.single(f"$.interactions[{index}]", "an Interaction", interaction)
        yield (
            interaction.party_id,
            interaction.on,
            interaction.kind,
            interaction.item,
            interaction.offering,
            interaction.amount,
            interaction.customized,
            interaction.collaborative,
            interaction.reference,
        )


class PartyRecords:
    """One party's interactions kept compactly (about 16 bytes each), for a replay.

    What `timeline` keeps of a log instead of its `Interaction` objects: every row's day, its
    kind, flags and item-offering-amount packed in one machine integer (an unsigned 64-bit
    array), and its reference as a number, shared tables holding the keys and the texts (the
    rows of one order share their reference's number). `in_date_order` gives the rows back as
    plain values, oldest first; `coded` as the accumulator folds them in, read back at once.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Interaction
        >>> from clientcustomer.signals.accumulate import record_log
        >>> log = record_log([Interaction("ann", dt.date(2026, 3, 2), "meeting"),
        ...                   Interaction("ann", dt.date(2026, 1, 5), "purchase")])
        >>> [(row[0], row[1].value) for row in log["ann"].in_date_order()]
        [(739621, 'purchase'), (739677, 'meeting')]
    """

    __slots__ = ("_codes", "_packed", "_tables", "latest", "party_id")

    def __init__(self, party_id: str, tables: _Tables) -> None:
        self.party_id = party_id
        self._tables = tables
        self._packed: array[int] | list[int] = array("Q")  # a list past 64 bits (never seen)
        self._codes: list[int] = []  # each row's reference code (an order's rows share one)
        self.latest = 0
        """The latest day (an ordinal) with an interaction; 0 before any."""

    def add(self, on: int, row: Row) -> None:
        """Keep one row of `LogReader.tuples` (its date given as the day's ordinal ``on``)."""
        _, _, kind, item, offering, amount, customized, collaborative, reference = row
        tables = self._tables
        key, code = tables.ids(item, offering, amount, reference)
        self._codes.append(code)
        packed = _packed(key, on, kind, customized, collaborative)
        try:
            self._packed.append(packed)
        except OverflowError:  # more than 2**32 keys: plain integers from now on
            self._packed = [*self._packed, packed]
        if on > self.latest:  # noqa: PLR1730 - once per row: cheaper than a call of max
            self.latest = on

    @property
    def days(self) -> set[int]:
        """The days (ordinals) with an interaction."""
        return {packed & _DAY for packed in self._packed}

    def days_of(self, kind: InteractionKind) -> set[int]:
        """The days (ordinals) with an interaction of one kind."""
        rank = c.KIND_RANK[kind]
        return {packed & _DAY for packed in self._packed if (packed >> 26) & 31 == rank}

    def in_date_order(
        self,
    ) -> Iterator[
        tuple[int, InteractionKind, str, Offering, Decimal, bool | None, bool | None, str]
    ]:
        """The rows as plain values (``on`` as a day ordinal), oldest first."""
        text = self._tables.text
        for row in self.coded():
            yield (*row[:7], text(row[9]))

    def coded(
        self,
    ) -> list[
        tuple[int, InteractionKind, str, Offering, Decimal, bool | None, bool | None, str, int, int]
    ]:
        """The rows oldest first, as `SignalAccumulator._add` folds them in without reading again.

        Each row is `in_date_order`'s, its reference left empty, then its item-offering-amount
        key and its reference code in the log's tables (`reference` gives the text back).
        """
        keys = self._tables.keys
        found = []
        for packed, reference in zip(self._packed, self._codes, strict=True):
            item, offering, amount = keys[packed >> 32]
            found.append(
                (
                    packed & _DAY,
                    _KINDS[(packed >> 26) & 31],
                    item,
                    offering,
                    amount,
                    _FLAG_OF[(packed >> 24) & 3],
                    _FLAG_OF[(packed >> 22) & 3],
                    "",
                    packed >> 32,
                    reference,
                )
            )
        found.sort(key=_FIRST)  # by day, in the order kept within a day
        return found

    def reference(self, code: int) -> str:
        """The text of a reference code in `coded`'s rows."""
        return self._tables.text(code)

    def accumulator(self) -> SignalAccumulator:
        """An empty accumulator for this party, sharing the log's tables."""
        return SignalAccumulator(self.party_id, _tables=self._tables)


def record_log(interactions: Iterable[Interaction]) -> dict[str, PartyRecords]:
    """Keep a log compactly, grouped by party (in order of first appearance).

    Given a `LogReader`, its rows are kept without building an `Interaction` per row.

    Raises:
        ValidationError: When an item is not an `Interaction`.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Interaction
        >>> from clientcustomer.signals.accumulate import record_log
        >>> list(record_log([Interaction("bob", dt.date(2026, 3, 2), "meeting")]))
        ['bob']
    """
    tables = _Tables()
    found: dict[str, PartyRecords] = {}
    rows = interactions.tuples() if isinstance(interactions, LogReader) else _rows(interactions)
    for row in rows:
        party = row[0]
        records = found.get(party)
        if records is None:
            records = found[party] = PartyRecords(party, tables)
        records.add(row[1].toordinal(), row)
    return found
