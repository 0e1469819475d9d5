"""The measurable facts: the canonical signal table, derivation as of a date, log reading.

`derive` holds the table (`SIGNALS`) and `derive_signals`; `logs` reads interaction logs with a
column mapping; `frames` derives the same signals on dataframes. Import from `clientcustomer`.
"""
