"""The secrets `make run` generates into ``var/secrets.env``: read them, or say how to get them.

Every process needs them (the hash key, the master key, the widget's session secret); one started
by hand without them must fail with the same clear sentence, whichever secret is missing.
"""

from __future__ import annotations

import os


class MissingSecret(RuntimeError):
    """A secret the launcher always sets is missing: the process was not started by ``make run``."""


def required(variable: str, error: type[MissingSecret] = MissingSecret) -> str:
    """The value of ``variable``; raises ``error`` saying how to set it when it is empty."""
    value = os.environ.get(variable, "")
    if not value:
        raise error(
            f"{variable} is not set: start the stack with `make run` (it generates one into "
            "var/secrets.env) or set it in the environment"
        )
    return value
