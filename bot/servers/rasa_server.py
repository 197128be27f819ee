"""Rasa, started without secrets on its command line: `python -m bot.servers.rasa_server run ...`.

The arguments are Rasa's own (`run` or `shell`, then ``--model``, ``--endpoints``, ...), handed to
Rasa's CLI unchanged, minus the three we decide here:

- the API token comes from ``RASA_API_TOKEN`` in the environment (``--auth-token`` would show it
  to every user of the machine in `ps`), for `run` only;
- CORS allows only the configured origins (bot.servers.settings), never ``*``;
- the interface is ``BIND_HOST`` (127.0.0.1 unless the operator opens it).

Rasa builds its Sanic app in ``rasa.core.run.configure_app`` for `rasa run` and `rasa shell`
alike; we wrap that one function to pass the token and origins and to add the request size
limit, the refusal of compressed bodies and the errors that echo nothing (bot.servers.sanic_guard).
Every log record of the process goes through bot.security.redaction; action calls carry the
conversation's recent events (bot.servers.action_calls) and their replies are checked on a schema
validator built once (bot.servers.action_results); the policies share one computation of a
tracker's states per prediction (bot.servers.policy_states); an event's class is looked up once per
type name (bot.servers.event_types); a few turns are in progress at once, the others wait in
arrival order (bot.servers.turn_gate); an action the action server could not run ends the turn
with a reply that asks to send the message again, never silence (bot.servers.action_outage).
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

from bot.security import redaction
from bot.servers.sanic_guard import guard
from bot.servers.settings import RASA_MAX_REQUEST_BYTES, bind_host, rasa_cors_origins

TOKEN_VARIABLE = "RASA_API_TOKEN"
# Chosen here, from the environment; refused on our command line so no caller passes them there.
OWN_OPTIONS = ("--auth-token", "--cors", "-i", "--interface")


class CommandLineError(ValueError):
    """An option this entrypoint sets itself was given on its command line."""


def rasa_argv(argv: list[str], environ: Mapping[str, str]) -> list[str]:
    """Rasa's CLI arguments for our own: the given ones plus the bind interface."""
    for option in OWN_OPTIONS:
        if any(arg == option or arg.startswith(f"{option}=") for arg in argv):
            raise CommandLineError(
                f"{option} is set from the environment (RASA_API_TOKEN, CORS_ORIGINS, BIND_HOST), not the command line"
            )
    if not argv or argv[0] not in ("run", "shell"):
        raise CommandLineError("the first argument must be Rasa's command: run or shell")
    return [*argv, "--interface", bind_host(environ)]


def hardened(configure_app: Callable[..., Any], environ: Mapping[str, str]) -> Callable[..., Any]:
    """``configure_app`` with our token and origins, returning the guarded app."""
    signature = inspect.signature(configure_app)

    @functools.wraps(configure_app)
    def configure(*args: Any, **kwargs: Any) -> Any:
        call = signature.bind(*args, **kwargs)
        call.apply_defaults()
        call.arguments["cors"] = rasa_cors_origins(environ)
        if call.arguments.get("enable_api"):
            token = (environ.get(TOKEN_VARIABLE) or "").strip()
            if not token:
                # Rasa's API without a token would be open to anyone who can reach the port.
                raise SystemExit(f"error: {TOKEN_VARIABLE} is not set; `make run` generates one")
            call.arguments["auth_token"] = token
        return guard(configure_app(*call.args, **call.kwargs), RASA_MAX_REQUEST_BYTES)

    return configure


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    try:
        rasa_args = rasa_argv(args, os.environ)
    except CommandLineError as exc:
        sys.exit(f"error: {exc}")
    redaction.install()

    import rasa.__main__
    import rasa.core.run

    from bot.servers import action_calls, action_outage, action_results, event_types, policy_states, turn_gate

    event_types.install()
    action_calls.install()
    action_results.install()
    action_outage.install()
    policy_states.install()
    turn_gate.install()
    rasa.core.run.configure_app = hardened(rasa.core.run.configure_app, os.environ)
    # Only Rasa's argument parser reads this copy; the process's own argv (what `ps` shows) is
    # the command line we were started with.
    sys.argv = ["rasa", *rasa_args]
    rasa.__main__.main()


if __name__ == "__main__":
    main()
