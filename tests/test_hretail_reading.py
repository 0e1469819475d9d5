"""read_log's quick reading gives exactly what the csv module and the full check of a row give.

A plain line is split at the delimiter instead of going through the csv module, and a row whose
values were seen before is read from caches (a new date, amount or quantity-price pair is parsed
on the spot); both must give the same rows, counts, rejects and errors as reading every row with
the csv module and checking it in full.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from clientcustomer import LogColumns, ValidationError
from clientcustomer.signals.logs import LogReader
from clientcustomer.testing._csv import _csv_log_texts

COLUMNS = LogColumns().without("offering", "customized", "collaborative", "reference")
TODAY = dt.date(2026, 6, 1)
LAYOUTS = (
    COLUMNS,
    COLUMNS.without("kind"),  # a billing export: a negative amount is a return
    attrs.evolve(COLUMNS.without("kind"), reference="item", cancellation_prefix="s"),
)


class _FullCheck(LogReader):
    """The reference: the csv module reads every row, and every row gets the full check."""

    _split_plain_lines = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan = self._plan
        plan.fast_row = lambda: plan.row  # type: ignore[method-assign]


def _read(
    kind: type[LogReader], text: str, newline: str | None, columns: LogColumns, **options: Any
) -> Any:
    stream = io.StringIO(text, newline=newline)
    try:
        reader = kind(stream, columns, today=TODAY, **options)
        rows = list(reader.tuples())
    except ValidationError as error:
        return ("error", str(error))
    rejects = [(r.line, r.values, r.reason) for r in reader.rejects]
    return rows, reader.rows, reader.skipped_blank_party, rejects


@settings(max_examples=300, deadline=None)
@given(
    drawn=_csv_log_texts(),
    newline=st.sampled_from(("", None, "\n", "\r")),
    on_error=st.sampled_from(("skip", "raise")),
    columns=st.sampled_from(LAYOUTS),
)
@example(  # an amount seen before, negative: a return of its size
    drawn=("party_id,on,kind,item,amount\n" + "ann,2026-01-05,,shirt,-10.10\n" * 3, ","),
    newline="",
    on_error="raise",
    columns=COLUMNS.without("kind"),
)
def test_quick_reading_is_the_csv_module_and_the_full_check(
    drawn: tuple[str, str], newline: str | None, on_error: str, columns: LogColumns
) -> None:
    text, delimiter = drawn
    options = {"delimiter": delimiter, "on_error": on_error}
    assert _read(LogReader, text, newline, columns, **options) == _read(
        _FullCheck, text, newline, columns, **options
    )


@pytest.mark.parametrize("newline", ["", None])
def test_a_quoted_field_over_two_lines_keeps_the_line_numbers(newline: str | None) -> None:
    text = (
        "party_id,on,kind,item,amount\n"
        'ann,2026-01-05,purchase,"two\nlines",10.10\n'
        "ann,2026-01-06,purchase,shirt,six\n"
    )
    reader = LogReader(io.StringIO(text, newline=newline), COLUMNS, today=TODAY, on_error="skip")
    rows = list(reader.tuples())
    assert [row[3] for row in rows] == ["two\nlines"]
    assert [reject.line for reject in reader.rejects] == [4]


def test_one_amount_object_per_value_with_its_sign() -> None:
    """A repeated quantity-price pair is one Decimal; a negative one is a return of its size."""
    text = (
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "1,A,x,6,2011-01-01 08:00:00,2.55,1.0,UK\n"
        "2,A,x,6,2011-01-02 08:00:00,2.55,1.0,UK\n"
        "2,B,x,6,2011-01-02 08:00:00,2.55,1.0,UK\n"
        "3,A,x,-6,2011-01-03 08:00:00,2.55,1.0,UK\n"
        "C4,A,x,-6,2011-01-03 08:00:00,2.55,1.0,UK\n"
    )
    rows = list(LogReader(io.StringIO(text), LogColumns.online_retail(), today=TODAY).tuples())
    assert [(row[2].value, row[5]) for row in rows] == [
        ("purchase", Decimal("15.30")),
        ("purchase", Decimal("15.30")),
        ("purchase", Decimal("15.30")),
        ("return", Decimal("15.30")),
        ("cancellation", Decimal("15.30")),
    ]
    assert rows[1][5] is rows[2][5]
