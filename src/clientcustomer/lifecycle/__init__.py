"""How a relationship moves: stages, dated history, guards that say why, the transition table.

`machine` holds `Stage`, `LifecycleEvent`, `Lifecycle`, `LifecycleState`, `StageChange` and
the diagram.
Import the names from `clientcustomer`.
"""
