"""Issue 13, case 3: NaN, null and an empty cell are *unknown* on every path.

A 0/0 share (a party with no interactions) is NaN in polars and DuckDB, where NaN passes every
``>=``; it must give the verdict the one-record path gives with the value unknown. Infinite and
out-of-range values are refused, naming the column and the row.
"""

from __future__ import annotations

import math

import pytest

import clientcustomer as cc
from clientcustomer.cli import main
from clientcustomer.exceptions import ValidationError

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

NAN = math.nan
ROW = {
    "collaborative_share": NAN,
    "customization": NAN,
    "service_share": NAN,
    "touchpoints_per_quarter": NAN,
    "active_engagement": True,
    "tenure_days": 400,
    "commitment_days": 200,
}
UNKNOWN = {key: None if isinstance(value, float) else value for key, value in ROW.items()}


def verdict(role_row):
    return tuple(role_row)


def reference():
    result = cc.classify(UNKNOWN)
    return (result.role.value, result.decided_by, result.score)


class TestNanIsUnknown:
    def test_the_one_record_path_reads_nan_as_unknown(self):
        """NaN given for a number is unknown, as ``None`` is: no refusal, the same verdict."""
        assert cc.classify(UNKNOWN) == cc.classify(ROW)

    def test_polars_gives_the_one_record_verdict(self):
        """A polars NaN does not pass ``>=``: the verdict is the unknown one."""
        frame = pl.DataFrame({"id": ["a"], **{key: [value] for key, value in ROW.items()}})

        rows = cc.classify_frame(frame).select("role", "decided_by", "score").rows()

        assert [reference()] == rows

    def test_pandas_gives_the_one_record_verdict(self):
        frame = pl.DataFrame({"id": ["a"], **{key: [value] for key, value in ROW.items()}})

        result = cc.classify_frame(frame.to_pandas())

        assert [reference()] == [
            tuple(row) for row in result[["role", "decided_by", "score"]].itertuples(index=False)
        ]

    def test_duckdb_gives_the_one_record_verdict(self):
        """In DuckDB, NaN is greater than every number: it must be read as NULL."""
        con = duckdb.connect()
        frame = pl.DataFrame({"id": ["a"], **{key: [value] for key, value in ROW.items()}})
        con.register("accounts", frame.to_arrow())

        rows = cc.classify_sql(con, "accounts").select("role, decided_by, score").fetchall()

        assert [reference()] == rows

    def test_the_command_lines_engines_agree(self, capsys, tmp_path):
        """``classify`` and ``classify --engine duckdb`` read a NaN cell as unknown alike."""
        path = tmp_path / "rows.csv"
        names = list(ROW)
        cells = [
            "nan" if isinstance(value, float) else str(value).lower() for value in ROW.values()
        ]
        path.write_text(f"id,{','.join(names)}\na,{','.join(cells)}\n", encoding="utf-8")

        outputs = []
        for engine in ("python", "duckdb"):
            status = main(["classify", str(path), "--format", "csv", "--engine", engine])
            out, _ = capsys.readouterr()
            assert 0 == status
            outputs.append(out.splitlines()[1].split(",")[1])

        assert [reference()[0]] * 2 == outputs


class TestOutOfRangeIsRefused:
    @pytest.mark.parametrize(
        ("column", "value"),
        [
            ("collaborative_share", 1.5),
            ("tenure_days", -3),
            ("customization", math.inf),
            ("spend", -math.inf),
        ],
    )
    def test_classify_frame_names_column_and_row(self, column, value):
        """An out-of-range or infinite value is refused, with its column and row."""
        frame = pl.DataFrame({"id": ["a", "b"], column: [None, value]})

        with pytest.raises(ValidationError) as info:
            cc.classify_frame(frame)

        assert f"$[1].{column}" == info.value.problems[0].field

    def test_classify_sql_refuses_when_the_rows_are_read(self):
        """In DuckDB the refusal comes when the rows are fetched, naming the column."""
        con = duckdb.connect()
        con.execute("CREATE TABLE accounts AS SELECT 'a' AS id, 1.5::DOUBLE AS customization")

        with pytest.raises(duckdb.Error, match="customization"):
            cc.classify_sql(con, "accounts").fetchall()

    def test_the_command_line_refuses_or_skips_an_infinite_cell(self, capsys, tmp_path):
        """An ``inf`` cell stops the run with its line, or goes to the rejects with skip."""
        path = tmp_path / "rows.csv"
        path.write_text("id,customization\na,inf\nb,0\n", encoding="utf-8")

        status = main(["classify", str(path)])
        _, err = capsys.readouterr()
        assert 2 == status
        assert "line 2" in err
        assert "customization" in err

        status = main(["classify", str(path), "--on-error", "skip", "--format", "csv"])
        out, err = capsys.readouterr()
        assert 0 == status
        assert ["b"] == [line.split(",")[0] for line in out.splitlines()[1:]]
        assert "1 rejected" in err
