"""CSV log texts with the awkward parts of CSV: quotes, delimiters and line breaks in fields.

For the tests of `read_log`'s reading: whatever the text, it must read every row as the csv
module does, and give every value as the full check gives it.
"""

from __future__ import annotations

from hypothesis import strategies as st

CSV_LOG_HEADER = ("party_id", "on", "kind", "item", "amount")
"""The columns of `_csv_log_texts`: ``LogColumns().without("offering", "customized",
"collaborative", "reference")`` reads them."""

_VALUES = {
    "party_id": ("ann", "bob", " ann ", "17850.0", "", "c,d"),
    "on": ("2026-01-05", "2026-01-05 08:26:00", "1/5/2026 8:26", "2026-02-30", "soon", ""),
    "kind": ("purchase", "return", "cancellation", "meeting", "Purchase ", "buy", ""),
    "item": ("shirt", " shirt ", "a,b", 'say "hi"', "two\nlines", ""),
    "amount": ("10.10", "-10.10", "10.1", "0", "-0", "1e3", "nan", "six", "", " 7 "),
}
_ODD_TEXTS = ('"', '""', ",", ";", "\t", "\r", "\n", "\r\n", "\x00", " ", "x")
_ODD = st.sampled_from(_ODD_TEXTS)


@st.composite
def _cell(draw: st.DrawFn, column: str) -> str:
    """A value as a CSV cell: plain, quoted properly, or with a stray quote or line break."""
    known = st.sampled_from(_VALUES[column])
    value: str = draw(st.one_of(known, known, known, st.lists(_ODD, max_size=3).map("".join)))
    how = draw(st.sampled_from(("plain", "plain", "plain", "plain", "quoted", "odd")))
    if how == "quoted":
        return '"' + value.replace('"', '""') + '"'
    if how == "odd":
        at = draw(st.integers(0, len(value)))
        return value[:at] + draw(_ODD) + value[at:]
    return value


@st.composite
def _csv_log_texts(draw: st.DrawFn) -> tuple[str, str]:
    """A log text (header and rows) and its delimiter; rows may be short, long or blank."""
    delimiter = draw(st.sampled_from((",", ";", "\t")))
    endings = st.sampled_from(("\n", "\r\n", "\r", "\r\r\n", "\n\r"))
    lines = [delimiter.join(CSV_LOG_HEADER) + draw(endings)]
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(0, 10))):
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(endings))  # a blank line
            continue
        if len(rows) > 0 and draw(st.booleans()):  # an earlier row, one value changed
            cells = list(draw(st.sampled_from(rows)))
            at = draw(st.integers(0, len(cells) - 1))
            cells[at] = draw(_cell(CSV_LOG_HEADER[at % len(CSV_LOG_HEADER)]))
        else:
            width = len(CSV_LOG_HEADER) + draw(st.sampled_from((0, 0, 0, -1, 1)))
            cells = [draw(_cell(CSV_LOG_HEADER[i % len(CSV_LOG_HEADER)])) for i in range(width)]
        rows.append(cells)
        lines.append(delimiter.join(cells) + draw(endings))
    if draw(st.booleans()):
        lines[-1] = lines[-1].rstrip("\r\n")  # no line break after the last row
    return "".join(lines), delimiter
