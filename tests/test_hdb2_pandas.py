"""Issue 15: a numeric pandas frame is classified without a narwhals frame, set-up cached.

The checks are the narwhals path's, on pandas' own dtypes: the same errors for bad input, and
a frame the native path cannot read (a text or object signal column) still goes through
narwhals.
"""

from __future__ import annotations

import math

import pytest

import clientcustomer as cc
from clientcustomer import Rule, Ruleset, RulesetPolicy
from clientcustomer.exceptions import ValidationError
from clientcustomer.rules import compile as compile_module

pd = pytest.importorskip("pandas")
pytest.importorskip("narwhals")

FRAME = {
    "id": ["a", "b", "c"],
    "collaborative_share": [0.6, 0.0, math.nan],
    "customization": [0.5, 0.0, math.nan],
    "active_engagement": [True, False, True],
    "tenure_days": [400, 10, 5],
}


def _verdicts(frame: object) -> list[tuple[str, str, float]]:
    return list(zip(frame["role"], frame["decided_by"], frame["score"], strict=True))  # type: ignore[index]


def _refusal(call: object) -> list[tuple[str, str, str]]:
    with pytest.raises(ValidationError) as info:
        call()  # type: ignore[operator]
    return [(p.field, p.expected, str(p.got)) for p in info.value.problems]


def test_a_numeric_frame_needs_no_narwhals_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a refused value asks narwhals (to name its row); the verdicts are the one-record's."""
    frame = pd.DataFrame(FRAME)
    records = [
        {key: value for key, value in row.items() if key != "id" and value == value}  # noqa: PLR0124 - drop NaN
        for row in frame.to_dict("records")
    ]
    expected = [
        (result.role.value, result.decided_by, result.score)
        for result in (cc.classify(record) for record in records)
    ]

    def refuse(*_: object) -> None:
        raise AssertionError("narwhals frame built")

    monkeypatch.setattr(compile_module, "_narwhals_frame", refuse)

    assert expected == _verdicts(cc.classify_frame(frame))


@pytest.mark.parametrize(
    ("change", "passthrough", "leanings"),
    [
        ({"customization": [0.5, 1.5, 0.0]}, (), False),  # out of range: its row named
        ({"tenure_days": [400, -1, 5]}, (), False),
        ({"collaborative_share": [0.6, math.inf, 0.0]}, (), False),
        ({"customisation": [0.1, 0.2, 0.3]}, (), False),  # misspelt: the close signal named
        ({"role": ["x", "y", "z"]}, (), False),  # a verdict column already there
        ({"leaning_interaction": [1.0, 2.0, 3.0]}, (), True),
        ({"tenure_days": [True, False, True]}, (), False),  # a flag where a number goes
        ({"active_engagement": [1.0, 0.0, 1.0]}, (), False),  # a number where a flag goes
        ({"active_engagement": ["yes", "no", "yes"]}, (), False),  # text: through narwhals
        ({}, "name", False),  # passthrough as one string
    ],
)
def test_bad_input_gives_the_narwhals_paths_errors(
    monkeypatch: pytest.MonkeyPatch,
    change: dict[str, list[object]],
    passthrough: object,
    leanings: bool,
) -> None:
    """Each refusal is the one the narwhals path gives (the native path switched off)."""
    frame = pd.DataFrame({**FRAME, **change})

    fast = _refusal(lambda: cc.classify_frame(frame, passthrough=passthrough, leanings=leanings))
    from clientcustomer.rules import frame_numpy  # noqa: PLC0415

    monkeypatch.setattr(frame_numpy, "classify_pandas_native", lambda *_, **__: None)
    slow = _refusal(lambda: cc.classify_frame(frame, passthrough=passthrough, leanings=leanings))

    assert slow == fast
    assert fast


def test_the_set_up_is_per_rule_set() -> None:
    """Two rule sets on the same frame, one after the other, each give their own verdicts."""
    frame = pd.DataFrame(FRAME)
    retained = Ruleset(
        "r",
        "1",
        RulesetPolicy("first", default="customer"),
        (Rule("engaged", "active_engagement", "Engaged.", role="client"),),
    )
    shared = Ruleset(
        "s",
        "1",
        RulesetPolicy("first", default="customer"),
        (Rule("shared", "collaborative_share >= 0.5", "Shared.", role="client"),),
    )

    for _ in range(2):
        assert ["client", "customer", "client"] == list(cc.classify_frame(frame, retained)["role"])
        assert ["client", "customer", "ambiguous"] == list(cc.classify_frame(frame, shared)["role"])
