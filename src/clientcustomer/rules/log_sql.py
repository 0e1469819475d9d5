"""From a raw interaction log to verdicts in one SQL statement: `signals_sql` then `to_sql`.

The signals query (`signals_sql`) becomes a common table expression and the rule set's query
(`to_sql`) reads it, so the engine derives the signals and classifies every party in one
statement, where the log is: nothing is pulled out of the database but the verdicts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from clientcustomer.engagements.model import Engagement
from clientcustomer.exceptions import ValidationError
from clientcustomer.signals.derive import SIGNALS
from clientcustomer.signals.logs import LogColumns, missing_columns
from clientcustomer.signals.sql import compile_signals

from .compile import Dialect, _describe, _dialect, _kinds, _query, _ruleset, _Sql, _used_signals
from .ruleset import Ruleset

__all__ = ["log_to_sql"]

_SIGNALS_NAME = "cc__signals"
"""The common table expression holding the signals (names starting ``cc__`` are the query's)."""


def log_to_sql(  # noqa: PLR0913 - keyword-only options of one query
    ruleset: Ruleset | None = None,
    *,
    table: str,
    as_of: dt.date,
    columns: LogColumns | None = None,
    engagements: str | Sequence[Engagement] | None = None,
    dialect: Dialect | str = Dialect.ANSI,
    leanings: bool = False,
) -> str:
    """Compile the derivation of the signals and the rule set into one query over a log table.

    The query returns, per party of the log (see `signals_sql`), ``party_id``, the canonical
    signals, then ``role``, ``score`` and ``decided_by`` (and with ``leanings`` the per-aspect
    leaning columns), ordered by party id: exactly what `to_sql` gives over a table of the
    signals `signals_sql` derives, in one statement. A signal of the rule set that is not
    canonical (a custom one) is unknown on every row.

    Args:
        ruleset: The rule set; the default one when ``None``.
        table: The interaction-log table or view (``schema.table`` is quoted part by part).
        as_of: The date the signals describe.
        columns: Which column holds what; the library's own layout by default.
        engagements: A table of engagements (``client_id, start, end``), a sequence of
            `Engagement`, or ``None``.
        dialect: ``ansi``, ``duckdb``, ``postgres``, ``sqlite`` or ``spark``.
        leanings: Add the per-aspect leaning columns.

    Returns:
        The SQL text (one ``WITH RECURSIVE ... SELECT`` statement).

    Raises:
        ValidationError: For an unknown dialect, a bad table name, ``as_of`` not a date,
            ``columns`` not a `LogColumns` or a ruleset that is not a `Ruleset`.

    Example:
        >>> import datetime as dt
        >>> import sqlite3
        >>> from clientcustomer import LogColumns, log_to_sql
        >>> con = sqlite3.connect(":memory:")
        >>> _ = con.execute("CREATE TABLE log (party_id, day, kind, amount)")
        >>> _ = con.executemany("INSERT INTO log VALUES (?, ?, ?, ?)", [
        ...     ("ann", "2026-01-10", "purchase", 40.0),
        ...     ("acme", "2026-01-05", "agreement_signed", 0.0),
        ...     ("acme", "2026-02-05", "workshop", 0.0)])
        >>> columns = LogColumns(date="day").without(
        ...     "item", "offering", "customized", "collaborative", "reference")
        >>> query = log_to_sql(table="log", as_of=dt.date(2026, 4, 1), columns=columns,
        ...                    dialect="sqlite")
        >>> [(row[0], row[-2]) for row in con.execute(query)]
        [('acme', 'ambiguous'), ('ann', 'customer')]
    """
    chosen = _ruleset(ruleset)
    spelled = _dialect(dialect)
    compiled = compile_signals(
        table, as_of=as_of, columns=columns, engagements=engagements, dialect=spelled.value
    )
    missing = [name for name in _used_signals(chosen) if name not in SIGNALS]

    def verdicts(name: str) -> str:
        sql = _Sql(spelled, frozenset(missing), _kinds(chosen))
        query = _query(chosen, sql, name, leanings=leanings, row_id="party_id", scans=False)
        return f"{query} ORDER BY {_Sql(spelled, frozenset()).identifier('party_id')}"

    return compiled.query(verdicts, name=_SIGNALS_NAME)


def classify_log_sql(  # noqa: PLR0913 - keyword-only options of one query
    connection: Any,  # noqa: ANN401 - a duckdb connection; duckdb is optional
    table: str,
    ruleset: Ruleset | None = None,
    *,
    as_of: dt.date | None,
    columns: LogColumns | None = None,
    engagements: str | Sequence[Engagement] | None = None,
    leanings: bool = False,
) -> Any:  # noqa: ANN401 - a duckdb relation
    """`classify_sql` from a log table: the table's columns checked, then one lazy relation."""
    if as_of is None:
        raise ValidationError.single("as_of", "a date (the log's signals need one)", None)
    if columns is None:
        columns = LogColumns()
    if not isinstance(columns, LogColumns):
        raise ValidationError.single("columns", "a LogColumns", columns)
    described = _describe(connection, table)
    names = [str(row[0]) for row in described]
    problem = missing_columns(columns, names)
    if problem is not None:
        raise problem
    query = log_to_sql(
        ruleset,
        table=table,
        as_of=as_of,
        columns=columns,
        engagements=engagements,
        dialect=Dialect.DUCKDB,
        leanings=leanings,
    )
    return connection.sql(query)
