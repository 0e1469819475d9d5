"""signals_frame: the frame-at-once signals equal derive_signals, party by party."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _support import engines
from clientcustomer import (
    SIGNALS,
    Classifier,
    Engagement,
    Interaction,
    LogColumns,
    classify_frame,
    derive_signals,
    signals_frame,
)
from clientcustomer.demo import demo_file
from clientcustomer.exceptions import ValidationError
from clientcustomer.testing import log_tables

pl, pd = engines("polars", "pandas", also=("narwhals",))

_SCHEMA = {
    "party_id": "String",
    "on": "Date",
    "kind": "String",
    "item": "String",
    "offering": "String",
    "amount": "Float64",
    "customized": "Boolean",
    "collaborative": "Boolean",
    "reference": "String",
}


_OPTIONAL = ("kind", "item", "offering", "amount", "customized", "collaborative", "reference")


def _only(*fields: str) -> LogColumns:
    """The default layout with every optional column but ``fields`` stated absent."""
    return LogColumns().without(*(field for field in _OPTIONAL if field not in fields))


def _polars(log: list[Interaction]) -> Any:
    rows = {
        "party_id": [i.party_id for i in log],
        "on": [i.on for i in log],
        "kind": [i.kind.value for i in log],
        "item": [i.item for i in log],
        "offering": [i.offering.value for i in log],
        "amount": [float(i.amount) for i in log],
        "customized": [i.customized for i in log],
        "collaborative": [i.collaborative for i in log],
        "reference": [i.reference for i in log],
    }
    return pl.DataFrame(rows, schema={k: getattr(pl, v) for k, v in _SCHEMA.items()})


def _rows(frame: Any) -> dict[str, dict[str, Any]]:
    if isinstance(frame, pd.DataFrame):
        frame = pl.from_pandas(frame)
    return {row["party_id"]: row for row in frame.to_dicts()}


def _same(expected: object, actual: object) -> bool:
    if expected is None:
        return actual is None or (isinstance(actual, float) and math.isnan(actual))
    if isinstance(expected, bool | int):
        return type(expected) is type(actual) and expected == actual
    assert isinstance(expected, float)
    return isinstance(actual, float) and math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-12)


def _check(
    log: list[Interaction], engagements: tuple[Engagement, ...] = (), *, as_of: dt.date
) -> None:
    parties = sorted(
        {i.party_id for i in log if i.on <= as_of}
        | {e.client_id for e in engagements if e.start <= as_of}
    )
    frame = _polars(log)
    for result in (
        signals_frame(frame, as_of=as_of, engagements=engagements or None),
        signals_frame(frame.to_pandas(), as_of=as_of, engagements=engagements or None),
    ):
        rows = _rows(result)
        assert parties == sorted(rows)
        for party in parties:
            expected = derive_signals(log, engagements, as_of=as_of, party_id=party)
            for name in SIGNALS:
                want, got = getattr(expected, name), rows[party][name]
                assert _same(want, got), (party, name, want, got)


_DATES = st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1))


def _batches() -> st.SearchStrategy[tuple[list[Interaction], tuple[Engagement, ...]]]:
    """Up to four independent logs of parties ``p``/``q`` (renamed ``p0``, ``q1``...) in one
    frame, each with or without engagements (also of a party ``z`` with no interactions)."""
    return log_tables(max_batches=4, max_size=10).map(
        lambda table: (list(table.interactions), table.engagements)
    )


@settings(max_examples=25, deadline=None)
@given(batch=_batches(), as_of=_DATES)
def test_signals_frame_equals_derive_signals(
    batch: tuple[list[Interaction], tuple[Engagement, ...]], as_of: dt.date
) -> None:
    _check(*batch, as_of=as_of)


@settings(max_examples=25, deadline=None)
@given(batch=_batches(), as_of=_DATES, numbers=st.permutations([2, 9, 10, 100, 31, 4000]))
def test_integer_party_ids_give_the_text_ids_result(
    batch: tuple[list[Interaction], tuple[Engagement, ...]],
    as_of: dt.date,
    numbers: list[int],
) -> None:
    """An integer party column (grouped as integers) gives what its text gives, in text order."""
    log, _ = batch
    ids = sorted({i.party_id for i in log})
    number = dict(zip(ids, numbers * (len(ids) // len(numbers) + 1), strict=False))
    number = {party: value + 10_000 * index for index, (party, value) in enumerate(number.items())}
    text = _polars([attrs.evolve(i, party_id=str(number[i.party_id])) for i in log])
    integers = text.with_columns(pl.col("party_id").cast(pl.Int64))
    expected = signals_frame(text, as_of=as_of)
    for frame in (integers, integers.to_pandas()):
        got = signals_frame(frame, as_of=as_of)
        if isinstance(got, pd.DataFrame):
            got = pl.from_pandas(got)
        assert got.schema == expected.schema
        # Floats to 1e-12: polars may divide a text-keyed plan's total by multiplying.
        for want, have in zip(expected.rows(), got.rows(), strict=True):
            assert all(
                a == b or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12))
                for a, b in zip(want, have, strict=True)
            ), (want, have)
    assert expected["party_id"].to_list() == sorted(expected["party_id"].to_list())


@pytest.mark.parametrize("length", [None, 0, 30])
def test_empty_log_with_engagements_only(length: int | None) -> None:
    start = dt.date(2024, 1, 1)
    end = None if length is None else start + dt.timedelta(days=length)
    engagements = (
        Engagement("e1", "p", "Work", start=start, end=end),
        Engagement("e2", "z", "Other", start=dt.date(2025, 1, 1)),
    )
    _check([], engagements, as_of=dt.date(2024, 1, 20))


def _hand_made() -> list[Interaction]:
    day = dt.date

    def purchase(on: dt.date, item: str, amount: str, reference: str = "") -> Interaction:
        return Interaction(
            "ann", on, "purchase", item=item, amount=Decimal(amount), reference=reference
        )

    return [
        purchase(day(2025, 1, 2), "mug", "10.10", "A1"),
        purchase(day(2025, 1, 2), "tea", "5.20", "A1"),
        purchase(day(2025, 2, 1), "mug", "10.10"),
        purchase(day(2025, 3, 1), "mug", "10.10"),
        purchase(day(2025, 4, 1), "tea", "0.30", "B7"),
        Interaction("ann", day(2025, 3, 5), "return", item="mug", amount=Decimal("10.10")),
        Interaction("ann", day(2025, 3, 6), "return", item="mug", amount=Decimal("10.10")),
        Interaction("ann", day(2025, 1, 9), "return", amount=Decimal("0.1"), reference="A1"),
        Interaction(
            "ann", day(2025, 1, 10), "cancellation", amount=Decimal("15.2"), reference="A1"
        ),
        Interaction("ann", day(2025, 4, 2), "cancellation", reference="B7"),
        Interaction("ann", day(2025, 5, 1), "agreement_signed", offering="service", reference="S1"),
        Interaction("ann", day(2025, 5, 2), "agreement_signed", offering="product"),
        Interaction("ann", day(2025, 6, 1), "agreement_ended", reference="S1"),
        Interaction("ann", day(2025, 6, 2), "workshop", offering="service", customized=True),
    ]


@pytest.mark.parametrize("as_of", [dt.date(2025, 1, 9), dt.date(2025, 3, 5), dt.date(2026, 1, 1)])
def test_hand_made_log_with_returns_and_cancellations(as_of: dt.date) -> None:
    _check(_hand_made(), as_of=as_of)


def test_hand_made_values() -> None:
    rows = _rows(signals_frame(_polars(_hand_made()), as_of=dt.date(2026, 1, 1)))
    assert 0 == rows["ann"]["purchases"]
    assert rows["ann"]["active_engagement"] is False
    assert 365 == rows["ann"]["commitment_days"]


def test_demo_log_end_to_end_roles() -> None:
    from clientcustomer.demo import DEMO_AS_OF, demo_engagements, demo_log  # noqa: PLC0415

    with demo_file("interactions").open("rb") as handle:
        frame = pl.read_csv(handle)
    engagements = tuple(demo_engagements())
    signals = signals_frame(frame, as_of=DEMO_AS_OF, engagements=engagements)
    roles = dict(classify_frame(signals).select("party_id", "role").rows())
    log = list(demo_log())
    classifier = Classifier()
    expected = {
        party: classifier.classify(
            derive_signals(log, engagements, as_of=DEMO_AS_OF, party_id=party)
        ).role.value
        for party in sorted({i.party_id for i in log if i.on <= DEMO_AS_OF})
    }
    assert expected == roles


def test_lazy_and_mapped_columns() -> None:
    log = [
        Interaction("7", dt.date(2025, 1, 2), "purchase", amount=Decimal(3)),
        Interaction("7", dt.date(2025, 1, 5), "meeting"),
    ]
    frame = _polars(log).rename({"party_id": "who", "on": "day"})
    columns = LogColumns(party="who", date="day")
    result = signals_frame(frame.lazy(), as_of=dt.date(2025, 2, 1), columns=columns)
    assert isinstance(result, pl.LazyFrame)
    assert [("7", 1, 3.0)] == result.select("party_id", "purchases", "spend").collect().rows()


def test_text_dates_and_engagement_frame() -> None:
    frame = pl.DataFrame({"party_id": ["a"], "on": ["2025-01-02"], "kind": ["meeting"]})
    engagements = pl.DataFrame(
        {"client_id": ["a"], "start": [dt.date(2025, 1, 1)], "end": [None]},
        schema={"client_id": pl.String, "start": pl.Date, "end": pl.Date},
    )
    row = signals_frame(
        frame, as_of=dt.date(2025, 2, 1), engagements=engagements, columns=_only("kind")
    ).row(0, named=True)
    assert (True, 365, 31) == (row["active_engagement"], row["commitment_days"], row["tenure_days"])


@pytest.mark.parametrize("time_zone", [None, "UTC", "Asia/Tokyo"])
def test_datetime_columns_count_the_calendar_day(time_zone: str | None) -> None:
    """A datetime's day is its calendar day (late evening, before 1970, in a time zone alike).

    A datetime with a time zone counts its day in UTC, as `read_log` does with an offset.
    """
    days = [dt.date(1969, 12, 31), dt.date(1969, 12, 31), dt.date(2011, 6, 10)]
    times = [dt.time(23, 59), dt.time(10, 1), dt.time(10, 26)]
    dates = pl.DataFrame({"party_id": ["a", "a", "b"], "on": days, "kind": ["purchase"] * 3})
    stamps = dates.with_columns(
        on=pl.Series([dt.datetime.combine(d, t) for d, t in zip(days, times, strict=True)])
    )
    columns = _only("kind")
    if time_zone is not None:
        stamps = stamps.with_columns(pl.col("on").dt.replace_time_zone(time_zone))
    if time_zone == "Asia/Tokyo":  # 9 hours ahead of UTC: 23:59 is 14:59 UTC the same day
        dates = dates.with_columns(
            on=pl.Series([dt.date(1969, 12, 31), dt.date(1969, 12, 31), dt.date(2011, 6, 10)])
        )
    as_of = dt.date(2011, 12, 9)
    expected = signals_frame(dates, as_of=as_of, columns=columns).rows()
    assert expected == signals_frame(stamps, as_of=as_of, columns=columns).rows()
    assert (
        expected
        == pl.from_pandas(signals_frame(stamps.to_pandas(), as_of=as_of, columns=columns)).rows()
    )
    tenure = [row[3] for row in expected]
    assert [(as_of - days[0]).days, (as_of - days[2]).days] == tenure


def test_datetime_columns_with_a_time_zone_count_the_utc_day() -> None:
    """01:30 in Tokyo on 2025-01-02 is 16:30 UTC on 2025-01-01: that is its day."""
    stamp = dt.datetime(2025, 1, 2, 1, 30)  # noqa: DTZ001 - the zone is set below
    frame = pl.DataFrame({"party_id": ["a"], "on": [stamp], "kind": ["purchase"]}).with_columns(
        pl.col("on").dt.replace_time_zone("Asia/Tokyo")
    )
    row = signals_frame(frame, as_of=dt.date(2025, 1, 2), columns=_only("kind")).row(0, named=True)
    assert row["tenure_days"] == 1


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ({"party_id": ["a"]}, "$.columns.date: expected a column named 'on'"),
        ({"party_id": ["a"], "on": [1]}, "$.on: expected a date, datetime or ISO date text"),
        (
            {"party_id": ["a"], "on": [dt.date(2025, 1, 1)], "amount": ["x"]},
            "$.amount: expected a numeric column",
        ),
        (
            {"party_id": ["a"], "on": [dt.date(2025, 1, 1)], "kind": ["buy"]},
            "$.kind: expected one of 'purchase'",
        ),
        (
            {"party_id": ["a", " \t"], "on": [dt.date(2025, 1, 1)] * 2},
            "$.party_id: expected a party id on every row",
        ),
        (
            {"party_id": pl.Series([7, None], dtype=pl.Int64), "on": [dt.date(2025, 1, 1)] * 2},
            "$.party_id: expected a party id on every row",
        ),
    ],
)
def test_bad_input_names_the_column(frame: dict[str, list[Any]], message: str) -> None:
    columns = _only(*frame)
    with pytest.raises(ValidationError) as error:
        signals_frame(pl.DataFrame(frame), as_of=dt.date(2025, 2, 1), columns=columns)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"log": [1, 2]}, "$.log: expected a dataframe"),
        ({"log": pl.Series([1])}, "$.log: expected a dataframe"),
        ({"as_of": "2025-01-01"}, "$.as_of: expected a date"),
        ({"columns": "x"}, "$.columns: expected a LogColumns"),
        ({"engagements": [1]}, "$.engagements[0]: expected an Engagement"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {
        "log": pl.DataFrame({"party_id": ["a"], "on": [dt.date(2025, 1, 1)]}),
        "as_of": dt.date(2025, 2, 1),
        "columns": _only(),
    }
    arguments.update(kwargs)
    with pytest.raises(ValidationError) as error:
        signals_frame(**arguments)
    assert str(error.value).startswith(message)


def _compare(
    result: Any,
    log: list[Interaction],
    engagements: tuple[Engagement, ...] = (),
    *,
    as_of: dt.date,
) -> None:
    rows = _rows(result)
    for party in rows:
        expected = derive_signals(log, engagements, as_of=as_of, party_id=party)
        for name in SIGNALS:
            want, got = getattr(expected, name), rows[party][name]
            assert _same(want, got), (party, name, want, got)


def test_quantity_unit_price_and_cancellation_prefix_without_kind() -> None:
    frame = pl.DataFrame(
        {
            "party_id": ["a", "a", "a"],
            "on": [dt.date(2025, 1, 2), dt.date(2025, 1, 9), dt.date(2025, 2, 1)],
            "qty": [2, -1, 1],
            "price": [5.0, 5.0, 1.0],
            "reference": ["A1", None, "C-1"],
        }
    )
    columns = attrs.evolve(
        _only("reference"), quantity="qty", unit_price="price", cancellation_prefix="C-"
    )
    unrecorded: dict[str, Any] = {"customized": None, "collaborative": None}  # no such columns
    log = [
        Interaction(
            "a", dt.date(2025, 1, 2), "purchase", amount=Decimal(10), reference="A1", **unrecorded
        ),
        Interaction("a", dt.date(2025, 1, 9), "return", amount=Decimal(5), **unrecorded),
        Interaction(
            "a",
            dt.date(2025, 2, 1),
            "cancellation",
            amount=Decimal(1),
            reference="C-1",
            **unrecorded,
        ),
    ]
    as_of = dt.date(2025, 3, 1)
    result = signals_frame(frame, as_of=as_of, columns=columns)
    assert 4.0 == _rows(result)["a"]["spend"]
    _compare(result, log, as_of=as_of)


def test_engagement_frames_of_another_library() -> None:
    log = [Interaction("a", dt.date(2025, 1, 2), "meeting")]
    engagements = (
        Engagement("e1", "a", "Work", start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 1)),
        Engagement("e2", "b", "Work", start=dt.date(2024, 6, 1)),
    )
    text = pd.DataFrame(
        {
            "client_id": ["a", "b"],
            "start": ["2025-01-01", "2024-06-01"],
            "end": ["2025-03-01", None],
        }
    )
    as_of = dt.date(2025, 2, 1)
    for frame, table in (
        (_polars(log), text),
        (_polars(log).to_pandas(), pl.from_pandas(text).lazy()),
        (_polars(log).to_arrow(), text),
    ):
        result = signals_frame(frame, as_of=as_of, engagements=table)
        if not isinstance(result, pd.DataFrame | pl.DataFrame):
            result = pl.from_arrow(result)
        assert ["a", "b"] == sorted(_rows(result))
        _compare(result, log, engagements, as_of=as_of)


@pytest.mark.parametrize(
    ("engagements", "message"),
    [
        (5, "$.engagements: expected a dataframe of (client_id, start, end)"),
        (
            {"client_id": ["a"], "start": [dt.date(2025, 1, 1)]},
            "$.engagements.end: expected a column",
        ),
        (
            {"client_id": [1], "start": [dt.date(2025, 1, 1)], "end": [None]},
            "$.engagements.client_id: expected a text column",
        ),
        (
            {"client_id": ["a"], "start": [1], "end": [None]},
            "$.engagements.start: expected a date column",
        ),
    ],
)
def test_bad_engagements(engagements: object, message: str) -> None:
    table = pl.DataFrame(engagements) if isinstance(engagements, dict) else engagements
    log = pl.DataFrame({"party_id": ["a"], "on": [dt.date(2025, 1, 1)]})
    with pytest.raises(ValidationError) as error:
        signals_frame(log, as_of=dt.date(2025, 2, 1), engagements=table, columns=_only())
    assert str(error.value).startswith(message)
