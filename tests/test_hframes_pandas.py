"""The native pandas path of `classify_frame` (numpy over the columns' arrays).

It must give what the narwhals path gives, row for row, on every dtype it takes (numpy numbers
and booleans, pandas' nullable ``Float64``, ``Int64`` and ``boolean``), refuse what that path
refuses with the same message, and leave to narwhals the columns it cannot read exactly.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from clientcustomer import (
    Rule,
    Ruleset,
    RulesetPolicy,
    classify_frame,
    classify_many,
    default_ruleset,
)
from clientcustomer.exceptions import ValidationError
from clientcustomer.rules import frame_numpy
from test_engines import batches, pandas_frame, pandas_inferred

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")
pytest.importorskip("narwhals")

VERDICT = ["role", "score", "decided_by"]


def through_narwhals(monkeypatch: pytest.MonkeyPatch, frame: Any, **options: Any) -> Any:
    """`classify_frame` with the native path turned off: the narwhals path, as before."""
    with monkeypatch.context() as patch:
        patch.setattr(frame_numpy, "native_layout", lambda *_: None)
        return classify_frame(frame, **options)


def outcome(run: Any) -> Any:
    """The verdict columns as plain tuples, or the refusal's text."""
    try:
        result = run()
    except ValidationError as error:
        return ("refused", str(error))
    columns = [name for name in result.columns if name in VERDICT or name.startswith("leaning_")]
    return [
        tuple(None if isinstance(v, float) and math.isnan(v) else v for v in row)
        for row in result[columns].astype(object).itertuples(index=False)
    ]


class TestTheSameAsNarwhals:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(batches())
    def test_every_row_and_every_refusal(self, batch):
        with pytest.MonkeyPatch.context() as monkeypatch:
            for make in (pandas_frame, pandas_inferred):
                frame = make(batch)
                for leanings in (False, True):
                    options = {
                        "ruleset": batch.ruleset,
                        "passthrough": ["_row"],
                        "leanings": leanings,
                    }
                    native = outcome(functools.partial(classify_frame, frame, **options))
                    narwhals = outcome(
                        functools.partial(through_narwhals, monkeypatch, frame, **options)
                    )
                    assert native == narwhals


def frame_of(**columns: Any) -> Any:
    return pd.DataFrame(columns)


class TestWhichColumnsTakeIt:
    @pytest.mark.parametrize(
        "dtype", ["float64", "float32", "int64", "int32", "uint8", "Float64", "Int64", "UInt32"]
    )
    def test_numbers(self, dtype):
        frame = frame_of(tenure_days=pd.Series([200, 10], dtype=dtype))
        assert frame_numpy.native_layout(frame, ("tenure_days",)) == (("tenure_days", dtype),)

    @pytest.mark.parametrize("dtype", ["bool", "boolean"])
    def test_flags(self, dtype):
        frame = frame_of(active_engagement=pd.Series([True, False], dtype=dtype))
        assert frame_numpy.native_layout(frame, ("active_engagement",)) is not None

    @pytest.mark.parametrize("dtype", ["object", "uint64", "string", "category"])
    def test_others_go_through_narwhals(self, dtype):
        values = ["a", "b"] if dtype in {"string", "category", "object"} else [1, 2]
        frame = frame_of(segment=pd.Series(values, dtype=dtype))
        assert frame_numpy.native_layout(frame, ("segment",)) is None

    def test_an_object_flag_column_still_classifies(self):
        frame = frame_of(
            active_engagement=pd.Series([True, None, False], dtype="object"),
            collaborative_share=[0.6, 0.6, 0.0],
            customization=[0.5, 0.5, 0.0],
        )
        records = [
            {name: value for name, value in row.items() if value is not None}
            for row in frame.astype(object).to_dict("records")
        ]
        expected = [verdict.decided_by for verdict in classify_many(records)]
        assert list(classify_frame(frame)["decided_by"]) == expected


class TestUnknownValues:
    def test_nan_and_na_in_a_nullable_float_column_are_both_unknown(self, monkeypatch):
        shares = pd.array([0.6, None, 0.1, 0.3], dtype="Float64")
        shares[2] = np.nan  # a NaN beside a pd.NA
        frame = frame_of(collaborative_share=shares, customization=[0.5, 0.5, 0.5, 0.5])
        native = classify_frame(frame, default_ruleset())
        assert native["score"].dtype == np.float64
        assert outcome(lambda: native) == outcome(lambda: through_narwhals(monkeypatch, frame))

    def test_a_value_under_the_mask_is_never_read(self):
        # Whatever a nullable column holds under pd.NA is not a value: not out of range, and no
        # rule reads it.
        days = pd.array([400, None], dtype="Int64")
        days._data[1] = -5
        frame = frame_of(tenure_days=days)
        result = classify_frame(frame)
        assert list(result["decided_by"]) == ["score", "insufficient-evidence"]
        assert list(result["score"]) == [1.0, 0.0]

    def test_an_infinite_value_is_refused_with_its_row(self):
        frame = frame_of(id=["a", "b"], touchpoints_per_quarter=[1.0, math.inf])
        with pytest.raises(ValidationError, match=r"\$\[1\]\.touchpoints_per_quarter"):
            classify_frame(frame)

    def test_a_value_out_of_range_is_refused_with_its_row(self):
        frame = frame_of(tenure_days=pd.array([1, None, -3], dtype="Int64"))
        with pytest.raises(ValidationError, match=r"\$\[2\]\.tenure_days"):
            classify_frame(frame)


class TestPickPolicies:
    def test_first_and_leanings(self, monkeypatch):
        rules = Ruleset(
            "pick",
            "1",
            RulesetPolicy("first", default="customer"),
            (
                Rule("engaged", "active_engagement", "A contract.", role="client"),
                Rule("long", "tenure_days >= 365", "Long.", role="client"),
                Rule("brief", "not (tenure_days >= 30)", "Brief.", role="customer"),
            ),
        )
        frame = frame_of(
            active_engagement=pd.array([True, None, False, None, False], dtype="boolean"),
            tenure_days=pd.array([1, 400, 10, None, 100], dtype="Int64"),
        )
        native = classify_frame(frame, rules, leanings=True)
        assert list(native["decided_by"]) == [
            "engaged",
            "long",
            "brief",
            "insufficient-evidence",
            "policy.default",
        ]
        narwhals = through_narwhals(monkeypatch, frame, ruleset=rules, leanings=True)
        assert outcome(lambda: native) == outcome(lambda: narwhals)
