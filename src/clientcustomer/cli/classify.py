"""The ``classify``, ``explain`` and ``demo`` commands.

``classify`` reads a file of signal rows (CSV or JSON Lines: an ``id`` plus signal columns) or an
interaction log, and writes one verdict per row as it goes, in constant memory apart from the set
of ids seen (a repeated id is a bad row: a signal file holds one row per relationship).
With ``--engine duckdb`` a CSV or Parquet
file is classified inside DuckDB instead (a view over the file, then `classify_sql`): faster on
millions of rows, with ``id, role, score, decided_by`` per row and no evidence.
``explain`` prints one record's verdict with its reasons and its near misses (what change of
one signal would change the role); ``demo`` classifies the bundled sample
data and says how far the verdicts agree with the roles the parties' stories end in.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import csv
import datetime as dt
import io
import itertools
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from clientcustomer import (
    Classification,
    Classifier,
    Role,
    Ruleset,
    Signals,
    Stage,
    derive_signals,
    signals_by_party,
)
from clientcustomer import explain as explain_record
from clientcustomer._core.limits import JsonTextError, load_json, show_json
from clientcustomer.exceptions import CliError, ValidationError

from .inputs import (
    Rejected,
    SignalRow,
    SignalRows,
    accumulate_party_logs,
    accumulated_as_of,
    add_log_options,
    add_passthrough,
    format_by_suffix,
    input_format,
    load_rules,
    open_input,
    parse_date,
    passthrough,
    read_log_or_demo,
    signal_rows,
)
from .options import add_command, add_format, add_optional_file, add_output, add_rules
from .output import EXIT_OK, Progress, one_line, open_output

if TYPE_CHECKING:
    from clientcustomer import SignalAccumulator
    from clientcustomer.demo import DemoParty

__all__ = ["register"]

Format = Literal["table", "csv", "jsonl"]

_FORMATS = ("table", "csv", "jsonl")
_INPUT_FORMATS = ("csv", "jsonl")
_ENGINES = ("python", "duckdb")
_DUCKDB_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
_DUCKDB_COLUMNS = ("id", "role", "score", "decided_by")
_DUCKDB_VIEW = "clientcustomer_input"
_DUCKDB_BATCH = 10_000
_ID = "id"
_ROLES = (Role.CUSTOMER, Role.CLIENT, Role.AMBIGUOUS)
_CSV_COLUMNS = ("id", "role", "score", "margin", "decided_by", "rules")
_TABLE_COLUMNS = ("id", "role", "score", "margin", "deciding rule")
_INSUFFICIENT = "insufficient-evidence"
"""``decided_by`` of a verdict for insufficient evidence (see `Classification`)."""
_WIDTH_SAMPLE = 200  # rows a table looks at to size its columns before it streams
_DEMO_PER_TYPE = 2
_STDIN = "<stdin>"


# --- writing verdicts ---------------------------------------------------------------------------


def _document(row_id: str, verdict: Classification) -> dict[str, Any]:
    """A verdict as a JSON object: the keys of ``--format jsonl``."""
    return {
        "id": row_id,
        "role": verdict.role.value,
        "score": verdict.score,
        "margin": verdict.margin,
        "ruleset": verdict.ruleset,
        "decided_by": verdict.decided_by,
        "rules": list(verdict.fired),
        "evidence": [
            {
                "rule": item.rule_id,
                "aspect": None if item.aspect is None else item.aspect.value,
                "leans": None if item.leans is None else item.leans.value,
                "points": item.points,
                "because": item.because,
                "values": dict(item.values),
            }
            for item in verdict.evidence
        ],
        "unknown": list(verdict.unknown),
        "note": verdict.note,
    }


def _csv_cells(row_id: str, verdict: Classification) -> list[str]:
    return [
        row_id,
        verdict.role.value,
        f"{verdict.score:g}",
        f"{verdict.margin:g}",
        verdict.decided_by,
        ";".join(verdict.fired),
    ]


def _deciding(verdict: Classification) -> str:
    return verdict.deciding_rule


def _table_cells(row_id: str, verdict: Classification) -> list[str]:
    return [
        row_id,
        verdict.role.value,
        f"{verdict.score:g}",
        f"{verdict.margin:+g}",
        _deciding(verdict),
    ]


class _Table:
    """An aligned text table, sized on its first rows and then streamed."""

    def __init__(self, out: IO[str], columns: tuple[str, ...], right: frozenset[int]) -> None:
        self._out = out
        self._columns = columns
        self._right = right
        self._pending: list[list[str]] | None = []
        self._widths: list[int] = []

    def add(self, cells: list[str]) -> None:
        if self._pending is None:
            self._write(cells)
            return
        self._pending.append(cells)
        if len(self._pending) >= _WIDTH_SAMPLE:
            self._flush()

    def _flush(self) -> None:
        if self._pending is None:
            return
        rows, self._pending = self._pending, None
        self._widths = [
            max([len(name), *(len(row[index]) for row in rows)])
            for index, name in enumerate(self._columns)
        ]
        self._write(list(self._columns))
        for row in rows:
            self._write(row)

    def _write(self, cells: list[str]) -> None:
        last = len(cells) - 1
        shown = [
            cell.rjust(width)
            if index in self._right
            else cell
            if index == last
            else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, self._widths, strict=True))
        ]
        self._out.write("  ".join(shown).rstrip() + "\n")

    def finish(self) -> None:
        self._flush()


def _role_counts(counts: Mapping[Role, int], insufficient: int = 0) -> str:
    """``N rows: a customer, b client, c ambiguous`` (``(d insufficient evidence)`` if any)."""
    total = sum(counts.values())
    parts = ", ".join(f"{counts.get(role, 0)} {role.value}" for role in _ROLES)
    if insufficient:
        parts += f" ({insufficient} insufficient evidence)"
    return f"{total} {'row' if total == 1 else 'rows'}: {parts}"


class _Rejects:
    """Where rejected rows go: a CSV (line, reason, then the original columns) or JSON Lines."""

    def __init__(self, out: IO[str] | None, path: str | None, header: tuple[str, ...]) -> None:
        self.count = 0
        self._out = out
        self._header = header
        self._jsonl = path is not None and Path(path).suffix.lower() in {".jsonl", ".ndjson"}
        self._csv = None if out is None or self._jsonl else csv.writer(out, lineterminator="\n")
        if self._csv is not None:
            self._csv.writerow(["line", "reason", *header])

    def add(self, item: Rejected) -> None:
        self.count += 1
        if self._out is None:
            return
        raw = item.raw
        if self._csv is not None:
            if isinstance(raw, dict):
                fields = [json.dumps(raw, ensure_ascii=False)]
            elif isinstance(raw, str):
                fields = [raw]
            else:
                fields = list(raw)
            self._csv.writerow([str(item.line), item.reason, *fields])
            return
        document: dict[str, Any] = {"line": item.line, "reason": item.reason}
        if isinstance(raw, dict):
            document.update({key: value for key, value in raw.items() if key not in document})
        elif isinstance(raw, str):
            document["text"] = raw
        elif len(raw) == len(self._header):
            document.update(
                (key, value)
                for key, value in zip(self._header, raw, strict=True)
                if key not in document
            )
        else:
            document["values"] = list(raw)
        self._out.write(json.dumps(document, ensure_ascii=False) + "\n")


class _Verdicts:
    """Writes verdicts in one of the formats and counts them by role."""

    def __init__(self, out: IO[str], fmt: str) -> None:
        self.counts: collections.Counter[Role] = collections.Counter()
        self.insufficient = 0
        self._out = out
        self._fmt = fmt
        self._table = _Table(out, _TABLE_COLUMNS, frozenset({2, 3})) if fmt == "table" else None
        self._csv = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
        if self._csv is not None:
            self._csv.writerow(_CSV_COLUMNS)

    def add(self, row_id: str, verdict: Classification) -> None:
        self.counts[verdict.role] += 1
        self.insufficient += verdict.insufficient_evidence
        if self._table is not None:
            self._table.add(_table_cells(row_id, verdict))
        elif self._csv is not None:
            self._csv.writerow(_csv_cells(row_id, verdict))
        else:
            self._out.write(json.dumps(_document(row_id, verdict), ensure_ascii=False) + "\n")

    def finish(self, summary: str) -> None:
        if self._table is not None:
            self._table.finish()
            self._out.write(f"{summary}\n")


def _summary(verdicts: _Verdicts, rejects: _Rejects, path: str | None, *, skip: bool) -> str:
    text = _role_counts(verdicts.counts, verdicts.insufficient)
    if skip:
        where = f" (written to {path})" if path else " (--rejects FILE keeps them)"
        text += f"; {rejects.count} rejected" + (where if rejects.count else "")
    return text


# --- classify -----------------------------------------------------------------------------------


def _log_as_of(args: argparse.Namespace, default: dt.date | None) -> dt.date:
    if args.as_of is not None:
        return parse_date(args.as_of, option="--as-of")
    return default or dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=1)


def _log_rows(
    args: argparse.Namespace, *, skip: bool
) -> tuple[tuple[str, ...], list[Rejected], Iterator[SignalRow]]:
    """The log's header, its rejected rows (``skip``), and each party's derived signals."""
    header: tuple[str, ...]
    rejected: list[Rejected]
    if args.demo:  # the bundled demo data: no header, nothing rejected, its own as-of date
        logs, demo_as_of = read_log_or_demo(args)
        header, rejected, as_of = (), [], _log_as_of(args, demo_as_of)
        rows = (
            SignalRow(
                0,
                log.party_id,
                derive_signals(
                    log.interactions, log.engagements, as_of=as_of, party_id=log.party_id
                ),
            )
            for log in logs
            if any(item.on <= as_of for item in log.interactions)
            or any(item.start <= as_of for item in log.engagements)
        )
        return header, rejected, rows
    # A log: each row folded into its party's accumulator as it is read (memory grows with the
    # parties, not the rows); the signals are derived party by party as the verdicts are written.
    given = None if args.as_of is None else parse_date(args.as_of, option="--as-of")
    parties, reader = accumulate_party_logs(
        args.log, args, as_of=given, on_error="skip" if skip else "raise"
    )
    header = reader.header
    rejected = [
        Rejected(item.line, None, one_line(item.reason), item.values) for item in reader.rejects
    ]
    as_of = _log_as_of(args, None if given is not None else accumulated_as_of(parties))
    return header, rejected, _signal_rows(parties, as_of)


def _signal_rows(parties: dict[str, SignalAccumulator], as_of: dt.date) -> Iterator[SignalRow]:
    """Each party's signals, in order of first appearance, its accumulator let go once read."""
    for party in list(parties):
        accumulator = parties.pop(party)
        if accumulator.latest is not None or any(e.start <= as_of for e in accumulator.engagements):
            yield SignalRow(0, party, accumulator.signals(as_of))


def _signal_source(
    args: argparse.Namespace,
    classifier: Classifier,
    stack: contextlib.ExitStack,
    unused: dict[str, None] | None = None,
) -> tuple[str, tuple[str, ...], Iterator[SignalRow | Rejected]]:
    """Open FILE and read its header (so a bad header fails before any output exists).

    ``unused`` is filled with the columns no rule reads, as the rows are read.
    """
    fmt = input_format(args.file, args.input_format)
    stream = stack.enter_context(open_input(args.file))
    name = _STDIN if args.file == "-" else args.file
    reader = SignalRows(classifier, name, passthrough(args))
    if unused is not None:
        reader.unused = unused
    rows = signal_rows(reader, stream, fmt)
    first = next(rows, None)
    return name, reader.header, _chain(first, rows)


def _chain(
    first: SignalRow | Rejected | None, rest: Iterator[SignalRow | Rejected]
) -> Iterator[SignalRow | Rejected]:
    if first is None:
        return
    yield first
    yield from rest


def _classify(args: argparse.Namespace) -> int:
    skip = args.on_error == "skip"
    if args.rejects is not None and not skip:
        msg = "--rejects: expected --on-error skip with it (in raise mode the first bad row stops)"
        raise CliError(msg)
    if args.demo:
        _check_demo(args)
    elif (args.file is None) == (args.log is None):
        msg = "classify: expected a signal FILE or --log LOG (exactly one of them)"
        raise CliError(msg)
    if args.engine == "duckdb" and args.log is not None:
        from .log_engine import classify_log_duckdb  # noqa: PLC0415 - it builds on this module

        return classify_log_duckdb(args, _SqlVerdicts, _role_counts)
    if args.engine == "duckdb":
        return _classify_duckdb(args)
    return _classify_python(args, skip=skip)


def _classify_python(args: argparse.Namespace, *, skip: bool) -> int:
    classifier = Classifier(load_rules(args.rules))
    progress = Progress("classify", quiet=args.quiet)
    with contextlib.ExitStack() as stack:
        source: Iterable[SignalRow | Rejected]
        unused: dict[str, None] = {}
        if args.log is not None or args.demo:
            header, log_rejects, rows = _log_rows(args, skip=skip)
            name, source = args.log or "the demo data", itertools.chain(log_rejects, rows)
        else:
            name, header, source = _signal_source(args, classifier, stack, unused)
        out = stack.enter_context(open_output(args.output, newline=""))
        rejects_out = (
            None
            if args.rejects is None
            else stack.enter_context(open_output(args.rejects, newline="", option="--rejects"))
        )
        rejects = _Rejects(rejects_out, args.rejects, header)
        verdicts = _Verdicts(out, args.format)
        row_id = ""

        def good_rows() -> Iterator[Signals]:
            """The good rows' signals; a bad row stops (raise) or goes to the rejects (skip)."""
            nonlocal row_id
            for item in source:
                if isinstance(item, Rejected):
                    if not skip:
                        raise CliError(f"{name}: line {item.line}, {item.reason}")
                    rejects.add(item)
                    continue
                row_id = item.id
                yield item.signals

        stack.callback(progress.close)
        for verdict in classifier.classify_many(good_rows(), progress=progress):
            verdicts.add(row_id, verdict)
        summary = _summary(verdicts, rejects, args.rejects, skip=skip)
        verdicts.finish(summary)
    if unused:
        ref = classifier.ruleset.ref
        sys.stderr.write(f"classify: columns not read by {ref}: {', '.join(unused)}\n")
    if args.format != "table" or args.output not in {None, "-"}:
        sys.stderr.write(f"classify: {summary}\n")
    return EXIT_OK


# --- classify --engine duckdb -------------------------------------------------------------------


class _SqlVerdicts:
    """Writes the rows DuckDB classified (``id, role, score, decided_by``) and counts them."""

    def __init__(self, out: IO[str], fmt: str) -> None:
        self.counts: collections.Counter[Role] = collections.Counter()
        self.insufficient = 0
        self._out = out
        columns = ("id", "role", "score", "deciding rule")
        self._table = _Table(out, columns, frozenset({2})) if fmt == "table" else None
        self._csv = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
        if self._csv is not None:
            self._csv.writerow(_DUCKDB_COLUMNS)

    def add(self, row_id: str, role: str, score: float, decided_by: str) -> None:
        self.counts[Role(role)] += 1
        self.insufficient += decided_by == _INSUFFICIENT
        if self._table is not None:
            self._table.add([row_id, role, f"{score:g}", decided_by])
        elif self._csv is not None:
            self._csv.writerow([row_id, role, f"{score:g}", decided_by])
        else:
            values = (row_id, role, score, decided_by)
            document = dict(zip(_DUCKDB_COLUMNS, values, strict=True))
            self._out.write(json.dumps(document, ensure_ascii=False) + "\n")

    def finish(self, summary: str) -> None:
        if self._table is not None:
            self._table.finish()
            self._out.write(f"{summary}\n")


def _duckdb_format(args: argparse.Namespace) -> str:
    """CSV or Parquet, by ``--input-format`` or the extension; only a file path, not stdin."""
    path = args.file
    if path == "-":
        msg = "FILE: expected a file path with --engine duckdb (it does not read stdin), got '-'"
        raise CliError(msg)
    if args.input_format is not None:
        if args.input_format != "csv":
            msg = f"--input-format: expected csv with --engine duckdb, got {args.input_format!r}"
            raise CliError(msg)
        return "csv"
    found = format_by_suffix(
        path,
        _DUCKDB_SUFFIXES,
        "a .csv or .parquet file with --engine duckdb (or --input-format csv)",
    )
    if not Path(path).is_file():
        reason = "a folder" if Path(path).is_dir() else "not found"
        raise CliError(f"FILE: expected a readable file, got {path!r} ({reason})")
    return found


def _duckdb_message(error: Exception) -> str:
    """DuckDB's message on one line, without its list of possible solutions."""
    return one_line(str(error).split("Possible solutions", 1)[0].rstrip("\n :;"))


def _duckdb_rows(args: argparse.Namespace, ruleset: Ruleset) -> Iterator[tuple[Any, ...]]:
    """Classify FILE in DuckDB: its ``id, role, score, decided_by`` rows, in batches."""
    try:
        import duckdb  # noqa: PLC0415 - an optional dependency, imported when used
    except ImportError:
        msg = "--engine duckdb: expected the duckdb package (pip install clientcustomer[duckdb])"
        raise CliError(msg) from None
    from clientcustomer import classify_sql  # noqa: PLC0415 - loaded only for this engine

    fmt = _duckdb_format(args)
    name = args.file
    connection = duckdb.connect()
    try:
        read = connection.read_parquet if fmt == "parquet" else connection.read_csv
        source = read(str(name))
        columns = tuple(source.columns)
        source.create_view(_DUCKDB_VIEW)
    except duckdb.Error as error:
        msg = f"{name}: expected a {fmt} file DuckDB can read, got {_duckdb_message(error)}"
        raise CliError(msg) from None
    if _ID not in columns:
        raise CliError(f"{name}: expected an 'id' column, got {', '.join(columns)}")
    taken = [column for column in _DUCKDB_COLUMNS[1:] if column in columns]
    if taken:
        msg = f"{name}: expected no column named {taken[0]!r} (a column of the output)"
        raise CliError(msg)
    try:
        relation = classify_sql(connection, _DUCKDB_VIEW, ruleset, passthrough=passthrough(args))
    except ValidationError as error:
        text = one_line(str(error)).removeprefix(f"{_DUCKDB_VIEW}.")
        text = text.replace("goes in passthrough", "goes in --passthrough")
        raise CliError(f"{name}: column {text}") from None
    query = relation.select('CAST("id" AS VARCHAR) AS "id", "role", "score", "decided_by"')
    try:
        cursor = connection.execute(query.sql_query())
        while batch := cursor.fetchmany(_DUCKDB_BATCH):
            yield from batch
    except duckdb.Error as error:
        raise CliError(f"{name}: {_duckdb_message(error)}") from None
    finally:
        connection.close()


def _classify_duckdb(args: argparse.Namespace) -> int:
    for option, given in (
        ("--log", args.log is not None),
        ("--on-error skip", args.on_error == "skip"),
    ):
        if given:
            msg = f"--engine duckdb: expected a signal FILE without {option} (python engine only)"
            raise CliError(msg)
    progress = Progress("classify", quiet=args.quiet)
    seen: set[str] = set()
    with contextlib.ExitStack() as stack:
        rows = _duckdb_rows(args, load_rules(args.rules))
        first = next(rows, None)  # a bad file or column fails before any output exists
        out = stack.enter_context(open_output(args.output, newline=""))
        stack.callback(progress.close)
        verdicts = _SqlVerdicts(out, args.format)
        for count, (row_id, role, score, decided_by) in enumerate(
            itertools.chain(() if first is None else (first,), rows), start=1
        ):
            if row_id is None or not row_id.strip() or row_id in seen:
                reason = "a non-empty id" if not row_id or not row_id.strip() else "a new id"
                msg = f"{args.file}: row {count}: field 'id': expected {reason}, got {row_id!r}"
                raise CliError(msg)
            seen.add(row_id)
            verdicts.add(row_id, role, score, decided_by)
            if count % _DUCKDB_BATCH == 0:
                progress(count)
        progress(len(seen))
        summary = _role_counts(verdicts.counts, verdicts.insufficient)
        verdicts.finish(summary)
    if args.format != "table" or args.output not in {None, "-"}:
        sys.stderr.write(f"classify: {summary}\n")
    return EXIT_OK


# --- explain ------------------------------------------------------------------------------------


def _signals_option(text: str, classifier: Classifier, names: frozenset[str]) -> Signals:
    try:
        document = load_json(text)
    except JsonTextError as error:
        msg = f"--signals: expected a JSON object, got {text[:40]!r} ({error})"
        raise CliError(msg) from None
    if not isinstance(document, dict):
        msg = (
            f"--signals: expected a JSON object of signal name to value, got {show_json(document)}"
        )
        raise CliError(msg)
    try:
        return classifier.signals_of(document, passthrough=names)
    except ValidationError as error:
        raise CliError(f"--signals: {one_line(str(error))}") from None


def _file_signals(args: argparse.Namespace, classifier: Classifier) -> Signals:
    with contextlib.ExitStack() as stack:
        name, _, rows = _signal_source(args, classifier, stack)
        found: Signals | None = None
        for item in rows:  # read to the end: a second row with the id is refused, as classify does
            if item.id != args.id:
                continue
            if isinstance(item, Rejected):
                raise CliError(f"{name}: line {item.line}, {item.reason}")
            found = item.signals
        if found is not None:
            return found
    msg = f"--id: expected the id of a row of {name}, got {args.id!r} (no such row)"
    raise CliError(msg)


def _party_signals(args: argparse.Namespace) -> Signals:
    _, _, rows = _log_rows(args, skip=False)
    for item in rows:
        if item.id == args.party:
            return item.signals
    name = "the demo data" if args.demo else _STDIN if args.log == "-" else args.log
    msg = f"--party: expected a party of {name}, got {args.party!r} (no interaction or engagement)"
    raise CliError(msg)


def _check_demo(args: argparse.Namespace) -> None:
    """``--demo`` reads the bundled log and engagements: no FILE, LOG or duckdb engine with it."""
    if args.file is not None or args.log is not None:
        msg = "--demo: expected no FILE and no --log with the demo data"
        raise CliError(msg)
    if getattr(args, "engine", "python") == "duckdb":
        msg = "--engine duckdb: expected a signal FILE without --demo (python engine only)"
        raise CliError(msg)


def _explain(args: argparse.Namespace) -> int:
    if args.demo:
        _check_demo(args)
    demo = "the demo data" if args.demo else None
    given = [option for option in (args.file, args.signals, args.log, demo) if option is not None]
    if len(given) != 1:
        msg = (
            "explain: expected exactly one of FILE --id ID, --signals JSON or --log LOG --party ID"
        )
        raise CliError(msg)
    if args.id is not None and args.file is None:
        raise CliError("--id: expected a signal FILE to look the row up in")
    if args.party is not None and args.log is None and not args.demo:
        raise CliError("--party: expected --log LOG to derive the party's signals from")
    classifier = Classifier(load_rules(args.rules))
    title = ""
    if args.signals is not None:
        signals = _signals_option(args.signals, classifier, passthrough(args))
    elif args.file is not None:
        if args.id is None:
            raise CliError("--id: expected the id of the row to explain, got nothing")
        signals, title = _file_signals(args, classifier), f"{args.id}: "
    else:
        if args.party is None:
            raise CliError("--party: expected the party to explain, got nothing")
        signals, title = _party_signals(args), f"{args.party}: "
    result = explain_record(signals, classifier.ruleset)
    with open_output(args.output) as out:
        if args.format == "json":
            document = _document(title.removesuffix(": "), result.verdict)
            document["id"] = document["id"] or None  # --signals: no id
            document["near_misses"] = [
                {
                    "signal": miss.signal,
                    "now": miss.now,
                    "to": miss.to,
                    "role": miss.role.value,
                    "text": str(miss),
                }
                for miss in result.near_misses
            ]
            out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        else:
            out.write(f"{title}{result.explain()}\n")
    return EXIT_OK


# --- demo ---------------------------------------------------------------------------------------

_DEMO_TABLE = ("party", "name", "business", "recorded", "role", "score", "deciding rule")
_DEMO_CSV = ("id", "name", "business_type", "scenario", "recorded", "role", "score", "margin")
_FORMER = Stage.FORMER_CLIENT.value


def _agrees(recorded: str, role: Role) -> bool:
    """A former client keeps its relational evidence: classified client, it agrees."""
    return role is (Role.CUSTOMER if recorded == Role.CUSTOMER.value else Role.CLIENT)


def _demo_summary(outcomes: list[tuple[str, str, Role]]) -> list[str]:
    """Counts per role, per business type and role, and agreement with the recorded roles."""
    buffer = io.StringIO()
    by_role = collections.Counter(role for _, _, role in outcomes)
    parts = ", ".join(f"{by_role.get(role, 0)} {role.value}" for role in _ROLES)
    buffer.write(f"{len(outcomes)} parties: {parts}\n\n")
    by_type: dict[str, collections.Counter[Role]] = collections.defaultdict(collections.Counter)
    by_recorded: dict[str, collections.Counter[Role]] = collections.defaultdict(collections.Counter)
    for business, recorded, role in outcomes:
        by_type[business][role] += 1
        by_recorded[recorded][role] += 1
    numbers = frozenset(range(1, 5))
    table = _Table(buffer, ("business type", *(r.value for r in _ROLES)), numbers)
    for business in sorted(by_type):
        table.add([business, *(str(by_type[business][role]) for role in _ROLES)])
    table.finish()
    buffer.write("\n")
    table = _Table(buffer, ("recorded role", *(r.value for r in _ROLES), "agree"), numbers)
    agree = 0
    for recorded in (Role.CUSTOMER.value, Role.CLIENT.value, _FORMER):
        counts = by_recorded.get(recorded, collections.Counter())
        matched = sum(n for role, n in counts.items() if _agrees(recorded, role))
        agree += matched
        table.add([recorded, *(str(counts[role]) for role in _ROLES), str(matched)])
    table.finish()
    share = 100 * agree / len(outcomes) if outcomes else 0.0
    buffer.write(
        f"agreement with the recorded roles: {agree}/{len(outcomes)} ({share:.1f} %); "
        "a former client agrees when classified client (its relational evidence remains)\n"
    )
    return buffer.getvalue().splitlines()


class _DemoRows:
    """Writes the demo's rows in one of the formats."""

    def __init__(self, out: IO[str], fmt: str) -> None:
        self._out = out
        self._fmt = fmt
        self.table = _Table(out, _DEMO_TABLE, frozenset({5})) if fmt == "table" else None
        self._csv = csv.writer(out, lineterminator="\n")
        if fmt == "csv":
            self._csv.writerow([*_DEMO_CSV, "decided_by", "rules"])

    def add(self, party: DemoParty, verdict: Classification) -> None:
        about = [party.party_id, party.name, party.business_type]
        recorded = party.role.value
        if self.table is not None:
            deciding = _deciding(verdict)
            role, score = verdict.role.value, f"{verdict.score:g}"
            self.table.add([*about, recorded, role, score, deciding])
        elif self._fmt == "csv":
            self._csv.writerow([*about, party.scenario, recorded, *_csv_cells("", verdict)[1:]])
        else:
            head = dict(zip(_DEMO_CSV[:5], [*about, party.scenario, recorded], strict=True))
            document = head | _document(party.party_id, verdict)
            self._out.write(json.dumps(document, ensure_ascii=False) + "\n")


def _demo(args: argparse.Namespace) -> int:
    from clientcustomer import demo  # noqa: PLC0415 - the sample data only when asked

    if args.limit is not None and args.limit < 0:
        raise CliError(f"--limit: expected a number of rows >= 0, got {args.limit}")
    classifier = Classifier(load_rules(args.rules))
    signals = signals_by_party(
        demo.demo_log(), as_of=demo.DEMO_AS_OF, engagements=demo.demo_engagements()
    )
    limit = args.limit
    # By default the table shows a sample: the first parties of each business type.
    sample = limit is None and args.format == "table" and not args.all
    per_type: collections.Counter[str] = collections.Counter()
    shown = 0
    outcomes: list[tuple[str, str, Role]] = []
    with open_output(args.output, newline="") as out:
        rows = _DemoRows(out, args.format)
        for party in demo.demo_parties():
            verdict = classifier.classify(signals.get(party.party_id, Signals()))
            outcomes.append((party.business_type, party.role.value, verdict.role))
            per_type[party.business_type] += 1
            if (sample and per_type[party.business_type] <= _DEMO_PER_TYPE) or (
                not sample and (limit is None or shown < limit)
            ):
                rows.add(party, verdict)
                shown += 1
        summary = _demo_summary(outcomes)
        if rows.table is not None:
            rows.table.finish()
            hidden = len(outcomes) - shown
            if hidden:
                out.write(f"... {hidden} more (--all shows every party)\n")
            out.write("\n" + "\n".join(summary) + "\n")
    if args.format != "table":
        sys.stderr.write("\n".join(summary) + "\n")
    return EXIT_OK


# --- the parsers --------------------------------------------------------------------------------


def _add_demo(parser: argparse.ArgumentParser, verb: str) -> None:
    parser.add_argument(
        "--demo",
        action="store_true",
        help=f"{verb} the bundled demo data (its log and engagements, as of 2026-11-01) "
        "instead of FILE or --log; try --party acct-021",
    )


def _add_common(parser: argparse.ArgumentParser) -> None:
    add_rules(parser)
    add_output(parser, "write to FILE (atomically) instead of stdout")


def _add_signal_file(parser: argparse.ArgumentParser) -> None:
    add_optional_file(
        parser,
        "a CSV or JSON Lines file of signal rows (an 'id' plus signal columns); - is stdin",
    )
    parser.add_argument(
        "--input-format",
        choices=_INPUT_FORMATS,
        help="the format of FILE (default: by its extension; csv for stdin)",
    )
    parser.add_argument(
        "--log", metavar="LOG", help="an interaction log (CSV) to derive each party's signals from"
    )
    add_passthrough(parser)
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="the date the log's signals describe (default: the day after its latest interaction)",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``classify``, ``explain`` and ``demo`` commands.

    Example:
        >>> import argparse
        >>> from clientcustomer.cli.classify import register
        >>> parser = argparse.ArgumentParser(prog="clientcustomer")
        >>> register(parser.add_subparsers())
        >>> parser.parse_args(["classify", "rows.csv", "--format", "jsonl"]).format
        'jsonl'
    """
    classify = add_command(
        subparsers,
        "classify",
        _classify,
        help="classify a file of signal rows or an interaction log",
        description="Classify every row of a CSV or JSON Lines file of signals (an 'id' column "
        "plus signal columns; an empty cell is unknown), or every party of an interaction log "
        "(--log), writing one verdict per row as it goes. --engine duckdb classifies a CSV or "
        "Parquet file inside DuckDB instead (id, role, score and decided_by; no evidence); with "
        "--log it derives the signals there too (a CSV, gzip CSV or Parquet log).",
    )
    _add_signal_file(classify)
    add_format(classify, _FORMATS, "the output")
    classify.add_argument(
        "--on-error",
        choices=("raise", "skip"),
        default="raise",
        help="stop at the first bad row (raise, exit status 2) or set bad rows aside and go on "
        "(skip) (default: %(default)s)",
    )
    classify.add_argument(
        "--rejects",
        metavar="FILE",
        help="with --on-error skip: write the rejected rows, with their line and reason, to FILE "
        "(JSON Lines for .jsonl/.ndjson, else CSV)",
    )
    classify.add_argument(
        "--engine",
        choices=_ENGINES,
        default="python",
        help="python: every input, with the full verdict and its evidence; duckdb: a CSV or "
        "Parquet FILE classified inside DuckDB (pip install clientcustomer[duckdb]), much "
        "faster on millions of rows, giving id, role, score and decided_by only (no margin, "
        "rules or evidence; values are type-checked per column, not range-checked) "
        "(default: %(default)s)",
    )
    classify.add_argument(
        "--quiet", action="store_true", help="no progress line on a terminal's stderr"
    )
    _add_demo(classify, "classify every party of")
    _add_common(classify)
    add_log_options(classify)

    explain = add_command(
        subparsers,
        "explain",
        _explain,
        help="explain the verdict on one record",
        description="Explain one record: --signals JSON, a row of a signal FILE (--id), or a "
        "party of an interaction log (--log, --party): its verdict, the rules that fired with "
        "the values they read, and its near misses (the nearest change of one signal that "
        "gives another role).",
    )
    _add_signal_file(explain)
    explain.add_argument("--id", metavar="ID", help="the id of the row of FILE to explain")
    explain.add_argument("--signals", metavar="JSON", help="the signals as a JSON object")
    explain.add_argument("--party", metavar="ID", help="the party of --log to explain")
    add_format(
        explain,
        ("text", "json"),
        "text: the verdict, its reasons and its near misses; json: the same as one object "
        "(the keys of classify --format jsonl, plus near_misses)",
    )
    _add_demo(explain, "explain a party (--party) of")
    _add_common(explain)
    add_log_options(explain)

    demo = add_command(
        subparsers,
        "demo",
        _demo,
        help="classify the bundled sample data",
        description="Classify the bundled sample data (300 parties of ten kinds of business) and "
        "compare the verdicts with the roles their stories end in.",
    )
    add_format(demo, _FORMATS, "the output")
    shown = demo.add_mutually_exclusive_group()
    shown.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help=f"show the first N parties (default: a table shows the first {_DEMO_PER_TYPE} of "
        "each business type, csv and jsonl every party)",
    )
    shown.add_argument("--all", action="store_true", help="show every party in the table")
    _add_common(demo)
