"""What every command that reads an interaction log shares: its options and how they are read.

``classify --log``, ``timeline`` and ``recommend`` take a CSV interaction log with the same
column-mapping options (``--party-column``, ``--cancellation-prefix``...), an optional JSON Lines
file of engagements, and an ``--as-of`` date; ``timeline`` and ``recommend`` take the log as LOG
or the bundled demo data as ``--demo`` (`add_log_or_demo`, `read_log_or_demo`).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import csv
import datetime as dt
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

import attrs

from clientcustomer import (
    SIGNALS,
    Classifier,
    Engagement,
    LogColumns,
    LogReader,
    PartyLog,
    Ruleset,
    SignalAccumulator,
    Signals,
    accumulate,
    default_as_of,
    default_ruleset,
    from_json,
    load_ruleset,
    loads_ruleset,
    party_logs,
    read_log,
)
from clientcustomer._core.limits import (
    MAX_DIGITS,
    JsonTextError,
    decode_error_at,
    load_json,
    show_json,
)
from clientcustomer.exceptions import CliError, Problem, ValidationError

from .output import one_line

__all__ = [
    "accumulate_party_logs",
    "accumulated_as_of",
    "add_log_options",
    "add_log_or_demo",
    "day_after_latest",
    "log_columns",
    "only_parties",
    "open_log",
    "parse_date",
    "read_engagements",
    "read_log_or_demo",
    "read_party_logs",
]

_NONE = "none"
_STDIN = "<stdin>"
_ID = "id"
_INTEGER = re.compile(r"[+-]?\d+")
_UNKNOWN = frozenset({"", "nan"})
"""CSV cells that are unknown values: empty, or NaN (as pandas and DuckDB write a missing one)."""
InputFormat = Literal["csv", "jsonl"]
OnError = Literal["raise", "skip"]
T = TypeVar("T")
_SUFFIXES: dict[str, InputFormat] = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}

_COLUMN_OPTIONS = (
    ("party", "the party id (required)"),
    ("date", "the date (required)"),
    ("kind", "the interaction kind"),
    ("item", "the product or service"),
    ("offering", "'product' or 'service'"),
    ("amount", "the amount"),
    ("quantity", "the quantity (with --unit-price-column, when there is no amount)"),
    ("unit_price", "the unit price (with --quantity-column)"),
    ("customized", "the customized flag"),
    ("collaborative", "the collaborative flag"),
    ("reference", "the invoice or order reference"),
)


def unreadable(error: OSError) -> str:
    """Why a file could not be read, in a few words: not found, a folder, permission denied...

    Example:
        >>> from clientcustomer.cli.inputs import unreadable
        >>> unreadable(FileNotFoundError(2, "No such file or directory"))
        'not found'
        >>> unreadable(OSError(5, "Input/output error"))
        'Input/output error'
    """
    if isinstance(error, FileNotFoundError):
        return "not found"
    if isinstance(error, IsADirectoryError):
        return "a folder"
    if isinstance(error, PermissionError):
        return "permission denied"
    return str(error.strerror or error)


def _failed(field: str, expected: str, got: str, reason: str) -> ValidationError:
    note = f"expected {expected}, got {got!r} ({reason})"
    return ValidationError((Problem(field, expected, got, note=note),))


def add_log_options(parser: argparse.ArgumentParser) -> None:
    """Add the interaction-log options to a subcommand's parser.

    Example:
        >>> import argparse
        >>> from clientcustomer.cli.inputs import add_log_options
        >>> parser = argparse.ArgumentParser()
        >>> add_log_options(parser)
        >>> parser.parse_args(["--cancellation-prefix", "C"]).cancellation_prefix
        'C'
    """
    group = parser.add_argument_group(
        "interaction log",
        "How to read a CSV interaction log (a path ending in .gz is read through gzip). "
        "Column options name a column of the file; 'none' means the file has no such column.",
    )
    group.add_argument(
        "--layout",
        choices=("default", "online-retail"),
        default="default",
        help="the starting column layout: the library's own (party_id, on, kind, amount...) or "
        "the UCI Online Retail one (CustomerID, InvoiceDate, InvoiceNo...); column options "
        "override it (default: %(default)s)",
    )
    for name, what in _COLUMN_OPTIONS:
        group.add_argument(
            f"--{name.replace('_', '-')}-column",
            dest=f"{name}_column",
            metavar="NAME",
            help=f"the column holding {what}",
        )
    group.add_argument(
        "--cancellation-prefix",
        metavar="TEXT",
        help="a reference prefix that marks a cancellation, such as C",
    )
    group.add_argument(
        "--professional",
        metavar="TEXT",
        action="append",
        help="an item or offering value that is a professional service (consulting, legal, "
        "advocacy...): customized by nature, and billed month after month a retainer "
        "(repeat for more; case-insensitive)",
    )
    group.add_argument("--date-format", metavar="FORMAT", help="a strptime format for dates")
    group.add_argument("--delimiter", default=",", help="the field delimiter (default: ',')")
    group.add_argument("--encoding", default="utf-8", help="the file encoding (default: utf-8)")
    group.add_argument(
        "--engagements",
        metavar="FILE",
        help="a JSON Lines file of engagements (one Engagement document per line)",
    )


def log_columns(args: argparse.Namespace) -> LogColumns:
    """The `LogColumns` the options describe.

    Raises:
        ValidationError: When the options contradict each other (say, a quantity column
            without a unit price column).

    Example:
        >>> import argparse
        >>> from clientcustomer.cli.inputs import add_log_options, log_columns
        >>> parser = argparse.ArgumentParser()
        >>> add_log_options(parser)
        >>> columns = log_columns(parser.parse_args(["--party-column", "who", "--kind-column",
        ...                                          "none"]))
        >>> columns.party, columns.kind
        ('who', None)
    """
    base = LogColumns.online_retail() if args.layout == "online-retail" else LogColumns()
    changes: dict[str, Any] = {}
    for name, _ in _COLUMN_OPTIONS:
        value = getattr(args, f"{name}_column")
        if value is not None:
            changes[name] = None if value == _NONE else value
    if args.cancellation_prefix is not None:
        changes["cancellation_prefix"] = args.cancellation_prefix or None
    if getattr(args, "professional", None):
        changes["professional"] = tuple(args.professional)
    try:
        return attrs.evolve(base, **changes)
    except ValidationError as error:
        raise ValidationError.single(
            "log columns", "consistent column options", str(error)
        ) from None


def open_log(path: str, args: argparse.Namespace, *, on_error: OnError = "raise") -> LogReader:
    """Open an interaction log (``-`` is stdin) with the options' columns, failing cleanly.

    ``on_error="skip"`` sets bad rows aside in the reader's ``rejects`` instead of failing. A
    row dated after today is a bad row, unless an ``--as-of`` date later than today is given
    (a what-if): then rows up to that date are read.

    Raises:
        ValidationError: When the file cannot be read.
        CliError: When its header lacks columns the options name (all of them listed).

    Example:
        >>> import argparse
        >>> from clientcustomer.cli.inputs import add_log_options, open_log
        >>> parser = argparse.ArgumentParser()
        >>> add_log_options(parser)
        >>> open_log("no-such-log.csv", parser.parse_args([]))
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.ValidationError: LOG: expected a readable CSV file, got 'no-such-log.csv' (not found)
    """  # noqa: E501 - a doctest line cannot be wrapped
    columns = log_columns(args)
    options: dict[str, Any] = {
        "date_format": args.date_format,
        "delimiter": args.delimiter,
        "on_error": on_error,
    }
    name = _STDIN if path == "-" else path
    as_of = getattr(args, "as_of", None)
    if isinstance(as_of, str):
        today = dt.datetime.now(tz=dt.UTC).date()
        options["today"] = max(today, parse_date(as_of, option="--as-of"))
    try:
        if path == "-":
            return read_log(sys.stdin, columns, **options)
        return read_log(path, columns, encoding=args.encoding, **options)
    except OSError as error:
        reason = unreadable(error)
    except ValidationError as error:
        missing = _missing_columns(error, path)
        if missing is not error:
            raise missing from None
        field = error.field
        if field in {"$.delimiter", "$.encoding"}:
            option = "--" + field.removeprefix("$.")
            problem = error.problems[0]
            msg = f"{option}: expected {problem.expected}, got {problem.got!r}"
            raise CliError(msg) from None
        raise CliError(f"{name}: {one_line(str(error))}") from None
    raise _failed("LOG", "a readable CSV file", path, reason)


def _missing_columns(error: ValidationError, path: str) -> ValidationError | CliError:
    """The log lacks columns the options name: say which, and the option for each, at once."""
    prefix = "$.columns."
    if not error.problems or not all(p.field.startswith(prefix) for p in error.problems):
        return error
    fields = [problem.field.removeprefix(prefix) for problem in error.problems]
    wanted = []
    for field, problem in zip(fields, error.problems, strict=True):
        option = f"--{field.replace('_', '-')}-column"
        declare = "" if field in {"party", "date"} else f", or {option} none"
        wanted.append(f"{problem.expected.split(' (')[0]} ({option} NAME{declare})")
    name = _STDIN if path == "-" else path
    header = error.problems[0].got
    return CliError(
        f"{name}: expected {'; '.join(wanted)}; got the columns {header} "
        "(name the column the file uses, or state that it has none)"
    )


def read_engagements(path: str | None) -> tuple[Engagement, ...]:
    """Read a JSON Lines file of engagements (``None``: no engagements).

    Blank lines are skipped; a bad line fails with its line number and the JSON path of every
    problem in it.

    Example:
        >>> from clientcustomer.cli.inputs import read_engagements
        >>> read_engagements(None)
        ()
    """
    if path is None:
        return ()
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        at, got = decode_error_at(path, "utf-8-sig", error)
        msg = f"--engagements {path}: line {at}: expected UTF-8 text, got {got!r}"
        raise CliError(msg) from None
    except OSError as error:
        reason = unreadable(error)
        raise _failed("--engagements", "a readable JSON Lines file", path, reason) from None
    found: list[Engagement] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found.append(from_json(Engagement, line))
        except ValidationError as error:
            msg = f"--engagements {path}: line {number}: {one_line(str(error))}"
            raise CliError(msg) from None
    return tuple(found)


def parse_date(text: str, *, option: str) -> dt.date:
    """Parse an ISO date given on the command line, naming the option when it is not one.

    Example:
        >>> from clientcustomer.cli.inputs import parse_date
        >>> parse_date("2026-11-01", option="--as-of")
        datetime.date(2026, 11, 1)
        >>> parse_date("tomorrow", option="--as-of")
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.ValidationError: --as-of: expected an ISO date (YYYY-MM-DD), got 'tomorrow'
    """  # noqa: E501 - a doctest line cannot be wrapped
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError.single(option, "an ISO date (YYYY-MM-DD)", text) from None


def read_party_logs(
    path: str,
    args: argparse.Namespace,
    *,
    on_error: OnError = "raise",
) -> tuple[list[PartyLog], LogReader]:
    r"""Read ``--engagements`` and the log at ``path`` (``-`` is stdin), grouped by party.

    The reader comes back closed, its ``header`` and ``rejects`` (``on_error="skip"``) still
    there to read. A bad row (``on_error="raise"``) fails with the log's name in front of the
    reader's message.

    Raises:
        ValidationError: When the engagements or the log cannot be read.
        CliError: For a bad row of the log.

    Example:
        >>> import argparse, pathlib, tempfile
        >>> from clientcustomer.cli.inputs import add_log_options, read_party_logs
        >>> parser = argparse.ArgumentParser()
        >>> add_log_options(parser)
        >>> header = "party_id,on,kind,item,offering,amount,customized,collaborative,reference"
        >>> rows = ["ann,2026-05-01,purchase,shirt,product,20,,,", "bo,2026-05-02,meeting,,,,,,",
        ...         "ann,2026-06-01,purchase,socks,product,5,,,"]
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     log = pathlib.Path(folder, "log.csv")
        ...     _ = log.write_text("\n".join([header, *rows]))
        ...     logs, reader = read_party_logs(str(log), parser.parse_args([]))
        >>> [(party.party_id, len(party.interactions)) for party in logs], reader.rejects
        ([('ann', 2), ('bo', 1)], [])
    """
    return _read_by_party(
        path, args, on_error, lambda reader, engagements: list(party_logs(reader, engagements))
    )


def accumulate_party_logs(
    path: str,
    args: argparse.Namespace,
    *,
    as_of: dt.date | None,
    on_error: OnError = "raise",
) -> tuple[dict[str, SignalAccumulator], LogReader]:
    r"""Read ``--engagements`` and fold the log at ``path`` into one accumulator per party.

    `clientcustomer.accumulate` on the reader: no `Interaction` is kept, so memory grows with
    the parties, not the rows. Rows after ``as_of`` are left out. The reader comes back closed,
    its ``header`` and ``rejects`` still there to read.

    Raises:
        ValidationError: When the engagements or the log cannot be read.
        CliError: For a bad row of the log.

    Example:
        >>> import argparse, datetime as dt, pathlib, tempfile
        >>> from clientcustomer.cli.inputs import accumulate_party_logs, add_log_options
        >>> parser = argparse.ArgumentParser()
        >>> add_log_options(parser)
        >>> header = "party_id,on,kind,item,offering,amount,customized,collaborative,reference"
        >>> rows = ["ann,2026-05-01,purchase,shirt,product,20,,,", "ann,2026-06-01,return,,,,,,"]
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     log = pathlib.Path(folder, "log.csv")
        ...     _ = log.write_text("\n".join([header, *rows]))
        ...     parties, _ = accumulate_party_logs(
        ...         str(log), parser.parse_args([]), as_of=dt.date(2026, 5, 31)
        ...     )
        >>> parties["ann"].latest
        datetime.date(2026, 5, 1)
    """
    return _read_by_party(
        path,
        args,
        on_error,
        lambda reader, engagements: accumulate(reader, engagements, as_of=as_of),
    )


def _read_by_party(
    path: str,
    args: argparse.Namespace,
    on_error: OnError,
    fold: Callable[[LogReader, tuple[Engagement, ...]], T],
) -> tuple[T, LogReader]:
    """Read ``--engagements``, open the log and ``fold`` its rows by party; a bad row names it."""
    engagements = read_engagements(args.engagements)
    with open_log(path, args, on_error=on_error) as reader:
        try:
            folded = fold(reader, engagements)
        except ValidationError as error:
            name = _STDIN if path == "-" else path
            raise CliError(f"{name}: {one_line(str(error))}") from None
    return folded, reader


def accumulated_as_of(parties: Mapping[str, SignalAccumulator]) -> dt.date | None:
    """The default as-of date of accumulated logs: `clientcustomer.default_as_of`'s rule.

    The day after the latest interaction (the log reader has left out the rows after today),
    or else after the latest engagement start not after today.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Interaction, accumulate
        >>> from clientcustomer.cli.inputs import accumulated_as_of
        >>> accumulated_as_of(accumulate([Interaction("ann", dt.date(2026, 3, 1), "purchase")]))
        datetime.date(2026, 3, 2)
        >>> accumulated_as_of({}) is None
        True
    """
    latest = max((day for party in parties.values() if (day := party.latest)), default=None)
    if latest is not None:
        return latest + dt.timedelta(days=1)
    return default_as_of((), [e for party in parties.values() for e in party.engagements])


def day_after_latest(logs: Iterable[PartyLog]) -> dt.date | None:
    """The default as-of date of the logs: `clientcustomer.default_as_of`, as in Python.

    The day after the latest interaction (or else engagement start) not after today.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Interaction
        >>> from clientcustomer import PartyLog
        >>> from clientcustomer.cli.inputs import day_after_latest
        >>> log = (Interaction("ann", dt.date(2026, 3, 1), "purchase"),)
        >>> day_after_latest([PartyLog("ann", log, ())])
        datetime.date(2026, 3, 2)
        >>> day_after_latest([]) is None
        True
    """
    logs = tuple(logs)
    return default_as_of(
        (interaction for item in logs for interaction in item.interactions),
        (work for item in logs for work in item.engagements),
    )


def add_log_or_demo(parser: argparse.ArgumentParser, *, verb: str) -> None:
    """Add the optional ``LOG`` argument and ``--demo`` (what ``verb`` does to the demo data).

    Example:
        >>> import argparse
        >>> from clientcustomer.cli.inputs import add_log_or_demo
        >>> parser = argparse.ArgumentParser()
        >>> add_log_or_demo(parser, verb="replay")
        >>> args = parser.parse_args(["--demo"])
        >>> args.log, args.demo
        (None, True)
    """
    parser.add_argument(
        "log", metavar="LOG", nargs="?", help="the CSV interaction log (- for stdin)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help=f"{verb} the bundled demo data (its log and engagements) instead of LOG",
    )


def read_log_or_demo(args: argparse.Namespace) -> tuple[list[PartyLog], dt.date | None]:
    """Each party's log from LOG or ``--demo``, and the date the data is read as of by default.

    That date is the demo's as-of date with ``--demo``, else the day after the log's latest
    interaction (`day_after_latest`).

    Raises:
        CliError: When there is neither LOG nor ``--demo``, or ``--demo`` comes with LOG or
            ``--engagements``.
        ValidationError: When the engagements or the log cannot be read.

    Example:
        >>> import argparse
        >>> from clientcustomer.cli.inputs import add_log_options, add_log_or_demo
        >>> from clientcustomer.cli.inputs import read_log_or_demo
        >>> parser = argparse.ArgumentParser()
        >>> add_log_or_demo(parser, verb="read")
        >>> add_log_options(parser)
        >>> logs, as_of = read_log_or_demo(parser.parse_args(["--demo"]))
        >>> len(logs), as_of
        (300, datetime.date(2026, 11, 1))
    """
    if args.demo:
        if args.log is not None or args.engagements is not None:
            msg = "--demo: expected no LOG and no --engagements with the demo data"
            raise CliError(msg)
        from clientcustomer.demo import DEMO_AS_OF, demo_engagements, demo_log  # noqa: PLC0415 - when asked

        return list(party_logs(demo_log(), demo_engagements())), DEMO_AS_OF
    if args.log is None:
        msg = "LOG: expected an interaction log (or --demo for the bundled demo data)"
        raise CliError(msg)
    logs, _ = read_party_logs(args.log, args)
    return logs, day_after_latest(logs)


def add_party_filter(parser: argparse.ArgumentParser, *, what: str = "only this party") -> None:
    """Add ``--party ID``, repeatable: the parties `only_parties` keeps (``what`` it does).

    Example:
        >>> import argparse
        >>> from clientcustomer.cli.inputs import add_party_filter
        >>> parser = argparse.ArgumentParser()
        >>> add_party_filter(parser)
        >>> parser.parse_args(["--party", "ann", "--party", "bob"]).party
        ['ann', 'bob']
    """
    parser.add_argument("--party", metavar="ID", action="append", help=f"{what} (repeat for more)")


def only_parties(parties: list[str] | None, logs: list[PartyLog]) -> list[PartyLog]:
    """The logs of the ``--party`` parties, in the order given (all of them without any).

    Raises:
        CliError: When a party has no log.

    Example:
        >>> from clientcustomer import PartyLog
        >>> from clientcustomer.cli.inputs import only_parties
        >>> logs = [PartyLog("ann", (), ()), PartyLog("bob", (), ())]
        >>> [item.party_id for item in only_parties(["bob"], logs)]
        ['bob']
        >>> only_parties(["cy"], logs)
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.CliError: --party: expected a party of the log, got 'cy'
    """
    if not parties:
        return logs
    known = {item.party_id: item for item in logs}
    for party in parties:
        if party not in known:
            msg = f"--party: expected a party of the log, got {party!r}"
            raise CliError(msg)
    return [known[party] for party in dict.fromkeys(parties)]


def read_text(path: str, *, option: str) -> str:
    """Read a UTF-8 text file (``-`` is stdin) or raise a `CliError` naming the option.

    Example:
        >>> from clientcustomer.cli.inputs import read_text
        >>> read_text("no-such-file.json", option="FILE")
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.CliError: FILE: expected a readable file, got 'no-such-file.json' (not found)
    """  # noqa: E501 - a doctest line cannot be wrapped
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        reason = f"not UTF-8 text at byte {error.start}"
    except OSError as error:
        reason = unreadable(error)
    msg = f"{option}: expected a readable file, got {path!r} ({reason})"
    raise CliError(msg)


# --- signal files (classify, explain, rules diff) -------------------------------------------


@attrs.frozen
class SignalRow:
    """A good row: its line, id and validated signals."""

    line: int
    id: str
    signals: Signals


@attrs.frozen
class Rejected:
    """A bad row: its line, id (when known), why, and its original values."""

    line: int
    id: str | None
    reason: str
    raw: tuple[str, ...] | dict[str, Any] | str


def _bound(low: float | None, high: float | None) -> str:
    if low is None:
        return ""
    return f" between {low:g} and {high:g}" if high is not None else f" >= {low:g}"


def _expected(kind: str, low: float | None = None, high: float | None = None) -> str:
    if kind == "boolean":
        return "true or false"
    if kind == "string":
        return "a string"
    article = "an" if kind == "integer" else "a"
    return f"{article} {kind}{_bound(low, high)}"


class _BadCellError(Exception):
    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def _parse_cell(text: str, kind: str | None, expected: str) -> object:  # noqa: C901 - per type
    """A CSV cell as the signal's type; ``kind`` ``None``: a number if it parses, else text."""
    value = text.strip()
    if kind == "string":
        return text
    if kind == "boolean":
        lowered = value.lower()
        if lowered in {"true", "false"}:
            return lowered == "true"
        raise _BadCellError(expected)
    if len(value) > MAX_DIGITS:
        raise _BadCellError(f"{expected} of at most {MAX_DIGITS} digits")
    if _INTEGER.fullmatch(value):
        integer = int(value)
        if kind != "number":
            return integer
        try:
            return float(integer)
        except OverflowError:
            raise _BadCellError(expected) from None
    if kind == "integer":
        raise _BadCellError(expected)
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if math.isfinite(number) and "_" not in value:
        return number
    if kind is None:
        return text
    raise _BadCellError(expected)


def _types(ruleset: Ruleset, names: Iterable[str]) -> dict[str, tuple[str | None, str]]:
    """Each column's type and how to describe it: canonical, declared custom, or guessed."""
    types: dict[str, tuple[str | None, str]] = {}
    for name in names:
        spec = SIGNALS.get(name)
        if spec is not None:
            types[name] = (spec.type, _expected(spec.type, spec.minimum, spec.maximum))
        elif name in ruleset.signals:
            kind = ruleset.signals[name]
            types[name] = (kind, _expected(kind))
        else:
            types[name] = (None, "a number or text")
    return types


def _described(problem: Problem, given: Mapping[str, object]) -> tuple[str, str, object]:
    """A signal problem as (field, expected, the value given in the row)."""
    path = problem.field.removeprefix("$").removeprefix(".")
    if path == "custom":  # a key that is not a signal name
        return str(problem.got), "a signal name (letters, digits and _)", problem.got
    field = path.removeprefix("custom.")
    if problem.expected.startswith("a signal of "):  # a key that is not a signal
        return field, problem.expected, problem.got
    return field, problem.expected, given.get(field, problem.got)


def _reason(problems: Iterable[tuple[str, str, object]]) -> str:
    return "; ".join(
        f"field {field!r}: expected {expected}, got {_short(got)}"
        for field, expected, got in problems
    )


def _short(value: object) -> str:
    """A value for a message: its repr, cut to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def add_passthrough(parser: argparse.ArgumentParser) -> None:
    """Add ``--passthrough NAME[,NAME...]`` (repeatable): descriptive columns kept unread.

    Example:
        >>> import argparse
        >>> from clientcustomer.cli.inputs import add_passthrough, passthrough
        >>> parser = argparse.ArgumentParser()
        >>> add_passthrough(parser)
        >>> sorted(passthrough(parser.parse_args(["--passthrough", "name,segment"])))
        ['name', 'segment']
    """
    parser.add_argument(
        "--passthrough",
        action="append",
        metavar="NAME",
        help="a descriptive column of the signal file to keep unread (a name, a segment...); "
        "every other column must be 'id' or a signal of the rule set (repeat the option, or "
        "separate names by commas)",
    )


def passthrough(args: argparse.Namespace) -> frozenset[str]:
    """The ``--passthrough`` names (none when the command has no such option)."""
    names = getattr(args, "passthrough", None) or []
    return frozenset(part.strip() for item in names for part in item.split(",") if part.strip())


class SignalRows:
    """The rows of a signal file, each a `SignalRow` or a `Rejected`, read one at a time.

    Every column (JSON key) must be ``id``, a signal of the rule set or a ``passthrough`` name:
    a CSV header with another column stops the run, naming each one (with the signal it is
    close to); in JSON Lines such a key makes its row bad. ``unused`` collects the columns no
    rule reads (passthrough ones included), for one line on stderr.
    """

    def __init__(self, classifier: Classifier, name: str, passthrough: Iterable[str] = ()) -> None:
        self.name = name
        self.header: tuple[str, ...] = ()
        self.unused: dict[str, None] = {}
        self._classifier = classifier
        self._passthrough = frozenset(passthrough)
        self._read = frozenset(classifier.ruleset.signals_read)
        self._seen: dict[str, int] = {}

    def _note_unused(self, names: Iterable[str]) -> None:
        for name in names:
            if name not in self._read and name != _ID:
                self.unused.setdefault(name, None)

    def _check(
        self, line: int, row_id: str, values: dict[str, object], given: Mapping[str, object]
    ) -> Signals | str:
        """Validate the values; the signals, or why the row is bad."""
        try:
            signals = self._classifier.signals_of(values, passthrough=self._passthrough)
        except ValidationError as error:
            return _reason(_described(problem, given) for problem in error.problems)
        first = self._seen.setdefault(row_id, line)
        if first != line:
            return _reason([(_ID, f"an id not used before (line {first} has it)", row_id)])
        return signals

    def csv_rows(self, stream: IO[str]) -> Iterator[SignalRow | Rejected]:
        """Read CSV rows: the header must name an ``id`` column; empty cells are unknown."""
        reader = csv.reader(stream, strict=True)
        self.header = names = self._csv_header(reader)
        types = _types(self._classifier.ruleset, names)
        width = len(names)
        previous = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                line, previous = previous + 1, reader.line_num
                yield Rejected(line, None, f"expected a CSV row, got {str(error)!r}", ())
                continue
            line, previous = previous + 1, reader.line_num
            if not cells:
                continue
            raw = tuple(cells)
            if len(cells) != width:
                reason = f"expected {width} fields, got {len(cells)}"
                yield Rejected(line, None, reason, raw)
                continue
            yield self._csv_row(line, dict(zip(names, cells, strict=True)), types, raw)

    def _csv_header(self, reader: Any) -> tuple[str, ...]:  # noqa: ANN401 - a csv reader
        try:
            header = next(reader, None)
        except csv.Error as error:
            msg = f"{self.name}: line 1: expected a header row, got {str(error)!r}"
            raise CliError(msg) from None
        if not header:
            msg = f"{self.name}: expected a header row with an 'id' column, got an empty file"
            raise CliError(msg)
        names = tuple(name.strip().removeprefix("\ufeff") for name in header)
        counts = collections.Counter(names)
        for name in names:
            if counts[name] > 1:
                msg = f"{self.name}: line 1: expected unique column names, got {name!r} twice"
                raise CliError(msg)
            if name != _ID and not name.isidentifier():
                msg = (
                    f"{self.name}: line 1: expected signal names (letters, digits and _) as "
                    f"column names, got {name!r}"
                )
                raise CliError(msg)
        if _ID not in names:
            msg = f"{self.name}: line 1: expected an 'id' column, got {', '.join(names)}"
            raise CliError(msg)
        try:  # the classifier names every column that is not a signal, with a suggestion
            self._classifier.signals_of(dict.fromkeys(names), passthrough=self._passthrough)
        except ValidationError as error:
            strangers = [str(problem.got) for problem in error.problems]
            described = "; ".join(
                f"column {problem.got!r} is {problem.note.split(';', 1)[0]}"
                for problem in error.problems
            )
            msg = (
                f"{self.name}: line 1: {described} "
                f"(--passthrough {','.join(strangers)} keeps descriptive columns)"
            )
            raise CliError(msg) from None
        self._note_unused(names)
        return names

    def _csv_row(
        self,
        line: int,
        cells: dict[str, str],
        types: dict[str, tuple[str | None, str]],
        raw: tuple[str, ...],
    ) -> SignalRow | Rejected:
        row_id = cells[_ID].strip()
        if not row_id:
            return Rejected(line, None, _reason([(_ID, "a non-empty id", cells[_ID])]), raw)
        values: dict[str, object] = {}
        problems: list[tuple[str, str, object]] = []
        for name, text in cells.items():
            if name == _ID or name in self._passthrough or text.strip().lower() in _UNKNOWN:
                continue
            kind, expected = types[name]
            try:
                values[name] = _parse_cell(text, kind, expected)
            except _BadCellError as error:
                problems.append((name, error.expected, text))
        if problems:
            return Rejected(line, row_id, _reason(problems), raw)
        checked = self._check(line, row_id, values, cells)
        if isinstance(checked, str):
            return Rejected(line, row_id, checked, raw)
        return SignalRow(line, row_id, checked)

    def jsonl_rows(self, stream: IO[str]) -> Iterator[SignalRow | Rejected]:
        """Read JSON Lines rows: one object per line with an ``id``; ``null`` is unknown."""
        self.header = ("row",)
        empty = True
        for line, text in enumerate(stream, start=1):
            if not text.strip():
                continue
            empty = False
            try:
                document = load_json(text)
            except JsonTextError as error:
                shown = text.strip().removeprefix("\ufeff")[:40]
                reason = f"expected a JSON object, got {shown!r} ({error.message})"
                yield Rejected(line, None, reason, text.rstrip("\r\n"))
                continue
            if not isinstance(document, dict):
                reason = f"expected a JSON object, got {show_json(document)}"
                yield Rejected(line, None, reason, text.rstrip("\r\n"))
                continue
            yield self._jsonl_row(line, document)
        if empty:  # as an empty CSV file (no header) is refused
            msg = f"{self.name}: expected JSON objects, one per line, got an empty file"
            raise CliError(msg)

    def _jsonl_row(self, line: int, document: dict[str, Any]) -> SignalRow | Rejected:
        row_id = document.get(_ID)
        if isinstance(row_id, int) and not isinstance(row_id, bool):
            row_id = str(row_id)
        if not isinstance(row_id, str) or not row_id.strip():
            reason = _reason([(_ID, "a non-empty string", row_id)])
            return Rejected(line, None, reason, document)
        values = {key: value for key, value in document.items() if key != _ID}
        checked = self._check(line, row_id, values, document)
        if isinstance(checked, str):
            return Rejected(line, row_id, checked, document)
        self._note_unused(values)
        return SignalRow(line, row_id, checked)


def input_format(path: str, chosen: str | None) -> InputFormat:
    if chosen is not None:
        return "jsonl" if chosen == "jsonl" else "csv"
    if path == "-":
        return "csv"
    return format_by_suffix(
        path, _SUFFIXES, "a .csv, .jsonl or .ndjson file (or --input-format csv|jsonl)"
    )


def format_by_suffix(path: str, formats: Mapping[str, T], expected: str) -> T:
    """The format ``path``'s extension names in ``formats``; else fail naming what was expected.

    Example:
        >>> from clientcustomer.cli.inputs import format_by_suffix
        >>> format_by_suffix("rows.CSV", {".csv": "csv"}, "a .csv file")
        'csv'
        >>> format_by_suffix("rows.txt", {".csv": "csv"}, "a .csv file")
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.CliError: FILE: expected a .csv file, got 'rows.txt'
    """
    found = formats.get(Path(path).suffix.lower())
    if found is None:
        msg = f"FILE: expected {expected}, got {path!r}"
        raise CliError(msg)
    return found


@contextlib.contextmanager
def open_input(path: str) -> Iterator[IO[str]]:
    """Open a text file to stream (``-``: stdin), or fail with one line naming it."""
    if path == "-":
        yield sys.stdin
        return
    try:
        stream = Path(path).open(encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed below
    except OSError as error:
        reason = unreadable(error)
    else:
        with stream:
            try:
                yield stream
            except UnicodeDecodeError as error:
                line, got = decode_error_at(path, "utf-8-sig", error)
                msg = f"{path}: line {line}: expected UTF-8 text, got {got!r}"
                raise CliError(msg) from None
        return
    msg = f"FILE: expected a readable file, got {path!r} ({reason})"
    raise CliError(msg)


def signal_rows(
    reader: SignalRows, stream: IO[str], fmt: InputFormat
) -> Iterator[SignalRow | Rejected]:
    return reader.csv_rows(stream) if fmt == "csv" else reader.jsonl_rows(stream)


def load_rules(path: str | None) -> Ruleset:
    if path is None:
        return default_ruleset()
    if path == "-":
        return loads_ruleset(sys.stdin.read(), source="<stdin>")
    return load_ruleset(Path(path))
