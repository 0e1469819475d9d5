"""JSON in and out keeps the static type of what goes in, type-checked only (never run)."""

import datetime as dt
from typing import Any, assert_type

from clientcustomer import (
    Engagement,
    Party,
    Signals,
    from_json,
    json_schema,
    structure,
    to_json,
    unstructure,
)

party = Party("acme", "Acme Ltd")
text = to_json(party)
assert_type(text, str)
assert_type(from_json(Party, text), Party)
assert_type(from_json(Signals, "{}"), Signals)

data = unstructure(Engagement("e1", "acme", "Survey", start=dt.date(2026, 1, 5)))
assert_type(structure(Engagement, data), Engagement)
assert_type(json_schema(Party), dict[str, Any])
