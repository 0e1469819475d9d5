"""Run the command line with ``python -m clientcustomer``."""

from .cli.main import main

raise SystemExit(main())
