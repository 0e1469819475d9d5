"""The playbook: the sources' strategies as data, and what to do next for one relationship.

"Customers may respond better to promotional deals and advertising, whereas clients appreciate
more informative content that showcases expertise." A `Playbook` holds such strategies (loyalty
programs, feedback and promotions for customers; regular check-ins, custom solutions and ongoing
education for clients; ongoing services for customers on their way to becoming clients; following
up on what a client owes) as data read from a TOML or JSON file. The default one ships inside the
package (``playbook.toml``) and can be replaced by the user's own. `recommend` turns a playbook
and what is known about a party into dated `PlaybookAction` objects, each saying why.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import attrs

from clientcustomer._core import html as h
from clientcustomer._core import validation as v
from clientcustomer._core.vocabulary import ROLE_NAMES
from clientcustomer.engagements.model import Dependency, Engagement
from clientcustomer.exceptions import Problem, ValidationError
from clientcustomer.lifecycle.machine import ClassificationSummary, Stage, SupportsClassification
from clientcustomer.parties.entities import (
    Client,
    Customer,
    FormerClient,
    Interaction,
    InteractionKind,
)
from clientcustomer.signals.derive import Signals, derive_signals

__all__ = [
    "ActionTable",
    "Playbook",
    "PlaybookAction",
    "PlaybookActionKind",
    "PlaybookStrategy",
    "load_playbook",
    "loads_playbook",
    "recommend",
    "recommend_for",
]

_Role = Literal["customer", "client", "ambiguous"]
_ROLES: tuple[str, ...] = ROLE_NAMES
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_COMMON_PLACEHOLDERS = frozenset({"party"})
_FOLLOW_UP_PLACEHOLDERS = frozenset({"description", "owner", "engagement", "dependency", "due"})


class PlaybookActionKind(enum.StrEnum):
    """What sort of action a strategy recommends.

    ``check_in`` strategies take a client's own check-in cadence when it has one;
    ``dependency_follow_up`` strategies produce one action per unmet dependency; ``other`` is
    free for strategies of your own.

    Example:
        >>> from clientcustomer import PlaybookActionKind
        >>> PlaybookActionKind("check_in")
        <PlaybookActionKind.CHECK_IN: 'check_in'>
    """

    LOYALTY_PROGRAM = "loyalty_program"
    FEEDBACK = "feedback"
    PROMOTION = "promotion"
    CHECK_IN = "check_in"
    CUSTOM_SOLUTION = "custom_solution"
    EDUCATION = "education"
    ONGOING_SERVICES = "ongoing_services"
    DEPENDENCY_FOLLOW_UP = "dependency_follow_up"
    OTHER = "other"


def _to_action_kind(value: PlaybookActionKind | str) -> PlaybookActionKind:
    return _action_kind(value)


_action_kind = v.enum_converter(PlaybookActionKind, "kind")


def _converted_items(value: object, field: str, convert: Any) -> tuple[Any, ...]:  # noqa: ANN401
    """Convert each item of a list or tuple; refuse anything else (strings included)."""
    if not isinstance(value, tuple | list):
        raise ValidationError.single(f"$.{field}", "a list", value)
    items = []
    for index, item in enumerate(value):
        try:
            items.append(convert(item))
        except ValidationError as error:
            raise ValidationError(
                attrs.evolve(problem, field=f"$.{field}[{index}]") for problem in error.problems
            ) from None
    return tuple(items)


_stage = v.enum_converter(Stage, "stages")
_interaction_kind = v.enum_converter(InteractionKind, "done_by")


def _to_stages(value: Iterable[Stage | str]) -> tuple[Stage, ...]:
    return _converted_items(value, "stages", _stage)


def _to_done_by(value: Iterable[InteractionKind | str]) -> tuple[InteractionKind, ...]:
    return _converted_items(value, "done_by", _interaction_kind)


def _to_bounds(value: Mapping[str, float]) -> dict[str, float]:
    return dict(value) if isinstance(value, Mapping) else value


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _text_problems(strategy: PlaybookStrategy) -> list[Problem]:
    problems = []
    for name in ("id", "text", "why"):
        value = getattr(strategy, name)
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(f"$.{name}", "a non-empty string", value))
    if isinstance(strategy.text, str):
        allowed = set(_COMMON_PLACEHOLDERS)
        if strategy.cadence_days is not None:
            allowed.add("cadence_days")
        if strategy.kind is PlaybookActionKind.DEPENDENCY_FOLLOW_UP:
            allowed |= _FOLLOW_UP_PLACEHOLDERS
        for name in _PLACEHOLDER.findall(strategy.text):
            if name not in allowed:
                known = ", ".join(f"{{{item}}}" for item in sorted(allowed))
                problems.append(Problem("$.text", f"only the placeholders {known}", f"{{{name}}}"))
    return problems


def _condition_problems(strategy: PlaybookStrategy) -> list[Problem]:
    problems = []
    for name in ("roles", "classified_as", "not_classified_as"):
        value = getattr(strategy, name)
        if not isinstance(value, tuple):
            problems.append(Problem(f"$.{name}", "a tuple of roles", value))
            continue
        problems.extend(
            Problem(f"$.{name}[{index}]", "one of 'customer', 'client', 'ambiguous'", role)
            for index, role in enumerate(value)
            if role not in _ROLES
        )
    for name in ("at_least", "at_most"):
        bounds = getattr(strategy, name)
        if not isinstance(bounds, dict):
            problems.append(Problem(f"$.{name}", "a mapping of signal name to number", bounds))
            continue
        for signal, bound in bounds.items():
            if not isinstance(signal, str) or not signal.isidentifier():
                problems.append(Problem(f"$.{name}", "signal names that are identifiers", signal))
            elif not _is_number(bound):
                problems.append(Problem(f"$.{name}.{signal}", "a finite number", bound))
    return problems


def _cadence_problems(strategy: PlaybookStrategy) -> list[Problem]:
    cadence = strategy.cadence_days
    if cadence is not None and (isinstance(cadence, bool) or not isinstance(cadence, int)):
        return [Problem("$.cadence_days", "an integer >= 1 or null", cadence)]
    if cadence is not None and cadence < 1:
        return [Problem("$.cadence_days", "an integer >= 1 or null", cadence)]
    if strategy.kind is PlaybookActionKind.DEPENDENCY_FOLLOW_UP and (
        cadence is not None or strategy.done_by
    ):
        return [
            Problem(
                "$.cadence_days",
                "",
                cadence,
                "a dependency follow-up is due when the dependency is: it takes no cadence_days "
                "or done_by",
            )
        ]
    if cadence is not None and not strategy.done_by:
        return [
            Problem(
                "$.done_by",
                "the interaction kinds that count as having done it (needed with cadence_days)",
                strategy.done_by,
            )
        ]
    if cadence is None and strategy.done_by:
        return [Problem("$.cadence_days", "how often, in days (needed with done_by)", None)]
    return []


@attrs.frozen
class PlaybookStrategy:
    """One strategy of a playbook: to whom it applies, what to do, why, and how often.

    Every condition given must hold (an empty list or mapping means no condition):

    * ``roles``: the relationship's role: the recorded stage when it is ``customer`` or
      ``client`` (the classifier suggests, a person decides), otherwise the classification's
      role; when neither is known the condition fails.
    * ``stages``: the recorded stage must be one of these (an unknown stage fails).
    * ``classified_as``: a classification is given and its role is one of these.
    * ``not_classified_as``: no classification is given, or its role is not one of these.
    * ``at_least``/``at_most``: each signal (canonical or custom) is known, a number, and within
      the bound; the signals are derived from the interactions when none are given.

    Attributes:
        id: A unique identifier within the playbook.
        kind: What sort of action it is (see `PlaybookActionKind`).
        text: What to do, in words; may hold the placeholders ``{party}``, ``{cadence_days}``
            (recurring strategies) and, for a dependency follow-up, ``{description}``,
            ``{owner}``, ``{engagement}``, ``{dependency}`` and ``{due}``.
        why: Why, in words: the source's advice, quoted.
        roles: The relationship roles it applies to (``customer``, ``client``, ``ambiguous``).
        stages: The recorded stages it applies to.
        classified_as: The classification roles it requires.
        not_classified_as: The classification roles that exclude it.
        at_least: Lower bounds on signals, by signal name.
        at_most: Upper bounds on signals, by signal name.
        cadence_days: For a recurring action, how often it is due, in days.
        done_by: For a recurring action, the interaction kinds that count as having done it.
        serves: The expectation the strategy serves, in the sources' words: a customer's
            "immediate satisfaction" or a client's "long-term strategy and satisfaction".

    Example:
        >>> from clientcustomer import PlaybookStrategy
        >>> check_in = PlaybookStrategy("check-in", "check_in", "Check in with {party}.",
        ...                     "Regular Check-Ins", roles=("client",), cadence_days=30,
        ...                     done_by=("check_in", "meeting"))
        >>> check_in.done_by[0].value
        'check_in'
        >>> PlaybookStrategy("x", "feedback", "Call {client}.", "Because")
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.ValidationError: $.text: expected only the placeholders {party}, got '{client}'
    """  # noqa: E501 - a doctest line cannot be wrapped

    id: str
    kind: PlaybookActionKind = attrs.field(converter=_to_action_kind)
    text: str
    why: str
    roles: tuple[_Role, ...] = attrs.field(default=(), kw_only=True)
    stages: tuple[Stage, ...] = attrs.field(default=(), converter=_to_stages, kw_only=True)
    classified_as: tuple[_Role, ...] = attrs.field(default=(), kw_only=True)
    not_classified_as: tuple[_Role, ...] = attrs.field(default=(), kw_only=True)
    at_least: dict[str, float] = attrs.field(
        factory=dict, converter=_to_bounds, hash=False, kw_only=True
    )
    at_most: dict[str, float] = attrs.field(
        factory=dict, converter=_to_bounds, hash=False, kw_only=True
    )
    cadence_days: int | None = attrs.field(default=None, kw_only=True)
    done_by: tuple[InteractionKind, ...] = attrs.field(
        default=(), converter=_to_done_by, kw_only=True
    )
    serves: str = attrs.field(default="", validator=v.text, kw_only=True)

    def __attrs_post_init__(self) -> None:
        problems = [*_text_problems(self), *_condition_problems(self), *_cadence_problems(self)]
        if problems:
            raise ValidationError(problems)


def _strategy_ids(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    v.tuple_of(PlaybookStrategy, "a Strategy")(_instance, attribute, value)
    v.unique_ids(value, "strategies")  # type: ignore[arg-type]


@attrs.frozen(repr=False)
class Playbook:
    """Strategies as data: what to do for customers, for clients and for those in between.

    Read one from a file with `load_playbook` or use the one shipped in the package with
    `Playbook.default`. It round-trips through `to_json`/`from_json` like every public type.

    Attributes:
        id: A name for the playbook.
        strategies: The strategies, in the order ties between actions are broken.
        version: The playbook's own version number, for your records.
        description: What the playbook is for, in words.

    Example:
        >>> from clientcustomer import Playbook, PlaybookStrategy
        >>> thanks = PlaybookStrategy("thanks", "other", "Thank {party}.", "Manners")
        >>> mine = Playbook("mine", (thanks,))
        >>> mine
        <clientcustomer.Playbook(id='mine', version=1, strategies=1)>
        >>> [strategy.id for strategy in Playbook.default().strategies][:3]
        ['loyalty-program', 'feedback', 'promotional-communication']
    """

    id: str = attrs.field(validator=v.non_empty_str)
    strategies: tuple[PlaybookStrategy, ...] = attrs.field(validator=_strategy_ids)
    version: int = attrs.field(default=1, validator=v.integer(1), kw_only=True)
    description: str = attrs.field(default="", validator=v.text, kw_only=True)

    def __repr__(self) -> str:
        return (
            f"<clientcustomer.Playbook(id={self.id!r}, version={self.version}, "
            f"strategies={len(self.strategies)})>"
        )

    def _repr_html_(self) -> str:
        rows = [(s.id, s.kind, s.serves, s.text, s.why) for s in self.strategies]
        caption = f"Playbook {self.id} (version {self.version})"
        return h.table(("id", "kind", "serves", "text", "why"), rows, caption=caption)

    @classmethod
    def default(cls) -> Playbook:
        """The playbook shipped in the package (``playbook.toml``), read once.

        Example:
            >>> from clientcustomer import Playbook
            >>> Playbook.default().id, len(Playbook.default().strategies)
            ('default', 8)
        """
        return _default_playbook()

    @classmethod
    def from_toml(cls, text: str) -> Playbook:
        """Read a playbook from TOML text, strictly: every problem is reported with its path.

        The top level holds ``id``, ``strategies`` (an array of tables), and optionally
        ``version``, ``description`` and ``schema_version = 1``. Unknown keys are refused.

        Args:
            text: The TOML document.

        Returns:
            The validated playbook.

        Raises:
            ValidationError: When the text is not TOML or not a valid playbook; the message has
                one line per problem.

        Example:
            >>> from clientcustomer import Playbook
            >>> text = '''
            ... id = "mine"
            ... [[strategies]]
            ... id = "thanks"
            ... kind = "other"
            ... text = "Thank {party}."
            ... why = "Manners"
            ... cadense_days = 30
            ... '''
            >>> Playbook.from_toml(text)
            Traceback (most recent call last):
            ...
            clientcustomer.exceptions.ValidationError: $.strategies[0].cadense_days: unknown key ...
        """
        import tomllib  # noqa: PLC0415 - read only when a playbook is loaded

        from clientcustomer._core.serialization import SCHEMA_VERSION, structure  # noqa: PLC0415 - an edge

        if not isinstance(text, str):
            raise ValidationError.single("$", "TOML text (a str)", text)
        try:
            data: dict[str, Any] = tomllib.loads(text.removeprefix("\ufeff"))
        except tomllib.TOMLDecodeError as error:
            raise ValidationError([Problem("$", "", None, f"not valid TOML ({error})")]) from None
        except (ValueError, RecursionError):  # a number of thousands of digits, deep arrays
            note = "not valid TOML (a number of more than 4300 digits, or nested too deep)"
            raise ValidationError([Problem("$", "", None, note)]) from None
        version = data.pop("schema_version", SCHEMA_VERSION)
        if type(version) is not int or version != SCHEMA_VERSION:
            raise ValidationError.single(
                "$.schema_version", f"{SCHEMA_VERSION} (the only schema version read)", version
            )
        return structure(cls, data)


@functools.cache
def _default_playbook() -> Playbook:
    from importlib.resources import files  # noqa: PLC0415 - read on first use

    return Playbook.from_toml(files(__package__).joinpath("playbook.toml").read_text("utf-8"))


def load_playbook(path: str | os.PathLike[str]) -> Playbook:
    """Read a playbook from a ``.toml`` file or a ``.json`` document (as `to_json` writes it).

    Args:
        path: The file; its suffix says the format. For the playbook's text, use
            `loads_playbook`.

    Returns:
        The validated playbook.

    Raises:
        ValidationError: When the suffix is neither ``.toml`` nor ``.json``, the file cannot be
            read (named, with the reason), the string is plainly a playbook's text (pointing to
            `loads_playbook`), or the content is not a valid playbook (every problem with its
            path).

    Example:
        >>> import pathlib, tempfile
        >>> from clientcustomer import Playbook, load_playbook, to_json
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "mine.json").write_text(to_json(Playbook.default()), encoding="utf-8")
        >>> load_playbook(folder / "mine.json") == Playbook.default()
        True
        >>> load_playbook(folder / "missing.toml")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.ValidationError: $: expected a readable .toml or .json file, got '...missing.toml' (No such file or directory)
    """  # noqa: E501 - a doctest line cannot be wrapped
    if isinstance(path, str) and ("\n" in path or path.lstrip().startswith(("{", "["))):
        raise ValidationError(
            [Problem("$", "", None, "load_playbook expects a path, got text: use loads_playbook")]
        )
    if not isinstance(path, str | os.PathLike):
        raise ValidationError.single("$", "a path (str or Path)", path)
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in {".toml", ".json"}:
        raise ValidationError.single("$", "a .toml or .json file", str(path))
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        note = f"expected a readable .toml or .json file, got {str(path)!r} ({reason})"
        raise ValidationError(
            [Problem("$", "a readable .toml or .json file", str(path), note)]
        ) from None
    return loads_playbook(text, format="toml" if suffix == ".toml" else "json")


def loads_playbook(text: str, *, format: Literal["toml", "json"] = "toml") -> Playbook:  # noqa: A002
    """Read a playbook from its text: TOML (as shipped) or JSON (as `to_json` writes it).

    Args:
        text: The playbook's text; for a file, use `load_playbook`.
        format: ``toml`` (the default) or ``json``.

    Returns:
        The validated playbook.

    Raises:
        ValidationError: When the text is not a valid playbook (every problem with its path), or
            is plainly a file name (pointing to `load_playbook`).

    Example:
        >>> from clientcustomer import Playbook, loads_playbook, to_json
        >>> loads_playbook(to_json(Playbook.default()), format="json") == Playbook.default()
        True
        >>> loads_playbook("playbook.toml")
        Traceback (most recent call last):
        ...
        clientcustomer.exceptions.ValidationError: $: loads_playbook expects the playbook's text, got a file name: use load_playbook('playbook.toml')
    """  # noqa: E501 - a doctest line cannot be wrapped
    from clientcustomer._core.serialization import from_json  # noqa: PLC0415 - an edge

    if not isinstance(text, str):
        raise ValidationError.single("$", "the playbook's text (a str)", text)
    stripped = text.strip()
    if stripped and "\n" not in stripped and stripped.lower().endswith((".toml", ".json")):
        note = (
            f"loads_playbook expects the playbook's text, got a file name: "
            f"use load_playbook({stripped!r})"
        )
        raise ValidationError([Problem("$", "", None, note)])
    if format not in {"toml", "json"}:
        raise ValidationError.single("$.format", "'toml' or 'json'", format)
    text = text.removeprefix("\ufeff")
    return Playbook.from_toml(text) if format == "toml" else from_json(Playbook, text)


@attrs.frozen
class PlaybookAction:
    """One recommended action for one party: what, why, and when it is due.

    Attributes:
        strategy_id: The playbook strategy it comes from.
        kind: What sort of action it is.
        party_id: The party it is for.
        text: What to do, in words.
        why: Why, in the sources' words (from the playbook).
        reason: Why for this party: the facts that made the strategy apply and set its due date.
        due: When it is due.
        overdue_days: How many days past due it is on the date asked about (0 when not overdue).
        engagement_id: For a dependency follow-up, the engagement.
        dependency_id: For a dependency follow-up, the missing dependency.
        serves: The expectation the action serves (from its strategy), such as
            "immediate satisfaction" for a customer or "long-term strategy and satisfaction"
            for a client.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import PlaybookAction
        >>> action = PlaybookAction("regular-check-in", "check_in", "acme", "Check in with acme.",
        ...                 "Regular Check-Ins", due=dt.date(2026, 2, 4), overdue_days=25)
        >>> print(action)
        2026-02-04 acme [check_in] Check in with acme. (overdue by 25 days)
        >>> action.overdue
        True
    """

    strategy_id: str = attrs.field(validator=v.non_empty_str)
    kind: PlaybookActionKind = attrs.field(converter=_to_action_kind)
    party_id: str = attrs.field(validator=v.non_empty_str)
    text: str = attrs.field(validator=v.non_empty_str)
    why: str = attrs.field(validator=v.non_empty_str)
    reason: str = attrs.field(default="", validator=v.text, kw_only=True)
    due: dt.date = attrs.field(validator=v.date(), kw_only=True)
    overdue_days: int = attrs.field(default=0, validator=v.integer(0), kw_only=True)
    engagement_id: str | None = attrs.field(
        default=None, validator=v.optional_non_empty_str, kw_only=True
    )
    dependency_id: str | None = attrs.field(
        default=None, validator=v.optional_non_empty_str, kw_only=True
    )
    serves: str = attrs.field(default="", validator=v.text, kw_only=True)

    @property
    def overdue(self) -> bool:
        """Whether the action is past due on the date it was recommended for.

        Example:
            >>> import datetime as dt
            >>> from clientcustomer import PlaybookAction
            >>> PlaybookAction("feedback", "feedback", "ann", "Ask Ann.", "Feedback",
            ...        due=dt.date(2026, 3, 1)).overdue
            False
        """
        return self.overdue_days > 0

    def __str__(self) -> str:
        line = f"{self.due.isoformat()} {self.party_id} [{self.kind.value}] {self.text}"
        if self.overdue:
            plural = "" if self.overdue_days == 1 else "s"
            line += f" (overdue by {self.overdue_days} day{plural})"
        return line

    def _repr_html_(self) -> str:
        return ActionTable((self,))._repr_html_()


def _to_actions(value: Iterable[PlaybookAction]) -> tuple[PlaybookAction, ...]:
    if isinstance(value, PlaybookAction) or not isinstance(value, Iterable):
        raise ValidationError.single("$.actions", "an iterable of PlaybookAction", value)
    return tuple(value)


@attrs.frozen
class ActionTable:
    """A list of recommended actions that shows as a table in a notebook and as lines in text.

    `recommend` and `recommend_for` return a plain tuple (which a notebook can only print);
    wrap it to see one row per action: due date, party, kind, what to do, the expectation it
    serves, and why.

    Attributes:
        actions: The actions, in the order given.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import ActionTable, PlaybookAction
        >>> call = PlaybookAction("feedback", "feedback", "ann", "Ask Ann for feedback.",
        ...                       "Feedback", due=dt.date(2026, 3, 1),
        ...                       serves="immediate satisfaction")
        >>> table = ActionTable([call])
        >>> len(table.actions), "immediate satisfaction" in table._repr_html_()
        (1, True)
        >>> print(table)
        2026-03-01 ann [feedback] Ask Ann for feedback.
    """

    actions: tuple[PlaybookAction, ...] = attrs.field(
        converter=_to_actions, validator=v.tuple_of(PlaybookAction, "a PlaybookAction")
    )

    def __str__(self) -> str:
        return "\n".join(str(action) for action in self.actions)

    def _repr_html_(self) -> str:
        rows = [
            (
                a.due,
                h.Raw(f"<strong>{a.overdue_days} days late</strong>") if a.overdue else "",
                a.party_id,
                a.kind,
                a.text,
                a.serves,
                a.reason,
                a.why,
            )
            for a in self.actions
        ]
        head = ("due", "overdue", "party", "kind", "what to do", "serves", "because", "why")
        return h.table(head, rows, caption=f"{len(rows)} action(s)")


# --- recommending -------------------------------------------------------------------------------


def _records(items: object, field: str, cls: type[Any]) -> list[Any]:
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise ValidationError.single(f"$.{field}", "an iterable of records", items)
    found = []
    for index, item in enumerate(items):
        if not isinstance(item, cls):
            article = "an" if cls.__name__[0] in "AEIOU" else "a"
            raise ValidationError.single(f"$.{field}[{index}]", f"{article} {cls.__name__}", item)
        found.append(item)
    return found


def _fill(template: str, values: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), template)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


class _Facts:
    """What is known about the party on ``as_of``, checked once."""

    def __init__(  # noqa: PLR0913 - the facts, named
        self,
        *,
        party_id: str,
        as_of: dt.date,
        summary: ClassificationSummary | None,
        stage: Stage | None,
        log: tuple[Interaction, ...],
        work: tuple[Engagement, ...],
        signals: Signals | None,
        cadence_days: int | None,
    ) -> None:
        self.party_id = party_id
        self.as_of = as_of
        self.summary = summary
        self.stage = stage
        self.log = log
        self.work = work
        self.cadence_days = cadence_days
        self._signals = signals

    @property
    def signals(self) -> Signals:
        """The given signals, or those derived from the log on first use."""
        if self._signals is None:
            self._signals = derive_signals(
                self.log, self.work, as_of=self.as_of, party_id=self.party_id
            )
        return self._signals

    def role(self) -> tuple[str | None, str]:
        """The relationship's role and where it comes from."""
        if self.stage in {Stage.CUSTOMER, Stage.CLIENT}:
            assert self.stage is not None  # noqa: S101 - for the type checker
            return self.stage.value, f"recorded stage {self.stage.label}"
        if self.summary is not None:
            return self.summary.role, self.summary.describe()
        return None, ""

    def start(self) -> dt.date:
        """The first known day of the relationship: the earliest interaction or engagement."""
        days = [interaction.on for interaction in self.log]
        days += [engagement.start for engagement in self.work if engagement.start <= self.as_of]
        return min(days, default=self.as_of)


def _conditions(strategy: PlaybookStrategy, facts: _Facts) -> list[str] | None:  # noqa: C901, PLR0911 - one check per condition
    """The reasons the strategy applies, or ``None`` when it does not."""
    reasons: list[str] = []
    if strategy.roles:
        role, source = facts.role()
        if role not in strategy.roles:
            return None
        reasons.append(source)
    if strategy.stages:
        if facts.stage not in strategy.stages:
            return None
        assert facts.stage is not None  # noqa: S101 - for the type checker
        reasons.append(f"recorded stage {facts.stage.label}")
    summary = facts.summary
    if strategy.classified_as:
        if summary is None or summary.role not in strategy.classified_as:
            return None
        reasons.append(summary.describe())
    if summary is not None and summary.role in strategy.not_classified_as:
        return None
    for bounds, sign in ((strategy.at_least, ">="), (strategy.at_most, "<=")):
        for name, bound in bounds.items():
            value = facts.signals.get(name)
            if not _is_number(value):
                return None
            assert isinstance(value, int | float)  # noqa: S101 - for the type checker
            if (sign == ">=" and value < bound) or (sign == "<=" and value > bound):
                return None
            reasons.append(f"{name} {value:g} {sign} {bound:g}")
    return list(dict.fromkeys(reason for reason in reasons if reason))


def _recurring(
    strategy: PlaybookStrategy, facts: _Facts, reasons: list[str]
) -> tuple[dt.date, int, dict[str, str]]:
    """The due date, days overdue and placeholder values of a strategy's action."""
    cadence = strategy.cadence_days
    if cadence is None:
        return facts.as_of, 0, {}
    if strategy.kind is PlaybookActionKind.CHECK_IN and facts.cadence_days is not None:
        cadence = facts.cadence_days
        reasons.append(f"the agreed check-in cadence is {_plural(cadence, 'day')}")
    kinds = " or ".join(kind.value for kind in strategy.done_by)
    done = [i.on for i in facts.log if i.kind in strategy.done_by]
    if done:
        last = max(done)
        due = last + dt.timedelta(days=cadence)
        reasons.append(f"last {kinds} on {last.isoformat()}, due every {_plural(cadence, 'day')}")
    else:
        start = facts.start()
        due = start + dt.timedelta(days=cadence)
        reasons.append(f"no {kinds} since {start.isoformat()}, due every {_plural(cadence, 'day')}")
    return due, max(0, (facts.as_of - due).days), {"cadence_days": str(cadence)}


def _follow_up(
    strategy: PlaybookStrategy, facts: _Facts, engagement: Engagement, dependency: Dependency
) -> PlaybookAction:
    due = dependency.due or facts.as_of
    title = engagement.title.strip() or engagement.id
    reason = (
        f"engagement {engagement.id!r} ({title}) has not ended; dependency {dependency.id!r} "
        f"({dependency.kind.value}) is {dependency.status.value.replace('_', ' ')}, "
        + (f"due {dependency.due.isoformat()}" if dependency.due else "no due date agreed")
    )
    if dependency.blocks:
        reason += f"; it blocks {', '.join(dependency.blocks)}"
    values = {
        "party": facts.party_id,
        "description": dependency.description.strip() or dependency.id,
        "owner": dependency.owner,
        "engagement": title,
        "dependency": dependency.id,
        "due": dependency.due.isoformat() if dependency.due else "no date agreed",
    }
    return PlaybookAction(
        strategy.id,
        strategy.kind,
        facts.party_id,
        _fill(strategy.text, values),
        strategy.why,
        reason=reason,
        due=due,
        overdue_days=max(0, (facts.as_of - due).days),
        engagement_id=engagement.id,
        dependency_id=dependency.id,
        serves=strategy.serves,
    )


def _actions(strategy: PlaybookStrategy, facts: _Facts) -> list[PlaybookAction]:
    reasons = _conditions(strategy, facts)
    if reasons is None:
        return []
    if strategy.kind is PlaybookActionKind.DEPENDENCY_FOLLOW_UP:
        return [
            _follow_up(strategy, facts, engagement, dependency)
            for engagement in sorted(facts.work, key=lambda e: (e.start, e.id))
            if engagement.end is None or facts.as_of <= engagement.end
            for dependency in engagement.dependencies
            if not dependency.status.is_met
        ]
    due, overdue_days, values = _recurring(strategy, facts, reasons)
    return [
        PlaybookAction(
            strategy.id,
            strategy.kind,
            facts.party_id,
            _fill(strategy.text, {"party": facts.party_id, **values}),
            strategy.why,
            reason="; ".join(reasons),
            due=due,
            overdue_days=overdue_days,
            serves=strategy.serves,
        )
    ]


def _check_options(  # noqa: PLR0913 - the options of recommend, checked together
    *,
    party_id: object,
    as_of: object,
    classification: object,
    stage: object,
    signals: object,
    playbook: object,
    cadence_days: object,
) -> tuple[ClassificationSummary | None, Stage | None, Signals | None, Playbook]:
    if not isinstance(party_id, str) or not party_id.strip():
        raise ValidationError.single("$.party_id", "a non-empty string", party_id)
    v.a_date(as_of, "$.as_of")
    summary = None
    if classification is not None:
        summary = ClassificationSummary.of(classification)  # type: ignore[arg-type]
    known_stage = None if stage is None else v.enum_converter(Stage, "stage")(stage)  # type: ignore[arg-type]
    if isinstance(signals, Mapping):
        signals = Signals.from_mapping(signals)
    if signals is not None and not isinstance(signals, Signals):
        raise ValidationError.single("$.signals", "a Signals, a mapping or None", signals)
    if playbook is None:
        playbook = Playbook.default()
    if not isinstance(playbook, Playbook):
        raise ValidationError.single("$.playbook", "a Playbook or None", playbook)
    if cadence_days is not None and (
        isinstance(cadence_days, bool) or not isinstance(cadence_days, int) or cadence_days < 1
    ):
        raise ValidationError.single("$.cadence_days", "an integer >= 1 or None", cadence_days)
    return summary, known_stage, signals, playbook


def recommend(  # noqa: PLR0913 - what is known about the party, all keyword-only
    party_id: str,
    *,
    as_of: dt.date,
    classification: SupportsClassification | None = None,
    stage: Stage | str | None = None,
    interactions: Iterable[Interaction] = (),
    engagements: Iterable[Engagement] = (),
    signals: Signals | Mapping[str, Any] | None = None,
    playbook: Playbook | None = None,
    cadence_days: int | None = None,
) -> tuple[PlaybookAction, ...]:
    """Recommend what to do for one party on a date, from a playbook.

    Each strategy of the playbook whose conditions hold (see `PlaybookStrategy`) gives an action, due on
    ``as_of`` unless it recurs: a recurring strategy (``cadence_days`` and ``done_by``, such as a
    check-in every 30 days done by a ``check_in`` or ``meeting`` interaction) is due
    ``cadence_days`` after the last such interaction on or before ``as_of`` (after the first
    interaction or engagement when there is none), and is *overdue* when that day has passed. A
    ``dependency_follow_up`` strategy gives one action per dependency not yet met (not provided,
    waived or cancelled) of each engagement of the party that has not ended (running, or yet to
    start), due on the dependency's due date (``as_of`` when none was agreed).

    Only the party's own interactions (on or before ``as_of``) and engagements count; others are
    ignored, so a whole log can be passed. The result does not depend on their order.

    Args:
        party_id: The party.
        as_of: The date to recommend for; due dates before it are overdue.
        classification: The party's classification: anything with ``role``, ``score`` and
            ``margin`` (a classifier's verdict, a `ClassificationSummary`).
        stage: The party's recorded lifecycle stage, if known.
        interactions: The party's interactions (others are ignored).
        engagements: The party's engagements (others are ignored).
        signals: The party's signals for the strategies' signal conditions; derived from the
            interactions and engagements when ``None``.
        playbook: The strategies; `Playbook.default` when ``None``.
        cadence_days: An agreed check-in cadence (such as `Client.checkin_cadence_days`); it
            replaces the playbook's for ``check_in`` strategies.

    Returns:
        The actions: overdue ones first (most overdue first), then by due date, then in the
        playbook's order.

    Raises:
        ValidationError: When an argument is not what is described above.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import ClassificationSummary, Interaction, recommend
        >>> log = [Interaction("acme", dt.date(2026, 1, 5), "check_in")]
        >>> for action in recommend("acme", as_of=dt.date(2026, 3, 1), stage="client",
        ...                         interactions=log):
        ...     print(action)
        2026-02-04 acme [check_in] Schedule a check-in with acme (every 30 days) to discuss progress, expectations and areas for improvement. (overdue by 25 days)
        2026-04-05 acme [education] Offer acme informative content: a workshop, a webinar or a briefing (every 90 days).
        >>> shopper = ClassificationSummary("customer", 2.0, -3.0)
        >>> [a.strategy_id for a in recommend("ann", as_of=dt.date(2026, 3, 1),
        ...                                   classification=shopper, signals={"purchases": 3})]
        ['loyalty-program', 'feedback', 'promotional-communication']
    """  # noqa: E501 - a doctest line cannot be wrapped
    summary, known_stage, known_signals, book = _check_options(
        party_id=party_id,
        as_of=as_of,
        classification=classification,
        stage=stage,
        signals=signals,
        playbook=playbook,
        cadence_days=cadence_days,
    )
    facts = _Facts(
        party_id=party_id,
        as_of=as_of,
        summary=summary,
        stage=known_stage,
        log=tuple(
            i
            for i in _records(interactions, "interactions", Interaction)
            if i.party_id == party_id and i.on <= as_of
        ),
        work=tuple(
            e for e in _records(engagements, "engagements", Engagement) if e.client_id == party_id
        ),
        signals=known_signals,
        cadence_days=cadence_days,
    )
    ranked = [
        ((not action.overdue, action.due, index, position), action)
        for index, strategy in enumerate(book.strategies)
        for position, action in enumerate(_actions(strategy, facts))
    ]
    ranked.sort(key=lambda pair: pair[0])
    return tuple(action for _, action in ranked)


def recommend_for(
    entity: Customer | Client | FormerClient,
    *,
    as_of: dt.date,
    classification: SupportsClassification | None = None,
    signals: Signals | Mapping[str, Any] | None = None,
    playbook: Playbook | None = None,
) -> tuple[PlaybookAction, ...]:
    """Recommend what to do for a `Customer`, `Client` or `FormerClient`, as `recommend` does.

    The entity gives the party, its stage on ``as_of``, its interactions, its engagements and
    (for a client) its agreed check-in cadence.

    Args:
        entity: The customer or (former) client.
        as_of: The date to recommend for.
        classification: The party's classification, if any.
        signals: The party's signals; derived from the entity's log when ``None``.
        playbook: The strategies; `Playbook.default` when ``None``.

    Returns:
        The actions, sorted as by `recommend`.

    Raises:
        ValidationError: When ``entity`` is not one of those, or another argument is invalid.

    Example:
        >>> import datetime as dt
        >>> from clientcustomer import Client, Interaction, Party, recommend_for
        >>> kickoff = Interaction("acme", dt.date(2026, 1, 5), "meeting")
        >>> acme = Client(Party("acme", "Acme Ltd"), since=dt.date(2026, 1, 5),
        ...               interactions=(kickoff,), checkin_cadence_days=14)
        >>> recommend_for(acme, as_of=dt.date(2026, 3, 1))[0].overdue_days
        41
    """
    if not isinstance(entity, Customer | Client | FormerClient):
        raise ValidationError.single("$", "a Customer, Client or FormerClient", entity)
    engagements = () if isinstance(entity, Customer) else entity.engagements
    cadence = entity.checkin_cadence_days if isinstance(entity, Client) else None
    return recommend(
        entity.party.id,
        as_of=as_of,
        classification=classification,
        stage=entity.stage_as_of(as_of),
        interactions=entity.interactions,
        engagements=engagements,
        signals=signals,
        playbook=playbook,
        cadence_days=cadence,
    )
