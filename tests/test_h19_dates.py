"""Issue 13, case 5: dates that make sense.

Rows dated after the as-of date never count; the default as-of date is not moved by outliers
(rows dated after today are bad rows, reported with their line); one default as-of rule is used
everywhere (the CLI and `signals_by_party`); timezone-aware datetimes are converted one way
(to UTC, then the calendar day).
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

import clientcustomer as cc
from clientcustomer.cli import main
from clientcustomer.exceptions import ValidationError

HEADER = "party_id,on,kind,item,offering,amount,customized,collaborative,reference\n"
LOG = (
    HEADER
    + "ann,2026-01-05,purchase,shirt,product,40,false,false,A1\n"
    + "bob,2205-01-17,purchase,shirt,product,40,false,false,B1\n"
    + "ann,2026-02-05,purchase,shoes,product,60,false,false,A2\n"
)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_a_row_after_today_is_a_bad_row_naming_its_line():
    """A row dated after today is a bad row, reported with its line."""
    with pytest.raises(ValidationError, match=r"line 3, column 'on'.*2205-01-17"):
        list(cc.read_log(io.StringIO(LOG)))
    log = cc.read_log(io.StringIO(LOG), on_error="skip")
    assert [i.party_id for i in log] == ["ann", "ann"]
    assert [row.line for row in log.rejects] == [3]
    assert "after today" in log.rejects[0].reason


def test_cli_does_not_move_the_as_of_date_for_everyone(tmp_path, capsys):
    """One far-future row stops the CLI (or is set aside) instead of moving the as-of date."""
    path = tmp_path / "log.csv"
    path.write_text(LOG, encoding="utf-8")
    status, _, err = _run(capsys, "classify", "--log", str(path))
    assert status == 2
    assert "line 3" in err
    status, out, _ = _run(
        capsys, "classify", "--log", str(path), "--on-error", "skip", "--format", "jsonl"
    )
    assert status == 0
    rows = [json.loads(line) for line in out.splitlines()]
    ann = next(row for row in rows if row["id"] == "ann")
    assert "long-standing" not in ann["rules"]  # 179 years of tenure before


def test_signals_by_party_default_as_of_ignores_rows_after_today():
    """signals_by_party(as_of=None) leaves rows after today out of the default."""
    log = [
        cc.Interaction("ann", dt.date(2026, 1, 5), "purchase"),
        cc.Interaction("bob", dt.date(2205, 1, 17), "purchase"),
    ]
    result = cc.signals_by_party(log, as_of=None)
    assert set(result) == {"ann"}
    assert result["ann"].tenure_days is not None
    assert result["ann"].tenure_days < 400


def test_one_default_as_of_rule_in_python_and_cli(tmp_path, capsys):
    """Python and the CLI read a log as of the same default date."""
    # 364 or 365 days of tenure, depending on the default as-of date: "long-standing" or not.
    text = HEADER + "ann,2025-01-05,purchase,shirt,product,40,false,false,A1\n"
    text += "ann,2026-01-04,purchase,shoes,product,60,false,false,A2\n"
    path = tmp_path / "log.csv"
    path.write_text(text, encoding="utf-8")
    python = cc.signals_by_party(cc.read_log(io.StringIO(text)), as_of=None)["ann"]
    status, out, _ = _run(capsys, "classify", "--log", str(path), "--format", "jsonl")
    assert status == 0
    cli = json.loads(out.splitlines()[0])
    assert cli["rules"] == list(cc.classify(python).fired)


def test_rows_after_the_as_of_date_never_count():
    """Rows dated after the as-of date change no signal."""
    as_of = dt.date(2026, 3, 1)
    before = [cc.Interaction("ann", dt.date(2026, 1, 5), "purchase", amount=10)]
    after = [*before, cc.Interaction("ann", dt.date(2026, 3, 2), "meeting")]
    assert cc.derive_signals(after, as_of=as_of) == cc.derive_signals(before, as_of=as_of)
    assert cc.signals_by_party(after, as_of=as_of) == cc.signals_by_party(before, as_of=as_of)


@pytest.mark.parametrize(
    ("stamp", "day"),
    [
        ("2026-01-01T23:30:00-05:00", dt.date(2026, 1, 2)),
        ("2026-01-02T01:00:00+02:00", dt.date(2026, 1, 1)),
        ("2026-01-02T01:00:00Z", dt.date(2026, 1, 2)),
        ("2026-01-02T01:00:00", dt.date(2026, 1, 2)),
    ],
)
def test_timezone_aware_datetimes_are_converted_to_utc(stamp, day):
    """A datetime with an offset counts its UTC day; one without is taken as written."""
    text = HEADER + f"ann,{stamp},purchase,shirt,product,40,false,false,A1\n"
    assert next(cc.read_log(io.StringIO(text))).on == day


def test_signals_frame_converts_timezone_aware_datetimes_to_utc():
    """signals_frame counts a time-zone-aware datetime's UTC day."""
    pl = pytest.importorskip("polars")
    pytest.importorskip("narwhals")
    stamp = dt.datetime(2026, 1, 1, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    frame = pl.DataFrame(
        {
            "party_id": ["ann"],
            "on": [stamp],
            "kind": ["purchase"],
            "amount": [40.0],
        }
    ).with_columns(pl.col("on").dt.convert_time_zone("America/New_York"))
    columns = cc.LogColumns(
        item=None, offering=None, customized=None, collaborative=None, reference=None
    )
    signals = cc.signals_frame(frame, as_of=dt.date(2026, 1, 2), columns=columns)
    assert signals.row(0, named=True)["recency_days"] == 0


def test_cli_reads_rows_up_to_a_later_as_of_date_given(tmp_path, capsys):
    """A what-if ``--as-of`` after today reads the rows up to it instead of refusing them."""
    later = dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=40)
    text = HEADER + "ann,2026-01-05,purchase,shirt,product,40,false,false,A1\n"
    text += f"ann,{later - dt.timedelta(days=10)},meeting,,service,,false,true,\n"
    path = tmp_path / "log.csv"
    path.write_text(text, encoding="utf-8")
    assert _run(capsys, "classify", "--log", str(path))[0] == 2
    status, out, _ = _run(
        capsys, "classify", "--log", str(path), "--as-of", str(later), "--format", "jsonl"
    )
    assert status == 0
    assert "collaborative" in json.loads(out.splitlines()[0])["rules"]
