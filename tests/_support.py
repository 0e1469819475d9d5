"""Helpers that several test modules share (imported as ``_support``: tests/ is on the path)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


def engines(*names: str, also: tuple[str, ...] = ()) -> tuple[Any, ...]:
    """The optional dataframe engines a test module runs on, imported, in the order named.

    The calling module is skipped when one of them (or one of ``also``, needed but not used by
    name, such as narwhals behind ``signals_frame``) is not installed.
    """
    for name in also:
        pytest.importorskip(name)
    return tuple(pytest.importorskip(name) for name in names)


def write(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path``; the path."""
    path.write_text(text, encoding="utf-8")
    return path
