"""Signals of many parties from an interaction-log dataframe, by group-by: no loop over rows.

`signals_frame` gives, for every party of a log frame, exactly the signals `derive_signals` gives
from that party's interactions. Everything is dataframe operations through narwhals (imported
only when asked for): filters, joins, group-by aggregations and window functions.

The matching of returns and cancellations to purchases (and of agreement ends to signatures) is
sequential by nature: what one return cancels decides what the next one can. For a party whose
refunds name none of its orders it is bracket matching per item, offering and amount, done for all
such parties at once with running sums. The others (and agreement ends) take one *pass* of joins
per rank: pass ``k`` handles the ``k``-th return or cancellation of every party that has one. The
result is exactly the one-record one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeAlias

from clientcustomer._core import validation as v
from clientcustomer.engagements.model import Engagement
from clientcustomer.exceptions import MissingDependencyError, ValidationError
from clientcustomer.parties.entities import InteractionKind, Offering
from clientcustomer.signals import constants as c

from .derive import (
    _CANONICAL,
)
from .logs import _FIELDS as LOG_FIELDS
from .logs import LogColumns, missing_columns

__all__ = ["signals_frame"]

if TYPE_CHECKING:  # narwhals is optional: its types are read by the type checker only
    from types import ModuleType

    import narwhals as nw_typing

    _Frame: TypeAlias = nw_typing.DataFrame[Any]
    _Expr: TypeAlias = nw_typing.Expr
    _Nw: TypeAlias = ModuleType

_UNITS = 1_000_000
"""Amounts are compared in millionths: a float column cannot hold ``10.10`` exactly."""

_K = InteractionKind
_COLLABORATIVE_KINDS = tuple(kind.value for kind in _K if kind.collaborative_by_default)
_TEXT_FIELDS = ("item", "reference")


def _calendar_day(column: _Expr, dtype: Any, nw: _Nw) -> _Expr:  # noqa: ANN401 - a dtype
    """A date or datetime column as dates: a datetime with a time zone in UTC, then its day."""
    if dtype == nw.Date:
        return column
    if getattr(dtype, "time_zone", None) is not None:
        column = column.dt.convert_time_zone("UTC")
    return column.dt.date()


def _day_number(column: _Expr, dtype: Any, nw: _Nw) -> _Expr:  # noqa: ANN401 - a narwhals dtype
    """Days since 1970-01-01 of a date or datetime column (a datetime's calendar day)."""
    return _calendar_day(column, dtype, nw).cast(nw.Int32).cast(nw.Int64)


def _epoch_day(day: dt.date) -> int:
    return day.toordinal() - dt.date(1970, 1, 1).toordinal()


def _arrow(frame: _Frame, nw: _Nw) -> _Frame:
    """The frame on Arrow, its texts all ``string`` (Arrow joins no ``large_string`` with them)."""
    import pyarrow as pa  # type: ignore[import-untyped]  # noqa: PLC0415 - pandas or pyarrow only

    table = frame.to_arrow()
    fields = [
        field.with_type(pa.string()) if pa.types.is_large_string(field.type) else field
        for field in table.schema
    ]
    return nw.from_native(table.cast(pa.schema(fields)))


def _problem(field: str, expected: str, got: object) -> ValidationError:
    return ValidationError.single(f"$.{field}", expected, got)


def _wrap(native: object, field: str, expected: str, nw: _Nw) -> Any:  # noqa: ANN401 - a frame
    """The frame as narwhals wraps it, or the library's error naming the field."""
    try:
        return nw.from_native(native)
    except TypeError:
        raise _problem(field, expected, native) from None


def _normalize(  # noqa: C901, PLR0912, PLR0915 - one check per column, kept together
    frame: _Frame, columns: LogColumns, nw: _Nw, *, integer_party: bool = False
) -> _Frame:
    """Check the log's columns and bring them to the canonical names, types and defaults.

    ``integer_party``: an integer party column is kept as integers (else it becomes text).
    """
    schema = frame.collect_schema()
    missing = missing_columns(columns, schema.names())
    if missing is not None:
        raise missing
    present: dict[str, str] = {
        field: getattr(columns, field)
        for field in LOG_FIELDS
        if getattr(columns, field) is not None
    }

    def dtype_of(field: str) -> Any:  # noqa: ANN401 - a narwhals dtype
        return schema[present[field]]

    def require(field: str, expected: str, *, ok: bool) -> None:
        if not ok:
            raise _problem(present[field], expected, str(dtype_of(field)))

    text_types = (nw.String, nw.Categorical, nw.Enum)
    exprs: dict[str, Any] = {}
    party_type = dtype_of("party")
    require(
        "party",
        "a text (or integer) column",
        ok=party_type in text_types or party_type.is_integer(),
    )
    # An integer id stays one while the parties are grouped and joined (hashing integers is
    # cheaper than their text): `_signal_columns` gives its text at the end. Not with
    # engagements, whose client ids are text.
    exprs["party_id"] = nw.col(present["party"])
    if not (integer_party and party_type.is_integer()):
        exprs["party_id"] = exprs["party_id"].cast(nw.String)
    date_type = dtype_of("date")
    on = nw.col(present["date"])
    if date_type in text_types:
        on, date_type = on.cast(nw.String).str.to_datetime("%Y-%m-%d"), nw.Datetime
    else:
        require("date", "a date, datetime or ISO date text column", ok=date_type.is_temporal())
    exprs["day"] = _day_number(on, date_type, nw)
    calendar = _calendar_day(on, date_type, nw)
    exprs["month"] = (calendar.dt.year().cast(nw.Int64) * 12 + calendar.dt.month() - 1).cast(
        nw.Int64
    )
    for field in _TEXT_FIELDS:
        if field in present:
            require(field, "a text column", ok=dtype_of(field) in text_types)
            exprs[field] = nw.col(present[field]).cast(nw.String).fill_null("")
        else:
            exprs[field] = nw.lit("")
    if "offering" in present:
        require("offering", "a text column", ok=dtype_of("offering") in text_types)
        offering = nw.col(present["offering"]).cast(nw.String).fill_null("product")
    else:
        offering = nw.lit("product")
    if columns.professional:
        # Items or offering values named professional (trimmed, case-insensitive) are.
        named = [value.strip().lower() for value in columns.professional]
        offering = (
            nw.when(
                offering.str.strip_chars().str.to_lowercase().is_in(named)
                | exprs["item"].str.strip_chars().str.to_lowercase().is_in(named)
            )
            .then(nw.lit(Offering.PROFESSIONAL.value))
            .otherwise(offering)
        )
    exprs["offering"] = offering
    if "amount" in present:
        require("amount", "a numeric column", ok=dtype_of("amount").is_numeric())
        amount = nw.col(present["amount"]).cast(nw.Float64)
    elif "quantity" in present and "unit_price" in present:
        require("quantity", "a numeric column", ok=dtype_of("quantity").is_numeric())
        require("unit_price", "a numeric column", ok=dtype_of("unit_price").is_numeric())
        amount = nw.col(present["quantity"]).cast(nw.Float64) * nw.col(present["unit_price"]).cast(
            nw.Float64
        )
    else:
        amount = nw.lit(0.0)
    exprs["raw_amount"] = amount.fill_null(0.0)
    if "kind" in present:
        require("kind", "a text column", ok=dtype_of("kind") in text_types)
        exprs["kind"] = nw.col(present["kind"]).cast(nw.String)
    else:
        cancelled = nw.lit(value=False)
        if columns.cancellation_prefix is not None:
            cancelled = exprs["reference"].str.starts_with(columns.cancellation_prefix)
        exprs["kind"] = (
            nw.when(cancelled)
            .then(nw.lit(_K.CANCELLATION.value))
            .otherwise(
                nw.when(amount < 0)
                .then(nw.lit(_K.RETURN.value))
                .otherwise(nw.lit(_K.PURCHASE.value))
            )
        )
    professional = exprs["offering"] == Offering.PROFESSIONAL.value
    flag_defaults = {
        "customized": professional,
        "collaborative": exprs["kind"].is_in(_COLLABORATIVE_KINDS),
    }
    # A fact stated absent is not recorded (null, unknown), as on the one-record path: no
    # customized column (professional work is customized by nature), or no kind and no
    # collaborative column (a billing export records no contacts).
    unrecorded = {
        "customized": nw.when(professional).then(nw.lit(value=True)),
        "collaborative": None if "kind" in present else nw.lit(None, nw.Boolean),
    }
    for field, default in flag_defaults.items():
        if field in present:
            require(field, "a boolean column", ok=dtype_of(field) == nw.Boolean)
            flag = nw.col(present[field])
            exprs[field] = nw.when(flag.is_null()).then(default).otherwise(flag)
        else:
            exprs[field] = default if unrecorded[field] is None else unrecorded[field]
    units = (nw.col("raw_amount").abs() * _UNITS).round(0).cast(nw.Int64)
    # One pass over the log (the engine fuses it), then the checks on its result.
    normal = frame.lazy().select(**exprs).with_columns(units=units).collect()
    # An integer party id cannot be blank: only a text one is trimmed to check it.
    text_party = party_type in text_types
    _check_values(
        normal, columns, present, has_kind="kind" in present, text_party=text_party, nw=nw
    )
    return normal  # with ``raw_amount``: the lazy plans read only the columns they need


def _ranks(nw: _Nw) -> dict[str, _Expr]:
    """`derive`'s ranks of a row's kind and flags, for the few rows put in log order."""
    rank = nw.col("kind").replace_strict(
        [kind.value for kind in c.KIND_RANK],
        list(c.KIND_RANK.values()),
        default=0,
        return_dtype=nw.Int64,
    )
    flags = {
        f"{field}_rank": nw.when(nw.col(field).is_null())
        .then(-1)
        .otherwise(nw.col(field).cast(nw.Int64))
        .cast(nw.Int64)
        for field in ("customized", "collaborative")
    }
    return {"rank": rank, **flags}


def _check_values(  # noqa: PLR0913 - what the checks depend on, by keyword
    normal: _Frame,
    columns: LogColumns,
    present: dict[str, str],
    *,
    has_kind: bool,
    text_party: bool,
    nw: _Nw,
) -> None:
    """Refuse unknown kinds and offerings, missing parties or dates, negative amounts."""
    kinds = [kind.value for kind in _K]
    party = nw.col("party_id")
    checks = {
        "party": party.is_null() | (party.str.strip_chars() == "")
        if text_party
        else party.is_null(),
        "date": nw.col("day").is_null(),
        "kind": ~nw.col("kind").is_in(kinds) | nw.col("kind").is_null(),
        "offering": ~nw.col("offering").is_in([offering.value for offering in Offering]),
        "amount": (nw.col("raw_amount") < 0) & nw.lit(has_kind),
    }
    found = normal.select(**{name: check.any() for name, check in checks.items()}).row(0)
    expected = {
        "party": "a party id on every row",
        "date": "a date on every row",
        "kind": "one of " + ", ".join(repr(kind) for kind in kinds),
        "offering": "'product', 'service' or 'professional'",
        "amount": "non-negative amounts (the kind column says what a row is)",
    }
    for name, bad in zip(checks, found, strict=True):
        if bad:
            field = "quantity" if name == "amount" and "amount" not in present else name
            column = getattr(columns, field) or field
            raise _problem(column, expected[name], "a row that is not")


def _engagement_frame(  # noqa: C901, PLR0912 - one check per column
    engagements: object, log: _Frame, nw: _Nw
) -> _Frame | None:
    """The engagements as a frame of (client_id, start, end) day numbers, or ``None``."""
    if engagements is None:
        return None
    if isinstance(engagements, list | tuple | set | frozenset) or (
        isinstance(engagements, Iterable) and not hasattr(engagements, "columns")
    ):
        items = list(engagements)
        for index, item in enumerate(items):
            if not isinstance(item, Engagement):
                raise _problem(f"engagements[{index}]", "an Engagement", item)
        data = {
            "client_id": [item.client_id for item in items],
            "start": [_epoch_day(item.start) for item in items],
            "end": [None if item.end is None else _epoch_day(item.end) for item in items],
        }
        schema = {"client_id": nw.String(), "start": nw.Int64(), "end": nw.Int64()}
        return nw.from_dict(data, schema=schema, backend=log.implementation)
    wrapped = _wrap(
        engagements, "engagements", "a dataframe of (client_id, start, end) or Engagements", nw
    )
    if isinstance(wrapped, nw.LazyFrame):
        wrapped = wrapped.collect()
    if wrapped.implementation.is_pandas_like():  # no nullable integers: compute on Arrow
        wrapped = _arrow(wrapped, nw)
    schema = wrapped.collect_schema()
    for name in ("client_id", "start", "end"):
        if name not in schema:
            raise _problem(f"engagements.{name}", "a column", "no such column")
    text_types = (nw.String, nw.Categorical, nw.Enum)
    if schema["client_id"] not in text_types:
        raise _problem("engagements.client_id", "a text column", str(schema["client_id"]))
    exprs: dict[str, Any] = {"client_id": nw.col("client_id").cast(nw.String)}
    for name in ("start", "end"):
        column, dtype = nw.col(name), schema[name]
        if dtype in text_types:
            column, dtype = column.cast(nw.String).str.to_datetime("%Y-%m-%d"), nw.Datetime
        elif not dtype.is_temporal() and dtype != nw.Unknown:
            raise _problem(f"engagements.{name}", "a date column", str(dtype))
        exprs[name] = _day_number(column, dtype, nw)
    table = wrapped.select(**exprs)
    if log.implementation is nw.Implementation.PYARROW:
        return _arrow(table, nw)
    if table.implementation is not log.implementation:
        return nw.from_arrow(table.to_arrow(), backend=log.implementation)
    return table


def _match_refunds(lines: _Frame, refunds: _Frame, nw: _Nw) -> _Frame:
    """Mark the purchase lines cancelled in full, one pass per refund rank (all parties at once).

    Each pass does what `derive_signals` does for one return or cancellation of every party.
    """
    keys = ["party_id", "order"]
    orders = lines.group_by(keys).agg(outstanding=nw.col("units").sum())
    done = []
    for k in range(1, _passes(refunds, nw) + 1):
        # Only the parties with a k-th refund take part in pass k: the others are finished.
        active = refunds.filter(nw.col("k") == k).select("party_id").unique()
        done.append(lines.join(active, on="party_id", how="anti"))
        lines = lines.join(active, on="party_id", how="semi")
        orders = orders.join(active, on="party_id", how="semi")
        refund = refunds.filter(nw.col("k") == k).select(
            "party_id",
            r_ref="reference",
            r_item="item",
            r_offering="offering",
            r_units="units",
            r_day="day",
        )
        counts = (
            lines.with_columns(live=(~nw.col("cancelled")).cast(nw.Int64))
            .group_by(keys)
            .agg(nw.col("live").max())
            .select(*keys, counts=nw.col("live") > 0)
        )
        named = orders.join(counts, on=keys).join(
            refund.filter(nw.col("r_ref") != ""),
            left_on=keys,
            right_on=["party_id", "r_ref"],
        )
        whole = named.filter(
            nw.col("counts")
            & ((nw.col("r_units") == 0) | (nw.col("r_units") >= nw.col("outstanding")))
        ).select(*keys, whole=nw.lit(value=True))
        part = named.filter(
            nw.col("counts")
            & (nw.col("r_units") != 0)
            & (nw.col("r_units") < nw.col("outstanding"))
        ).select(*keys, part=nw.col("r_units"))
        unmatched = refund.join(
            orders.select(keys), left_on=["party_id", "r_ref"], right_on=keys, how="anti"
        )
        chosen = (
            lines.filter(~nw.col("cancelled"))
            .join(
                unmatched,
                left_on=["party_id", "item", "offering", "units"],
                right_on=["party_id", "r_item", "r_offering", "r_units"],
            )
            .filter(nw.col("day") <= nw.col("r_day"))
            .group_by("party_id")
            .agg(nw.col("ix").max())
        )
        hit = lines.join(chosen, on=["party_id", "ix"]).select(*keys, line=nw.col("units"))
        lines = (
            lines.join(whole, on=keys, how="left")
            .join(chosen.with_columns(picked=nw.lit(value=True)), on=["party_id", "ix"], how="left")
            .with_columns(
                cancelled=nw.col("cancelled")
                | nw.col("whole").fill_null(value=False)
                | nw.col("picked").fill_null(value=False)
            )
            .drop("whole", "picked")
        )
        orders = (
            orders.join(whole, on=keys, how="left")
            .join(part, on=keys, how="left")
            .join(hit, on=keys, how="left")
            .with_columns(
                outstanding=nw.when(nw.col("whole").fill_null(value=False))
                .then(0)
                .otherwise(
                    nw.col("outstanding")
                    - nw.col("part").fill_null(0)
                    - nw.col("line").fill_null(0)
                )
                .cast(nw.Int64)
            )
            .drop("whole", "part", "line")
        )
    return nw.concat([*done, lines]) if done else lines


def _match_unnamed(purchases: _Frame, refunds: _Frame, nw: _Nw) -> _Frame:
    """The purchase lines (``party_id, ix``) cancelled by refunds that name no order, set-based.

    Without a refund naming an order, each refund cancels the latest earlier uncancelled purchase
    line with the same item, offering and amount: per such group, in log order (a purchase on the
    day of a refund comes before it), that is bracket matching, purchases opening and refunds
    closing. With ``P`` the running sum of +1 per purchase and -1 per refund before a row, the
    stack height before it is ``P - min(P so far)`` (a refund on an empty stack does nothing);
    a refund at height ``h > 0`` closes the purchase that opened height ``h``, which is the
    event right before it among the purchases opening ``h`` and refunds closing it.
    """
    group = ["party_id", "item", "offering", "units"]
    events = nw.concat(
        [
            purchases.select(*group, "ix", step=nw.lit(1, nw.Int64)),
            refunds.select(*group, "ix", step=nw.lit(-1, nw.Int64)),
        ]
    )
    groups = events.select(group).unique().sort(group).with_row_index("g")
    events = events.join(groups, on=group).select("g", "ix", "step").sort("g", "ix")
    totals = (
        events.group_by("g")
        .agg(nw.col("step").sum())
        .sort("g")
        .select("g", base=nw.col("step").cum_sum() - nw.col("step"))
    )
    # Offsetting group g by -g * spread keeps a running minimum over all rows within its group.
    spread = 2 * (len(events) + 1)
    events = events.join(totals, on="g").with_columns(
        before=nw.col("step").cum_sum() - nw.col("step") - nw.col("base")
    )
    events = events.with_columns(shifted=nw.col("before") - nw.col("g") * spread).with_columns(
        height=nw.col("before") - (nw.col("shifted").cum_min() + nw.col("g") * spread)
    )
    level = nw.when(nw.col("step") > 0).then(nw.col("height") + 1).otherwise(nw.col("height"))
    brackets = (
        events.with_columns(level=level)
        .filter(nw.col("level") > 0)
        .sort("g", "level", "ix")
        .with_row_index("pos")
    )
    closing = brackets.filter(nw.col("step") < 0).select("g", pos=nw.col("pos") - 1)
    return brackets.join(closing, on=["g", "pos"]).join(groups, on="g").select("party_id", "ix")


def _split(frame: Any, parties: _Frame) -> tuple[Any, Any]:  # noqa: ANN401 - eager or lazy
    """The rows of the other parties and those of ``parties`` (no join when there are none)."""
    if len(parties) == 0:
        return frame, frame.head(0)
    other: Any = parties
    if not isinstance(frame, type(parties)):  # a lazy frame joins a lazy one
        other = parties.lazy()
    return (
        frame.join(other, on="party_id", how="anti"),
        frame.join(other, on="party_id", how="semi"),
    )


def _ranked(events: _Frame, nw: _Nw) -> _Frame:
    """Number each party's events ``k = 1, 2...`` in log order (a join, not a window function)."""
    events = events.sort("ix").with_row_index("row")
    first = events.group_by("party_id").agg(first=nw.col("row").min())
    return (
        events.join(first, on="party_id")
        .with_columns(k=nw.col("row") - nw.col("first") + 1)
        .drop("row", "first")
    )


def _passes(events: _Frame, nw: _Nw) -> int:
    """The number of passes: the highest rank ``k`` (0 when there are no events)."""
    if len(events) == 0:
        return 0
    return int(events.select(nw.col("k").max()).item())


def _running_agreements(events: _Frame, nw: _Nw) -> _Frame:
    """The agreements signed and not ended, one pass per rank of the ends (all parties at once)."""
    signed = events.filter(nw.col("kind") == _K.AGREEMENT_SIGNED.value).select(
        "party_id", "ix", "reference", "offering", ended=nw.lit(value=False)
    )
    ends = _ranked(events.filter(nw.col("kind") == _K.AGREEMENT_ENDED.value), nw)
    for k in range(1, _passes(ends, nw) + 1):
        end = ends.filter(nw.col("k") == k).select("party_id", e_ix="ix", e_ref="reference")
        candidates = (
            signed.filter(~nw.col("ended"))
            .join(end, on="party_id")
            .filter(nw.col("ix") < nw.col("e_ix"))
        )
        same = (
            candidates.filter((nw.col("e_ref") != "") & (nw.col("reference") == nw.col("e_ref")))
            .group_by("party_id")
            .agg(same=nw.col("ix").max())
        )
        last = candidates.group_by("party_id").agg(last=nw.col("ix").max())
        target = last.join(same, on="party_id", how="left").select(
            "party_id", ix=nw.coalesce("same", "last"), hit=nw.lit(value=True)
        )
        signed = (
            signed.join(target, on=["party_id", "ix"], how="left")
            .with_columns(ended=nw.col("ended") | nw.col("hit").fill_null(value=False))
            .drop("hit")
        )
    return signed.filter(~nw.col("ended"))


def _signal_columns(  # noqa: PLR0915 - one formula per signal, kept together
    normal: _Frame,
    engagements: _Frame | None,
    as_of: int,
    nw: _Nw,
) -> _Frame:
    """The signals per party from the normalized log (rows on or before ``as_of`` only).

    One lazy plan over the log, computed at the end; only the few rows whose order matters
    (refunds, agreements, the purchase lines a refund may cancel) are computed on the way.
    """
    party = "party_id"
    # ``line`` names each row; from here on, lazy plans over the rows kept. A log that ends by
    # ``as_of`` (the usual case) is kept whole without a copy.
    latest = normal.select(nw.col("day").max()).item() if len(normal) else None
    kept = (
        normal if latest is not None and latest <= as_of else normal.filter(nw.col("day") <= as_of)
    )
    log: Any = kept.with_row_index("line").lazy().drop("raw_amount")
    kind, reference = nw.col("kind"), nw.col("reference")
    refund_kinds = [kind_.value for kind_ in c.REFUND_KINDS]
    agreement_kinds = [_K.AGREEMENT_SIGNED.value, _K.AGREEMENT_ENDED.value]
    purchases = log.filter(kind == _K.PURCHASE.value)
    refunds = log.filter(kind.is_in(refund_kinds))
    # Parties with a refund naming one of their orders are matched pass by pass; the others
    # (all refunds matched by item, offering and amount) at once.
    # The refunds' references first (few): a purchase line naming none of them is passed over
    # before the join (a membership test is cheaper than a join's hash of every line).
    named_refs = refunds.filter(reference != "").select("party_id", "reference").unique().collect()
    named = (
        purchases.filter(reference.is_in(named_refs.get_column("reference").unique()))
        .select("party_id", "reference")
        .join(named_refs.lazy(), on=["party_id", "reference"], how="semi")
        .select("party_id")
        .unique()
        .collect()
    )
    # Only the events whose order matters are put in log order (``ix``): refunds, agreements,
    # the purchases a refund may cancel. Sorting the whole log would cost most of the time.
    group = ["party_id", "item", "offering", "units"]
    simple, sequential = _split(purchases, named)
    order = ["party_id", "day", "rank", "reference", "item", "offering", "units"]
    order += ["customized_rank", "collaborative_rank"]
    # The refunds' groups computed first (a small frame): the join then reads them as they are.
    refund_groups = refunds.select(group).unique().collect().lazy()
    events = [
        simple.join(refund_groups, on=group, how="semi"),
        sequential,
        refunds,
        log.filter(kind.is_in(agreement_kinds)),
    ]
    ordered = (
        nw.concat(events)
        .collect()
        .with_columns(**_ranks(nw))
        .sort(order)
        .with_row_index("ix")
        .with_columns(nw.col("ix").cast(nw.Int64))
    )
    ranked = _ranked(ordered.filter(kind.is_in(refund_kinds)), nw)
    refunds_simple, refunds_sequential = _split(ranked, named)
    simple, sequential = _split(ordered.filter(kind == _K.PURCHASE.value), named)
    sequential = sequential.with_columns(
        order=nw.when(reference != "")
        .then(reference)
        .otherwise(nw.concat_str(nw.lit("\x00"), nw.col("ix").cast(nw.String))),
        cancelled=nw.lit(value=False),
    )
    cancelled = nw.concat(
        [
            _match_unnamed(simple, refunds_simple, nw)
            .join(simple.select("party_id", "ix", "line"), on=["party_id", "ix"])
            .select("line"),
            _match_refunds(sequential, refunds_sequential, nw)
            .filter(nw.col("cancelled"))
            .select("line"),
        ]
    )
    lines = purchases.join(cancelled.lazy(), on="line", how="anti")
    running = _running_agreements(ordered, nw).lazy()

    trade = kind.is_in([_K.PURCHASE.value, *refund_kinds])
    other = ~trade
    work = other & kind.is_in([kind_.value for kind_ in c.WORK_KINDS])
    touch = other & kind.is_in([kind_.value for kind_ in c.TOUCHPOINT_KINDS])
    as_int = nw.Int64
    money = nw.when(trade).then(
        nw.when(kind == _K.PURCHASE.value).then(nw.col("units")).otherwise(-nw.col("units"))
    )
    offering = nw.col("offering")
    # A flag not recorded (null) leaves its row out of that share, as on the one-record path.
    collaborated = nw.col("collaborative").fill_null(value=False)
    customized = nw.col("customized").fill_null(value=False)
    known_collaboration = ~nw.col("collaborative").is_null()
    known_customization = ~nw.col("customized").is_null()
    # Everything that needs no matching, in one group-by over the whole log.
    whole = (
        log.with_columns(
            n_counted=(other & known_collaboration).cast(as_int),
            n_collaborative=(other & collaborated).cast(as_int),
            n_touch=touch.cast(as_int),
            n_work=(work & known_customization).cast(as_int),
            n_customized=(work & customized).cast(as_int),
            net_service=nw.when(offering == Offering.SERVICE.value).then(money).otherwise(0),
            net_professional=nw.when(offering == Offering.PROFESSIONAL.value)
            .then(money)
            .otherwise(0),
            net_product=nw.when(offering == Offering.PRODUCT.value).then(money).otherwise(0),
        )
        .group_by(party)
        .agg(
            nw.col("n_counted", "n_collaborative", "n_touch", "n_work", "n_customized").sum(),
            nw.col("net_service", "net_professional", "net_product").sum(),
            first_day=nw.col("day").min(),
        )
        .with_columns(
            net_service=nw.max_horizontal(nw.col("net_service"), nw.lit(0))
            + nw.max_horizontal(nw.col("net_professional"), nw.lit(0)),
            net_product=nw.max_horizontal(nw.col("net_product"), nw.lit(0)),
            logged=nw.lit(value=True),
        )
        .drop("net_professional")
    )
    retained = (
        lines.filter(
            (offering == Offering.PROFESSIONAL.value)
            & (nw.col("day") > as_of - c.RETAINER_WINDOW_DAYS)
        )
        .group_by(party)
        .agg(retainer_months=nw.col("month").n_unique())
        .with_columns(
            retainer_months=nw.min_horizontal(
                nw.col("retainer_months"), nw.lit(c.RETAINER_MAX_MONTHS)
            )
        )
    )
    bought = (
        lines.with_columns(
            l_counted=known_collaboration.cast(as_int),
            l_collaborative=collaborated.cast(as_int),
            l_work=known_customization.cast(as_int),
            l_customized=customized.cast(as_int),
            unnamed=(reference == "").cast(as_int),
        )
        .group_by(party)
        .agg(
            nw.col("l_counted", "l_collaborative", "l_work", "l_customized").sum(),
            occasions=nw.col("day").n_unique(),
            last_day=nw.col("day").max(),
            references=nw.col("reference").n_unique(),
            l_unnamed=nw.col("unnamed").sum(),
            l_any_unnamed=nw.col("unnamed").max(),
        )
        # Each purchase line without a reference is an order of its own.
        .select(
            party,
            "l_counted",
            "l_collaborative",
            "l_work",
            "l_customized",
            "occasions",
            "last_day",
            orders=nw.col("references") - nw.col("l_any_unnamed") + nw.col("l_unnamed"),
        )
    )
    agreed = (
        running.with_columns(
            a_active=(nw.col("offering") != Offering.PRODUCT.value).cast(as_int),
            a_running=nw.lit(1),
        )
        .group_by(party)
        .agg(nw.col("a_active").max(), nw.col("a_running").sum())
    )
    starts = engaged = None
    if engagements is not None:
        started = engagements.lazy().filter(nw.col("start") <= as_of).rename({"client_id": party})
        starts = started.group_by(party).agg(e_start=nw.col("start").min())
        active = started.filter(nw.col("end").is_null() | (nw.col("end") >= as_of))
        engaged = (
            active.with_columns(
                e_active=nw.lit(1),
                e_horizon=nw.when(nw.col("end").is_null())
                .then(c.OPEN_ENDED_HORIZON_DAYS)
                .otherwise(nw.col("end") - as_of),
            )
            .group_by(party)
            .agg(nw.col("e_active").sum(), nw.col("e_horizon").max())
        )
    parties = whole.select(party)
    if starts is not None:
        parties = nw.concat([parties, starts.select(party)]).unique(party)
    table = parties.join(whole, on=party, how="left")
    for part in (bought, retained, agreed, starts, engaged):
        if part is not None:
            table = table.join(part, on=party, how="left")
    if starts is None:
        table = table.with_columns(
            e_start=nw.col("first_day"), e_active=nw.lit(0), e_horizon=nw.lit(0)
        )
    zero = {
        name: nw.col(name).fill_null(0)
        for name in (
            "n_counted", "n_collaborative", "n_touch", "n_work", "n_customized",
            "l_counted", "l_collaborative", "l_work", "l_customized", "occasions", "orders",
            "retainer_months",
            "net_service", "net_product", "a_running", "e_active",
        )
    }  # fmt: skip
    table = table.with_columns(**zero)
    logged = nw.col("logged").fill_null(value=False)

    def known(expr: _Expr, dtype: object) -> _Expr:
        """The value for parties with interactions, unknown for engagement-only parties."""
        return nw.when(logged).then(expr).cast(dtype)

    def ratio(top: _Expr, bottom: _Expr) -> _Expr:
        return nw.when(bottom > 0).then(top.cast(nw.Float64) / bottom.cast(nw.Float64))

    tenure = as_of - nw.min_horizontal("first_day", "e_start")
    period = nw.max_horizontal(tenure, nw.lit(c.MIN_PERIOD_DAYS)).cast(nw.Float64)
    counted = nw.col("n_counted") + nw.col("l_counted")
    works = nw.col("n_work") + nw.col("l_work")
    total = nw.col("net_service") + nw.col("net_product")
    commitment = nw.max_horizontal(
        nw.when(nw.col("a_running") > 0).then(c.OPEN_ENDED_HORIZON_DAYS).otherwise(0),
        nw.col("e_horizon").fill_null(0),
    )
    purchases = nw.col("orders").cast(nw.Float64)
    values = {
        "collaborative_share": known(
            ratio(nw.col("n_collaborative") + nw.col("l_collaborative"), counted), nw.Float64
        ),
        "touchpoints_per_quarter": known(
            nw.col("n_touch").cast(nw.Float64) * c.DAYS_PER_QUARTER / period, nw.Float64
        ),
        "tenure_days": tenure.cast(as_int),
        "active_engagement": (
            (nw.col("a_active").fill_null(0) > 0) | (nw.col("e_active") > 0)
        ).cast(nw.Boolean),
        "repeat_rate": known(ratio(nw.col("occasions") - 1, nw.col("occasions")), nw.Float64),
        "retainer_months": known(nw.col("retainer_months"), as_int),
        "service_share": known(ratio(nw.col("net_service"), total), nw.Float64),
        "customization": known(
            ratio(nw.col("n_customized") + nw.col("l_customized"), works), nw.Float64
        ),
        "commitment_days": commitment.cast(as_int),
        "purchases": known(nw.col("orders"), as_int),
        "purchases_per_year": known(purchases * c.DAYS_PER_YEAR / period, nw.Float64),
        "recency_days": known(as_of - nw.col("last_day"), as_int),
        "spend": known(total.cast(nw.Float64) / _UNITS, nw.Float64),
    }
    assert tuple(values) == _CANONICAL  # noqa: S101 - one column per canonical signal
    # An integer party id (kept as such for speed) becomes its text only now, one per party.
    return table.select(nw.col(party).cast(nw.String), **values).sort(party).collect()


def signals_frame(
    log: Any,  # noqa: ANN401 - any dataframe narwhals supports
    *,
    as_of: dt.date,
    columns: LogColumns | None = None,
    engagements: Any = None,  # noqa: ANN401 - a dataframe or Engagements
) -> Any:  # noqa: ANN401 - the caller's own frame type
    """Derive the canonical signals of every party of an interaction-log dataframe.

    The frame-at-once twin of `signals_by_party`: each party's row holds exactly what
    `derive_signals` gives from that party's interactions (same formulas, see `SIGNALS`; unknown
    is null), computed with filters, joins and group-by aggregations, never a Python loop over
    rows. Returns and cancellations are matched to purchases as on the one-record path: at once
    by running sums, or one pass of joins per rank for the parties with a refund naming an order.
    Amounts are compared in millionths, as a float column cannot hold ``10.10`` exactly.

    The log's columns are those of `LogColumns` (``party_id, on, kind, item, offering, amount,
    customized, collaborative, reference``; ``columns`` maps other names). As in `read_log`,
    every column named must be in the frame (all missing ones are listed at once) or be stated
    absent with ``None``; a fact stated absent is not recorded (an absent ``customized`` column
    leaves ``customization`` unknown; no ``kind`` and no ``collaborative`` column leave
    ``collaborative_share`` unknown), and a null cell takes the default. Dates may be date,
    datetime or ISO text columns; a datetime with a time zone counts its day in UTC. Only
    parties with an interaction on or before ``as_of`` (or an engagement started by then) get a
    row, ordered by party id.

    Requires narwhals and the frame's library (``pip install clientcustomer[polars]``...).

    Args:
        log: The interaction log, as any frame narwhals supports (pandas, polars, DuckDB...).
        as_of: The date the signals describe.
        columns: Which column holds what; the library's own layout by default.
        engagements: The engagements, as a frame of ``client_id, start, end`` (end null when
            open-ended) or a sequence of `Engagement`; without them only agreements signed in the
            log make ``active_engagement`` and ``commitment_days``.

    A lazy input stays lazy and is never collected: a DuckDB relation gives a relation over
    the same connection, a PySpark DataFrame a DataFrame (no Spark job is run), both computed
    by the engine from the query `signals_sql` writes; a polars ``LazyFrame`` gives a
    ``LazyFrame`` computed by DuckDB when collected (polars' lazy engine has no recursive
    query; needs duckdb). Engagements then come as a frame of the same engine or as
    `Engagement` values. Column types are the engine's to check, a row with a blank party is
    skipped, and a bad value fails when the frame is computed (see `signals_sql`).

    Returns:
        A frame of the caller's kind (a lazy one of the same engine for a lazy input):
        ``party_id`` and one column per canonical signal, booleans as booleans, integers
        as integers, numbers as floats.

    Raises:
        ValidationError: When a column is missing or has the wrong type, a value is not allowed
            (an unknown kind, say), or ``as_of`` is not a date; the message names the column.
            Also for a lazy frame of an engine other than DuckDB, Spark or polars (it has no
            recursive query for the refund matching): collect it to compute it eagerly.

    Example:
        >>> import datetime as dt
        >>> import polars as pl
        >>> from clientcustomer import LogColumns, signals_frame
        >>> log = pl.DataFrame({
        ...     "party_id": ["ann", "ann", "ann", "acme"],
        ...     "on": [dt.date(2026, 1, 10), dt.date(2026, 3, 2), dt.date(2026, 3, 5),
        ...            dt.date(2026, 1, 5)],
        ...     "kind": ["purchase", "purchase", "return", "workshop"],
        ...     "amount": [40.0, 60.0, 60.0, None],
        ...     "reference": ["A1", "A2", "A2", None],
        ... })
        >>> absent = LogColumns().without("item", "offering", "customized", "collaborative")
        >>> signals = signals_frame(log, as_of=dt.date(2026, 4, 1), columns=absent)
        >>> signals.select("party_id", "purchases", "spend", "collaborative_share").rows()
        [('acme', 0, 0.0, 1.0), ('ann', 1, 40.0, 0.0)]
    """
    try:
        import narwhals as nw  # noqa: PLC0415 - an optional dependency, imported when used
    except ModuleNotFoundError:
        raise MissingDependencyError("signals_frame", "narwhals", "polars") from None

    v.a_date(as_of, "$.as_of")
    if columns is None:
        columns = LogColumns()
    if not isinstance(columns, LogColumns):
        raise _problem("columns", "a LogColumns", columns)
    wrapped = _wrap(
        log, "log", "a dataframe narwhals supports (pandas, polars, DuckDB, PySpark...)", nw
    )
    if isinstance(wrapped, nw.LazyFrame):
        return _lazy_signals(wrapped, as_of=as_of, columns=columns, engagements=engagements, nw=nw)
    eager = wrapped
    pandas_like = eager.implementation.is_pandas_like()
    if pandas_like or eager.implementation is nw.Implementation.PYARROW:
        # NumPy-backed pandas has no nullable integers: compute on Arrow, give Arrow-backed back.
        eager = _arrow(eager, nw)
    normal = _normalize(eager, columns, nw, integer_party=engagements is None)
    table = _signal_columns(
        normal, _engagement_frame(engagements, eager, nw), _epoch_day(as_of), nw
    )
    if pandas_like:
        import pandas as pd  # noqa: PLC0415 - the log is a pandas frame

        return table.to_arrow().to_pandas(types_mapper=pd.ArrowDtype)
    return table.to_native()


def _view_name() -> str:
    import uuid  # noqa: PLC0415 - only for lazy frames

    return "cc_signals_" + uuid.uuid4().hex


def _lazy_signals(  # noqa: C901 - one branch per engine
    wrapped: Any,  # noqa: ANN401 - a narwhals LazyFrame
    *,
    as_of: dt.date,
    columns: LogColumns,
    engagements: Any,  # noqa: ANN401 - a frame of the same engine or Engagements
    nw: _Nw,
) -> Any:  # noqa: ANN401 - a lazy frame of the input's kind
    """The signals of a lazy frame as a lazy frame of its kind, compiled to its engine's SQL."""
    from .sql import compile_signals  # noqa: PLC0415 - the SQL compiler, for lazy frames only

    names = list(wrapped.collect_schema())  # the schema only: no rows are read
    missing = missing_columns(columns, names)
    if missing is not None:
        raise missing
    native = wrapped.to_native()
    implementation = wrapped.implementation
    given: Any = None
    if isinstance(engagements, list | tuple):
        given = tuple(engagements)
    elif engagements is not None and not (
        isinstance(engagements, Iterable) and not hasattr(engagements, "columns")
    ):
        given = engagements
    elif engagements is not None:
        given = tuple(engagements)
    if implementation is nw.Implementation.PYSPARK:
        log_view, session = _view_name(), native.sparkSession
        native.createOrReplaceTempView(log_view)
        if given is not None and not isinstance(given, tuple):
            if not hasattr(given, "createOrReplaceTempView"):
                raise _problem("engagements", "a Spark DataFrame or Engagements", given)
            engagement_view = _view_name()
            given.createOrReplaceTempView(engagement_view)
            given = engagement_view
        query = compile_signals(
            log_view, as_of=as_of, columns=columns, engagements=given, dialect="spark"
        ).query()
        return session.sql(query)
    if implementation is nw.Implementation.DUCKDB:
        return _duckdb_signals(native, as_of=as_of, columns=columns, given=given)
    if implementation is nw.Implementation.POLARS:
        try:
            import duckdb  # noqa: PLC0415 - polars' lazy engine has no recursion: DuckDB runs it
        except ModuleNotFoundError:
            raise MissingDependencyError(
                "signals_frame on a polars LazyFrame", "duckdb", "duckdb"
            ) from None
        connection = duckdb.connect()
        connection.execute("SET TimeZone = 'UTC'")
        log_view = _view_name()
        connection.register(log_view, native)
        if given is not None and not isinstance(given, tuple):
            import polars as pl  # noqa: PLC0415 - the log is a polars frame

            if not isinstance(given, pl.LazyFrame | pl.DataFrame):
                raise _problem("engagements", "a polars frame or Engagements", given)
            engagement_view = _view_name()
            connection.register(engagement_view, given)
            given = engagement_view
        query = compile_signals(
            log_view, as_of=as_of, columns=columns, engagements=given, dialect="duckdb"
        ).query()
        return connection.sql(query).pl(lazy=True)
    name = str(implementation)
    raise ValidationError.single(
        "$.log",
        "a lazy frame of DuckDB, Spark or polars (collect it to compute it eagerly)",
        f"a lazy {name} frame: its engine has no recursive query for the refund matching",
    )


def _duckdb_signals(
    native: Any,  # noqa: ANN401 - a DuckDB relation
    *,
    as_of: dt.date,
    columns: LogColumns,
    given: Any,  # noqa: ANN401 - a relation, Engagements or None
) -> Any:  # noqa: ANN401 - a DuckDB relation
    """The signals of a DuckDB relation: a relation over the same connection, nothing run."""
    import duckdb  # noqa: PLC0415 - the log is a DuckDB relation

    from .sql import compile_signals  # noqa: PLC0415 - the SQL compiler, for lazy frames only

    if given is not None and not isinstance(given, tuple):
        if not isinstance(given, duckdb.DuckDBPyRelation):
            raise _problem("engagements", "a DuckDB relation or Engagements", given)
        engagement_view = _view_name()
        given.create_view(engagement_view)
        given = engagement_view
    log_view = _view_name()
    query = compile_signals(
        log_view, as_of=as_of, columns=columns, engagements=given, dialect="duckdb"
    ).query()
    return native.query(log_view, query)
