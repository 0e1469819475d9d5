"""Shared test configuration: Hypothesis profiles.

``ci`` (the default) keeps the suite fast; ``thorough`` runs many more examples; ``mutation``
(used by ``scripts/mutation.sh``) draws the same examples on every run. Choose one with
the ``HYPOTHESIS_PROFILE`` environment variable, e.g. ``HYPOTHESIS_PROFILE=thorough pytest``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "mutation",
    # scripts/mutation.sh: the same examples on every run, so a mutant's verdict does not
    # depend on luck; the test classes are run by mutmut's own runner.
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session for the whole run (one core, no UI, one shuffle partition).

    Tests that use it are marked ``spark``; they are skipped when PySpark or Java is missing.
    """
    pytest.importorskip("pyspark", reason="PySpark is not installed (pip install pyspark)")
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home).is_dir()):
        pytest.skip("Spark needs Java (no java on PATH and no JAVA_HOME)")
    from pyspark.sql import SparkSession  # noqa: PLC0415 - Spark only when a test asks for it

    session = (
        SparkSession.builder.master("local[1]")
        .appName("clientcustomer-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture
def usage_error(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[object, str]]:
    """Run the command line on arguments argparse refuses; its exit status and its stderr."""
    from clientcustomer.cli import main  # noqa: PLC0415 - the CLI only when a test asks for it

    def run(*argv: str) -> tuple[object, str]:
        with pytest.raises(SystemExit) as info:
            main(list(argv))
        return info.value.code, capsys.readouterr().err

    return run


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write text (UTF-8) to a file of that name in the test's temporary folder; its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
