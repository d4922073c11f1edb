"""The ``WITHDRAWAL_CLIENTS_LOG`` switch: ``info`` or ``debug`` shows this package's log lines.

The package logs through the standard :mod:`logging` module, under ``withdrawal_clients.*``,
and configures nothing by default: an application's own logging set-up decides what is shown.
Setting ``WITHDRAWAL_CLIENTS_LOG=info`` (or ``debug``) before the package is imported attaches
one stderr handler at that level to the ``withdrawal_clients`` logger, for a quick look without
writing logging code. Any other value is ignored with one warning.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Mapping
from typing import TextIO

ENV_VAR = "WITHDRAWAL_CLIENTS_LOG"
LEVELS = {"info": logging.INFO, "debug": logging.DEBUG}
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOGGER = "withdrawal_clients"


class _SwitchHandler(logging.StreamHandler[TextIO]):
    """The handler the switch attaches (a class of its own, so it is attached only once)."""


def apply_switch(environ: Mapping[str, str] = os.environ) -> logging.Handler | None:
    """Attach the stderr handler that ``environ[ENV_VAR]`` asks for; return it, or None.

    Unset or empty: nothing is touched. Applying it again changes the level of the handler
    already attached rather than adding a second one.
    """
    value = environ.get(ENV_VAR, "").strip()
    if not value:
        return None
    level = LEVELS.get(value.lower())
    if level is None:
        warnings.warn(
            f"{ENV_VAR}={value[:20]!r} is ignored: use one of {', '.join(LEVELS)}",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    logger = logging.getLogger(LOGGER)
    handler = next((h for h in logger.handlers if isinstance(h, _SwitchHandler)), None)
    if handler is None:
        handler = _SwitchHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
    handler.setLevel(level)
    logger.setLevel(level)
    return handler


apply_switch()
