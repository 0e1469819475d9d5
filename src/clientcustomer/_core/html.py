"""Builders of the notebook displays (``_repr_html_``): tables, an inline SVG chart, Mermaid text.

Every builder escapes every value it is given (`html.escape`); a value wrapped in `Raw` is
already HTML and is inserted as it is. Text is left-aligned, colours are inherited from the page
(``currentColor``), and borders are a neutral grey that reads on light and dark themes alike.
"""

from __future__ import annotations

import datetime as dt
import enum
import html
from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "Band",
    "Key",
    "Level",
    "Raw",
    "cell",
    "chart_svg",
    "fields_table",
    "html_table",
    "lines",
    "mermaid_flowchart",
    "mermaid_id",
    "section",
    "table",
]

_CELL = "text-align:left;vertical-align:top;padding:2px 8px"
_BORDER = "border-collapse:collapse;border:1px solid rgba(128,128,128,0.4)"
# A caption on one line: a narrow table (two short fields) must not fold its title into a column.
_CAPTION = "text-align:left;white-space:nowrap"


class Raw(str):
    """A string that is already HTML: inserted as it is, never escaped again."""

    __slots__ = ()


def cell(value: object) -> str:  # noqa: PLR0911 - one return per kind of value
    """Show one value as escaped HTML: dates in ISO form, enums by value, unknown as a dash.

    Example:
        >>> cell(None), cell(0.46341), cell("<b>")
        ('—', '0.463', '&lt;b&gt;')
    """
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return "—"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, dt.date):
        return f"<span style='white-space:nowrap'>{value.isoformat()}</span>"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{round(value, 3):g}"
    if isinstance(value, tuple):
        return html.escape(", ".join(str(getattr(item, "value", item)) for item in value)) or "—"
    return html.escape(str(value))


def lines(items: Iterable[object]) -> Raw:
    """Escaped items, one per line, or a dash when there are none."""
    return Raw("<br>".join(cell(item) for item in items) or "—")


def table(head: Sequence[str], rows: Iterable[Sequence[object]], *, caption: str = "") -> str:
    """An HTML table with a header row; every cell escaped unless `Raw`, left-aligned.

    Example:
        >>> table(("name",), [("<script>",)])
        "<table style='...'><tr><th style='...'>name</th></tr><tr><td ...>&lt;script&gt;</td></tr></table>"
    """  # noqa: E501 - a doctest line
    top = "".join(f"<th style='{_CELL}'>{html.escape(name)}</th>" for name in head)
    body = "".join(
        "<tr>" + "".join(f"<td style='{_CELL}'>{cell(value)}</td>" for value in row) + "</tr>"
        for row in rows
    )
    title = f"<caption style='{_CAPTION}'>{html.escape(caption)}</caption>" if caption else ""
    return f"<table style='{_BORDER}'>{title}<tr>{top}</tr>{body}</table>"


def fields_table(pairs: Iterable[tuple[str, object]], *, caption: str = "") -> str:
    """A two-column table of names and values (the names as row headers).

    Example:
        >>> "<th style='text-align:left" in fields_table([("stage", "client")])
        True
    """
    body = "".join(
        f"<tr><th style='{_CELL};white-space:nowrap'>{html.escape(name)}</th>"
        f"<td style='{_CELL}'>{cell(value)}</td></tr>"
        for name, value in pairs
    )
    title = f"<caption style='{_CAPTION}'>{html.escape(caption)}</caption>" if caption else ""
    return f"<table style='{_BORDER}'>{title}{body}</table>"


def section(title: str, content: str) -> str:
    """A small heading followed by HTML content."""
    head = f"<strong>{html.escape(title)}</strong>"
    return f"<p style='text-align:left;margin:6px 0 2px'>{head}</p>{content}"


def html_table(obj: attrs.AttrsInstance) -> str:
    """Render any attrs instance as a table of its fields (tuples shown item by item).

    Example:
        >>> import attrs
        >>> @attrs.frozen
        ... class Thing:
        ...     name: str
        >>> "&lt;i&gt;" in html_table(Thing("<i>"))
        True
    """
    pairs = []
    for field in attrs.fields(type(obj)):
        value = getattr(obj, field.name)
        if isinstance(value, tuple) and value and attrs.has(type(value[0])):
            value = lines(_short(item) for item in value)
        elif attrs.has(type(value)):
            value = _short(value)
        pairs.append((field.name, value))
    return fields_table(pairs, caption=type(obj).__name__)


def _short(item: object) -> str:
    found = getattr(item, "id", None) or getattr(item, "name", None)
    return str(found) if found else str(item)


# --- an inline SVG chart ----------------------------------------------------------------------


@attrs.frozen
class Band:
    """A stretch of the chart's x axis shaded and labelled (such as a lifecycle stage)."""

    start: dt.date
    end: dt.date
    label: str


@attrs.frozen
class Level:
    """A horizontal dashed line at a value, labelled (such as a threshold)."""

    value: float
    label: str


_W, _H, _PAD_L, _PAD_R, _PAD_T, _PAD_B = 560, 200, 44, 110, 10, 24


def chart_svg(
    points: Sequence[tuple[dt.date, float]],
    *,
    levels: Sequence[Level] = (),
    bands: Sequence[Band] = (),
    title: str = "",
) -> str:
    """A small line chart of values over dates as inline SVG, with shaded bands and levels.

    Colours come from the page (``currentColor`` at several opacities), so the chart reads on
    light and dark themes. Every label is escaped.

    Example:
        >>> import datetime as dt
        >>> svg = chart_svg([(dt.date(2026, 1, 1), 0.0), (dt.date(2026, 2, 1), 2.0)],
        ...                 levels=[Level(1.0, "client at 1")])
        >>> svg.startswith("<svg") and "client at 1" in svg and "<polyline" in svg
        True
    """
    if not points:
        return "<p>no score yet</p>"
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    values = [value for _, value in points] + [level.value for level in levels]
    low, high = min(values), max(values)
    if high - low < 1e-9:  # a flat series gets a unit range
        low, high = low - 1, high + 1
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad
    width = _W - _PAD_L - _PAD_R
    height = _H - _PAD_T - _PAD_B

    def x(day: dt.date) -> float:
        return _PAD_L + width * min(max((day - first).days, 0), span) / span

    def y(value: float) -> float:
        return _PAD_T + height * (high - value) / (high - low)

    parts = [
        (
            f"<svg xmlns='http://www.w3.org/2000/svg' width='{_W}' height='{_H}' "
            f"viewBox='0 0 {_W} {_H}' role='img' style='color:inherit;font:11px sans-serif'>"
        ),
        f"<title>{html.escape(title)}</title>",
    ]
    for index, band in enumerate(bands):
        left, right = x(band.start), x(band.end)
        parts.append(
            f"<rect x='{left:.1f}' y='{_PAD_T}' width='{max(right - left, 0.5):.1f}' "
            f"height='{height}' fill='currentColor' fill-opacity='{0.05 + 0.07 * (index % 2):.2f}'>"
            f"<title>{html.escape(band.label)}</title></rect>"
            f"<text x='{left + 3:.1f}' y='{_PAD_T + 12}' fill='currentColor' "
            f"fill-opacity='0.8'>{html.escape(band.label)}</text>"
        )
    parts.extend(
        f"<line x1='{_PAD_L}' x2='{_PAD_L + width}' y1='{y(level.value):.1f}' "
        f"y2='{y(level.value):.1f}' stroke='currentColor' stroke-opacity='0.6' "
        f"stroke-dasharray='4 3'/><text x='{_PAD_L + width + 4}' "
        f"y='{y(level.value) + 4:.1f}' fill='currentColor'>{html.escape(level.label)}</text>"
        for level in levels
    )
    line = " ".join(f"{x(day):.1f},{y(value):.1f}" for day, value in points)
    parts.append(f"<polyline points='{line}' fill='none' stroke='currentColor' stroke-width='2'/>")
    parts.extend(
        f"<circle cx='{x(day):.1f}' cy='{y(value):.1f}' r='2.5' fill='currentColor'>"
        f"<title>{day.isoformat()}: {value:g}</title></circle>"
        for day, value in points
    )
    parts.append(
        f"<line x1='{_PAD_L}' x2='{_PAD_L}' y1='{_PAD_T}' y2='{_PAD_T + height}' "
        "stroke='currentColor' stroke-opacity='0.5'/>"
        f"<text x='2' y='{y(high - pad) + 4:.1f}' fill='currentColor'>{high - pad:g}</text>"
        f"<text x='2' y='{y(low + pad) + 4:.1f}' fill='currentColor'>{low + pad:g}</text>"
        f"<text x='{_PAD_L}' y='{_H - 6}' fill='currentColor'>{first.isoformat()}</text>"
        f"<text x='{_PAD_L + width}' y='{_H - 6}' fill='currentColor' "
        f"text-anchor='end'>{last.isoformat()}</text></svg>"
    )
    return "".join(parts)


# --- Mermaid --------------------------------------------------------------------------------------


def mermaid_id(text: str) -> str:
    """A Mermaid node id made of letters, digits and underscores only.

    Example:
        >>> mermaid_id("customer-list 2")
        'n_customer_list_2'
    """
    return "n_" + "".join(ch if ch.isalnum() else "_" for ch in text)


def _label(text: str) -> str:
    escaped = html.escape(text, quote=True).replace("#", "&num;")
    return escaped.replace("\n", "<br>")


Key = tuple[str, str]
"""A node's key in `mermaid_flowchart`: a group (such as ``deliverable``) and an id in it."""


def _node_ids(keys: Iterable[Key]) -> dict[Key, str]:
    """A distinct Mermaid id per key: the id's slug, numbered when two slugs are the same."""
    ids: dict[Key, str] = {}
    taken: set[str] = set()
    for key in keys:
        slug = candidate = mermaid_id(key[1])
        number = 1
        while candidate in taken:
            number += 1
            candidate = f"{slug}_{number}"
        ids[key] = candidate
        taken.add(candidate)
    return ids


def mermaid_flowchart(
    nodes: Sequence[tuple[Key, str, str, str]],
    edges: Iterable[tuple[Key, Key, str]],
    styles: Sequence[tuple[str, str]],
) -> str:
    """Mermaid flowchart text: nodes ``(key, label, shape, class)``, edges ``(from, to, label)``.

    The chart runs left to right: an edge goes from what is needed to what needs it. A key is a
    ``(group, id)`` pair, so a deliverable and a dependency may share an id; each node gets a
    distinct Mermaid id made from its id.

    ``shape`` is ``box`` or ``round``; ``styles`` are ``(class, css)`` pairs for ``classDef``.
    Labels are escaped and quoted, so any text is safe in them; a newline breaks the line.

    Example:
        >>> nodes = [(("d", "a"), "A <1>", "box", "ok"), (("k", "a"), "A", "round", "ok")]
        >>> print(mermaid_flowchart(nodes, [(("k", "a"), ("d", "a"), "")], [("ok", "stroke:#888")]))
        flowchart LR
          n_a["A &lt;1&gt;"]:::ok
          n_a_2(["A"]):::ok
          n_a_2 --> n_a
          classDef ok stroke:#888
    """
    ids = _node_ids(key for key, *_ in nodes)
    out = ["flowchart LR"]
    for key, label, shape, kind in nodes:
        left, right = ("([", "])") if shape == "round" else ("[", "]")
        out.append(f'  {ids[key]}{left}"{_label(label)}"{right}:::{kind}')
    for source, target, label in edges:
        arrow = f' -- "{_label(label)}" --> ' if label else " --> "
        out.append(f"  {ids[source]}{arrow}{ids[target]}")
    out.extend(f"  classDef {kind} {css}" for kind, css in styles)
    return "\n".join(out)
