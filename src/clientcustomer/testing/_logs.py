"""Strategies: interaction logs as tables, for the agreement of every signals path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from hypothesis import strategies as st

from clientcustomer.engagements.model import Engagement
from clientcustomer.parties.entities import Interaction, InteractionKind, Offering

from ._entities import interaction_logs

_DATES = st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1))
_COLLABORATIVE = frozenset(kind for kind in InteractionKind if kind.collaborative_by_default)

LOG_COLUMNS = tuple(field.name for field in attrs.fields(Interaction))
"""The columns of `LogTable.rows`: the library's own log layout, the `Interaction` fields.

``party_id, on, kind, item, offering, amount, customized, collaborative, reference``.
"""


@attrs.frozen(slots=True)
class LogTable:
    """An interaction log as table rows, with the `Interaction` values each row stands for.

    Attributes:
        interactions: What the rows say, as the one-record path reads them.
        engagements: The engagements of the log's parties (and of parties without rows).
        rows: One tuple per interaction in `LOG_COLUMNS` order; a cell that holds its
            column's default may be blank (``None``): the default then applies.
    """

    interactions: tuple[Interaction, ...]
    engagements: tuple[Engagement, ...]
    rows: tuple[tuple[Any, ...], ...]

    def as_columns(self) -> dict[str, list[Any]]:
        """The rows as a mapping of column name to values (for a dataframe).

        Example:
            >>> LogTable((), (), ()).as_columns()["party_id"]
            []
        """
        return {name: [row[index] for row in self.rows] for index, name in enumerate(LOG_COLUMNS)}


def _cells(interaction: Interaction, blanks: frozenset[str]) -> tuple[Any, ...]:
    """One row; the cells named in ``blanks`` left blank when they hold the default."""
    defaults = {
        "item": "",
        "reference": "",
        "offering": Offering.PRODUCT.value,
        "amount": 0.0,
        "customized": interaction.offering is Offering.PROFESSIONAL,
        "collaborative": interaction.kind in _COLLABORATIVE,
    }
    values = {
        "party_id": interaction.party_id,
        "on": interaction.on,
        "kind": interaction.kind.value,
        "item": interaction.item,
        "offering": interaction.offering.value,
        "amount": float(interaction.amount),
        "customized": interaction.customized,
        "collaborative": interaction.collaborative,
        "reference": interaction.reference,
    }
    for name in blanks:
        if values[name] == defaults[name]:
            values[name] = None
    return tuple(values[name] for name in LOG_COLUMNS)


@st.composite
def log_tables(draw: st.DrawFn, *, max_batches: int = 4, max_size: int = 10) -> LogTable:
    """Interaction logs as tables, with engagements and blank cells.

    Up to ``max_batches`` independent logs of parties ``p``/``q`` (renamed ``p0``, ``q1``...),
    each with or without engagements (also of a party ``z`` with no interaction), and blank
    cells where a cell holds its column's default.

    Returns and cancellations often name an order (small pools of references and amounts), so
    the matching of refunds is exercised both ways.

    Args:
        draw: Hypothesis's draw function (given by ``st.composite``).
        max_batches: The most independent logs in one table.
        max_size: The longest of each log.

    Example:
        >>> from hypothesis import given
        >>> from clientcustomer.testing import log_tables
        >>> @given(log_tables(max_batches=1, max_size=3))
        ... def test_rows(table):
        ...     assert len(table.rows) == len(table.interactions)
        >>> test_rows()
    """
    interactions: list[Interaction] = []
    engagements: list[Engagement] = []
    for index in range(draw(st.integers(1, max_batches))):
        part = draw(interaction_logs(parties=("p", "q"), max_size=max_size))
        interactions += [attrs.evolve(i, party_id=f"{i.party_id}{index}") for i in part]
        for party in draw(st.lists(st.sampled_from(("p", "q", "z")), unique=True, max_size=2)):
            start = draw(_DATES)
            length = draw(st.none() | st.integers(0, 400))
            end = None if length is None else start + dt.timedelta(days=length)
            engagements.append(
                Engagement(f"e{party}{index}", f"{party}{index}", "Work", start=start, end=end)
            )
    blankable = ("item", "reference", "offering", "amount", "customized", "collaborative")
    rows = tuple(
        _cells(interaction, frozenset(draw(st.sets(st.sampled_from(blankable)))))
        for interaction in interactions
    )
    return LogTable(tuple(interactions), tuple(engagements), rows)
