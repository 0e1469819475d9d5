"""Signals as SQL: the derivation of `signals_frame` compiled to one query, run where the log is.

`signals_sql` writes one ``SELECT`` (a ``WITH RECURSIVE`` query) that turns an interaction-log
table into one row of canonical signals per party, inside DuckDB, PostgreSQL, SQLite or Spark
SQL, with exactly the formulas of `derive_signals`:

* purchases cancelled in full by returns and cancellations are matched as on the one-record
  path. For a party whose refunds name none of its orders this is bracket matching per item,
  offering and amount, done with window functions (running sums); the parties with a refund
  naming one of their orders are matched refund by refund in a recursive common table
  expression, whose state is one character per purchase line (``0`` live, ``1`` cancelled);
* agreement ends are matched to signatures the same way (recursively);
* amounts are compared in millionths (integers), never as floating-point numbers;
* a fact stated absent in `LogColumns` is unknown, a blank cell takes the default, and a row
  without a party id is skipped (as `read_log` skips it); an unknown kind or offering, a row
  without a date, or a negative amount next to a kind column fails the query when read.

Every identifier is quoted and every literal escaped: no user text reaches the SQL unquoted.
"""

# ruff: noqa: S608 - a SQL compiler: every identifier is quoted and every literal escaped by _Writer
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Required, TypedDict, Unpack

import attrs

from clientcustomer._core import validation as v
from clientcustomer.engagements.model import Engagement
from clientcustomer.exceptions import ValidationError
from clientcustomer.parties.entities import InteractionKind, Offering
from clientcustomer.signals import constants as c

from .logs import _FIELDS, LogColumns

__all__ = ["SIGNALS_SQL_DIALECTS", "signals_sql"]

SIGNALS_SQL_DIALECTS = ("ansi", "duckdb", "postgres", "sqlite", "spark")
"""The dialects `signals_sql` writes (those `to_sql` writes)."""

_UNITS = 1_000_000
_PREFIX = "cc__"
"""The prefix of the query's own common table expressions (a table may not start with it)."""
_K = InteractionKind
_COLLABORATIVE_KINDS = tuple(kind.value for kind in _K if kind.collaborative_by_default)
_DOUBLE = {
    "ansi": "DOUBLE PRECISION",
    "duckdb": "DOUBLE",
    "postgres": "DOUBLE PRECISION",
    "sqlite": "REAL",
    "spark": "DOUBLE",
}
_TEXT = {
    "ansi": "VARCHAR(1000)",
    "duckdb": "VARCHAR",
    "postgres": "TEXT",
    "sqlite": "TEXT",
    "spark": "STRING",
}
_SHIFT = 4_294_967_296
"""Line numbers within a party stay below this: ``ix * _SHIFT + pos`` keeps both in one BIGINT."""


def _problem(field: str, expected: str, got: object) -> ValidationError:
    return ValidationError.single(f"$.{field}", expected, got)


@attrs.frozen(slots=True)
class _Writer:
    """One dialect's spelling of identifiers, literals, types and the few functions that differ."""

    dialect: str

    def name(self, text: str) -> str:
        if self.dialect == "spark":
            return "`" + text.replace("`", "``") + "`"
        return '"' + text.replace('"', '""') + '"'

    def table(self, text: str) -> str:
        return ".".join(self.name(part) for part in text.split("."))

    def text(self, value: str) -> str:
        escaped = value.replace("'", "''")
        if self.dialect == "spark":
            escaped = escaped.replace("\\", "\\\\")
        return f"'{escaped}'"

    def texts(self, values: tuple[str, ...]) -> str:
        return ", ".join(self.text(value) for value in values)

    @property
    def true(self) -> str:
        return "1" if self.dialect == "sqlite" else "TRUE"

    @property
    def false(self) -> str:
        return "0" if self.dialect == "sqlite" else "FALSE"

    @property
    def double(self) -> str:
        return _DOUBLE[self.dialect]

    @property
    def string(self) -> str:
        return _TEXT[self.dialect]

    def as_text(self, expr: str) -> str:
        return f"CAST({expr} AS {self.string})"

    def sort_text(self, expr: str) -> str:
        """A text sorted by code point, as Python sorts it (PostgreSQL's default is the locale)."""
        return f'{expr} COLLATE "C"' if self.dialect == "postgres" else expr

    def day(self, expr: str) -> str:
        """Days since 1970-01-01 of a date, datetime or ISO text (its calendar day)."""
        if self.dialect == "sqlite":
            return f"CAST(julianday(date({expr})) - 2440587.5 AS INTEGER)"
        date = f"CAST({expr} AS DATE)"
        if self.dialect == "duckdb":
            return f"date_diff('day', DATE '1970-01-01', {date})"
        if self.dialect == "spark":
            return f"CAST(unix_date({date}) AS BIGINT)"
        return f"CAST({date} - DATE '1970-01-01' AS BIGINT)"

    def month(self, expr: str) -> str:
        """Months since year 0 of a date (``year * 12 + month - 1``)."""
        if self.dialect == "sqlite":
            return (
                f"(CAST(strftime('%Y', {expr}) AS INTEGER) * 12"
                f" + CAST(strftime('%m', {expr}) AS INTEGER) - 1)"
            )
        date = f"CAST({expr} AS DATE)"
        return (
            f"(CAST(EXTRACT(YEAR FROM {date}) AS BIGINT) * 12"
            f" + CAST(EXTRACT(MONTH FROM {date}) AS BIGINT) - 1)"
        )

    def zeros(self, count: str) -> str:
        """A text of ``count`` zeros."""
        if self.dialect == "sqlite":
            return f"replace(hex(zeroblob({count})), '00', '0')"
        return f"repeat('0', CAST({count} AS INTEGER))"

    def find(self, needle: str, haystack: str) -> str:
        """The 1-based position of ``needle`` in ``haystack`` (0 when absent)."""
        if self.dialect == "postgres":
            return f"strpos({haystack}, {needle})"
        if self.dialect == "ansi":
            return f"POSITION({needle} IN {haystack})"
        return f"instr({haystack}, {needle})"

    def refuse(self, message: str, type_: str, about: str) -> str:
        """An expression of type ``type_`` that fails the query with ``message``.

        ``about`` is the row's offending column: PostgreSQL folds a constant conversion while
        planning, so the failing text must depend on the row to fail only when it is read.
        """
        text = self.text(message)
        if self.dialect == "duckdb":
            return f"CAST(error({text}) AS {type_})"
        if self.dialect == "spark":
            return f"CAST(raise_error({text}) AS {type_})"
        if self.dialect == "sqlite":
            return f"json_extract('{{}}', {self.text('refused ' + message)})"
        row = f"COALESCE(substr({self.as_text(about)}, 1, 0), '')"
        return f"CAST(CAST({text} || {row} AS INTEGER) AS {type_})"


def _dialect(value: object) -> str:
    text = str(value.value) if hasattr(value, "value") else value
    if text not in SIGNALS_SQL_DIALECTS:
        known = ", ".join(repr(item) for item in SIGNALS_SQL_DIALECTS)
        raise _problem("dialect", f"one of {known}", value)
    return str(text)


def _table_name(value: object, field: str) -> str:
    if not isinstance(value, str) or not all(part.strip() for part in value.split(".")):
        raise _problem(field, "a table name (schema.table, no empty part)", value)
    if value.split(".")[-1].lower().startswith(_PREFIX):
        raise _problem(field, f"a table name not starting with {_PREFIX!r}", value)
    if "\x00" in value:
        raise _problem(field, "a table name without NUL characters", value)
    return value


def _normalized(  # noqa: C901, PLR0912, PLR0915 - one expression per column, kept together
    w: _Writer, table: str, columns: LogColumns, as_of: int
) -> str:
    """The log brought to canonical columns, rows on or before ``as_of``, with a log order."""
    present = {
        field: w.name(getattr(columns, field))
        for field in _FIELDS
        if getattr(columns, field) is not None
    }
    party = w.as_text(present["party"])
    date = present["date"]
    day = (
        f"CASE WHEN {date} IS NULL THEN "
        f"{w.refuse(f'$.{columns.date}: expected a date on every row, got a row that is not', 'BIGINT', present['party'])}"  # noqa: E501
        f" ELSE {w.day(date)} END"
    )

    def text_or_blank(field: str) -> str:
        return f"COALESCE({w.as_text(present[field])}, '')" if field in present else "''"

    item, reference = text_or_blank("item"), text_or_blank("reference")
    offering = (
        f"COALESCE({w.as_text(present['offering'])}, 'product')"
        if "offering" in present
        else "'product'"
    )
    if columns.professional:
        named = tuple(sorted({value.strip().lower() for value in columns.professional}))
        offering = (
            f"CASE WHEN lower(trim({offering})) IN ({w.texts(named)})"
            f" OR lower(trim({item})) IN ({w.texts(named)}) THEN 'professional' ELSE {offering} END"
        )
    offerings = tuple(offering_.value for offering_ in Offering)
    offering_column = columns.offering or "offering"
    message = (
        f"$.{offering_column}: expected 'product', 'service' or 'professional',"
        " got a row that is not"
    )
    offering = (
        f"CASE WHEN {offering} IN ({w.texts(offerings)}) THEN {offering} ELSE "
        f"{w.refuse(message, w.string, present['party'])} END"
    )
    if "amount" in present:
        amount = f"CAST({present['amount']} AS {w.double})"
    elif "quantity" in present and "unit_price" in present:
        amount = (
            f"CAST({present['quantity']} AS {w.double})"
            f" * CAST({present['unit_price']} AS {w.double})"
        )
    else:
        amount = f"CAST(0.0 AS {w.double})"
    amount = f"COALESCE({amount}, CAST(0.0 AS {w.double}))"
    kinds = tuple(kind.value for kind in _K)
    if "kind" in present:
        raw = w.as_text(present["kind"])
        kind = (
            f"CASE WHEN {raw} IN ({w.texts(kinds)}) THEN {raw} ELSE "
            f"{w.refuse(f'$.{columns.kind}: expected one of the interaction kinds, got a row that is not', w.string, raw)}"  # noqa: E501
            " END"
        )
        amount_field = "amount" if "amount" in present else "quantity"
        amount_column = getattr(columns, amount_field) or amount_field
        units_of = (
            f"CASE WHEN {amount} < 0 THEN "
            f"{w.refuse(f'$.{amount_column}: expected non-negative amounts (the kind column says what a row is), got a row that is not', 'BIGINT', amount)}"  # noqa: E501
            f" ELSE CAST(ROUND(ABS({amount}) * {_UNITS}) AS BIGINT) END"
        )
    else:
        cancelled = w.false
        if columns.cancellation_prefix is not None:
            prefix = columns.cancellation_prefix
            cancelled = f"substr({reference}, 1, {len(prefix)}) = {w.text(prefix)}"
            if not prefix:
                cancelled = w.true
        kind = (
            f"CASE WHEN {cancelled} THEN 'cancellation' WHEN {amount} < 0 THEN 'return'"
            " ELSE 'purchase' END"
        )
        units_of = f"CAST(ROUND(ABS({amount}) * {_UNITS}) AS BIGINT)"
    rank = " ".join(
        f"WHEN '{kind_.value}' THEN {position}" for kind_, position in c.KIND_RANK.items()
    )
    flags = []
    for field, default in (
        ("customized", "offering = 'professional'"),
        ("collaborative", f"kind IN ({w.texts(_COLLABORATIVE_KINDS)})"),
    ):
        if field in present:
            flags.append(f"CASE WHEN raw_{field} IS NULL THEN {default} ELSE raw_{field} END")
        elif field == "customized":
            flags.append(f"CASE WHEN offering = 'professional' THEN {w.true} END")
        elif "kind" in present:
            flags.append(default)
        else:
            flags.append(f"CAST(NULL AS {'INTEGER' if w.dialect == 'sqlite' else 'BOOLEAN'})")
    carried = "".join(
        f", {present[field]} AS raw_{field}"
        for field in ("customized", "collaborative")
        if field in present
    )
    raw_rows = (
        f"SELECT {party} AS party_id, {day} AS day, {date} AS raw_date, {item} AS item,"
        f" {reference} AS reference, {offering} AS offering, {kind} AS kind,"
        f" {units_of} AS units{carried} FROM {w.table(table)}"
        f" WHERE {present['party']} IS NOT NULL AND trim({party}) <> ''"
    )
    typed = (
        f"SELECT party_id, day, {w.month('raw_date')} AS month, item, reference, offering, kind,"
        f" units, {flags[0]} AS customized, {flags[1]} AS collaborative"
        f" FROM ({raw_rows}) AS raw_rows WHERE day <= {as_of}"
    )

    def flag_rank(field: str) -> str:
        value = field if w.dialect == "sqlite" else f"CAST({field} AS INTEGER)"
        return f"CASE WHEN {field} IS NULL THEN -1 ELSE {value} END"

    order = ", ".join(
        (
            "day",
            "kind_rank",
            w.sort_text("reference"),
            w.sort_text("item"),
            w.sort_text("offering"),
            "units",
            "customized_rank",
            "collaborative_rank",
        )
    )
    return (
        f"SELECT *, ROW_NUMBER() OVER (PARTITION BY party_id ORDER BY {order}) AS ix FROM ("
        f"SELECT *, CASE kind {rank} END AS kind_rank, {flag_rank('customized')} AS"
        f" customized_rank, {flag_rank('collaborative')} AS collaborative_rank"
        f" FROM ({typed}) AS typed) AS ranked"
    )


def _refund_ctes(w: _Writer) -> list[tuple[str, str]]:
    """Which purchase lines (``party_id, ix``) returns and cancellations cancel in full."""
    refunds = w.texts(tuple(kind.value for kind in c.REFUND_KINDS))
    p = _PREFIX
    ctes = [
        (f"{p}purchases", f"SELECT * FROM {p}log WHERE kind = 'purchase'"),
        (f"{p}refunds", f"SELECT * FROM {p}log WHERE kind IN ({refunds})"),
        # The parties with a refund naming one of their orders: matched refund by refund.
        (
            f"{p}named",
            (
                f"SELECT DISTINCT r.party_id FROM {p}refunds AS r WHERE r.reference <> '' AND"
                f" EXISTS (SELECT 1 FROM {p}purchases AS q WHERE q.party_id = r.party_id"
                " AND q.reference = r.reference)"
            ),
        ),
        # The others: bracket matching per (party, item, offering, amount) by running sums.
        (
            f"{p}events",
            (
                "SELECT party_id, item, offering, units, ix, 1 AS step FROM"
                f" {p}purchases AS q WHERE NOT EXISTS (SELECT 1 FROM {p}named AS n WHERE"
                " n.party_id = q.party_id) AND EXISTS (SELECT 1 FROM"
                f" {p}refunds AS r WHERE r.party_id = q.party_id AND r.item = q.item AND"
                " r.offering = q.offering AND r.units = q.units)"
                " UNION ALL SELECT party_id, item, offering, units, ix, -1 AS step FROM"
                f" {p}refunds AS r WHERE NOT EXISTS (SELECT 1 FROM {p}named AS n WHERE"
                " n.party_id = r.party_id)"
            ),
        ),
        (
            f"{p}running",
            (
                "SELECT *, SUM(step) OVER (PARTITION BY party_id, item, offering, units ORDER BY ix"
                " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - step AS before"
                f" FROM {p}events"
            ),
        ),
        (
            f"{p}levels",
            (
                "SELECT party_id, item, offering, units, ix, step, CASE WHEN step > 0 THEN"
                " height + 1 ELSE height END AS level FROM (SELECT *, before - MIN(before) OVER"
                " (PARTITION BY party_id, item, offering, units ORDER BY ix ROWS BETWEEN UNBOUNDED"
                f" PRECEDING AND CURRENT ROW) AS height FROM {p}running) AS heights"
            ),
        ),
        (
            f"{p}closed",
            (
                "SELECT party_id, opened AS ix FROM (SELECT party_id, step, LAG(ix) OVER"
                " (PARTITION BY party_id, item, offering, units, level ORDER BY ix) AS opened,"
                " LAG(step) OVER (PARTITION BY party_id, item, offering, units, level ORDER BY ix)"
                f" AS opener FROM {p}levels WHERE level > 0) AS brackets"
                " WHERE step < 0 AND opener > 0"
            ),
        ),
        # The parties with named refunds: one recursion step per refund, in log order.
        (
            f"{p}lines",
            (
                "SELECT q.party_id, q.ix, q.item, q.offering, q.units, q.day, q.reference,"
                " CASE WHEN q.reference <> '' THEN 'r' || q.reference ELSE 'l' ||"
                f" {w.as_text('q.ix')} END AS ord, ROW_NUMBER() OVER (PARTITION BY q.party_id"
                " ORDER BY CASE WHEN q.reference <> '' THEN 0 ELSE 1 END,"
                f" {w.sort_text('q.reference')}, q.ix) AS pos FROM {p}purchases AS q"
                f" WHERE EXISTS (SELECT 1 FROM {p}named AS n WHERE n.party_id = q.party_id)"
            ),
        ),
        (
            f"{p}orders",
            (
                "SELECT party_id, reference, MIN(pos) AS first_pos, COUNT(*) AS n_lines,"
                f" SUM(units) AS total FROM {p}lines WHERE reference <> ''"
                " GROUP BY party_id, reference"
            ),
        ),
        (
            f"{p}steps",
            (
                "SELECT r.party_id, r.ix, r.item, r.offering, r.units, r.day, r.reference,"
                " o.first_pos, o.n_lines, o.total, ROW_NUMBER() OVER (PARTITION BY r.party_id"
                f" ORDER BY r.ix) AS k FROM {p}refunds AS r LEFT JOIN {p}orders AS o ON"
                " o.party_id = r.party_id AND o.reference = r.reference AND r.reference <> ''"
                f" WHERE EXISTS (SELECT 1 FROM {p}named AS n WHERE n.party_id = r.party_id)"
            ),
        ),
    ]
    # One state row per party and step: a character per line (0 live, 1 cancelled) and one per
    # refund so far (p: a part of its order's amount taken off, x: anything else).
    state = "s.state"
    order_part = f"substr({state}, CAST(r.first_pos AS INTEGER), CAST(r.n_lines AS INTEGER))"
    counts = f"({w.find(chr(39) + '0' + chr(39), order_part)} > 0)"
    taken = (
        f"(SELECT COALESCE(SUM(l.units), 0) FROM {p}lines AS l WHERE l.party_id = s.party_id"
        f" AND l.reference = r.reference AND substr({state}, CAST(l.pos AS INTEGER), 1) = '1')"
    )
    partial = (
        f"(SELECT COALESCE(SUM(q.units), 0) FROM {p}steps AS q WHERE q.party_id = s.party_id"
        " AND q.reference = r.reference AND q.k <= s.k"
        " AND substr(s.outcomes, CAST(q.k AS INTEGER), 1) = 'p')"
    )
    whole = f"(r.first_pos IS NOT NULL AND {counts} AND (r.units = 0 OR r.units >= r.total - {taken} - {partial}))"  # noqa: E501
    part = f"(r.first_pos IS NOT NULL AND {counts} AND NOT {whole})"
    chosen = (
        f"(SELECT MOD(MAX(l.ix * {_SHIFT} + l.pos), {_SHIFT}) FROM {p}lines AS l"
        " WHERE l.party_id = s.party_id AND l.item = r.item AND l.offering = r.offering"
        " AND l.units = r.units AND l.day <= r.day"
        f" AND substr({state}, CAST(l.pos AS INTEGER), 1) = '0')"
    )
    first = "CAST(r.first_pos AS INTEGER)"
    after = "CAST(r.first_pos + r.n_lines AS INTEGER)"
    pick = f"CAST({chosen} AS INTEGER)"
    new_state = (
        f"CASE WHEN {whole} THEN substr({state}, 1, {first} - 1) ||"
        f" replace({order_part}, '0', '1') || substr({state}, {after})"
        f" WHEN r.first_pos IS NULL AND {chosen} IS NOT NULL THEN"
        f" substr({state}, 1, {pick} - 1) || '1' || substr({state}, {pick} + 1)"
        f" ELSE {state} END"
    )
    outcomes = f"s.outcomes || CASE WHEN {part} THEN 'p' ELSE 'x' END"
    ctes += [
        (
            f"{p}state",
            (
                "SELECT party_id, CAST(0 AS BIGINT) AS k,"
                f" {w.as_text(w.zeros('COUNT(*)'))} AS state,"
                f" {w.as_text(chr(39) * 2)} AS outcomes FROM {p}lines GROUP BY party_id"
                " UNION ALL SELECT s.party_id, CAST(s.k + 1 AS BIGINT) AS k,"
                f" {w.as_text(new_state)} AS state, {w.as_text(outcomes)}"
                f" AS outcomes FROM {p}state AS s JOIN {p}steps AS r ON r.party_id = s.party_id"
                " AND r.k = s.k + 1"
            ),
        ),
        (
            f"{p}final",
            (
                f"SELECT s.party_id, s.state FROM {p}state AS s"
                " WHERE s.k = (SELECT COALESCE(MAX(r.k), 0)"
                f" FROM {p}steps AS r WHERE r.party_id = s.party_id)"
            ),
        ),
        (
            f"{p}cancelled",
            (
                f"SELECT party_id, ix FROM {p}closed UNION ALL SELECT l.party_id, l.ix FROM"
                f" {p}lines AS l JOIN {p}final AS f ON f.party_id = l.party_id"
                " WHERE substr(f.state, CAST(l.pos AS INTEGER), 1) = '1'"
            ),
        ),
    ]
    return ctes


def _agreement_ctes(w: _Writer) -> list[tuple[str, str]]:
    """The agreements signed and not ended, ends matched to signatures one by one."""
    p = _PREFIX
    signed = _K.AGREEMENT_SIGNED.value
    ended = _K.AGREEMENT_ENDED.value
    live = "substr(s.state, CAST(a.pos AS INTEGER), 1) = '0'"
    earlier = "a.party_id = s.party_id AND a.ix < e.ix"
    same = (
        f"(SELECT MAX(a.pos) FROM {p}signed AS a WHERE {earlier} AND {live}"
        " AND e.reference <> '' AND a.reference = e.reference)"
    )
    last = f"(SELECT MAX(a.pos) FROM {p}signed AS a WHERE {earlier} AND {live})"
    target = f"CAST(COALESCE({same}, {last}) AS INTEGER)"
    moved = (
        f"CASE WHEN {target} IS NULL THEN s.state ELSE substr(s.state, 1, {target} - 1)"
        f" || '1' || substr(s.state, {target} + 1) END"
    )
    return [
        (
            f"{p}signed",
            (
                "SELECT party_id, ix, reference, offering, ROW_NUMBER() OVER (PARTITION BY party_id"
                f" ORDER BY ix) AS pos FROM {p}log WHERE kind = '{signed}'"
            ),
        ),
        (
            f"{p}ends",
            (
                "SELECT party_id, ix, reference, ROW_NUMBER() OVER (PARTITION BY party_id ORDER BY"
                f" ix) AS k FROM {p}log AS e WHERE kind = '{ended}' AND EXISTS (SELECT 1 FROM"
                f" {p}signed AS a WHERE a.party_id = e.party_id)"
            ),
        ),
        (
            f"{p}agreement_state",
            (
                "SELECT party_id, CAST(0 AS BIGINT) AS k, state FROM (SELECT party_id,"
                f" {w.as_text(w.zeros('COUNT(*)'))} AS state FROM {p}signed GROUP BY party_id)"
                " AS initial UNION ALL SELECT s.party_id, CAST(s.k + 1 AS BIGINT) AS k,"
                f" {w.as_text(moved)}"
                f" AS state FROM {p}agreement_state AS s"
                f" JOIN {p}ends AS e ON e.party_id = s.party_id AND e.k = s.k + 1"
            ),
        ),
        (
            f"{p}agreements",
            (
                f"SELECT a.party_id, a.offering FROM {p}signed AS a JOIN {p}agreement_state AS s ON"
                f" s.party_id = a.party_id WHERE s.k = (SELECT COALESCE(MAX(e.k), 0) FROM {p}ends"
                " AS e WHERE e.party_id = s.party_id) AND substr(s.state, CAST(a.pos AS INTEGER),"
                " 1) = '0'"
            ),
        ),
    ]


def _signal_ctes(
    w: _Writer, as_of: int, engagements: str | None
) -> tuple[list[tuple[str, str]], str]:
    """The aggregations per party and the final select of the canonical signals."""
    p = _PREFIX
    refunds = w.texts(tuple(kind.value for kind in c.REFUND_KINDS))
    work = w.texts(tuple(sorted(kind.value for kind in c.WORK_KINDS)))
    touch = w.texts(tuple(sorted(kind.value for kind in c.TOUCHPOINT_KINDS)))

    def int_of(condition: str) -> str:
        return f"CASE WHEN {condition} THEN 1 ELSE 0 END"

    true = "= 1" if w.dialect == "sqlite" else ""
    other = f"kind NOT IN ('purchase', {refunds})"
    money = (
        f"CASE WHEN kind = 'purchase' THEN units WHEN kind IN ({refunds}) THEN -units ELSE 0 END"
    )
    ctes = [
        (
            f"{p}whole",
            (
                "SELECT party_id,"
                f" SUM({int_of(f'{other} AND collaborative IS NOT NULL')}) AS n_counted,"
                f" SUM({int_of(f'{other} AND collaborative {true}')}) AS n_collaborative,"
                f" SUM({int_of(f'kind IN ({touch})')}) AS n_touch,"
                f" SUM({int_of(f'kind IN ({work}) AND customized IS NOT NULL')}) AS n_work,"
                f" SUM({int_of(f'kind IN ({work}) AND customized {true}')}) AS n_customized,"
                f" SUM(CASE WHEN offering = 'service' THEN {money} ELSE 0 END) AS net_service,"
                f" SUM(CASE WHEN offering = 'professional' THEN {money} ELSE 0 END) AS net_professional,"  # noqa: E501
                f" SUM(CASE WHEN offering = 'product' THEN {money} ELSE 0 END) AS net_product,"
                f" MIN(day) AS first_day FROM {p}log GROUP BY party_id"
            ),
        ),
        (
            f"{p}kept",
            (
                f"SELECT * FROM {p}purchases AS q WHERE NOT EXISTS (SELECT 1 FROM {p}cancelled AS c"
                " WHERE c.party_id = q.party_id AND c.ix = q.ix)"
            ),
        ),
        (
            f"{p}bought",
            (
                "SELECT party_id,"
                f" SUM({int_of('collaborative IS NOT NULL')}) AS l_counted,"
                f" SUM({int_of(f'collaborative {true}')}) AS l_collaborative,"
                f" SUM({int_of('customized IS NOT NULL')}) AS l_work,"
                f" SUM({int_of(f'customized {true}')}) AS l_customized,"
                " COUNT(DISTINCT day) AS occasions, MAX(day) AS last_day,"
                " COUNT(DISTINCT CASE WHEN reference <> '' THEN reference END)"
                f" + SUM({int_of(chr(39) * 2 + ' = reference')}) AS orders"
                f" FROM {p}kept GROUP BY party_id"
            ),
        ),
        (
            f"{p}retained",
            (
                f"SELECT party_id, COUNT(DISTINCT month) AS retainer_months FROM {p}kept"
                f" WHERE offering = 'professional' AND day > {as_of - c.RETAINER_WINDOW_DAYS}"
                " GROUP BY party_id"
            ),
        ),
        (
            f"{p}agreed",
            (
                f"SELECT party_id, MAX({int_of(chr(39) + 'product' + chr(39) + ' <> offering')})"
                f" AS a_active, COUNT(*) AS a_running FROM {p}agreements GROUP BY party_id"
            ),
        ),
    ]
    joins = [f"{p}whole", f"{p}bought", f"{p}retained", f"{p}agreed"]
    parties = f"SELECT party_id FROM {p}whole"
    e_start, e_active, e_horizon = "first_day", "0", "0"
    if engagements is not None:
        start, end = w.day(w.name("start")), w.day(w.name("end"))
        ctes += [
            (
                f"{p}engagements",
                (
                    f"SELECT {w.as_text(w.name('client_id'))} AS party_id, {start} AS start_day,"
                    f" CASE WHEN {w.name('end')} IS NULL THEN NULL ELSE {end} END AS end_day"
                    f" FROM {engagements} AS given WHERE {start} <= {as_of}"
                ),
            ),
            (
                f"{p}engaged",
                (
                    "SELECT party_id, MIN(start_day) AS e_start,"
                    f" SUM({int_of(f'end_day IS NULL OR end_day >= {as_of}')}) AS e_active,"
                    f" MAX(CASE WHEN end_day IS NULL THEN {c.OPEN_ENDED_HORIZON_DAYS}"
                    f" WHEN end_day >= {as_of} THEN end_day - {as_of} END) AS e_horizon"
                    f" FROM {p}engagements GROUP BY party_id"
                ),
            ),
        ]
        joins.append(f"{p}engaged")
        parties += f" UNION SELECT party_id FROM {p}engaged"
        e_start, e_active, e_horizon = "e_start", "COALESCE(e_active, 0)", "e_horizon"
    ctes.append((f"{p}parties", f"SELECT DISTINCT party_id FROM ({parties}) AS every_party"))
    using = " ".join(f"LEFT JOIN {name} ON {name}.party_id = {p}parties.party_id" for name in joins)
    columns = ", ".join(
        f"{name}.{column}"
        for name, names in (
            (f"{p}whole", ("n_counted", "n_collaborative", "n_touch", "n_work", "n_customized",
                           "net_service", "net_professional", "net_product", "first_day")),
            (f"{p}bought", ("l_counted", "l_collaborative", "l_work", "l_customized",
                            "occasions", "last_day", "orders")),
            (f"{p}retained", ("retainer_months",)),
            (f"{p}agreed", ("a_active", "a_running")),
            *(((f"{p}engaged", ("e_start", "e_active", "e_horizon")),) if engagements else ()),
        )
        for column in names
    )  # fmt: skip
    ctes.append(
        (
            f"{p}table",
            (
                f"SELECT {p}parties.party_id, {columns},"
                f" CASE WHEN {p}whole.party_id IS NULL THEN 0 ELSE 1 END AS logged"
                f" FROM {p}parties {using}"
            ),
        )
    )

    def z(name: str) -> str:
        return f"COALESCE({name}, 0)"

    double = w.double
    service = f"(CASE WHEN {z('net_service')} > 0 THEN {z('net_service')} ELSE 0 END + CASE WHEN {z('net_professional')} > 0 THEN {z('net_professional')} ELSE 0 END)"  # noqa: E501
    product = f"CASE WHEN {z('net_product')} > 0 THEN {z('net_product')} ELSE 0 END"
    total = f"({service} + {product})"
    first = (
        f"CASE WHEN first_day IS NULL THEN {e_start} WHEN {e_start} IS NULL THEN first_day"
        f" WHEN {e_start} < first_day THEN {e_start} ELSE first_day END"
    )
    tenure = f"({as_of} - {first})"
    period = f"CAST(CASE WHEN {tenure} > {c.MIN_PERIOD_DAYS} THEN {tenure} ELSE {c.MIN_PERIOD_DAYS} END AS {double})"  # noqa: E501

    def known(expr: str, type_: str) -> str:
        return f"CAST(CASE WHEN logged = 1 THEN {expr} END AS {type_})"

    def ratio(top: str, bottom: str) -> str:
        return (
            f"CASE WHEN {bottom} > 0 THEN CAST({top} AS {double}) / CAST({bottom} AS {double}) END"
        )

    counted = f"({z('n_counted')} + {z('l_counted')})"
    works = f"({z('n_work')} + {z('l_work')})"
    months = f"CASE WHEN {z('retainer_months')} > {c.RETAINER_MAX_MONTHS} THEN {c.RETAINER_MAX_MONTHS} ELSE {z('retainer_months')} END"  # noqa: E501
    horizon = f"COALESCE({e_horizon}, 0)"
    commitment = (
        f"CASE WHEN {z('a_running')} > 0 AND {c.OPEN_ENDED_HORIZON_DAYS} > {horizon} THEN"
        f" {c.OPEN_ENDED_HORIZON_DAYS} ELSE {horizon} END"
    )
    boolean = "INTEGER" if w.dialect == "sqlite" else "BOOLEAN"
    active = f"CASE WHEN {z('a_active')} > 0 OR {e_active} > 0 THEN {w.true} ELSE {w.false} END"
    values = {
        "collaborative_share": known(
            ratio(f"{z('n_collaborative')} + {z('l_collaborative')}", counted), double
        ),
        "touchpoints_per_quarter": known(
            f"CAST({z('n_touch')} AS {double}) * {c.DAYS_PER_QUARTER} / {period}", double
        ),
        "tenure_days": f"CAST({tenure} AS BIGINT)",
        "active_engagement": f"CAST({active} AS {boolean})",
        "repeat_rate": known(ratio(f"{z('occasions')} - 1", z("occasions")), double),
        "retainer_months": known(months, "BIGINT"),
        "service_share": known(ratio(service, total), double),
        "customization": known(ratio(f"{z('n_customized')} + {z('l_customized')}", works), double),
        "commitment_days": f"CAST({commitment} AS BIGINT)",
        "purchases": known(z("orders"), "BIGINT"),
        "purchases_per_year": known(
            f"CAST({z('orders')} AS {double}) * {c.DAYS_PER_YEAR} / {period}", double
        ),
        "recency_days": known(f"{as_of} - last_day", "BIGINT"),
        "spend": known(f"CAST({total} AS {double}) / {_UNITS}", double),
    }
    select = ", ".join(f"{expr} AS {name}" for name, expr in values.items())
    return ctes, f"SELECT party_id, {select} FROM {p}table"


def _engagement_source(w: _Writer, engagements: object) -> str | None:
    """The engagements as SQL: a quoted table, or the given `Engagement` values written out."""
    if engagements is None:
        return None
    if isinstance(engagements, str):
        return w.table(_table_name(engagements, "engagements"))
    if not isinstance(engagements, list | tuple):
        raise _problem("engagements", "a table name or a sequence of Engagements", engagements)
    rows = []

    def date(value: dt.date | None) -> str:
        if value is None:
            return "NULL" if w.dialect == "sqlite" else "CAST(NULL AS DATE)"
        text = f"'{value.isoformat()}'"
        return text if w.dialect == "sqlite" else f"DATE {text}"

    for index, item in enumerate(engagements):
        if not isinstance(item, Engagement):
            raise _problem(f"engagements[{index}]", "an Engagement", item)
        rows.append(
            f"SELECT {w.as_text(w.text(item.client_id))} AS {w.name('client_id')},"
            f" {date(item.start)} AS {w.name('start')}, {date(item.end)} AS {w.name('end')}"
        )
    if not rows:
        return None
    return "(" + " UNION ALL ".join(rows) + ")"


@attrs.frozen(slots=True)
class CompiledSignals:
    """The common table expressions of a signals query and its final select (internal)."""

    ctes: str
    select: str
    dialect: str

    def query(self, then: Callable[[str], str] | None = None, *, name: str = "signals") -> str:
        """One statement: the signals (sorted by party), or ``then`` over a CTE of them."""
        if then is None:
            return f"WITH RECURSIVE {self.ctes} {self.select} ORDER BY party_id"
        quoted = _Writer(self.dialect).name(name)
        return f"WITH RECURSIVE {self.ctes}, {quoted} AS ({self.select}) {then(name)}"


class _SignalOptions(TypedDict, total=False):
    """`signals_sql`'s options (see there), as `compile_signals` takes them."""

    as_of: Required[dt.date]
    columns: LogColumns | None
    engagements: str | Sequence[Engagement] | None
    dialect: object


def compile_signals(table: str, **options: Unpack[_SignalOptions]) -> CompiledSignals:
    """Check the arguments and compile the signals query (see `signals_sql`)."""
    name = _dialect(options.get("dialect", "ansi"))
    as_of = options["as_of"]
    v.a_date(as_of, "$.as_of")
    table = _table_name(table, "table")
    w = _Writer(name)
    source = _engagement_source(w, options.get("engagements"))
    columns = options.get("columns")
    if columns is None:
        columns = LogColumns()
    if not isinstance(columns, LogColumns):
        raise _problem("columns", "a LogColumns", columns)
    day = as_of.toordinal() - dt.date(1970, 1, 1).toordinal()
    ctes = [(f"{_PREFIX}log", _normalized(w, table, columns, day))]
    ctes += _refund_ctes(w)
    ctes += _agreement_ctes(w)
    more, select = _signal_ctes(w, day, source)
    ctes += more
    text = ", ".join(f"{cte} AS ({body})" for cte, body in ctes)
    return CompiledSignals(text, select, name)


def signals_sql(
    table: str,
    *,
    as_of: dt.date,
    columns: LogColumns | None = None,
    engagements: str | Sequence[Engagement] | None = None,
    dialect: object = "ansi",
) -> str:
    """Compile the derivation of the canonical signals from a log table into one SQL query.

    The SQL twin of `signals_frame`: the query returns ``party_id`` and one column per canonical
    signal (see `SIGNALS`), one row per party with an interaction on or before ``as_of`` (or an
    engagement started by then), ordered by party id, with exactly what `derive_signals` gives
    (unknown is ``NULL``). Returns and cancellations are matched to purchases as on the one-record
    path (window functions, and a recursive common table expression for the parties with a
    refund naming one of their orders); amounts are compared in millionths.

    The log's columns are those of `LogColumns`; ``columns`` maps other names, and a column
    stated absent (``None``) is not recorded, as in `read_log`. Dates may be ``DATE``,
    ``TIMESTAMP`` or ISO text columns (a ``TIMESTAMP WITH TIME ZONE`` counts its day in the
    session's time zone). A row with a blank party id is skipped; an unknown kind or offering,
    a row without a date, or a negative amount next to a kind column fails the query when read
    (DuckDB ``error``, Spark ``raise_error``, a failing conversion elsewhere), naming the column.

    Wrap it with `log_to_sql` (or `classify_sql` with ``log=True`` in DuckDB) to classify a raw
    log in one statement.

    Args:
        table: The log table or view (``schema.table`` is quoted part by part).
        as_of: The date the signals describe.
        columns: Which column holds what; the library's own layout by default.
        engagements: A table of engagements (``client_id, start, end``; ``end`` null when
            open-ended), a sequence of `Engagement` (written into the query), or ``None``.
        dialect: ``ansi``, ``duckdb``, ``postgres``, ``sqlite`` or ``spark``.

    Returns:
        The SQL text (one ``WITH RECURSIVE ... SELECT`` statement).

    Raises:
        ValidationError: For an unknown dialect, a table name that is not one, ``as_of`` not a
            date or ``columns`` not a `LogColumns`.

    Example:
        >>> import datetime as dt
        >>> import duckdb
        >>> from clientcustomer import LogColumns, signals_sql
        >>> con = duckdb.connect()
        >>> _ = con.execute(
        ...     "CREATE TABLE log AS SELECT * FROM (VALUES"
        ...     " ('ann', DATE '2026-01-10', 'purchase', 'tea', 'product', 40.0, NULL, NULL, 'A1'),"
        ...     " ('ann', DATE '2026-03-02', 'purchase', 'tea', 'product', 60.0, NULL, NULL, 'A2'),"
        ...     " ('ann', DATE '2026-03-05', 'return', 'tea', 'product', 60.0, NULL, NULL, 'A2'))"
        ...     " AS t(party_id, day, kind, item, offering, amount, customized, collaborative,"
        ...     " reference)")
        >>> columns = LogColumns(date="day")
        >>> query = signals_sql("log", as_of=dt.date(2026, 4, 1), columns=columns,
        ...                     dialect="duckdb")
        >>> con.sql(query).select("party_id, purchases, spend").fetchall()
        [('ann', 1, 40.0)]
    """
    return compile_signals(
        table, as_of=as_of, columns=columns, engagements=engagements, dialect=dialect
    ).query()
