"""Interaction logs in CSV: read them with a column mapping, row by row, in constant memory.

Two layouts work out of the box: the library's own (``LogColumns()``: columns ``party_id, on,
kind, item, offering, amount, customized, collaborative, reference``) and the common retail
invoice-line layout of the UCI "Online Retail" data set (``LogColumns.online_retail()``: columns
``InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country``,
where a leading ``C`` on the invoice number marks a cancellation).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import IO, Any, ClassVar, Literal, Self, TypedDict, Unpack

import attrs

from clientcustomer._core import validation as v
from clientcustomer._core.gzipped import GzipLines, open_lines
from clientcustomer._core.limits import decode_error_at
from clientcustomer.exceptions import Problem, ValidationError
from clientcustomer.parties.entities import Interaction, InteractionKind, Offering

__all__ = ["LogColumns", "LogReader", "RejectedRow", "read_log"]

OnError = Literal["raise", "skip"]

_FIELDS = (
    "party",
    "date",
    "kind",
    "item",
    "offering",
    "amount",
    "quantity",
    "unit_price",
    "customized",
    "collaborative",
    "reference",
)


def _column_name(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    required = attribute.name in {"party", "date"}
    if (value is None and not required) or (isinstance(value, str) and value.strip()):
        return
    expected = "a column name" + ("" if required else " or None")
    raise ValidationError.single(f"$.{attribute.name}", expected, value)


def _prefix(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not (isinstance(value, str) and value):
        raise ValidationError.single(f"$.{attribute.name}", "a non-empty prefix or None", value)


def _to_values(value: object) -> object:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(value)
    return value


def _values(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple) or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise ValidationError.single(
            f"$.{attribute.name}", "a tuple of non-empty item or category names", value
        )


@attrs.frozen
class LogColumns:
    """Which CSV column holds which fact of an interaction.

    Every field names a column; ``None`` states that the file has no such column. The defaults
    are the library's own layout. Every column named must be in the file: when one is not (say
    the file has no ``kind`` column), reading stops and lists *every* missing column at once,
    so that no fact silently takes a default; name the column the file uses instead
    (``kind="what"``) or state there is none (``kind=None``; `without` states several).

    A column stated absent is not recorded, and the signals that depend on it say so:

    * no ``customized`` column: whether an item was customized is unknown (``None``), except
      for ``professional`` work, customized by nature; the ``customization`` signal is then
      unknown instead of 0 ("nothing customized");
    * no ``kind`` and no ``collaborative`` column (a billing export): the log records no
      contacts, so whether a row was collaborative is unknown and ``collaborative_share`` is
      unknown instead of 0 ("transactional"). With a ``kind`` column the log records contacts,
      and a party that only bought is transactional.

    How each row becomes an `Interaction`:

    * ``party``: the party id; a row with a blank one is skipped and counted (anonymous sales);
      an integer written as a float (``17850.0``, as spreadsheets export ids) is read as
      ``17850``.
    * ``date``: an ISO date or datetime, or ``M/D/YYYY H:MM`` (month first); or anything
      `read_log`'s ``date_format`` describes. Only the date is kept.
    * ``kind``: one of the `InteractionKind` values. Without a kind column the kind is
      ``cancellation`` when the reference starts with ``cancellation_prefix``, ``return`` when
      the amount (or quantity x unit price) is negative, and ``purchase`` otherwise.
    * ``amount``: a decimal, or ``|quantity x unit_price|`` when the amount column is absent and
      both ``quantity`` and ``unit_price`` are mapped. Negative only without a kind column.
    * ``offering`` (``product``, ``service`` or ``professional``; blank means product), or a
      value listed in ``professional``.
    * ``customized`` and ``collaborative`` (``true/false``, ``yes/no``, ``1/0``; blank means the
      default: customized for professional work, collaborative for meetings, workshops,
      check-ins and planning), ``item`` and ``reference`` (text).
    * ``professional``: item or offering values (compared trimmed and case-insensitively) that
      are professional services and advice (consulting, legal, accounting, design, advocacy...):
      a row whose item or offering is one of them has the ``professional`` offering. This maps a
      billing export's own items or categories onto the category; it is empty by default, so
      logs without professional services (retail, online shopping) read as before.

    Attributes:
        party: The party id column (required).
        date: The date column (required).
        kind: The interaction kind column.
        item: The item (product or service) column.
        offering: The ``product``/``service`` column.
        amount: The amount column.
        quantity: The quantity column (with ``unit_price``, when there is no amount).
        unit_price: The unit price column (with ``quantity``).
        customized: The customized flag column.
        collaborative: The collaborative flag column.
        reference: The invoice or order reference column.
        cancellation_prefix: A prefix of the reference that marks a cancellation, such as ``C``.
        professional: Item or offering values that are professional services.

    Example:
        >>> from clientcustomer import LogColumns
        >>> LogColumns(party="customer", date="day").amount
        'amount'
        >>> LogColumns.online_retail().reference
        'InvoiceNo'
        >>> billing = LogColumns(professional=("legal advice",)).without("kind", "customized")
        >>> billing.kind, billing.professional
        (None, ('legal advice',))
        >>> LogColumns.FIELDS[:3]  # the fields that name columns, in the file's usual order
        ('party', 'date', 'kind')
    """

    FIELDS: ClassVar[tuple[str, ...]] = _FIELDS
    """The names of the fields that name a column (all but the value lists), read-only."""

    party: str = attrs.field(default="party_id", validator=_column_name)
    date: str = attrs.field(default="on", validator=_column_name)
    kind: str | None = attrs.field(default="kind", validator=_column_name)
    item: str | None = attrs.field(default="item", validator=_column_name)
    offering: str | None = attrs.field(default="offering", validator=_column_name)
    amount: str | None = attrs.field(default="amount", validator=_column_name)
    quantity: str | None = attrs.field(default=None, validator=_column_name)
    unit_price: str | None = attrs.field(default=None, validator=_column_name)
    customized: str | None = attrs.field(default="customized", validator=_column_name)
    collaborative: str | None = attrs.field(default="collaborative", validator=_column_name)
    reference: str | None = attrs.field(default="reference", validator=_column_name)
    cancellation_prefix: str | None = attrs.field(default=None, validator=_prefix)
    professional: tuple[str, ...] = attrs.field(default=(), converter=_to_values, validator=_values)

    def __attrs_post_init__(self) -> None:
        if (self.quantity is None) != (self.unit_price is None):
            missing = "unit_price" if self.unit_price is None else "quantity"
            raise ValidationError.single(
                f"$.{missing}", "a column name: quantity and unit_price go together", None
            )

    def without(self, *fields: str) -> LogColumns:
        """These columns, with the named facts stated absent (set to ``None``).

        Args:
            *fields: Field names, such as ``"item"`` and ``"reference"``.

        Returns:
            The new `LogColumns`.

        Raises:
            ValidationError: For a name that is not an optional column field.

        Example:
            >>> from clientcustomer import LogColumns
            >>> LogColumns().without("item", "reference").item is None
            True
        """
        for field in fields:
            if field not in _FIELDS or field in {"party", "date"}:
                optional = ", ".join(f for f in _FIELDS if f not in {"party", "date"})
                raise ValidationError.single("$.fields", f"one of {optional}", field)
        absent: dict[str, Any] = dict.fromkeys(fields)
        return attrs.evolve(self, **absent)

    @classmethod
    def online_retail(cls) -> LogColumns:
        """The UCI "Online Retail" layout: one row per invoice line.

        ``CustomerID`` is the party, ``InvoiceDate`` the date, ``InvoiceNo`` the reference (a
        leading ``C`` marks a cancellation), ``StockCode`` the item, and the amount is
        ``|Quantity x UnitPrice|``. Every line is a product.

        Example:
            >>> from clientcustomer import LogColumns
            >>> columns = LogColumns.online_retail()
            >>> columns.party, columns.quantity, columns.cancellation_prefix
            ('CustomerID', 'Quantity', 'C')
        """
        return cls(
            party="CustomerID",
            date="InvoiceDate",
            kind=None,
            item="StockCode",
            offering=None,
            amount=None,
            quantity="Quantity",
            unit_price="UnitPrice",
            customized=None,
            collaborative=None,
            reference="InvoiceNo",
            cancellation_prefix="C",
        )


@attrs.frozen
class RejectedRow:
    r"""A row `read_log` set aside in ``on_error="skip"`` mode, with the reason.

    Attributes:
        line: The 1-based line of the file the row starts on (the header is line 1).
        values: The row's fields as read.
        reason: Every problem with the row, one per line, each naming the column, what was
            expected and what was given.

    Example:
        >>> import io
        >>> from clientcustomer import LogColumns, read_log
        >>> text = "party_id,on,kind,amount\nann,2026-01-05,purchase,9\nbob,soon,purchase,9\n"
        >>> columns = LogColumns().without("item", "offering", "customized", "collaborative",
        ...                                "reference")
        >>> log = read_log(io.StringIO(text), columns, on_error="skip")
        >>> [i.party_id for i in log]
        ['ann']
        >>> print(log.rejects[0].reason)
        line 3, column 'on': expected a date (YYYY-MM-DD, ISO datetime or M/D/YYYY H:MM), got 'soon'
    """

    line: int = attrs.field(validator=v.integer(minimum=1))
    values: tuple[str, ...] = attrs.field(validator=v.tuple_of(str, "a field as read"))
    reason: str = attrs.field(validator=v.non_empty_str)


_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})
_KINDS = {kind.value: kind for kind in InteractionKind}
_OFFERINGS = {offering.value: offering for offering in Offering}
_KIND_EXPECTED = "one of " + ", ".join(repr(kind.value) for kind in InteractionKind)
_AUTO_DATE = "a date (YYYY-MM-DD, ISO datetime or M/D/YYYY H:MM)"
_ZERO = Decimal(0)
_NO_AMOUNT: tuple[Decimal | None, bool] = (None, False)
_K_PURCHASE, _K_RETURN, _K_CANCELLATION = (
    InteractionKind.PURCHASE,
    InteractionKind.RETURN,
    InteractionKind.CANCELLATION,
)
_UNSEEN: Any = object()
"""A value the fast row reader has not seen: the row goes to the full check."""
_OFFERING_TEXT: dict[str, Offering | None] = {
    "": None,
    **{offering.value: offering for offering in Offering},
}
_FLAG_TEXT: dict[str, bool | None] = {
    "": None,
    **dict.fromkeys(("true", "True", "TRUE", "yes", "1", "t", "y"), True),
    **dict.fromkeys(("false", "False", "FALSE", "no", "0", "f", "n"), False),
}
_COLLABORATIVE = frozenset(kind for kind in InteractionKind if kind.collaborative_by_default)
Row = tuple[str, dt.date, InteractionKind, str, Offering, Decimal, bool | None, bool | None, str]
"""One row as plain values: party, on, kind, item, offering, amount, customized, collaborative,
reference (the fields of an `Interaction`, defaults applied)."""


def interaction_of(row: Row) -> Interaction:
    """The `Interaction` of one row of plain values (as `LogReader.tuples` gives them)."""
    party, on, kind, item, offering, amount, customized, collaborative, reference = row
    return Interaction(
        party,
        on,
        kind,
        item=item,
        offering=offering,
        amount=amount,
        customized=customized,
        collaborative=collaborative,
        reference=reference,
    )


_MAX_AMOUNT = Decimal("1e15")  # amounts and prices below one quadrillion: sums stay finite
_CACHE_SIZE = 100_000  # distinct values remembered per column (timestamps, ids, prices)


class _BadValueError(Exception):
    """A field could not be read; turned into a `Problem` naming line and column."""

    def __init__(self, expected: str, got: str) -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got


def _day(moment: dt.datetime) -> dt.date:
    """The calendar day of a datetime: in UTC when it has an offset, as written when not."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.date()


def _auto_date(text: str) -> dt.date:
    if len(text) >= 10 and text[4] == "-":
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return _day(dt.datetime.fromisoformat(text))
    day, _, time = text.partition(" ")
    if time:
        fmt = "%m/%d/%Y %H:%M:%S" if time.count(":") == 2 else "%m/%d/%Y %H:%M"
        return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - only the date is kept
    return dt.datetime.strptime(day, "%m/%d/%Y").date()  # noqa: DTZ007 - only the date is kept


def _date_parser(
    date_format: str | None, not_after: dt.date, cache: dict[str, dt.date]
) -> Callable[[str], dt.date]:
    """Build a parser that fills ``cache``: logs repeat the same timestamps on many lines."""
    expected = _AUTO_DATE if date_format is None else f"a date in the format {date_format!r}"
    too_late = f"a date not after today ({not_after.isoformat()})"

    def parse(text: str) -> dt.date:
        found = cache.get(text)
        if found is not None:
            return found
        try:
            if date_format is None:
                value = _auto_date(text.strip())
            else:
                value = _day(dt.datetime.strptime(text.strip(), date_format))  # noqa: DTZ007
        except ValueError:
            raise _BadValueError(expected, text) from None
        if value > not_after:
            raise _BadValueError(too_late, text)
        if len(cache) < _CACHE_SIZE:
            cache[text] = value
        return value

    return parse


def _decimal(text: str, what: str = "a decimal number") -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _BadValueError(what, text) from None
    if not value.is_finite():
        raise _BadValueError(what, text)
    if abs(value) >= _MAX_AMOUNT:
        raise _BadValueError(f"{what} below 1e15 in size", text[:40])
    return value


def _flag(text: str) -> bool | None:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    if not lowered:
        return None
    raise _BadValueError("true or false (yes/no, 1/0) or blank", text)


def _kind(text: str) -> InteractionKind:
    kind = _KINDS.get(text.strip().lower())
    if kind is None:
        raise _BadValueError(_KIND_EXPECTED, text)
    return kind


def _offering(text: str) -> Offering | None:
    lowered = text.strip().lower()
    if not lowered:
        return None
    offering = _OFFERINGS.get(lowered)
    if offering is None:
        raise _BadValueError("'product', 'service', 'professional' or blank", text)
    return offering


def _amount(text: str) -> Decimal | None:
    if not text.strip():
        return None
    return _decimal(text)


def _quantity(text: str) -> Decimal:
    return _decimal(text, "a number")


def _party(text: str) -> str:
    party = text.strip()
    if party.endswith(".0") and party[:-2].isdigit():
        return party[:-2]
    return party


def _check_text_options(delimiter: object, encoding: object) -> None:
    """The delimiter is one character (not a quote or a line break); the encoding is known."""
    if not (isinstance(delimiter, str) and len(delimiter) == 1 and delimiter not in '"\r\n'):
        expected = "one character, not a quote or a line break"
        raise ValidationError.single("$.delimiter", expected, delimiter)
    try:
        "".encode(encoding)  # type: ignore[arg-type] # a text encoding, not rot13 or zlib
    except (LookupError, TypeError):
        raise ValidationError.single("$.encoding", "a known text encoding", encoding) from None


def _check_today(today: object) -> dt.date:
    """The present a log is read on: the given date, or the current date in UTC."""
    if today is None:
        return dt.datetime.now(tz=dt.UTC).date()
    if not isinstance(today, dt.date) or isinstance(today, dt.datetime):
        raise ValidationError.single("$.today", "a date (datetime.date, not a datetime)", today)
    return today


class _ReadOptions(TypedDict, total=False):
    """`read_log`'s options (see there), as `LogReader` takes them."""

    date_format: str | None
    on_error: OnError
    delimiter: str
    encoding: str
    today: dt.date | None


class LogReader(Iterator[Interaction]):
    r"""The interactions of a CSV log, read lazily; what `read_log` returns.

    Iterate it (once) for the interactions. While and after reading, it tells how many data rows
    were read, how many were skipped for a blank party, and (in ``skip`` mode) which rows were
    rejected and why. Use it as a context manager, or call `close`, to close a file it opened.

    Attributes:
        header: The column names of the file.
        rows: Data rows read so far (blank lines are not rows).
        skipped_blank_party: Rows skipped because their party id was blank.
        rejects: The rows rejected so far, in ``on_error="skip"`` mode.

    Example:
        >>> import io
        >>> from clientcustomer import LogColumns, read_log
        >>> text = (
        ...     "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        ...     "536365,85123A,HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850.0,United Kingdom\n"
        ...     "C536379,85123A,HEART T-LIGHT HOLDER,-6,12/1/2010 9:41,2.55,17850.0,United Kingdom\n"
        ...     "536414,22139,,56,12/1/2010 11:52,0,,United Kingdom\n"
        ... )
        >>> with read_log(io.StringIO(text), LogColumns.online_retail()) as log:
        ...     for interaction in log:
        ...         print(interaction.party_id, interaction.kind.value, interaction.amount)
        ...     print(log.rows, log.skipped_blank_party)
        17850 purchase 15.30
        17850 cancellation 15.30
        3 1
    """  # noqa: E501 - a doctest line cannot be wrapped

    _split_plain_lines = True
    """Whether a plain line is split at the delimiter (else the csv module reads every row)."""

    def __init__(
        self,
        source: str | os.PathLike[str] | IO[str],
        columns: LogColumns | None = None,
        **options: Unpack[_ReadOptions],
    ) -> None:
        unknown = sorted(set(options) - set(_ReadOptions.__annotations__))
        if unknown:
            expected = "one of " + ", ".join(_ReadOptions.__annotations__)
            raise ValidationError.single("$.options", expected, unknown[0])
        date_format = options.get("date_format")
        on_error = options.get("on_error", "raise")
        delimiter = options.get("delimiter", ",")
        encoding = options.get("encoding", "utf-8")
        today = _check_today(options.get("today"))
        if columns is None:
            columns = LogColumns()
        if not isinstance(columns, LogColumns):
            raise ValidationError.single("$.columns", "a LogColumns", columns)
        if on_error not in {"raise", "skip"}:
            raise ValidationError.single("$.on_error", "'raise' or 'skip'", on_error)
        if date_format is not None and not (isinstance(date_format, str) and date_format):
            raise ValidationError.single("$.date_format", "a strptime format or None", date_format)
        _check_text_options(delimiter, encoding)
        self.rows = 0
        self.skipped_blank_party = 0
        self.rejects: list[RejectedRow] = []
        self._on_error = on_error
        self._encoding = encoding
        self._owned: IO[str] | GzipLines | None = None
        self._path: str | None = None
        stream: Iterable[str]
        if isinstance(source, str | os.PathLike):
            path = self._path = os.fspath(source)
            if path.endswith(".gz"):  # inflated by a second thread as the rows are read
                self._owned = stream = open_lines(path, encoding)
            else:
                self._owned = stream = open(path, encoding=encoding, newline="")  # noqa: PTH123, SIM115
        elif isinstance(source, io.TextIOBase) or hasattr(source, "read"):
            stream = source
        else:
            raise ValidationError.single("$.source", "a file path or a text stream", source)
        self._lines: Iterator[str] = iter(())
        self._line = 0  # the physical lines of the file read so far
        self._pushed: list[str] = []
        try:
            self._lines = iter(stream)
            self._delimiter = delimiter
            # The csv module reads the header and every row holding a quote (or anything else
            # that is not a plain split); it takes its lines from `_feed`.
            self._reader = csv.reader(self._feed(), delimiter=delimiter, strict=True)
            self.header = self._read_header()
            self._line = self._reader.line_num
            self._plan = _Plan(columns, self.header, date_format, today)
        except BaseException:
            self.close()
            raise
        self._rows = self._read()

    def _decode_error(self, error: UnicodeError) -> ValidationError:
        """Where the text stops decoding: the file's line (a path), or after the rows read."""
        self.close()
        if self._path is not None:
            line, got = decode_error_at(self._path, self._encoding, error)
            return ValidationError.single(f"line {line}", f"text in {self._encoding}", got)
        where = f"after line {max(self._line, self._reader.line_num)}"
        return ValidationError.single(where, f"text in {self._encoding}", str(error))

    def _broken_file(self, error: Exception) -> ValidationError:
        """A compressed file cut short or not compressed: the line it was read up to."""
        self.close()
        reason = str(error) or type(error).__name__
        where = f"after line {max(self._line, self._reader.line_num)}"
        return ValidationError.single(where, "a complete gzip file", reason)

    def _read_header(self) -> tuple[str, ...]:
        try:
            header = next(self._reader, None)
        except UnicodeError as error:
            raise self._decode_error(error) from None
        except (EOFError, OSError) as error:  # a truncated or corrupt .gz file
            raise self._broken_file(error) from None
        except csv.Error as error:
            raise ValidationError.single("line 1", "a header row", str(error)) from None
        if not header:
            raise ValidationError.single("line 1", "a header row naming the columns", "")
        names = tuple(name.strip().removeprefix("\ufeff") for name in header)
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise ValidationError.single("line 1", "unique column names", name)
            seen.add(name)
        return names

    def __iter__(self) -> LogReader:
        return self

    def __next__(self) -> Interaction:
        return interaction_of(next(self._rows))

    def tuples(self) -> Iterator[Row]:
        r"""The rows still to read as plain values, without building an `Interaction` per row.

        Each row is the tuple ``(party_id, on, kind, item, offering, amount, customized,
        collaborative, reference)``, checked and with the defaults applied exactly as the
        `Interaction` iterating the reader gives; the counts and rejects are kept the same way.
        `clientcustomer.accumulate` reads a log this way.

        Example:
            >>> import io
            >>> from clientcustomer import LogColumns, read_log
            >>> text = "party_id,on,kind\nann,2026-01-05,meeting\n"
            >>> columns = LogColumns().without("item", "offering", "amount", "customized",
            ...                                "collaborative", "reference")
            >>> rows = read_log(io.StringIO(text), columns).tuples()
            >>> [(row[0], row[2].value, row[7]) for row in rows]
            [('ann', 'meeting', True)]
        """
        return self._rows

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"<clientcustomer.LogReader(rows={self.rows}, "
            f"skipped_blank_party={self.skipped_blank_party}, rejects={len(self.rejects)})>"
        )

    def close(self) -> None:
        r"""Close the file if `read_log` opened it (a stream you passed stays open).

        Example:
            >>> import io
            >>> from clientcustomer import read_log
            >>> header = "party_id,on,kind,item,offering,amount,customized,collaborative,reference"
            >>> log = read_log(io.StringIO(header + "\n"))
            >>> log.close()
            >>> list(log)
            []
        """
        owned = getattr(self, "_owned", None)
        if owned is not None:
            owned.close()
            self._owned = None

    def _feed(self) -> Iterator[str]:
        """The lines for the csv module: one handed back by `_read` first, then the file's."""
        pushed, lines = self._pushed, self._lines
        while True:
            if pushed:
                yield pushed.pop()
                continue
            text = next(lines, None)
            if text is None:
                return
            yield text

    def _read(self) -> Iterator[Row]:  # noqa: C901, PLR0912, PLR0915 - the loop over rows, inlined
        """The rows, checked: a plain line is split, any other goes to the csv module.

        A line with no quote and no line break inside (after its line ending) and no longer
        than the csv module's field limit is exactly what the csv module would read from it,
        split at the delimiter; only the others (a quoted field, perhaps over several lines)
        are read by the csv module itself, so every row is read as the csv module reads it.
        """
        reader, lines, pushed = self._reader, self._lines, self._pushed
        row = self._plan.fast_row()
        width = len(self.header)
        delimiter = self._delimiter
        limit = csv.field_size_limit() if self._split_plain_lines else -1
        consumed = self._line
        try:
            for text in lines:
                line = consumed = consumed + 1
                # The csv module ends a row at its first line break and ignores any after it.
                body = text.rstrip("\r\n")
                if '"' in body or "\r" in body or "\n" in body or len(body) > limit:
                    pushed.append(text)
                    before = reader.line_num
                    try:
                        values = next(reader)
                    except StopIteration:  # pragma: no cover - a line was handed to it
                        break
                    except csv.Error as error:
                        problem = Problem(f"line {line}", "a CSV row", str(error))
                        self._reject(line, (), (problem,))
                        continue
                    finally:  # the lines the csv module read past the first
                        consumed += reader.line_num - before - 1
                    if not values:  # pragma: no cover - a blank line is split
                        continue
                elif body:
                    values = body.split(delimiter)
                else:
                    continue  # a blank line is not a row
                self.rows += 1
                if len(values) != width:
                    problem = Problem(f"line {line}", f"{width} fields", len(values))
                    self._reject(line, tuple(values), (problem,))
                    continue
                result = row(values, line)
                if result is None:
                    self.skipped_blank_party += 1
                elif type(result[0]) is str:
                    yield result
                else:
                    self._reject(line, tuple(values), result)  # type: ignore[arg-type]
        except UnicodeError as error:
            self._line = consumed
            raise self._decode_error(error) from None
        except (EOFError, OSError) as error:  # a truncated or corrupt .gz file
            self._line = consumed
            raise self._broken_file(error) from None
        self._line = consumed
        self.close()

    def _reject(self, line: int, values: tuple[str, ...], problems: tuple[Problem, ...]) -> None:
        if self._on_error == "raise":
            self.close()
            raise ValidationError(problems)
        self.rejects.append(RejectedRow(line, values, "\n".join(map(str, problems))))


def missing_columns(columns: LogColumns, header: Iterable[str]) -> ValidationError | None:
    """The error listing every column ``columns`` names that ``header`` lacks, or ``None``.

    Each problem's field is ``$.columns.<fact>`` (such as ``$.columns.kind``), so that a caller
    (the command line) can name its own option for it.

    Example:
        >>> from clientcustomer import LogColumns
        >>> print(missing_columns(LogColumns(), ["party_id", "on", "kind", "amount"]))
        $.columns.item: expected a column named 'item' (or item=None when the file has none), got 'party_id, on, kind, amount'
        $.columns.offering: expected a column named 'offering' (or offering=None when the file has none), got 'party_id, on, kind, amount'
        $.columns.customized: expected a column named 'customized' (or customized=None when the file has none), got 'party_id, on, kind, amount'
        $.columns.collaborative: expected a column named 'collaborative' (or collaborative=None when the file has none), got 'party_id, on, kind, amount'
        $.columns.reference: expected a column named 'reference' (or reference=None when the file has none), got 'party_id, on, kind, amount'
    """  # noqa: E501 - a doctest line cannot be wrapped
    header = tuple(header)
    present = set(header)
    problems = []
    for field in _FIELDS:
        name = getattr(columns, field)
        if name is None or name in present:
            continue
        absent = "" if field in {"party", "date"} else f" (or {field}=None when the file has none)"
        problems.append(
            Problem(
                f"$.columns.{field}",
                f"a column named {name!r}{absent}",
                ", ".join(header),
            )
        )
    return ValidationError(tuple(problems)) if problems else None


class _Plan:
    """The column positions and parsers for one file, worked out once from its header."""

    def __init__(
        self,
        columns: LogColumns,
        header: tuple[str, ...],
        date_format: str | None,
        today: dt.date,
    ) -> None:
        missing = missing_columns(columns, header)
        if missing is not None:
            raise missing
        at = {name: index for index, name in enumerate(header)}
        self.index: dict[str, int | None] = {}
        for field in _FIELDS:
            name = getattr(columns, field)
            self.index[field] = None if name is None else at[name]
        self.names = {field: getattr(columns, field) for field in _FIELDS}
        # A fact stated absent is not recorded: its flag is None (unknown), not the default.
        self.unrecorded: dict[str, None] = {}
        if self.index["customized"] is None:
            self.unrecorded["customized"] = None
        if self.index["collaborative"] is None and self.index["kind"] is None:
            self.unrecorded["collaborative"] = None  # no kinds, no flags: no contact recorded
        self.professional = frozenset(value.strip().lower() for value in columns.professional)
        self.prefix = columns.cancellation_prefix
        self.prices: dict[str, Decimal] = {}
        self.dates: dict[str, dt.date] = {}
        self.parties: dict[str, str] = {}
        self.parse_date = _date_parser(date_format, today, self.dates)
        self.party: int = self.index["party"]  # type: ignore[assignment]
        self.date_at: int = self.index["date"]  # type: ignore[assignment]
        self.priced = self.index["amount"] is None and self.index["quantity"] is not None
        parsers: dict[str, tuple[str, Callable[[str], Any]]] = {
            "date": ("on", self.parse_date),
            "kind": ("kind", _kind),
            "amount": ("amount", _amount),
            "quantity": ("quantity", _quantity),
            "unit_price": ("unit_price", self._price),
            "offering": ("offering", self._offering),
            "customized": ("customized", _flag),
            "collaborative": ("collaborative", _flag),
            "item": ("item", str.strip),
            "reference": ("reference", str.strip),
        }
        self.readers: list[tuple[str, int, Callable[[str], Any]]] = []
        for field, (name, parse) in parsers.items():
            position = self.index[field]
            if position is not None and (self.priced or field not in {"quantity", "unit_price"}):
                self.readers.append((name, position, parse))
        self.readers.sort(key=lambda reader: reader[1])  # problems in the file's column order
        self.names["on"] = self.names["date"]

    def fast_row(self) -> Callable[[list[str], int], Row | tuple[Problem, ...] | None]:  # noqa: C901, PLR0915 - one row, inlined
        """`row`, quicker: values seen before come from caches; anything else goes to `row`.

        It gives exactly what `row` gives: it only ever answers for a row whose every value
        it recognises, and hands any other row (a new party or date, an odd spelling, a bad
        value) to `row`, which checks it in full and fills the caches. A billing export (no
        kind, offering or flag columns) gets a shorter function that also takes the party,
        date and reference of the row before when their text repeats.
        """
        index = self.index
        at_party, at_date = self.party, self.date_at
        at_kind, at_item, at_offering = index["kind"], index["item"], index["offering"]
        at_amount, at_quantity, at_price = index["amount"], index["quantity"], index["unit_price"]
        at_customized, at_collaborative = index["customized"], index["collaborative"]
        at_reference = index["reference"]
        priced = self.priced
        parties, dates, price_of = self.parties, self.dates, self._price
        parse_date = self.parse_date
        # An amount, or a (quantity, unit price) pair, as written -> (its size, whether it is
        # negative): one Decimal object per value, whose hash Python keeps (hashing a new
        # Decimal, as the accumulators do, is slow).
        amounts: dict[str, tuple[Decimal | None, bool]] = {}
        products: dict[tuple[str, str], tuple[Decimal, bool]] = {}
        professional = self.professional
        prefix = self.prefix
        no_customized = "customized" in self.unrecorded
        no_collaborative = "collaborative" in self.unrecorded
        slow = self.row
        kinds, offerings, flags = _KINDS, _OFFERING_TEXT, _FLAG_TEXT
        purchase, cancellation, returned = _K_PURCHASE, _K_CANCELLATION, _K_RETURN
        product, expert = Offering.PRODUCT, Offering.PROFESSIONAL
        collaborative_kinds = _COLLABORATIVE
        # A billing export (no kind, offering or flag columns, no professional items): no flag
        # is recorded and every line is a product.
        billing = not professional and all(
            index[field] is None for field in ("kind", "offering", "customized", "collaborative")
        )

        def price(pair: tuple[str, str]) -> tuple[Decimal, bool] | None:
            """A new (quantity, unit price) pair's size and sign, remembered; ``None``: bad."""
            try:
                total = _quantity(pair[0]) * price_of(pair[1])
            except _BadValueError:
                return None
            negative = total < _ZERO
            found = (-total if negative else total, negative)
            if len(products) < _CACHE_SIZE:
                products[pair] = found
            return found

        def read_amount(text: str) -> tuple[Decimal | None, bool] | None:
            """A new amount's size and sign, remembered; ``None``: a bad one."""
            try:
                read = _amount(text)
            except _BadValueError:
                return None
            negative = read is not None and read < _ZERO
            found = (-read if negative else read, negative)  # type: ignore[operator]
            if len(amounts) < _CACHE_SIZE:
                amounts[text] = found
            return found

        def size_of(values: list[str]) -> tuple[Decimal | None, bool] | None:
            """A row's amount and whether it was negative (from the cache when seen before).

            ``(None, False)`` without an amount; ``None`` for a bad one.
            """
            if priced:
                pair = (values[at_quantity], values[at_price])  # type: ignore[index]
                return products.get(pair) or price(pair)
            if at_amount is not None:
                text = values[at_amount]
                return amounts.get(text) or read_amount(text)
            return _NO_AMOUNT

        # The row before's party, date and reference, as written and as read: the lines of one
        # order repeat them, and comparing the text is cheaper than hashing it again.
        party_text: str | None = None  # None: no row before (equal to no text)
        date_text: str | None = None
        reference_text: str | None = None
        party_before = reference_before = ""
        on_before = dt.date.min
        cancels = False

        def billing_row(values: list[str], line: int) -> Row | tuple[Problem, ...] | None:  # noqa: C901 - one row, inlined
            """`row` for a billing export (no kind, offering or flag columns).

            Every line is a product; its reference and its amount's sign say what it is.
            """
            nonlocal party_text, date_text, reference_text, party_before, on_before
            nonlocal reference_before, cancels
            text = values[at_party]
            if text != party_text:
                party = parties.get(text)
                if party is None:
                    return slow(values, line)
                party_text, party_before = text, party
            if not party_before:
                return None
            text = values[at_date]
            if text != date_text:
                on = dates.get(text)
                if on is None:  # a new timestamp: parsed (and remembered) here, or a bad one
                    try:
                        on = parse_date(text)
                    except _BadValueError:
                        return slow(values, line)
                date_text, on_before = text, on
            sized: tuple[Decimal | None, bool] | None
            if priced:  # an invoice line's quantity and price: `size_of` inlined
                pair = (values[at_quantity], values[at_price])  # type: ignore[index]
                sized = products.get(pair) or price(pair)
            else:
                sized = size_of(values)
            if sized is None:
                return slow(values, line)
            amount, negative = sized
            if at_reference is not None:
                text = values[at_reference]
                if text != reference_text:
                    reference_before = text.strip()
                    cancels = prefix is not None and reference_before.startswith(prefix)
                    reference_text = text
            kind = cancellation if cancels else returned if negative else purchase
            item = "" if at_item is None else values[at_item].strip()
            amount = _ZERO if amount is None else amount
            reference = reference_before
            return (party_before, on_before, kind, item, product, amount, None, None, reference)

        def row(values: list[str], line: int) -> Row | tuple[Problem, ...] | None:  # noqa: C901, PLR0911, PLR0912, PLR0915
            party = parties.get(values[at_party])
            if party is None:
                return slow(values, line)
            if not party:
                return None
            on = dates.get(values[at_date])
            if on is None:  # a new timestamp: parsed (and remembered) here, or a bad one
                try:
                    on = parse_date(values[at_date])
                except _BadValueError:
                    return slow(values, line)
            kind = None
            if at_kind is not None:
                kind = kinds.get(values[at_kind])
                if kind is None:
                    return slow(values, line)
            item = "" if at_item is None else values[at_item].strip()
            offering = product
            if at_offering is not None:
                text = values[at_offering]
                if professional and text.strip().lower() in professional:
                    offering = expert
                else:
                    found = offerings.get(text, _UNSEEN)
                    if found is _UNSEEN:
                        return slow(values, line)
                    offering = product if found is None else found
            sized = size_of(values)
            if sized is None:
                return slow(values, line)
            amount, negative = sized
            customized = collaborative = None
            if at_customized is not None:
                customized = flags.get(values[at_customized], _UNSEEN)
                if customized is _UNSEEN:
                    return slow(values, line)
            if at_collaborative is not None:
                collaborative = flags.get(values[at_collaborative], _UNSEEN)
                if collaborative is _UNSEEN:
                    return slow(values, line)
            reference = "" if at_reference is None else values[at_reference].strip()
            if amount is None:
                amount = _ZERO
            elif negative:
                if kind is not None:
                    return slow(values, line)  # the kind column says what it is: a problem
                if kind is None and not (
                    reference and prefix is not None and reference.startswith(prefix)
                ):
                    kind = returned
            if kind is None:
                if reference and prefix is not None and reference.startswith(prefix):
                    kind = cancellation
                else:
                    kind = purchase
            if professional and item.lower() in professional:
                offering = expert
            if no_customized and offering is not expert:
                customized = None
            elif customized is None:
                customized = offering is expert
            if no_collaborative:
                collaborative = None
            elif collaborative is None:
                collaborative = kind in collaborative_kinds
            return (party, on, kind, item, offering, amount, customized, collaborative, reference)

        return billing_row if billing else row

    def row(self, values: list[str], line: int) -> Row | tuple[Problem, ...] | None:
        """The row's interaction as plain values (defaults applied), its problems, or ``None``.

        ``None`` is a row with a blank party.
        """
        raw_party = values[self.party]
        party = self.parties.get(raw_party)
        if party is None:
            party = _party(raw_party)
            if len(self.parties) < _CACHE_SIZE:
                self.parties[raw_party] = party
        if not party:
            return None
        problems: list[Problem] = []
        fields: dict[str, Any] = {}
        for field, position, parse in self.readers:
            try:
                fields[field] = parse(values[position])
            except _BadValueError as error:
                where = f"line {line}, column {self.names[field]!r}"
                problems.append(Problem(where, error.expected, error.got))
        if problems:
            return tuple(problems)
        on = fields.pop("on")
        problem = self._settle(fields, values, line)
        if problem is not None:
            return (problem,)
        fields = self._recorded(fields)
        kind: InteractionKind = fields["kind"]
        offering: Offering = fields.get("offering", Offering.PRODUCT)
        return (
            party,
            on,
            kind,
            fields.get("item", ""),
            offering,
            fields.get("amount", _ZERO),
            fields.get("customized", offering is Offering.PROFESSIONAL),
            fields.get("collaborative", kind in _COLLABORATIVE),
            fields.get("reference", ""),
        )

    def _recorded(self, fields: dict[str, Any]) -> dict[str, Any]:
        """The fields as recorded: a blank takes the default, an absent fact is unknown."""
        fields = {k: v for k, v in fields.items() if v is not None}
        if self.professional and fields.get("item", "").lower() in self.professional:
            fields["offering"] = Offering.PROFESSIONAL
        for flag in self.unrecorded:
            if flag == "collaborative" or fields.get("offering") is not Offering.PROFESSIONAL:
                fields[flag] = None  # not recorded; professional work is customized by nature
        return fields

    def _settle(self, fields: dict[str, Any], values: list[str], line: int) -> Problem | None:
        """Work out the amount and, without a kind column, the kind; a problem if they clash."""
        if self.priced:
            fields["amount"] = fields.pop("quantity") * fields.pop("unit_price")
        amount: Decimal | None = fields.get("amount")
        negative = amount is not None and amount < _ZERO
        if amount is not None and negative:
            if "kind" in fields:
                field = "quantity" if self.priced else "amount"
                where = f"line {line}, column {self.names[field]!r}"
                expected = f"a non-negative {field} (the kind column says what it is)"
                return Problem(where, expected, values[self.index[field] or 0])
            fields["amount"] = -amount
        if "kind" not in fields:
            reference = fields.get("reference", "")
            if reference and self.prefix is not None and reference.startswith(self.prefix):
                fields["kind"] = InteractionKind.CANCELLATION
            elif negative:
                fields["kind"] = InteractionKind.RETURN
            else:
                fields["kind"] = InteractionKind.PURCHASE
        return None

    def _offering(self, text: str) -> Offering | None:
        if self.professional and text.strip().lower() in self.professional:
            return Offering.PROFESSIONAL
        return _offering(text)

    def _price(self, text: str) -> Decimal:
        price = self.prices.get(text)
        if price is None:
            price = _decimal(text, "a number")
            if len(self.prices) < _CACHE_SIZE:
                self.prices[text] = price
        return price


def read_log(  # noqa: PLR0913 - the reader's options, all keyword-only
    source: str | os.PathLike[str] | IO[str],
    columns: LogColumns | None = None,
    *,
    date_format: str | None = None,
    on_error: OnError = "raise",
    delimiter: str = ",",
    encoding: str = "utf-8",
    today: dt.date | None = None,
) -> LogReader:
    r"""Read an interaction log from a CSV file or text stream, one row at a time.

    The header row is read at once (so missing columns fail here, all of them listed); the data
    rows as you iterate. A path ending in ``.gz`` is read through gzip, inflated by a second
    thread in large blocks while the rows are read (zlib releases the interpreter lock).

    Args:
        source: A file path, or a text stream open with ``newline=""``.
        columns: Which column holds what (see `LogColumns`); the library's own layout by default.
        date_format: A ``strptime`` format for the date column; by default ISO dates and
            datetimes and ``M/D/YYYY H:MM`` are accepted. A datetime with an offset (``Z``,
            ``+02:00``) is converted to UTC before its day is taken; one without is taken as
            written.
        on_error: ``"raise"`` stops at the first bad row with a `ValidationError`; ``"skip"``
            sets bad rows aside in `LogReader.rejects` (line, values, reason) and goes on.
        delimiter: The field delimiter: one character, not a quote or a line break.
        encoding: The file's text encoding (paths only); a file that does not decode fails
            naming its line.
        today: The present: a row dated after it is a bad row (a typo such as 2205 would
            otherwise move the default as-of date for everyone); the current date in UTC when
            ``None``.

    Returns:
        A `LogReader`: iterate it for `Interaction` objects; it also counts rows, rows skipped
        for a blank party, and rejects.

    Raises:
        ValidationError: For a bad option or header; while iterating, for a bad row (in
            ``raise`` mode): the message names the line, the column, what was expected and what
            was given, such as ``line 7, column 'Quantity': expected a number, got 'six'``.
        OSError: When the file cannot be opened.

    Example:
        >>> import io
        >>> from clientcustomer import LogColumns, read_log
        >>> text = "party_id,on,kind,amount\nann,2026-01-05,purchase,19.90\nann,2026-01-06,buy,1\n"
        >>> read_log(io.StringIO(text))
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.ValidationError: $.columns.item: expected a column named 'item' (or item=None when the file has none), got 'party_id, on, kind, amount'
        ...
        >>> billing = LogColumns().without("item", "offering", "customized", "collaborative",
        ...                                "reference")
        >>> log = read_log(io.StringIO(text), billing)
        >>> next(log).amount
        Decimal('19.90')
        >>> next(log)
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.ValidationError: line 3, column 'kind': expected one of 'purchase', ...
    """  # noqa: E501 - a doctest line cannot be wrapped
    return LogReader(
        source,
        columns,
        date_format=date_format,
        on_error=on_error,
        delimiter=delimiter,
        encoding=encoding,
        today=today,
    )
