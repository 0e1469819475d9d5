"""Strict JSON: to_json/from_json, structure/unstructure, the exact error messages, schemas."""

from __future__ import annotations

import datetime as dt
import enum
import json
from decimal import Decimal
from typing import Any, Literal

import attrs
import pytest
from jsonschema import Draft202012Validator

import clientcustomer as cc
from clientcustomer.exceptions import ValidationError


class Size(enum.IntEnum):
    SMALL = 1
    LARGE = 2


class Colour(enum.Enum):
    RED = 1
    BLUE = "blue"


@attrs.frozen
class Leaf:
    """A leaf.

    Attributes:
        size: How big.
            Continued on a second line.
        colour: Which colour.

    Example:
        >>> Leaf(Size.SMALL, Colour.RED).mode
        'a'
    """

    size: Size
    colour: Colour
    mode: Literal["a", 1] = "a"


@attrs.frozen
class Other:
    name: str


@attrs.frozen
class Node:
    value: int | str
    leaf: Leaf | Other | None
    children: tuple[Node, ...] = ()
    tags: dict[str, int] = attrs.field(factory=dict)


def _engagement() -> cc.Engagement:
    return cc.Engagement(
        "e1",
        "acme",
        "Customer survey",
        start=dt.date(2026, 1, 5),
        end=dt.date(2026, 6, 30),
        deliverables=(cc.Deliverable("survey", "Survey", due=dt.date(2026, 3, 1)),),
        roles=(cc.RoleAssignment("acme", "payer"), cc.RoleAssignment("shoppers", "recipient")),
        dependencies=(
            cc.Dependency("list", "data", "Customer list", owner="Acme", blocks=("survey",)),
            cc.Dependency("calls", "access", "Call recordings", owner="Acme IT"),
            cc.Dependency(
                "staff", "people_time", "Staff time", owner="Acme", due=dt.date(2026, 2, 1)
            ),
        ),
    )


def _client() -> cc.Client:
    acme = cc.Party("acme", "Acme Ltd")
    bought = cc.Interaction(
        "acme", dt.date(2025, 11, 3), "purchase", amount=Decimal("10.50"), item="audit"
    )
    return cc.Client(
        acme,
        since=dt.date(2026, 1, 5),
        interactions=(bought,),
        engagements=(_engagement(),),
        account_manager="Dana",
        checkin_cadence_days=14,
    )


def _document(obj: object) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(cc.to_json(obj))
    return document


def _errors(cls: type, document: object) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        cc.from_json(cls, json.dumps(document))
    return [str(problem) for problem in caught.value.problems]


class TestToJson:
    def test_schema_version_first(self):
        """The document starts with ``"schema_version": 1``, then every field in order."""
        text = cc.to_json(cc.Party("acme", "Acme Ltd"))
        assert (
            '{"schema_version": 1, "id": "acme", "name": "Acme Ltd", "kind": "organization"}'
            == text
        )

    def test_indent(self):
        """``indent`` pretty-prints the document."""
        expected = (
            '{\n  "schema_version": 1,\n  "id": "a",\n  "name": "A",\n  "kind": "organization"\n}'
        )
        assert expected == cc.to_json(cc.Party("a", "A"), indent=2)

    def test_values(self):
        """Decimals are strings, dates ISO strings, enums values, tuples arrays, nothing omitted."""
        document = _document(_client())
        interaction = document["interactions"][0]
        assert "10.50" == interaction["amount"]
        assert "2025-11-03" == interaction["on"]
        assert "purchase" == interaction["kind"]
        assert [] == document["history"]
        assert document["engagements"][0]["dependencies"][1]["due"] is None

    def test_not_attrs(self):
        """Only attrs instances can be written."""
        with pytest.raises(TypeError, match="attrs class, got int"):
            cc.to_json(3)

    def test_unicode_kept(self):
        """Non-ASCII text is written as is."""
        assert '"Café <b>"' in cc.to_json(cc.Party("c", "Café <b>"))


class TestRoundTrip:
    def test_client(self):
        """A client with engagements, dependencies and interactions reads back equal."""
        client = _client()
        assert client == cc.from_json(cc.Client, cc.to_json(client))

    def test_structure(self):
        """``structure(unstructure(x))`` gives back x, without a schema_version."""
        engagement = _engagement()
        data = cc.unstructure(engagement)
        assert "schema_version" not in data
        assert engagement == cc.structure(cc.Engagement, data)

    def test_bytes(self):
        """UTF-8 bytes are read too."""
        party = cc.Party("c", "Café")
        assert party == cc.from_json(cc.Party, cc.to_json(party).encode())

    def test_datetime(self):
        """Aware datetimes are written with their offset and read back equal."""

        @attrs.frozen
        class Stamp:
            at: dt.datetime

        stamp = Stamp(dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))))
        assert {"at": "2026-03-02T09:30:00+01:00"} == cc.unstructure(stamp)
        assert stamp == cc.structure(Stamp, cc.unstructure(stamp))
        assert dt.UTC == cc.structure(Stamp, {"at": "2026-03-02T09:30:00Z"}).at.tzinfo

    def test_signals(self):
        """Signals with custom values of every JSON type read back equal."""
        signals = cc.Signals(spend=5.0, tenure_days=3, custom={"nps": 9, "r": "x", "ok": True})
        assert signals == cc.from_json(cc.Signals, cc.to_json(signals))

    def test_int_for_float(self):
        """A JSON integer is accepted for a float field."""
        assert 5.0 == cc.structure(cc.Signals, {"spend": 5}).spend

    def test_decimal_from_int(self):
        """A JSON integer is accepted for a decimal field."""
        data = cc.unstructure(cc.Interaction("a", dt.date(2026, 1, 1), "purchase"))
        data["amount"] = 12
        assert Decimal(12) == cc.structure(cc.Interaction, data).amount


class TestStrictness:
    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("checkin_cadence_days", "42", "expected an integer, got '42'"),
            ("checkin_cadence_days", 1.9, "expected an integer, got 1.9"),
            ("checkin_cadence_days", 14.0, "expected an integer, got 14.0"),
            ("checkin_cadence_days", True, "expected an integer, got True"),
            ("account_manager", 7, "expected a string, got 7"),
            ("since", "05/01/2026", "expected an ISO date, got '05/01/2026'"),
            ("since", "2026-02-30", "expected an ISO date, got '2026-02-30'"),
            ("since", "20260105", "expected an ISO date, got '20260105'"),
            ("interactions", {}, "expected an array, got {}"),
            ("interactions", "abc", "expected an array, got 'abc'"),
            ("party", [], "expected an object, got []"),
        ],
    )
    def test_client_fields(self, field, value, message):
        """Wrong JSON types are refused, never coerced."""
        document = _document(_client())
        document[field] = value
        assert [f"$.{field}: {message}"] == _errors(cc.Client, document)

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("customized", "false", "expected a boolean, got 'false'"),
            ("customized", 1, "expected a boolean, got 1"),
            ("amount", 10.5, "expected a decimal string such as '10.50' or an integer, got 10.5"),
            ("amount", "ten", "expected a decimal string such as '10.50' or an integer, got 'ten'"),
            ("amount", "NaN", "expected a decimal string such as '10.50' or an integer, got 'NaN'"),
            ("amount", True, "expected a decimal string such as '10.50' or an integer, got True"),
            (
                "kind",
                "PURCHASE",
                (
                    "expected one of 'purchase', 'return', 'cancellation', 'delivery', 'support', "
                    "'meeting', 'check_in', 'workshop', 'planning', 'training', 'consultation', "
                    "'agreement_signed', 'agreement_ended', got 'PURCHASE'"
                ),
            ),
        ],
    )
    def test_interaction_fields(self, field, value, message):
        """Booleans, decimals and enums are strict too."""
        document = _document(cc.Interaction("a", dt.date(2026, 1, 1), "purchase"))
        document[field] = value
        assert [f"$.{field}: {message}"] == _errors(cc.Interaction, document)

    def test_all_problems_with_paths(self):
        """Every problem of a document is listed, each with its JSON path."""
        document = _document(_client())
        document["engagements"][0]["dependencies"][2]["due"] = "tomorrow"
        document["party"]["nmae"] = "Acme"
        document["interactions"][0]["amount"] = -1
        del document["since"]
        assert [
            "$.party.nmae: unknown key (known: id, name, kind)",
            "$.since: required key missing",
            "$.interactions[0].amount: expected a non-negative decimal amount, got '-1'",
            "$.engagements[0].dependencies[2].due: expected an ISO date, got 'tomorrow'",
        ] == _errors(cc.Client, document)

    @pytest.mark.parametrize(
        ("build", "path", "value", "message"),
        [
            pytest.param(
                _client,
                ("engagements", 0, "end"),
                "2025-12-31",
                "$.engagements[0].end: expected a date on or after start (2026-01-05), "
                "got '2025-12-31'",
                id="a-class-rule-under-the-objects-path",
            ),
            pytest.param(
                _client,
                ("interactions", 0, "party_id"),
                "globex",
                "$.interactions[0].party_id: expected the party's id 'acme', got 'globex'",
                id="a-cross-object-rule",
            ),
            pytest.param(
                _engagement,
                ("dependencies", 0, "blocks"),
                ["report"],
                "$.dependencies[0].blocks[0]: expected the id of one of this engagement's "
                "deliverables, got 'report'",
                id="a-rule-of-the-top-level-class",
            ),
        ],
    )
    def test_rules_of_the_classes_keep_their_path(self, build, path, value, message):
        """A rule checked by a class (of a nested object, across objects, or of the top-level
        object) is reported under its own path: a value set at ``path`` gives one problem."""
        value_of = build()
        document = _document(value_of)
        *parents, last = path
        place = document
        for step in parents:
            place = place[step]
        place[last] = value
        assert [message] == _errors(type(value_of), document)

    def test_custom_signal_key(self):
        """Keys inside a mapping are path steps too; odd keys are quoted."""
        with pytest.raises(ValidationError) as caught:
            cc.structure(cc.Signals, {"custom": {"nps": [9], "a b": {}}})
        expected = "a boolean, an integer, a number, a string or null"
        assert [
            f"$.custom.nps: expected {expected}, got [9]",
            f"$.custom['a b']: expected {expected}, got {{}}",
        ] == [str(problem) for problem in caught.value.problems]

    def test_float_nan(self):
        """A non-finite float is refused by ``structure``."""
        with pytest.raises(ValidationError, match=r"\$.spend: expected a finite number, got nan"):
            cc.structure(cc.Signals, {"spend": float("nan")})

    def test_huge_int_for_float(self):
        """An integer too large for a float is refused."""
        with pytest.raises(ValidationError, match=r"\$.spend: expected a finite number"):
            cc.structure(cc.Signals, {"spend": 10**400})

    def test_naive_datetime(self):
        """A datetime without a UTC offset is refused."""

        @attrs.frozen
        class Stamp:
            at: dt.datetime

        with pytest.raises(ValidationError) as caught:
            cc.structure(Stamp, {"at": "2026-03-02T09:30:00"})
        assert (
            "$.at: expected an ISO 8601 datetime with a UTC offset, got '2026-03-02T09:30:00'"
            == str(caught.value)
        )

    def test_structure_without_version(self):
        """``structure`` does not want a schema_version."""
        with pytest.raises(ValidationError, match=r"\$.schema_version: unknown key"):
            cc.structure(cc.Party, {"schema_version": 1, "id": "a", "name": "A"})


class TestDocuments:
    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("[1, 2]", "$: expected a JSON object, got [1, 2]"),
            ("42", "$: expected a JSON object, got 42"),
            ('"acme"', '$: expected a JSON object, got "acme"'),
            ("null", "$: expected a JSON object, got null"),
            ("", "$: not valid JSON (Expecting value (line 1, column 1))"),
            (
                "{'id': 1}",
                (
                    "$: not valid JSON (Expecting property name enclosed in double quotes "
                    "(line 1, column 2))"
                ),
            ),
            ('{"spend": NaN}', "$: NaN is not valid JSON"),
            ('{"id": "a", "id": "b"}', "$: duplicate key 'id' in a JSON object"),
            (
                '{"id": "a", "name": "A"}',
                "$.schema_version: required key missing (documents carry schema_version 1)",
            ),
            (
                '{"schema_version": 2, "id": "a", "name": "A"}',
                "$.schema_version: expected 1 (the only schema version this release reads), got 2",
            ),
            (
                '{"schema_version": "1", "id": "a", "name": "A"}',
                (
                    "$.schema_version: expected 1 (the only schema version this release reads), "
                    "got '1'"
                ),
            ),
            (
                '{"schema_version": true, "id": "a", "name": "A"}',
                (
                    "$.schema_version: expected 1 (the only schema version this release reads), "
                    "got True"
                ),
            ),
        ],
    )
    def test_bad_documents(self, text, message):
        """Bad documents give one clean ValidationError with an exact message."""
        with pytest.raises(ValidationError) as caught:
            cc.from_json(cc.Party, text)
        assert message == str(caught.value)

    def test_invalid_utf8(self):
        """Bytes that are not UTF-8 are refused cleanly."""
        with pytest.raises(ValidationError, match=r"^\$: not valid JSON"):
            cc.from_json(cc.Party, b"\xff\xfe\xfa")

    def test_deep_nesting(self):
        """A document nested too deep is refused cleanly."""
        with pytest.raises(ValidationError, match=r"^\$: "):
            cc.from_json(cc.Party, "[" * 100_000 + "]" * 100_000)

    def test_not_text(self):
        """Something that is not JSON text is refused."""
        with pytest.raises(ValidationError, match=r"expected JSON text \(str or bytes\), got 42"):
            cc.from_json(cc.Party, 42)  # type: ignore[arg-type]

    def test_is_value_error(self):
        """The error is also a ValueError, for callers who do not know the library."""
        with pytest.raises(ValueError, match="expected a JSON object"):
            cc.from_json(cc.Party, "[]")


class TestJsonSchema:
    @pytest.mark.parametrize("obj", [_client(), _engagement(), cc.Party("a", "A")])
    def test_validates_output(self, obj):
        """Real ``to_json`` output is valid against the type's schema."""
        schema = cc.json_schema(type(obj))
        Draft202012Validator.check_schema(schema)
        assert [] == list(Draft202012Validator(schema).iter_errors(_document(obj)))

    def test_shape(self):
        """The schema is draft 2020-12, closed, with required fields and defs for nested types."""
        schema = cc.json_schema(cc.Client)
        assert "https://json-schema.org/draft/2020-12/schema" == schema["$schema"]
        assert ["schema_version", "party", "since"] == schema["required"]
        assert schema["additionalProperties"] is False
        assert {"const": 1, "description": "The document format."} == schema["properties"][
            "schema_version"
        ]
        assert {
            "Party",
            "Interaction",
            "Engagement",
            "Deliverable",
            "Dependency",
            "RoleAssignment",
            "StatusChange",
            "Escalation",
            "StageChange",
            "ClassificationSummary",
        } == set(schema["$defs"])
        assert {"anyOf": [{"type": "integer"}, {"type": "null"}]} == {
            key: value
            for key, value in schema["properties"]["checkin_cadence_days"].items()
            if key == "anyOf"
        }

    def test_formats(self):
        """Dates carry a format and a pattern; decimals a pattern; defaults are given."""
        interaction = cc.json_schema(cc.Interaction)["properties"]
        assert "date" == interaction["on"]["format"]
        assert ["string", "integer"] == interaction["amount"]["type"]
        assert "0" == interaction["amount"]["default"]
        assert "product" == interaction["offering"]["default"]
        assert "The date it happened." == interaction["on"]["description"]

    def test_datetime_and_fixed_tuple(self):
        """Datetimes, fixed-size tuples and mappings are described too."""

        @attrs.frozen
        class Odd:
            at: dt.datetime
            pair: tuple[int, str]
            tags: dict[str, int]

        properties = cc.json_schema(Odd)["properties"]
        assert "date-time" == properties["at"]["format"]
        assert 2 == properties["pair"]["minItems"]
        assert {"type": "integer"} == properties["tags"]["additionalProperties"]
        assert ({"a": 1}, (1, "x")) == (
            cc.structure(
                Odd, {"at": "2026-01-01T00:00:00Z", "pair": [1, "x"], "tags": {"a": 1}}
            ).tags,
            cc.structure(Odd, {"at": "2026-01-01T00:00:00Z", "pair": [1, "x"], "tags": {}}).pair,
        )

    def test_not_attrs(self):
        """Only attrs classes have a schema."""
        with pytest.raises(TypeError, match="expects an attrs class"):
            cc.json_schema(int)

    def test_unsupported_field(self):
        """A field JSON cannot hold is a TypeError naming it."""

        @attrs.frozen
        class Odd:
            thing: object

        with pytest.raises(TypeError, match="cannot describe"):
            cc.json_schema(Odd)

    @pytest.mark.parametrize(
        ("path", "value"),
        [
            (("checkin_cadence_days",), "14"),
            (("checkin_cadence_days",), True),
            (("since",), "05/01/2026"),
            (("party", "kind"), "shop"),
            (("party", "vat"), "GB1"),
            (("interactions", 0, "amount"), 10.5),
            (("interactions", 0, "customized"), "false"),
            (("engagements", 0, "dependencies", 2, "due"), "tomorrow"),
            (("engagements", 0, "roles", 0, "role"), "customer"),
            (("schema_version",), 2),
            (("interactions",), {}),
        ],
    )
    def test_rejected_by_both(self, path, value):
        """A document refused for a type, enum or unknown-key reason also fails the schema."""
        document = _document(_client())
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        with pytest.raises(ValidationError):
            cc.from_json(cc.Client, json.dumps(document))
        assert not Draft202012Validator(cc.json_schema(cc.Client)).is_valid(document)

    def test_missing_required(self):
        """A missing required key fails both."""
        document = _document(_client())
        del document["party"]["id"]
        assert ["$.party.id: required key missing"] == _errors(cc.Client, document)
        assert not Draft202012Validator(cc.json_schema(cc.Client)).is_valid(document)


class TestGenericTypes:
    def test_round_trip(self):
        """Int enums, plain enums, literals, unions, mappings and recursion round-trip."""
        node = Node(
            "top",
            Leaf(Size.LARGE, Colour.BLUE, 1),
            children=(Node(3, Other("x"), tags={"a": 1}), Node(4, None)),
        )
        data = cc.unstructure(node)
        assert {"size": 2, "colour": "blue", "mode": 1} == data["leaf"]
        assert node == cc.structure(Node, data)

    def test_problems(self):
        """Each generic hook reports its own problem with its path."""
        data = {
            "value": [1],
            "leaf": {"size": 3, "colour": "red", "mode": "1"},
            "children": [{"value": True, "leaf": None, "tags": []}],
            "tags": {"a": "1"},
        }
        with pytest.raises(ValidationError) as caught:
            cc.structure(Node, data)
        assert [
            "$.value: expected an integer or a string, got [1]",
            (
                "$.leaf: expected a Leaf object, an Other object or null, "
                "got {'size': 3, 'colour': 'red', 'mode': '1'}"
            ),
            "$.children[0].value: expected an integer or a string, got True",
            "$.children[0].tags: expected an object, got []",
            "$.tags.a: expected an integer, got '1'",
        ] == [str(problem) for problem in caught.value.problems]

    def test_leaf_problems(self):
        """Enum and literal values must match exactly."""
        with pytest.raises(ValidationError) as caught:
            cc.structure(Leaf, {"size": True, "colour": "red", "mode": "1"})
        assert [
            "$.size: expected one of 1, 2, got True",
            "$.colour: expected one of 1, 'blue', got 'red'",
            "$.mode: expected one of 'a', 1, got '1'",
        ] == [str(problem) for problem in caught.value.problems]

    def test_non_string_keys(self):
        """Plain data with non-string keys is refused."""
        with pytest.raises(ValidationError, match=r"\$.tags: expected string keys, got 1"):
            cc.structure(Node, {"value": 1, "leaf": None, "tags": {1: 2}})

    def test_bad_datetime(self):
        """A datetime that matches the pattern but not the calendar is refused."""

        @attrs.frozen
        class Stamp:
            at: dt.datetime

        with pytest.raises(ValidationError, match="got '2026-13-01T00:00:00Z'"):
            cc.structure(Stamp, {"at": "2026-13-01T00:00:00Z"})

    def test_schema(self):
        """Recursive classes, int enums, literals and field docs are described."""
        schema = cc.json_schema(Node)
        assert {"$ref": "#/$defs/Node"} == schema["properties"]["children"]["items"]
        leaf = schema["$defs"]["Leaf"]
        assert {"enum": [1, 2], "description": "How big. Continued on a second line."} == (
            leaf["properties"]["size"]
        )
        assert "Which colour." == leaf["properties"]["colour"]["description"]
        valid = {"schema_version": 1, **cc.unstructure(Node(1, None, children=(Node(2, None),)))}
        assert Draft202012Validator(schema).is_valid(valid)
