"""Who: `Party`, `Customer`, `Client`, `FormerClient` and the `Interaction` log entries.

Import the names from `clientcustomer`.
"""
