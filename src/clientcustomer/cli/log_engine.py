"""``classify --log LOG --engine duckdb``: a raw log to verdicts inside DuckDB, streamed out.

The log (CSV, gzip CSV or Parquet) becomes a DuckDB view, read as the Python engine reads it
(party ids written as floats such as ``17850.0`` read as ``17850``, ISO or ``M/D/YYYY H:MM``
dates, ``true/yes/1`` flags); `log_to_sql` then derives every party's signals and classifies
them in one query, whose rows are fetched in batches: memory stays flat as the log grows.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from clientcustomer import LogColumns, log_to_sql
from clientcustomer.exceptions import CliError, ValidationError

from .inputs import load_rules, log_columns, parse_date, read_engagements
from .output import EXIT_OK, Progress, one_line, open_output

__all__ = ["classify_log_duckdb"]

_VIEW = "clientcustomer_log"
_DUCKDB_BATCH = 10_000
_TRUE = ("true", "yes", "1")
_FALSE = ("false", "no", "0")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _log_format(path: str) -> str:
    if path == "-":
        msg = "--log: expected a file path with --engine duckdb (it does not read stdin), got '-'"
        raise CliError(msg)
    name = Path(path).name.lower()
    if name.endswith((".parquet", ".pq")):
        found = "parquet"
    elif name.endswith((".csv", ".csv.gz", ".tsv", ".txt", ".gz")):
        found = "csv"
    else:
        msg = f"--log: expected a .csv, .csv.gz or .parquet file with --engine duckdb, got {path!r}"
        raise CliError(msg)
    if not Path(path).is_file():
        reason = "a folder" if Path(path).is_dir() else "not found"
        raise CliError(f"--log: expected a readable file, got {path!r} ({reason})")
    return found


def _csv_view(columns: LogColumns, names: list[str]) -> str:
    """A SELECT reading the text columns of a CSV as `read_log` reads them."""
    exprs = []
    for name in names:
        column = _quoted(name)
        if name == columns.party:
            value = f"regexp_replace(trim({column}), '^(-?[0-9]+)\\.0+$', '\\1')"
        elif name == columns.date:
            day = (
                f"COALESCE(TRY_CAST(TRY_CAST({column} AS TIMESTAMP) AS DATE),"
                f" CAST(try_strptime({column}, '%m/%d/%Y %H:%M') AS DATE),"
                f" CAST(try_strptime({column}, '%m/%d/%Y') AS DATE))"
            )
            # As the Python engine reads a log: no interaction dated after today.
            future = _text(f"$.{name}: expected a date not after today, got ")
            value = (
                f"CASE WHEN {day} > current_date THEN CAST(error({future} || {column}) AS DATE)"
                f" ELSE {day} END"
            )
        elif name in {columns.amount, columns.quantity, columns.unit_price}:
            value = f"CAST(NULLIF(trim({column}), '') AS DOUBLE)"
        elif name in {columns.customized, columns.collaborative}:
            lowered = f"lower(trim({column}))"
            value = (
                f"CASE WHEN {lowered} IN ({', '.join(map(_text, _TRUE))}) THEN TRUE"
                f" WHEN {lowered} IN ({', '.join(map(_text, _FALSE))}) THEN FALSE"
                f" WHEN {lowered} = '' THEN NULL"
                f" ELSE error({_text(f'$.{name}: expected true/false, yes/no or 1/0, got ')}"
                f" || {column}) END"
            )
        else:
            value = column
        exprs.append(f"{value} AS {column}")
    return f"SELECT {', '.join(exprs)} FROM {_quoted(_VIEW + '_raw')}"  # noqa: S608 - quoted


def _message(error: Exception) -> str:
    return one_line(str(error).split("Possible solutions", 1)[0].rstrip("\n :;"))


def _open_log(connection: Any, path: str, fmt: str, args: argparse.Namespace) -> LogColumns:  # noqa: ANN401 - duckdb
    """Create the log's view on ``connection``; the `LogColumns` the options describe."""
    import duckdb  # noqa: PLC0415 - an optional dependency, imported when used

    try:
        columns = log_columns(args)
    except ValidationError as error:
        raise CliError(one_line(str(error))) from None
    try:
        if fmt == "parquet":
            source = connection.read_parquet(path)
        else:
            source = connection.read_csv(path, all_varchar=True, delimiter=args.delimiter)
        names = list(source.columns)
        source.create_view(_VIEW + "_raw")
        body = (
            f"SELECT * FROM {_quoted(_VIEW + '_raw')}"  # noqa: S608 - a quoted identifier
            if fmt == "parquet"
            else _csv_view(columns, names)
        )
        connection.execute(f"CREATE TEMP VIEW {_quoted(_VIEW)} AS {body}")
    except duckdb.Error as error:
        msg = f"{path}: expected a {fmt} file DuckDB can read, got {_message(error)}"
        raise CliError(msg) from None
    missing = [
        f"{name!r} ({field})"
        for field in LogColumns.FIELDS
        if (name := getattr(columns, field)) is not None and name not in names
    ]
    if missing:
        msg = f"{path}: expected the columns {', '.join(missing)}, got {', '.join(names)}"
        raise CliError(msg)
    return columns


def _as_of(connection: Any, path: str, columns: LogColumns, args: argparse.Namespace) -> dt.date:  # noqa: ANN401 - duckdb
    """``--as-of``, or the day after the latest interaction (as the Python engine reads it)."""
    if args.as_of is not None:
        return parse_date(args.as_of, option="--as-of")
    latest = connection.execute(
        f"SELECT MAX({_quoted(columns.date)}) FROM {_quoted(_VIEW)}"  # noqa: S608 - quoted
    ).fetchone()
    day = None if latest is None else latest[0]
    if not isinstance(day, dt.date):
        raise CliError(f"{path}: expected at least one dated row, got none")
    return (day.date() if isinstance(day, dt.datetime) else day) + dt.timedelta(days=1)


def _rows(args: argparse.Namespace) -> Iterator[tuple[Any, ...]]:
    """Derive and classify LOG in DuckDB: its ``id, role, score, decided_by`` rows, in batches."""
    try:
        import duckdb  # noqa: PLC0415 - an optional dependency, imported when used
    except ImportError:
        msg = "--engine duckdb: expected the duckdb package (pip install clientcustomer[duckdb])"
        raise CliError(msg) from None
    path = args.log
    fmt = _log_format(path)
    ruleset = load_rules(args.rules)
    engagements = read_engagements(args.engagements)
    connection = duckdb.connect()
    try:
        columns = _open_log(connection, path, fmt, args)
        query = log_to_sql(
            ruleset,
            table=_VIEW,
            as_of=_as_of(connection, path, columns, args),
            columns=columns,
            engagements=engagements,
            dialect="duckdb",
        )
        cursor = connection.execute(query)
        names = [column[0] for column in cursor.description]
        picked = [names.index(name) for name in ("party_id", "role", "score", "decided_by")]
        while batch := cursor.fetchmany(_DUCKDB_BATCH):
            for row in batch:
                yield tuple(row[index] for index in picked)
    except duckdb.Error as error:
        raise CliError(f"{path}: {_message(error)}") from None
    finally:
        connection.close()


def classify_log_duckdb(
    args: argparse.Namespace,
    writer: Callable[[IO[str], str], Any],
    summary: Callable[[Any, int], str],
) -> int:
    """Run ``classify --log LOG --engine duckdb`` (one verdict per party, streamed).

    ``writer`` makes the ``classify`` command's writer of DuckDB's rows (``out``, ``format``)
    and ``summary`` its summary line (role counts, insufficient): given by that command, as one
    command module imports no other.
    """
    for option, given in (
        ("--on-error skip", args.on_error == "skip"),
        ("--date-format", getattr(args, "date_format", None) is not None),
        ("--demo", bool(getattr(args, "demo", False))),
    ):
        if given:
            msg = f"--engine duckdb: expected --log LOG without {option} (python engine only)"
            raise CliError(msg)
    if args.encoding.lower().replace("_", "-") not in {"utf-8", "utf8"}:
        msg = f"--encoding: expected utf-8 with --engine duckdb, got {args.encoding!r}"
        raise CliError(msg)
    progress = Progress("classify", quiet=args.quiet)
    with contextlib.ExitStack() as stack:
        rows = _rows(args)
        first = next(rows, None)  # a bad file or column fails before any output exists
        out = stack.enter_context(open_output(args.output, newline=""))
        stack.callback(progress.close)
        verdicts = writer(out, args.format)
        count = 0
        every = itertools.chain(() if first is None else (first,), rows)
        for count, (party, role, score, decided_by) in enumerate(every, start=1):
            verdicts.add(party, role, score, decided_by)
            if count % _DUCKDB_BATCH == 0:
                progress(count)
        progress(count)
        line = summary(verdicts.counts, verdicts.insufficient)
        verdicts.finish(line)
    if args.format != "table" or args.output not in {None, "-"}:
        sys.stderr.write(f"classify: {line}\n")
    return EXIT_OK
