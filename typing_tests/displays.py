"""The displays' and the glossary's public types, type-checked only (never run)."""

import datetime as dt
from collections.abc import Mapping
from typing import assert_type

from clientcustomer import (
    GLOSSARY,
    ActionTable,
    Engagement,
    GlossaryTerm,
    PlaybookAction,
    Readiness,
    readiness,
)

day = dt.date(2026, 3, 2)
work = Engagement("e1", "acme", "Audit", start=day)
found = readiness(work, day)

assert_type(found, Readiness)
assert_type(found.mermaid(), str)
assert_type(found.commitments(), str)
assert_type(work.mermaid(day), str)

action = PlaybookAction("f", "feedback", "ann", "Ask.", "Why", due=day, serves="now")
assert_type(action.serves, str)
assert_type(ActionTable([action]).actions, tuple[PlaybookAction, ...])

assert_type(GLOSSARY, Mapping[str, GlossaryTerm])
assert_type(GLOSSARY["payer"].quotes, tuple[str, ...])
assert_type(GLOSSARY["payer"].explain(), str)
