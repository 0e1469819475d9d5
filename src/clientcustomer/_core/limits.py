"""The limits every reader enforces, and the JSON reader that enforces them.

Input is read by one set of rules whatever its door (a file on the command line, `from_json`,
`load_ruleset`, a JSON Lines row), so that a hostile or broken document fails with the library's
own error instead of exhausting the interpreter:

* `MAX_NESTING`: how deep JSON arrays and objects, and a condition's parentheses and ``not``,
  may nest;
* `MAX_DIGITS`: how many digits a number may have (Python's own limit for ``int``);
* dates: arithmetic on a date (a horizon, a grace period, the day after a log) stays inside
  the calendar, 0001-01-01 to 9999-12-31, or fails naming the field (`shift_date`).

A UTF-8 byte-order mark at the start of a text is skipped, as in CSV.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from clientcustomer.exceptions import ValidationError

__all__ = [
    "MAX_DIGITS",
    "MAX_NESTING",
    "JsonTextError",
    "decode_error_at",
    "load_json",
    "shift_date",
    "show_json",
]

MAX_NESTING = 100
"""How deep JSON arrays/objects and a condition's parentheses and ``not`` may nest."""

MAX_DIGITS = 4300
"""How many digits a number in a document may have (Python's default ``int`` limit)."""

_BOM = "\ufeff"
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_DIGITS = re.compile(rf"\d{{{MAX_DIGITS + 1},}}")


class JsonTextError(ValueError):
    """A text that is not JSON the library reads: a message with its line and column."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return f"{self.message} (line {self.line}, column {self.column})"


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _check_nesting(text: str) -> None:
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return
    depth = 0
    for match in _BRACKETS.finditer(text):
        found = match.group()
        if found in "[{":
            depth += 1
            if depth > MAX_NESTING:
                line, column = _position(text, match.start())
                msg = f"nested deeper than {MAX_NESTING} levels"
                raise JsonTextError(msg, line, column)
        elif found in "]}":
            depth -= 1


def load_json(text: str | bytes | bytearray, **options: Any) -> Any:  # noqa: ANN401 - any JSON
    r"""Parse JSON within the limits; a byte-order mark is skipped.

    Args:
        text: The document, as text or UTF-8 bytes.
        **options: Passed to `json.loads` (``object_pairs_hook``, ``parse_constant``).

    Returns:
        The document's value.

    Raises:
        JsonTextError: Not UTF-8, not JSON, nested past `MAX_NESTING`, or a number longer
            than `MAX_DIGITS` digits; with the line and column.

    Example:
        >>> from clientcustomer._core.limits import load_json
        >>> load_json('\ufeff{"a": [1]}')
        {'a': [1]}
        >>> load_json("[" * 500 + "]" * 500)
        Traceback (most recent call last):
        ...
        clientcustomer._core.limits.JsonTextError: nested deeper than 100 levels (line 1, column 101)
    """  # noqa: E501 - a doctest line cannot be wrapped
    import json  # noqa: PLC0415 - keep `import clientcustomer` fast

    if isinstance(text, bytes | bytearray):
        data = bytes(text)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            msg = f"not UTF-8 text (byte {data[error.start : error.start + 1]!r})"
            raise JsonTextError(msg, line, 0) from None
    text = text.removeprefix(_BOM)
    _check_nesting(text)
    long_number = _DIGITS.search(text)
    if long_number is not None:
        line, column = _position(text, long_number.start())
        msg = f"a number with more than {MAX_DIGITS} digits"
        raise JsonTextError(msg, line, column)
    try:
        return json.loads(text, **options)
    except json.JSONDecodeError as error:
        raise JsonTextError(error.msg, error.lineno, error.colno) from None
    except RecursionError:  # pragma: no cover - the nesting check comes first
        raise JsonTextError(f"nested deeper than {MAX_NESTING} levels") from None


def show_json(value: object) -> str:
    """A value as JSON spells it, for messages: ``null``, ``true``, ``[1, 2]``; cut at 60.

    Example:
        >>> from clientcustomer._core.limits import show_json
        >>> show_json(None), show_json(True), show_json("a")
        ('null', 'true', '"a"')
    """
    import json  # noqa: PLC0415 - keep `import clientcustomer` fast

    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):  # pragma: no cover - JSON values always dump
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def shift_date(day: dt.date, days: int, field: str) -> dt.date:
    """``day`` moved by ``days``, or a `ValidationError` naming ``field`` past the calendar's ends.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer._core.limits import shift_date
        >>> shift_date(dt.date(2026, 1, 1), 14, "$.as_of")
        datetime.date(2026, 1, 15)
        >>> shift_date(dt.date(9999, 12, 31), 1, "$.as_of")
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.ValidationError: $.as_of: expected a date 1 day(s) or more before the calendar's end (9999-12-31), got datetime.date(9999, 12, 31)
    """  # noqa: E501 - a doctest line cannot be wrapped
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        if days >= 0:
            expected = f"a date {days} day(s) or more before the calendar's end (9999-12-31)"
        else:
            expected = f"a date {-days} day(s) or more after the calendar's start (0001-01-01)"
        raise ValidationError.single(field, expected, day) from None


def decode_error_at(path: str, encoding: str, error: UnicodeError) -> tuple[int, bytes]:
    r"""Where a file stops decoding: its 1-based line and the bytes there.

    A text stream decodes in blocks, so the error it raises knows a position in a block, not in
    the file; this reads the file again, line by line, to find the line. A ``.gz`` path is read
    through gzip.

    Example:
        >>> import pathlib, tempfile
        >>> from clientcustomer._core.limits import decode_error_at
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
        >>> _ = path.write_bytes(b"a,b\n1,2\n3,\xff\n")
        >>> try:
        ...     path.read_text(encoding="utf-8")
        ... except UnicodeDecodeError as error:
        ...     decode_error_at(str(path), "utf-8", error)
        (3, b'\xff\n')
    """
    import codecs  # noqa: PLC0415 - only on the error path
    import gzip  # noqa: PLC0415

    opener: Any = gzip.open if path.endswith(".gz") else open
    newlines = 0
    try:
        decoder = codecs.getincrementaldecoder(encoding)()
        with opener(path, "rb") as raw:
            for chunk in raw:
                try:
                    newlines += decoder.decode(chunk).count("\n")
                except UnicodeError as found:
                    start = getattr(found, "start", 0)
                    return newlines + 1, bytes(chunk[start : start + 8])
    except (OSError, EOFError, LookupError):  # pragma: no cover - read once already
        pass
    got = getattr(error, "object", b"")
    start = getattr(error, "start", 0)
    return newlines + 1, bytes(got[start : start + 8]) if isinstance(got, bytes) else b""
