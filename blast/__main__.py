"""Allow ``python -m blast``."""

from blast.cli import exit_fast

exit_fast()
