"""Allow ``python -m blast``."""

from blast.cli import main

raise SystemExit(main())
