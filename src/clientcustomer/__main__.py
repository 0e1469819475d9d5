"""Run the command line with ``python -m clientcustomer``."""

from ._cli import main

raise SystemExit(main())
