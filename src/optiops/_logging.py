"""The library logger: ``logging.getLogger("optiops")`` with a NullHandler; only the CLI configures output."""

from __future__ import annotations

import logging

logger = logging.getLogger("optiops")
logger.addHandler(logging.NullHandler())
