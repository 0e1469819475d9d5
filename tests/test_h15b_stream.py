"""Signals that stream (issue 15): one accumulator per party gives exactly `derive_signals`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientcustomer import (
    Engagement,
    Interaction,
    LogColumns,
    SignalAccumulator,
    ValidationError,
    accumulate,
    classify,
    derive_signals,
    read_log,
    replay,
    signals_by_party,
    timeline,
    to_json,
)
from clientcustomer.cli.main import main
from clientcustomer.testing import streamed_logs

_DAYS = (st.integers(0, 12) | st.integers(0, 560)).map(
    lambda days: dt.date(2025, 1, 1) + dt.timedelta(days=days)
)


@settings(max_examples=300, deadline=None)
@given(streamed_logs(), _DAYS)
def test_accumulated_signals_are_derived_signals(drawn, as_of):
    """Folded in one row at a time, in any order, each party's signals are derive_signals'."""
    log, engagements = drawn
    parties = accumulate(log, engagements, as_of=as_of)
    for party in {i.party_id for i in log} | {e.client_id for e in engagements}:
        expected = derive_signals(log, engagements, as_of=as_of, party_id=party)
        if party in parties:
            assert parties[party].signals(as_of) == expected
        else:
            assert expected.tenure_days is None  # nothing on or before as_of


@settings(max_examples=200, deadline=None)
@given(streamed_logs(parties=("p",)), st.lists(_DAYS, min_size=1, max_size=6))
def test_checkpoints_in_date_order_are_derived_signals(drawn, days):
    """Asked again after adding the days in between (a timeline), it still agrees."""
    log, engagements = drawn
    accumulator = SignalAccumulator("p")
    for engagement in engagements:
        if engagement.client_id == "p":
            accumulator.add_engagement(engagement)
    pending = sorted(log, key=lambda item: item.on)
    for day in sorted(days):
        while pending and pending[0].on <= day:
            accumulator.add(pending.pop(0))
        assert accumulator.signals(day) == derive_signals(log, engagements, as_of=day, party_id="p")


@settings(max_examples=100, deadline=None)
@given(streamed_logs())
def test_signals_by_party_is_derive_per_party(drawn):
    """signals_by_party (now on the accumulators) equals derive_signals party by party."""
    log, engagements = drawn
    today = dt.date(2026, 12, 31)
    found = signals_by_party(log, as_of=today, engagements=engagements)
    for party, signals in found.items():
        assert signals == derive_signals(log, engagements, as_of=today, party_id=party)


_HEADER = ("party_id", "on", "kind", "item", "offering", "amount", "customized", "collaborative",
           "reference")  # fmt: skip


def _csv(log: list[Interaction]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_HEADER)
    for i in log:
        flags = [
            "" if flag is None else str(flag).lower() for flag in (i.customized, i.collaborative)
        ]
        writer.writerow(
            [i.party_id, i.on.isoformat(), i.kind.value, i.item, i.offering.value, i.amount, *flags,
             i.reference]
        )  # fmt: skip
    return out.getvalue()


@settings(max_examples=100, deadline=None)
@given(streamed_logs(), st.booleans())
def test_rows_folded_straight_from_the_reader_agree(drawn, billing):
    """A LogReader folded without Interactions gives what its Interactions give."""
    log, _ = drawn
    text = _csv(log)
    columns = LogColumns(professional=("audit",))
    if billing:
        columns = columns.without("customized", "collaborative")
    today = dt.date(2026, 12, 31)
    with read_log(io.StringIO(text), columns, today=today) as reader:
        interactions = list(reader)
    with read_log(io.StringIO(text), columns, today=today) as reader:
        parties = accumulate(reader, as_of=today)
    assert set(parties) == {i.party_id for i in interactions}
    for party, accumulator in parties.items():
        assert accumulator.signals(today) == derive_signals(
            interactions, as_of=today, party_id=party
        )
    with read_log(io.StringIO(text), columns, today=today) as reader:
        assert [row[0] for row in reader.tuples()] == [i.party_id for i in interactions]


def test_a_return_undoes_the_purchase_it_names():
    """The refund matching of derive_signals: by order reference, and by item and amount."""
    ann = SignalAccumulator("ann")
    ann.add(Interaction("ann", dt.date(2026, 1, 5), "purchase", item="tea", amount=Decimal(5),
                        reference="536365"))  # fmt: skip
    ann.add(Interaction("ann", dt.date(2026, 1, 6), "purchase", item="mug", amount=Decimal(9)))
    ann.add(Interaction("ann", dt.date(2026, 2, 1), "cancellation", reference="536365"))
    ann.add(Interaction("ann", dt.date(2026, 2, 2), "return", item="mug", amount=Decimal(9)))
    signals = ann.signals(dt.date(2026, 3, 1))
    assert (signals.purchases, signals.recency_days, signals.repeat_rate) == (0, None, None)
    assert signals.spend == 5.0  # a cancellation of 0 cancels the order, refunds nothing


def test_orders_are_counted_by_reference_whatever_its_form():
    """A whole-number reference and its text look-alikes ("007", "7") stay distinct orders."""
    ann = SignalAccumulator("ann")
    for reference in ("7", "007", "7", "", "", "I1"):
        ann.add(Interaction("ann", dt.date(2026, 1, 5), "purchase", reference=reference))
    assert ann.signals(dt.date(2026, 1, 6)).purchases == 5  # 7, 007, two unreferenced, I1


def test_bad_input_is_named():
    """Wrong party, wrong type, an as-of date before what was added: the library's errors."""
    with pytest.raises(ValidationError, match=r"\$\.party_id"):
        SignalAccumulator("")
    ann = SignalAccumulator("ann")
    with pytest.raises(ValidationError, match=r"\$\.interaction\.party_id"):
        ann.add(Interaction("bob", dt.date(2026, 1, 5), "meeting"))
    with pytest.raises(ValidationError, match=r"\$\.interaction: expected an Interaction"):
        ann.add("meeting")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"\$\.engagement\.client_id"):
        ann.add_engagement(Engagement("e", "bob", "Work", start=dt.date(2026, 1, 1)))
    ann.add(Interaction("ann", dt.date(2026, 1, 5), "meeting"))
    with pytest.raises(ValidationError, match=r"\$\.as_of: expected a date on or after"):
        ann.signals(dt.date(2026, 1, 4))
    with pytest.raises(ValidationError, match=r"\$\.interactions\[1\]"):
        accumulate([Interaction("ann", dt.date(2026, 1, 5), "meeting"), "x"])  # type: ignore[list-item]


def _same(log: list[Interaction], as_of: dt.date) -> None:
    assert accumulate(log, as_of=as_of)["p"].signals(as_of) == derive_signals(log, as_of=as_of)


def test_partial_refunds_of_one_order_add_up():
    """Refunds of one order add up: it is cancelled once they cover what it cost, not before."""
    day = dt.date(2025, 1, 1)
    log = [
        Interaction("p", day, "purchase", item="mug", amount=Decimal(10), reference="7"),
        Interaction("p", day, "purchase", item="tea", amount=Decimal(10), reference="7"),
        Interaction("p", day + dt.timedelta(days=3), "return", amount=Decimal(10), reference="7"),
        Interaction(
            "p", day + dt.timedelta(days=4), "return", amount=Decimal("9.5"), reference="7"
        ),
        Interaction(
            "p", day + dt.timedelta(days=6), "return", amount=Decimal("0.5"), reference="7"
        ),
    ]
    _same(log, day + dt.timedelta(days=3))  # one refund: the order still counts
    _same(log, day + dt.timedelta(days=5))  # 19.50 of 20 refunded: it still counts
    as_of = day + dt.timedelta(days=5)
    assert accumulate(log, as_of=as_of)["p"].signals(as_of).purchases == 1
    _same(log, day + dt.timedelta(days=9))  # all of it: cancelled in full
    assert accumulate(log)["p"].signals(day + dt.timedelta(days=9)).purchases == 0


def test_a_return_undoes_the_latest_earlier_line_in_derive_order():
    """Lines of one item read out of order: the return undoes the latest one on or before it."""
    day = dt.date(2025, 1, 1)
    later, earlier = day + dt.timedelta(days=5), day + dt.timedelta(days=1)
    log = [
        Interaction("p", later, "purchase", item="mug", amount=Decimal(10), collaborative=True),
        Interaction("p", earlier, "purchase", item="mug", amount=Decimal(10), reference="I2"),
        Interaction("p", day, "purchase", item="mug", amount=Decimal(10), reference="I1"),
        Interaction("p", later, "purchase", item="mug", amount=Decimal(10), collaborative=False),
        Interaction("p", later + dt.timedelta(days=1), "return", item="mug", amount=Decimal(10)),
        Interaction("p", earlier, "return", item="mug", amount=Decimal("10.0")),
    ]
    _same(log, later + dt.timedelta(days=2))
    assert accumulate(log)["p"].signals(later + dt.timedelta(days=2)).collaborative_share == 0


@settings(max_examples=60, deadline=None)
@given(streamed_logs(max_size=16), st.sampled_from((7, 30)))
def test_timeline_checkpoints_are_derived_signals(drawn, every_days):
    """The timeline's accumulator, fed day by day, gives derive_signals at every checkpoint
    and behind every stage change's evidence (nothing is derived again from the start)."""
    log, engagements = drawn
    lines = timeline(log, engagements, every_days=every_days)
    assert lines == tuple(replay(log, engagements, every_days=every_days))
    for line in lines:
        given = [e for e in engagements if e.client_id == line.party_id]
        for point in line.scores:
            assert point.signals == derive_signals(
                log, given, as_of=point.on, party_id=line.party_id
            )
        for change in line.changes:
            if change.classification is not None:
                signals = derive_signals(log, given, as_of=change.on, party_id=line.party_id)
                assert change.classification == classify(signals).summary()


def test_replay_reads_a_log_reader_without_interactions():
    """A LogReader given to the timeline is read row by row, as its Interactions would be."""
    text = (
        "party_id,on,kind,item,offering,amount,customized,collaborative,reference\n"
        "ann,2026-01-05,purchase,mug,product,9,,,1\n"
        "ann,2026-02-05,agreement_signed,Retainer,service,0,,,R1\n"
        "ann,2026-02-09,workshop,,service,0,true,,\n"
        "bob,2026-01-07,purchase,tea,product,4,,,2\n"
    )
    today = dt.date(2026, 12, 1)
    with read_log(io.StringIO(text), today=today) as reader:
        streamed = timeline(reader)
    with read_log(io.StringIO(text), today=today) as reader:
        assert streamed == timeline(list(reader))
    assert [line.became_client() for line in streamed] == [dt.date(2026, 2, 9), None]


@settings(max_examples=25, deadline=None)
@given(streamed_logs(parties=("p", "q", "r")), st.booleans())
def test_cli_classify_log_gives_derive_signals_verdicts(tmp_path_factory, drawn, explicit):
    """classify --log (accumulators, no Interaction kept) writes, party by party in order of
    first appearance, the verdict of derive_signals on that party's rows and engagements."""
    log, engagements = drawn
    folder = tmp_path_factory.mktemp("log")
    path = folder / "log.csv"
    path.write_text(_csv(log), encoding="utf-8")
    argv = ["classify", "--log", str(path), "--format", "jsonl", "--output", str(folder / "o")]
    if engagements:
        lines = (to_json(e).replace("\n", " ") for e in engagements)
        (folder / "e.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        argv += ["--engagements", str(folder / "e.jsonl")]
    as_of = dt.date(2025, 6, 1) if explicit else None
    if as_of is not None:
        argv += ["--as-of", as_of.isoformat()]
    assert main(argv) == 0
    written = [json.loads(line) for line in (folder / "o").read_text().splitlines()]
    with read_log(path, today=dt.date(2026, 12, 4)) as reader:
        rows = list(reader)
    if as_of is None:
        latest = [i.on for i in rows] or [e.start for e in engagements]
        as_of = max(latest) + dt.timedelta(days=1) if latest else None
    order = list(dict.fromkeys([i.party_id for i in rows] + [e.client_id for e in engagements]))
    expected = []
    for party in order:
        mine = [e for e in engagements if e.client_id == party]
        if as_of is None or not (
            any(i.on <= as_of for i in rows if i.party_id == party)
            or any(e.start <= as_of for e in mine)
        ):
            continue
        verdict = classify(derive_signals(rows, mine, as_of=as_of, party_id=party))
        expected.append((party, verdict.role.value, verdict.score, verdict.decided_by))
    assert [(w["id"], w["role"], w["score"], w["decided_by"]) for w in written] == expected
