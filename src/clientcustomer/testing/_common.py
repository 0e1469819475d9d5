"""Strategies: common (part of `clientcustomer.testing`)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

_DATES = st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31))


def identifiers() -> st.SearchStrategy[str]:
    """Non-empty identifiers: any text with at least one non-blank character.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import identifiers
        >>> @given(identifiers())
        ... def test_not_blank(text):
        ...     assert text.strip()
        >>> test_not_blank()
    """
    return st.text(min_size=1, max_size=16).filter(str.strip)


_NOTES = st.text(min_size=1, max_size=30).filter(str.strip)
