"""What to do next: the playbook of the sources' strategies, timelines and the watchlist.

`playbook` (with ``playbook.toml``) recommends dated actions; `timeline` replays a log to say when
each party changed stage and who is becoming a client. Import the names from `clientcustomer`.
"""
