"""``python -m tilte_cli`` is the same as ``tilte-webhooks``."""

from tilte_cli.main import main

raise SystemExit(main())
