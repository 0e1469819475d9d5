"""Signals where the data lives, in Spark: `signals_frame` on a Spark DataFrame and `signals_sql`.

Marked ``spark`` (a local session, skipped without PySpark or Java). A Spark DataFrame's signals
come back as a Spark DataFrame whose building ran no Spark job: nothing is pulled to the driver.
Spark runs one job per step of the recursive matching, so few logs are drawn here; the same
logs are checked on every other path in test_h16_signals_sql.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clientcustomer import Classifier, log_to_sql, signals_frame, signals_sql
from clientcustomer.testing import LogTable, log_tables
from test_h16_signals_sql import (
    REFUNDS,
    REFUNDS_DAY,
    _interaction_table,
    agreements,
    by_party,
    expected_signals,
    same,
)

pytestmark = pytest.mark.spark

_DATES = st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1))


def spark_tables(spark: Any, table: LogTable) -> tuple[Any, Any]:
    from pyspark.sql import types as T  # noqa: N812, PLC0415 - Spark only when it runs

    log_schema = T.StructType(
        [
            T.StructField("party_id", T.StringType()),
            T.StructField("on", T.DateType()),
            T.StructField("kind", T.StringType()),
            T.StructField("item", T.StringType()),
            T.StructField("offering", T.StringType()),
            T.StructField("amount", T.DoubleType()),
            T.StructField("customized", T.BooleanType()),
            T.StructField("collaborative", T.BooleanType()),
            T.StructField("reference", T.StringType()),
        ]
    )
    engagement_schema = T.StructType(
        [
            T.StructField("client_id", T.StringType()),
            T.StructField("start", T.DateType()),
            T.StructField("end", T.DateType()),
        ]
    )
    log = spark.createDataFrame(list(table.rows), log_schema)
    engagements = spark.createDataFrame(
        [(e.client_id, e.start, e.end) for e in table.engagements], engagement_schema
    )
    return log, engagements


def spark_rows(frame: Any) -> dict[str, dict[str, Any]]:
    return by_party([row.asDict() for row in frame.collect()])


def check(spark: Any, table: LogTable, as_of: dt.date) -> None:
    expected = expected_signals(table, as_of)
    log, engagements = spark_tables(spark, table)
    log.createOrReplaceTempView("h16_log")
    engagements.createOrReplaceTempView("h16_eng")
    eng = "h16_eng" if table.engagements else None
    paths = {
        "frame": spark_rows(signals_frame(log, as_of=as_of, engagements=engagements)),
        "sql": spark_rows(
            spark.sql(signals_sql("h16_log", as_of=as_of, engagements=eng, dialect="spark"))
        ),
    }
    for path, rows in paths.items():
        assert sorted(rows) == sorted(expected), path
        for party, signals in expected.items():
            for name, want in signals.as_dict().items():
                assert same(want, rows[party][name]), (path, party, name)
    verdicts = spark_rows(
        spark.sql(log_to_sql(table="h16_log", as_of=as_of, engagements=eng, dialect="spark"))
    )
    classifier = Classifier()
    for party, signals in expected.items():
        verdict = classifier.classify(signals)
        row = verdicts[party]
        assert (row["role"], row["decided_by"]) == (verdict.role.value, verdict.decided_by)


def test_interleaved_refunds_and_agreements(spark: Any) -> None:
    day = REFUNDS_DAY
    rows = [
        *REFUNDS,
        ("q", day, "purchase", "tea", "service", 10.0, False, False, ""),
        ("q", day + dt.timedelta(2), "return", "tea", "service", 10.0, False, False, ""),
        *agreements("q"),
    ]
    check(spark, _interaction_table(rows), dt.date(2026, 3, 1))


@settings(
    max_examples=2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(table=log_tables(max_batches=2, max_size=6), as_of=_DATES)
def test_spark_frame_and_sql_give_the_one_record_signals(
    spark: Any,
    table: LogTable,
    as_of: dt.date,
) -> None:
    check(spark, table, as_of)


def test_the_spark_plan_runs_nothing_until_asked(spark: Any) -> None:
    """`signals_frame` on a Spark DataFrame starts no Spark job: no collect, no toPandas."""
    from pyspark.sql import DataFrame  # noqa: PLC0415 - Spark only when it runs

    day = dt.date(2026, 1, 1)
    rows = [("p", day, "purchase", "tea", "product", 10.0, None, None, "A")] * 3
    log, _ = spark_tables(spark, _interaction_table(rows))
    context = spark.sparkContext
    context.setJobGroup("h16-lazy", "signals_frame must not run a job")
    try:
        signals = signals_frame(log, as_of=day, engagements=None)
        plan = signals._jdf.queryExecution().analyzed().toString()
    finally:
        context.setLocalProperty("spark.jobGroup.id", None)
    assert isinstance(signals, DataFrame)
    assert list(context.statusTracker().getJobIdsForGroup("h16-lazy")) == []
    assert "UnionLoop" in plan or "Recursive" in plan or "cc__state" in plan
    assert signals.count() == 1  # and it runs when asked


def test_online_retail_gives_the_one_record_signals(spark: Any) -> None:
    """The UCI Online Retail log (when present, see test_h16_online_retail.py) in Spark."""
    from pyspark.sql import functions as F  # noqa: N812, PLC0415 - Spark only when it runs

    from clientcustomer import LogColumns, read_log, signals_by_party  # noqa: PLC0415
    from test_tutorial_real_log import VARIABLE, data_file  # noqa: PLC0415

    path = data_file()
    if path is None:
        pytest.skip(f"the UCI Online Retail data set is absent: set {VARIABLE} to its CSV")
    as_of = dt.date(2011, 12, 10)
    columns = LogColumns.online_retail()
    with read_log(path, columns, on_error="skip") as log:
        expected = signals_by_party(log, as_of=as_of)
    frame = (
        spark.read.csv(str(path), header=True)
        .where(F.col("CustomerID").isNotNull())
        .withColumn("CustomerID", F.col("CustomerID").cast("double").cast("bigint").cast("string"))
        .withColumn("InvoiceDate", F.to_timestamp("InvoiceDate", "yyyy-MM-dd HH:mm:ss"))
        .withColumn("Quantity", F.col("Quantity").cast("double"))
        .withColumn("UnitPrice", F.col("UnitPrice").cast("double"))
    )
    rows = spark_rows(signals_frame(frame, as_of=as_of, columns=columns))
    assert sorted(rows) == sorted(expected)
    for party, signals in expected.items():
        for name, want in signals.as_dict().items():
            assert same(want, rows[party][name]), (party, name)
