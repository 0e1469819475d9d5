"""The timeline's fast paths give exactly what the plain paths give.

* the default classifier's compiled decision, one summary per distinct verdict, against
  `default_classify`;
* ``replay(keep_scores=N)``: the same stage changes, the last N scores of the full series;
* the default engine's single decision per try (`Lifecycle._allowed`) against `can` and `fire`
  (a subclass of `Lifecycle` takes the `can`/`fire` path);
* the command line's table and JSON Lines, which keep only the scores the watchlist reads.
"""

import io
from contextlib import redirect_stdout

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientcustomer import LIFECYCLE, Engagement, Lifecycle, replay, timeline
from clientcustomer.advice.timeline import _summarizer, default_classify
from clientcustomer.cli.main import main
from clientcustomer.demo import DEMO_AS_OF, demo_engagements, demo_log
from clientcustomer.exceptions import ValidationError
from clientcustomer.testing import engagements, interaction_logs

PARTIES = ("ann", "bob", "cy")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class _PlainLifecycle(Lifecycle):
    """The default engine, as a subclass: the replay asks its `can` and `fire`."""

    __slots__ = ()


def _plain_engine() -> Lifecycle:
    return _PlainLifecycle(grace_days=LIFECYCLE.grace_days)


def _work() -> st.SearchStrategy[list[Engagement]]:
    return st.lists(engagements(client_id="ann"), max_size=2, unique_by=lambda e: e.id)


@FAST
@given(log=interaction_logs(parties=PARTIES, max_size=25), every=st.integers(1, 90))
def test_the_summarizer_is_default_classify(log, every):
    summarize = _summarizer()
    for line in timeline(log, every_days=every):
        for point in line.scores:
            assert summarize(point.signals) == default_classify(point.signals)


@FAST
@given(
    log=interaction_logs(parties=PARTIES, max_size=25),
    work=_work(),
    every=st.integers(1, 90),
    keep=st.integers(1, 6),
)
def test_keep_scores_keeps_the_latest_and_the_same_changes(log, work, every, keep):
    full = tuple(replay(log, work, every_days=every))
    kept = tuple(replay(log, work, every_days=every, keep_scores=keep))
    assert [line.party_id for line in kept] == [line.party_id for line in full]
    for short, whole in zip(kept, full, strict=True):
        assert short.state == whole.state
        assert short.scores == whole.scores[-keep:]


@FAST
@given(log=interaction_logs(parties=PARTIES, max_size=25), work=_work(), every=st.integers(1, 90))
def test_the_default_engine_decides_as_can_and_fire(log, work, every):
    fast = timeline(log, work, every_days=every)
    plain = timeline(log, work, every_days=every, lifecycle=_plain_engine())
    assert fast == plain


def test_the_demo_replays_alike_on_both_engine_paths():
    log, work = demo_log(), demo_engagements()
    for every in (1, 7, 30):
        fast = timeline(log, work, every_days=every)
        assert fast == timeline(log, work, every_days=every, lifecycle=_plain_engine())
        assert any(line.changes[1:] for line in fast)  # promotions and lapses, not only purchases


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "3"])
def test_keep_scores_must_be_a_positive_integer(bad):
    with pytest.raises(ValidationError, match=r"\$\.keep_scores"):
        replay([], keep_scores=bad)


def test_keep_scores_none_keeps_every_checkpoint():
    log = demo_log()
    assert tuple(replay(log, every_days=30, keep_scores=None)) == timeline(log, every_days=30)


def _cli(*argv: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["timeline", *argv]) == 0
    return out.getvalue()


@pytest.mark.parametrize("window", [1, 3, 6])
@pytest.mark.parametrize("form", ["table", "jsonl"])
def test_the_command_writes_what_the_full_series_says(window, form):
    """The command keeps window + 1 scores: its watchlist is the one of the full series."""
    from clientcustomer import emerging_clients  # noqa: PLC0415

    text = _cli("--demo", "--every-days", "7", "--window", str(window), "--format", form)
    log, work = demo_log(), demo_engagements()
    full = timeline(log, work, every_days=7, end=DEMO_AS_OF)
    watch = emerging_clients(full, window=window)
    written = [line for line in text.splitlines() if "emerging" in line]
    if form == "table":
        assert written[0].startswith(f"emerging clients ({len(watch)})")
    else:
        assert len(written) == len(watch)
