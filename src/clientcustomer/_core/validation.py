"""Validators and converters shared by the attrs classes.

They raise :class:`~clientcustomer.exceptions.ValidationError` (never a bare ``TypeError``) whose
message names the field, what was expected and what was given.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard, TypeVar

import attrs

from clientcustomer.exceptions import ValidationError

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def fail(attribute: attrs.Attribute[Any], expected: str, got: object) -> ValidationError:
    """Build the error for one attribute."""
    return ValidationError.single(f"$.{attribute.name}", expected, got)


def non_empty_str(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Require a string with at least one non-blank character."""
    if not isinstance(value, str) or not value.strip():
        raise fail(attribute, "a non-empty string", value)


def text(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Require a string (possibly empty)."""
    if not isinstance(value, str):
        raise fail(attribute, "a string", value)


def optional_non_empty_str(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """Require ``None`` or a non-empty string."""
    if value is not None:
        non_empty_str(instance, attribute, value)


def boolean(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Require a real ``bool`` (not 0/1, not ``"false"``)."""
    if not isinstance(value, bool):
        raise fail(attribute, "a boolean", value)


def _checked(expected: str, ok: Callable[[Any], bool], *, optional: bool) -> Validator:
    """Require a value that passes ``ok`` (or ``None`` when ``optional``), else fail naming it."""
    if optional:
        expected += " or null"

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        if not ok(value):
            raise fail(attribute, expected, value)

    return check


def integer(minimum: int | None = None, *, optional: bool = False) -> Validator:
    """Require an ``int`` (not a bool, not a float), at least ``minimum``."""
    expected = "an integer" if minimum is None else f"an integer >= {minimum}"

    def ok(value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        return minimum is None or value >= minimum

    return _checked(expected, ok, optional=optional)


def _is_date(value: object) -> TypeGuard[dt.date]:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def a_date(
    value: object, field: str, expected: str = "a date (datetime.date, not a datetime)"
) -> dt.date:
    """Return ``value`` if it is a ``datetime.date`` (not a ``datetime``), else fail naming it.

    The one check of a date argument (``as_of``, ``on``, ``end``...) across the library.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer._core.validation import a_date
        >>> a_date(dt.date(2026, 1, 2), "$.as_of")
        datetime.date(2026, 1, 2)
        >>> a_date("2026-01-02", "$.as_of")
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.ValidationError: $.as_of: expected a date (datetime.date, not a datetime), got '2026-01-02'
    """  # noqa: E501 - a doctest line cannot be wrapped
    if not _is_date(value):
        raise ValidationError.single(field, expected, value)
    return value


def date(*, optional: bool = False) -> Validator:
    """Require a ``datetime.date`` that is not a ``datetime``."""
    return _checked("a date", _is_date, optional=optional)


def _is_aware(value: object) -> bool:
    return isinstance(value, dt.datetime) and value.utcoffset() is not None


def aware_datetime(*, optional: bool = False) -> Validator:
    """Require a timezone-aware ``datetime.datetime``."""
    return _checked("a timezone-aware datetime", _is_aware, optional=optional)


def decimal_converter(field: str) -> Callable[[Decimal | int | str], Decimal]:
    """Build a converter to ``Decimal``; floats are refused (they are not exact)."""

    def convert(value: Decimal | int | str) -> Decimal:
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        if isinstance(value, str):
            try:
                parsed = Decimal(value.strip())
            except InvalidOperation:
                pass
            else:
                if parsed.is_finite():
                    return parsed
        raise ValidationError.single(
            f"$.{field}", "a decimal number (Decimal, int or numeric string)", value
        )

    return convert


def money(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Require a finite, non-negative ``Decimal``."""
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise fail(attribute, "a non-negative decimal amount", value)


def to_member(enum_type: type[E], value: E | str, field: str) -> E:
    """The member of ``enum_type`` that ``value`` is or names; anything else fails naming ``field``.

    The one enum conversion behind every enum field's converter.
    """
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except (ValueError, TypeError):
        allowed = ", ".join(repr(member.value) for member in enum_type)
        raise ValidationError.single(f"$.{field}", f"one of {allowed}", value) from None


def enum_converter(enum_type: type[E], field: str) -> Callable[[E | str], E]:
    """Build a converter that accepts a member or its value and refuses anything else."""

    def convert(value: E | str) -> E:
        return to_member(enum_type, value, field)

    convert.__name__ = f"to_{enum_type.__name__}"
    return convert


def to_float(value: Any) -> Any:  # noqa: ANN401 - whatever was given, for the validator
    """Convert a whole number (not a bool) to ``float``; anything else is left to the validator."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:  # beyond any float: the validator names it
            return value
    return value


def _is_finite_float(value: object) -> bool:
    return isinstance(value, float) and math.isfinite(value)


def finite_float(*, optional: bool = False) -> Validator:
    """Require a finite ``float`` (after `to_float`), or ``None`` when ``optional``."""
    return _checked("a finite number", _is_finite_float, optional=optional)


def tuple_of(item_type: type[Any] | tuple[type[Any], ...], what: str) -> Validator:
    """Require a tuple whose items are all instances of ``item_type``."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise fail(attribute, f"a tuple of {what}", value)
        for index, item in enumerate(value):
            if not isinstance(item, item_type):
                raise ValidationError.single(f"$.{attribute.name}[{index}]", what, item)

    return check


def instance(item_type: type[Any], what: str, *, optional: bool = False) -> Validator:
    """Require an instance of ``item_type``."""
    return _checked(what, lambda value: isinstance(value, item_type), optional=optional)


def share(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Require a number between 0 and 1 inclusive."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise fail(attribute, "a number between 0 and 1", value)


def unique_ids(items: Iterable[Any], field: str, key: str = "id") -> None:
    """Refuse two items with the same id in one collection."""
    seen: set[str] = set()
    for index, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            raise ValidationError.single(f"$.{field}[{index}].{key}", "a unique id", value)
        seen.add(value)
