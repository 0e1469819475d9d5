"""What a client buys and owes: engagements, their roles, dependencies, deliverables, readiness.

The sources: "the client makes the decisions and pays the bills; the customer receives the
service", and engagements fail when the client never provides what the provider depends on.
`model` holds `Engagement`, `RoleAssignment`, `Dependency` and `Deliverable`; `readiness` says what
can proceed as of a date. Import the names from `clientcustomer`.
"""
