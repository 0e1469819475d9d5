"""Strict JSON in and out for every attrs class of the package, and JSON Schemas for them.

One cattrs converter, built on first use, does the work. Its hooks refuse silent coercion
(``"42"`` is not an integer, ``1.9`` is not an integer, ``"false"`` is not a boolean), reject
unknown keys, and report every problem of a document at once, each with its JSON path, in one
`~clientcustomer.exceptions.ValidationError`.

The rules, type by type (the same in `structure` and `from_json`):

* ``str``: a JSON string. ``int``: a JSON integer (not ``true``, not ``1.5``). ``float``: a JSON
  number, integers included, finite. ``bool``: ``true`` or ``false`` only.
* ``Decimal``: a decimal string such as ``"10.50"`` or a JSON integer; a JSON float is refused
  because it is not exact. Written as a string.
* ``datetime.date``: ``"YYYY-MM-DD"``. ``datetime.datetime``: ISO 8601 with seconds and a UTC
  offset (``"2026-03-02T09:30:00+01:00"`` or ``...Z``); a naive time is refused.
* enums: their value. ``tuple[X, ...]``: a JSON array. ``dict[str, X]``: a JSON object.
  ``X | None``: ``null`` or an ``X``. Nested attrs classes: JSON objects, every field written.
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import enum
import functools
import math
import re
import types
import typing
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs

from clientcustomer._core.limits import JsonTextError, load_json, show_json
from clientcustomer.exceptions import Problem, RulesetError, ValidationError

if TYPE_CHECKING:
    import cattrs

__all__ = ["from_json", "json_schema", "structure", "to_json", "unstructure"]

T = TypeVar("T")

SCHEMA_VERSION = 1
"""The version written as ``schema_version`` by `to_json` and required by `from_json`."""

_DECIMAL = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)"
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NONE_TYPE = type(None)
_PRIMITIVE_WORDS: dict[object, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    _NONE_TYPE: "null",
}


class _Mismatch(Exception):  # noqa: N818 - internal signal, never escapes
    """A leaf value that is not what its type accepts."""

    def __init__(self, expected: str, got: object, note: str = "") -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got
        self.note = note


class _Step(str):
    """A path step attached as a note to an error raised inside a collection."""

    __slots__ = ()


def _key_step(key: str) -> str:
    """Render one object key as a JSON path step."""
    return f".{key}" if _IDENTIFIER.fullmatch(key) else f"[{key!r}]"


def _words(items: list[str]) -> str:
    """Join words as "a, b or c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


# --- structure hooks: one per type, strict ---------------------------------------------------


def _structure_str(value: object, cl: object) -> object:
    if cl is not str:  # a str subclass such as a StrEnum reaches this hook first
        return _subclass_hook(cl)(value, cl)
    if not isinstance(value, str):
        raise _Mismatch("a string", value)
    return value


def _structure_int(value: object, cl: object) -> object:
    if cl is not int:  # an IntEnum or IntFlag reaches this hook first
        return _subclass_hook(cl)(value, cl)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Mismatch("an integer", value)
    return value


def _structure_float(value: object, _: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Mismatch("a number", value)
    try:
        number = float(value)
    except OverflowError:
        raise _Mismatch("a finite number", value) from None
    if not math.isfinite(number):
        raise _Mismatch("a finite number", value)
    return number


def _structure_bool(value: object, _: object) -> bool:
    if not isinstance(value, bool):
        raise _Mismatch("a boolean", value)
    return value


def _structure_decimal(value: object, _: object) -> Decimal:
    expected = "a decimal string such as '10.50' or an integer"
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        try:
            return Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern only lets valid text through
            pass
    raise _Mismatch(expected, value)


def _iso(value: object, pattern: re.Pattern[str], parse: Callable[[str], T], expected: str) -> T:
    """Parse ISO text that matches ``pattern`` (and is a real date), else a mismatch."""
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise _Mismatch(expected, value)
    try:
        return parse(value)
    except ValueError:
        raise _Mismatch(expected, value) from None


def _structure_date(value: object, _: object) -> dt.date:
    return _iso(value, _DATE, dt.date.fromisoformat, "an ISO date")


def _structure_datetime(value: object, _: object) -> dt.datetime:
    return _iso(
        value, _DATETIME, dt.datetime.fromisoformat, "an ISO 8601 datetime with a UTC offset"
    )


@functools.cache
def _enum_hook(enum_type: type[enum.Enum]) -> Callable[[object, object], enum.Enum]:
    by_value = {(type(member.value), member.value): member for member in enum_type}
    allowed = ", ".join(repr(member.value) for member in enum_type)

    def hook(value: object, _: object) -> enum.Enum:
        try:
            return by_value[type(value), value]
        except (KeyError, TypeError):  # TypeError: an unhashable value such as a list
            raise _Mismatch(f"one of {allowed}", value) from None

    return hook


def _subclass_hook(cl: object) -> Callable[[object, object], object]:
    if isinstance(cl, type) and issubclass(cl, enum.Enum):
        return _enum_hook(cl)
    raise TypeError(f"cannot read {cl!r} from JSON")  # pragma: no cover - no such field today


def _structure_enum(value: object, cl: type[enum.Enum]) -> enum.Enum:
    return _enum_hook(cl)(value, cl)


def _literal_hook(literal: object) -> Callable[[object, object], object]:
    choices = typing.get_args(literal)
    allowed = ", ".join(repr(choice) for choice in choices)

    def hook(value: object, _: object) -> object:
        for choice in choices:
            if type(value) is type(choice) and value == choice:
                return choice
        raise _Mismatch(f"one of {allowed}", value)

    return hook


def _is_union(tp: object) -> bool:
    return typing.get_origin(tp) in {typing.Union, types.UnionType}


def _is_tuple(tp: object) -> bool:
    return typing.get_origin(tp) is tuple


def _is_dict(tp: object) -> bool:
    """A ``dict[str, X]`` or a read-only ``Mapping[str, X]``: a JSON object either way."""
    return typing.get_origin(tp) in {dict, collections.abc.Mapping}


def _is_enum(tp: object) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def _is_literal(tp: object) -> bool:
    return typing.get_origin(tp) is Literal


def _group(errors: list[Exception], what: str) -> ExceptionGroup[Exception]:
    return ExceptionGroup(f"While structuring {what}", errors)


def _tuple_hook(tp: object, converter: cattrs.Converter) -> Callable[[object, object], object]:
    args = typing.get_args(tp)
    if len(args) == 2 and args[1] is Ellipsis:
        item_types: tuple[object, ...] | None = None
        item_hook = converter.get_structure_hook(args[0])
        expected = "an array"
    else:
        item_types = args
        item_hooks = [converter.get_structure_hook(arg) for arg in args]
        expected = f"an array of {len(args)} items"

    def hook(value: object, _: object) -> tuple[object, ...]:
        if not isinstance(value, list | tuple) or (
            item_types is not None and len(value) != len(item_types)
        ):
            raise _Mismatch(expected, value)
        items: list[object] = []
        errors: list[Exception] = []
        for index, item in enumerate(value):
            try:
                if item_types is None:
                    items.append(item_hook(item, args[0]))
                else:
                    items.append(item_hooks[index](item, item_types[index]))
            except Exception as error:  # noqa: BLE001 - collected and reported with its path
                error.add_note(_Step(f"[{index}]"))
                errors.append(error)
        if errors:
            raise _group(errors, "an array")
        return tuple(items)

    return hook


def _dict_hook(tp: object, converter: cattrs.Converter) -> Callable[[object, object], object]:
    key_type, value_type = typing.get_args(tp) or (str, Any)
    value_hook = converter.get_structure_hook(value_type)

    def hook(value: object, _: object) -> dict[object, object]:
        if not isinstance(value, dict):
            raise _Mismatch("an object", value)
        result: dict[object, object] = {}
        errors: list[Exception] = []
        for key, item in value.items():
            if not isinstance(key, str):
                errors.append(_Mismatch("string keys", key))
                continue
            try:
                result[key] = value_hook(item, value_type)
            except Exception as error:  # noqa: BLE001 - collected and reported with its path
                error.add_note(_Step(_key_step(key)))
                errors.append(error)
        if errors:
            raise _group(errors, "an object")
        if key_type is not str:  # pragma: no cover - every mapping in the package is keyed by str
            return {converter.structure(key, key_type): item for key, item in result.items()}
        return result

    return hook


def _describe(tp: object) -> str:
    named: dict[object, str] = {
        **_PRIMITIVE_WORDS,
        Decimal: "a decimal string",
        dt.date: "an ISO date",
        dt.datetime: "an ISO 8601 datetime",
    }
    if tp in named:
        return named[tp]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(repr(member.value) for member in tp)
    if isinstance(tp, type) and attrs.has(tp):
        article = "an" if tp.__name__[:1] in "AEIOU" else "a"
        return f"{article} {tp.__name__} object"
    return "an array" if _is_tuple(tp) else "an object"


def _union_hook(tp: object, converter: cattrs.Converter) -> Callable[[object, object], object]:
    members = typing.get_args(tp)
    optional = _NONE_TYPE in members
    others = [member for member in members if member is not _NONE_TYPE]
    if len(others) == 1:
        inner = converter.get_structure_hook(others[0])

        def optional_hook(value: object, _: object) -> object:
            if value is None:
                return None
            return inner(value, others[0])

        return optional_hook
    hooks = [(member, converter.get_structure_hook(member)) for member in others]
    # Exact JSON types first, so that ``true`` stays a boolean and ``3`` an integer.
    order = {bool: 0, int: 1, float: 2, str: 3}
    hooks.sort(key=lambda pair: order.get(pair[0], 4))
    expected = _words([_describe(member) for member, _ in hooks] + (["null"] if optional else []))

    def hook(value: object, _: object) -> object:
        if value is None and optional:
            return None
        for member, member_hook in hooks:
            try:
                return member_hook(value, member)
            except Exception:  # noqa: BLE001, S112 - try the next member of the union
                continue
        raise _Mismatch(expected, value)

    return hook


def _attrs_hook(cls: type, converter: cattrs.Converter) -> Callable[[object, object], object]:
    from cattrs.gen import make_dict_structure_fn  # noqa: PLC0415 - cattrs loads lazily

    generated: Callable[[Any, Any], object] = make_dict_structure_fn(cls, converter)

    def hook(value: object, _: object) -> object:
        if not isinstance(value, dict):
            raise _Mismatch("an object", value)
        return generated(value, cls)

    return hook


# --- unstructure hooks --------------------------------------------------------------------------


def _unstructure_decimal(value: Decimal) -> str:
    return str(value)


def _unstructure_date(value: dt.date) -> str:
    return value.isoformat()


def _unstructure_scalar(value: object) -> object:
    """Enums become their values (a StrEnum reaches the ``str`` hook first)."""
    return value.value if isinstance(value, enum.Enum) else value


@functools.cache
def _converter() -> cattrs.Converter:
    """Build the one strict converter, on first use (cattrs is imported only then)."""
    import cattrs  # noqa: PLC0415 - keep `import clientcustomer` fast

    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(float, _structure_float)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(Decimal, _structure_decimal)
    converter.register_structure_hook(dt.date, _structure_date)
    converter.register_structure_hook(dt.datetime, _structure_datetime)
    converter.register_structure_hook(enum.Enum, _structure_enum)
    converter.register_structure_hook_factory(_is_literal, _literal_hook)
    converter.register_structure_hook_factory(_is_union, _union_hook)
    converter.register_structure_hook_factory(_is_tuple, _tuple_hook)
    converter.register_structure_hook_factory(_is_dict, _dict_hook)
    converter.register_structure_hook_factory(attrs.has, _attrs_hook)
    converter.register_unstructure_hook(Decimal, _unstructure_decimal)
    converter.register_unstructure_hook(dt.date, _unstructure_date)
    converter.register_unstructure_hook(dt.datetime, _unstructure_date)
    for scalar in (str, int, float, enum.Enum):
        converter.register_unstructure_hook(scalar, _unstructure_scalar)
    return converter


# --- errors -------------------------------------------------------------------------------------


def _step_of(error: BaseException) -> str:
    from cattrs.errors import AttributeValidationNote, IterableValidationNote  # noqa: PLC0415

    for note in getattr(error, "__notes__", ()):
        if isinstance(note, _Step):
            return str(note)
        if isinstance(note, AttributeValidationNote):
            return _key_step(note.name)
        if isinstance(note, IterableValidationNote):  # pragma: no cover - our own hooks iterate
            return f"[{note.index}]"
    return ""


def _problems(error: BaseException, path: str) -> Iterator[Problem]:  # noqa: C901 - one case each
    """Walk a (nested) error from the converter and yield every problem with its path."""
    from cattrs.errors import ForbiddenExtraKeysError  # noqa: PLC0415

    if isinstance(error, ForbiddenExtraKeysError):
        known = ", ".join(field.name for field in attrs.fields(error.cl))
        for key in sorted(error.extra_fields):
            yield Problem(f"{path}{_key_step(key)}", "", None, f"unknown key (known: {known})")
    elif isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from _problems(inner, path + _step_of(inner))
    elif isinstance(error, ValidationError):
        for problem in error.prefixed(path).problems:
            yield attrs.evolve(problem, got=_as_json(problem.got))
    elif isinstance(error, RulesetError):
        for ruleset_problem in error.problems:
            yield Problem(path, "", None, ruleset_problem.message)
    elif isinstance(error, _Mismatch):
        yield Problem(path, error.expected, error.got, error.note)
    elif isinstance(error, KeyError):
        yield Problem(path, "", None, "required key missing")
    else:  # pragma: no cover - a guard: report, never let a bare error escape
        yield Problem(path, "", None, f"invalid value ({type(error).__name__}: {error})")


def _as_json(value: object) -> object:
    """Show a value given to a class the way its JSON document spelled it."""
    if isinstance(value, Decimal | dt.date | enum.Enum):
        return _converter().unstructure(value)
    return value


def _reraise(error: Exception) -> ValidationError:
    return ValidationError(_problems(error, "$"))


# --- public API ---------------------------------------------------------------------------------


def unstructure(obj: object) -> Any:  # noqa: ANN401 - JSON values are dynamically typed
    """Turn an object of the package into JSON primitives (dicts, lists, str, int, float...).

    Every field is written, defaults included, so that `structure` gives back an equal object.
    Decimals become strings, dates and datetimes ISO 8601 strings, enums their values and tuples
    lists. No ``schema_version`` is added (`to_json` adds it).

    Args:
        obj: An instance of one of the package's attrs classes (or a tuple/dict of them).

    Returns:
        Plain data that `json.dumps` accepts.

    Example:
        >>> import datetime as dt
        >>> from decimal import Decimal
        >>> from clientcustomer import Interaction, unstructure
        >>> unstructure(Interaction("ann", dt.date(2026, 5, 1), "purchase", amount=Decimal("9.90")))
        {'party_id': 'ann', 'on': '2026-05-01', 'kind': 'purchase', 'item': '', 'offering': 'product', 'amount': '9.90', 'customized': False, 'collaborative': False, 'reference': ''}
    """  # noqa: E501 - a doctest line cannot be wrapped
    return _converter().unstructure(obj)


def structure(cls: type[T], data: object) -> T:
    """Build and validate an object of type ``cls`` from JSON primitives, strictly.

    No coercion happens: ``"42"`` is not an integer, ``1.9`` is not an integer, ``"false"`` is not
    a boolean (see the module's rules). Unknown keys are refused. No ``schema_version`` is
    expected (use `from_json` for documents).

    Args:
        cls: The class to build, such as `Party`.
        data: The JSON primitives, as `json.loads` or `unstructure` gives them.

    Returns:
        The object, validated like any object built in Python.

    Raises:
        ValidationError: Listing every problem, each with its JSON path.

    Example:
        >>> from clientcustomer import Party, structure
        >>> structure(Party, {"id": "acme", "name": "Acme Ltd", "kind": "organization"}).name
        'Acme Ltd'
        >>> structure(Party, {"id": 42, "name": "Acme Ltd", "kind": "shop", "vat": "x"})
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.ValidationError: $.id: expected a string, got 42
        $.kind: expected one of 'person', 'organization', got 'shop'
        $.vat: unknown key (known: id, name, kind)
    """
    converter = _converter()
    try:
        return converter.structure(data, cls)
    except Exception as error:  # noqa: BLE001 - every failure becomes one ValidationError
        raise _reraise(error) from None


def _reject_constant(name: str) -> float:
    raise _Mismatch("", name, f"{name} is not valid JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Mismatch("", key, f"duplicate key {key!r} in a JSON object")
        result[key] = value
    return result


def to_json(obj: object, *, indent: int | None = None) -> str:
    """Write an object of the package as a JSON document, with ``"schema_version": 1`` first.

    Args:
        obj: An instance of one of the package's attrs classes.
        indent: Indent nested levels by this many spaces; one line when ``None``.

    Returns:
        The JSON text; `from_json` reads it back into an equal object.

    Raises:
        TypeError: When ``obj`` is not an attrs instance.

    Example:
        >>> from clientcustomer import Party, to_json
        >>> print(to_json(Party("acme", "Acme Ltd")))
        {"schema_version": 1, "id": "acme", "name": "Acme Ltd", "kind": "organization"}
    """
    import json  # noqa: PLC0415 - keep `import clientcustomer` fast

    if not attrs.has(type(obj)):
        raise TypeError(f"to_json expects an instance of an attrs class, got {type(obj).__name__}")
    document = {"schema_version": SCHEMA_VERSION, **unstructure(obj)}
    return json.dumps(document, indent=indent, ensure_ascii=False, allow_nan=False)


def from_json(cls: type[T], text: str | bytes) -> T:
    """Read a JSON document written by `to_json` (or by hand) into a validated ``cls``.

    The document must be a JSON object with ``"schema_version": 1``; the rest follows the strict
    rules of `structure`. Invalid JSON, ``NaN``, duplicate keys, non-object documents, nesting
    deeper than 100 levels and numbers of more than 4,300 digits are refused with a
    `ValidationError` too; a UTF-8 byte-order mark is skipped.

    Args:
        cls: The class to build, such as `Engagement`.
        text: The JSON text (``str`` or UTF-8 ``bytes``).

    Returns:
        The object.

    Raises:
        ValidationError: Listing every problem, each with its JSON path.

    Example:
        >>> from clientcustomer import Party, from_json
        >>> from_json(Party, '{"schema_version": 1, "id": "ann", "name": "Ann", "kind": "person"}')
        Party(id='ann', name='Ann', kind=<PartyKind.PERSON: 'person'>)
        >>> from_json(Party, '[1, 2]')
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.ValidationError: $: expected a JSON object, got [1, 2]
    """
    if not isinstance(text, str | bytes | bytearray):
        raise ValidationError.single("$", "JSON text (str or bytes)", text)
    try:
        data = load_json(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except _Mismatch as error:
        raise ValidationError([Problem("$", "", error.got, error.note)]) from None
    except JsonTextError as error:
        raise ValidationError([Problem("$", "", None, f"not valid JSON ({error})")]) from None
    if not isinstance(data, dict):
        note = f"expected a JSON object, got {show_json(data)}"
        raise ValidationError([Problem("$", "a JSON object", data, note)])
    if "schema_version" not in data:
        raise ValidationError(
            [
                Problem(
                    "$.schema_version",
                    "",
                    None,
                    f"required key missing (documents carry schema_version {SCHEMA_VERSION})",
                )
            ]
        )
    version = data.pop("schema_version")
    if type(version) is not int or version != SCHEMA_VERSION:
        raise ValidationError.single(
            "$.schema_version",
            f"{SCHEMA_VERSION} (the only schema version this release reads)",
            version,
        )
    return structure(cls, data)


# --- JSON Schema --------------------------------------------------------------------------------

_DECIMAL_SCHEMA = {
    "type": ["string", "integer"],
    "pattern": "^" + _DECIMAL.pattern + "$",
    "description": 'A decimal number, written as a string such as "10.50" (or an integer).',
}


def _field_docs(cls: type) -> dict[str, str]:
    """Read the ``Attributes:`` section of a Google-style class docstring."""
    docs: dict[str, str] = {}
    lines = (cls.__doc__ or "").splitlines()
    inside = False
    current = ""
    for line in lines:
        stripped = line.strip()
        if stripped == "Attributes:":
            inside = True
            continue
        if not inside:
            continue
        if not stripped or (stripped.endswith(":") and " " not in stripped):
            if current or not stripped:
                break
            continue
        match = re.fullmatch(r"(\w+): (.*)", stripped)
        if match and line.startswith(" " * 8) and not line.startswith(" " * 12):
            current = match[1]
            docs[current] = match[2]
        elif current:
            docs[current] += " " + stripped
    return docs


class _SchemaBuilder:
    """Derive JSON Schemas from attrs classes, collecting nested classes in ``$defs``."""

    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}

    def of(self, tp: object) -> dict[str, Any]:  # noqa: C901, PLR0912 - one branch per type
        schema: dict[str, Any]
        if tp is str:
            schema = {"type": "string"}
        elif tp is bool:
            schema = {"type": "boolean"}
        elif tp is int:
            schema = {"type": "integer"}
        elif tp is float:
            schema = {"type": "number"}
        elif tp is _NONE_TYPE:
            schema = {"type": "null"}
        elif tp is Decimal:
            schema = dict(_DECIMAL_SCHEMA)
        elif tp is dt.datetime:
            schema = {
                "type": "string",
                "format": "date-time",
                "pattern": "^" + _DATETIME.pattern + "$",
            }
        elif tp is dt.date:
            schema = {"type": "string", "format": "date", "pattern": "^" + _DATE.pattern + "$"}
        elif _is_enum(tp):
            values = [member.value for member in tp]  # type: ignore[attr-defined]
            schema = {"enum": values}
            if all(isinstance(value, str) for value in values):
                schema = {"type": "string", **schema}
        elif _is_literal(tp):
            schema = {"enum": list(typing.get_args(tp))}
        elif _is_union(tp):
            schema = {"anyOf": [self.of(member) for member in typing.get_args(tp)]}
        elif _is_tuple(tp):
            args = typing.get_args(tp)
            if len(args) == 2 and args[1] is Ellipsis:
                schema = {"type": "array", "items": self.of(args[0])}
            else:
                schema = {
                    "type": "array",
                    "prefixItems": [self.of(arg) for arg in args],
                    "items": False,
                    "minItems": len(args),
                }
        elif _is_dict(tp):
            value_type = typing.get_args(tp)[1]
            schema = {"type": "object", "additionalProperties": self.of(value_type)}
        elif isinstance(tp, type) and attrs.has(tp):
            name = tp.__name__
            if name not in self.defs:
                self.defs[name] = {}  # placeholder: a class may refer to itself
                self.defs[name] = self.object(tp)
            schema = {"$ref": f"#/$defs/{name}"}
        else:
            raise TypeError(f"cannot describe {tp!r} in JSON Schema")
        return schema

    def object(self, cls: type) -> dict[str, Any]:
        attrs.resolve_types(cls)
        docs = _field_docs(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            prop = self.of(field.type)
            if field.name in docs:
                prop = {**prop, "description": docs[field.name]}
            if field.default is attrs.NOTHING:
                required.append(field.name)
            elif not isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
                prop = {**prop, "default": unstructure(field.default)}
            properties[field.name] = prop
        schema: dict[str, Any] = {"title": cls.__name__, "type": "object"}
        summary = (cls.__doc__ or "").strip().split("\n", 1)[0]
        if summary:
            schema["description"] = summary
        schema["properties"] = properties
        schema["required"] = required
        schema["additionalProperties"] = False
        return schema


def json_schema(cls: type) -> dict[str, Any]:
    """Describe the JSON documents of an attrs class as a JSON Schema (draft 2020-12).

    The schema is derived from the class's fields: required keys are the fields without a
    default, unknown keys are refused (``additionalProperties: false``), enums list their values,
    dates and datetimes carry ``format`` and a ``pattern``, decimals are strings with a pattern,
    optional fields accept ``null``, nested classes live in ``$defs``. The top level also requires
    ``"schema_version": 1``, as `to_json` writes it.

    Rules that involve several fields (an engagement's end on or after its start, interactions
    belonging to their party...) and value ranges checked in code are beyond the schema: the
    library still enforces them on reading.

    Args:
        cls: An attrs class of the package, such as `Engagement`.

    Returns:
        The schema, a fresh dict ready for `json.dumps`.

    Raises:
        TypeError: When ``cls`` is not an attrs class or a field has a type JSON cannot hold.

    Example:
        >>> from clientcustomer import Party, json_schema
        >>> schema = json_schema(Party)
        >>> schema["required"], schema["properties"]["kind"]["enum"]
        (['schema_version', 'id', 'name'], ['person', 'organization'])
    """
    if not (isinstance(cls, type) and attrs.has(cls)):
        raise TypeError(f"json_schema expects an attrs class, got {cls!r}")
    builder = _SchemaBuilder()
    body = builder.object(cls)
    properties = {
        "schema_version": {"const": SCHEMA_VERSION, "description": "The document format."},
        **body["properties"],
    }
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **body,
        "properties": properties,
        "required": ["schema_version", *body["required"]],
    }
    if builder.defs:
        schema["$defs"] = builder.defs
    return schema
