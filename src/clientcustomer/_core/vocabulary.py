"""The domain's words, written once: the roles a verdict gives.

Every layer that names a role (the lifecycle's summaries, the playbook's strategies, the command
line's options, the test strategies) takes it from here instead of re-typing the strings.
"""

from __future__ import annotations

import enum

__all__ = ["ROLE_NAMES", "Role"]


class Role(enum.StrEnum):
    """The verdict: which kind of relationship the evidence points to.

    Example:
        >>> from clientcustomer import Role
        >>> Role("client").rank > Role.AMBIGUOUS.rank > Role.CUSTOMER.rank
        True
    """

    CUSTOMER = "customer"
    AMBIGUOUS = "ambiguous"
    CLIENT = "client"

    @property
    def rank(self) -> int:
        """0 for customer, 1 for ambiguous, 2 for client: the order toward the client end.

        Example:
            >>> from clientcustomer import Role
            >>> Role.CLIENT.rank
            2
        """
        return _RANKS[self]


_RANKS = {Role.CUSTOMER: 0, Role.AMBIGUOUS: 1, Role.CLIENT: 2}

ROLE_NAMES: tuple[str, ...] = tuple(role.value for role in Role)
"""The role names in the order toward the client end: customer, ambiguous, client."""
