"""The action server: `python -m bot.servers.action_server --port 5055` (what the launcher runs).

Rasa's `rasa run actions` serves rasa_sdk's app, which is open to anyone who can reach it, takes
a client's word for whose tracker it is handed (a forged tracker runs any action for any person),
inflates ``Content-Encoding: deflate`` bodies without limit, and on an error returns the request
body and logs the whole request. This app runs the same actions through rasa_sdk's own
``ActionExecutor``, with:

- a shared secret: every request but ``/health`` must carry ``Authorization: Bearer
  <ACTION_SERVER_TOKEN>`` (Rasa sends it: the launcher writes it into endpoints.yml as
  ``${ACTION_SERVER_TOKEN}``, which Rasa fills in from its environment); otherwise 401;
- no compressed bodies, a request size limit and errors that echo nothing (bot.servers.sanic_guard);
- an action that fails is logged by its name and error type (no tracker, slot or message: the log
  goes through bot.security.redaction), and the person is told something went wrong instead of
  meeting silence;
- no TensorFlow: the actions read free text with the project's spaCy pipeline, and spaCy's
  machine-learning library (thinc) imports TensorFlow whenever it is installed, for models we
  never run here: ~350 of the process's ~500 MB. ``without_tensorflow`` makes that import fail
  the way thinc expects when TensorFlow is absent, before the actions are imported.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
import time

from rasa_sdk import utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json

from bot.security import redaction
from bot.servers.sanic_guard import error, guard
from bot.servers.settings import ACTION_MAX_REQUEST_BYTES, bind_host
from bot.servers.settings import ACTION_TOKEN_VARIABLE as TOKEN_VARIABLE

logger = logging.getLogger(__name__)

ACTIONS_PACKAGE = "actions"
DEFAULT_PORT = 5055
OPEN_PATHS = frozenset({"/health"})
# What the person reads when an action fails: their data is untouched (a failed action changes
# nothing: its events are not applied) and trying again is the right move.
ACTION_FAILED_TEXT = (
    "Sorry, something went wrong on my side and I couldn't finish that. Nothing you told me was "
    'lost or shared. Please try again in a moment, or type "menu" to see what I can do.'
)


class MissingToken(RuntimeError):
    """The action server must never run open: refuse to start without its secret."""


def _authorized(request: Request, token: bytes) -> bool:
    scheme, _, presented = (request.headers.get("authorization") or "").partition(" ")
    # compare_digest on bytes: constant time, and any header text is comparable.
    return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), token)


def failure_reply() -> dict[str, object]:
    """The answer to Rasa for a failed action: no events, one friendly message."""
    return {"events": [], "responses": [{"text": ACTION_FAILED_TEXT}]}


def create_app(token: str, package: str = ACTIONS_PACKAGE) -> Sanic:
    """The actions of `package` behind the shared secret `token`."""
    if not token.strip():
        raise MissingToken(f"{TOKEN_VARIABLE} is not set: start the stack with `make run` (it generates one)")
    expected = token.strip().encode()
    executor = ActionExecutor()
    executor.register_package(package)
    app = Sanic("advocate_actions", configure_logging=False)

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or _authorized(request, expected):
            return None
        return error(401, f"Missing or wrong token: send 'Authorization: Bearer <{TOKEN_VARIABLE}>'.")

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return json({"status": "ok"})

    @app.get("/actions")
    async def actions(_: Request) -> HTTPResponse:
        return json([{"name": name} for name in executor.actions])

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        action_call = request.json
        if not isinstance(action_call, dict) or not isinstance(action_call.get("next_action"), str):
            return error(400, "The body must be a JSON action call with a next_action.")
        name = action_call["next_action"]
        utils.check_version_compatibility(action_call.get("version"))
        started = time.monotonic()
        try:
            result = await executor.run(action_call)
        except ActionExecutionRejection as rejection:
            # Rasa reads these two fields to let its policies pick another action; the message is
            # the action's own (a form's "slot not filled"), the name the one Rasa asked for.
            return json({"error": rejection.message, "action_name": rejection.action_name}, status=400)
        except ActionNotFoundException:
            logger.error("no action named %s is registered", name)
            return error(404, "No action of that name is registered.")
        except Exception as exc:
            logger.error(
                "action %s failed after %.0f ms: %s",
                name, (time.monotonic() - started) * 1000, redaction.exception_name(exc), exc_info=exc,
            )  # fmt: skip
            return json(failure_reply())
        return json(result)

    return guard(app, ACTION_MAX_REQUEST_BYTES)


def without_tensorflow() -> None:
    """Make ``import tensorflow`` raise ImportError in this process (unless it is already imported).

    thinc (spaCy's ML library) imports TensorFlow in ``try: ... except ImportError`` to offer its
    TensorFlow layers and carries on without them; nothing the actions run needs it. A ``None``
    entry in ``sys.modules`` is Python's documented way to make an import fail.
    """
    sys.modules.setdefault("tensorflow", None)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    without_tensorflow()
    parser = argparse.ArgumentParser(prog="python -m bot.servers.action_server", description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--actions", default=ACTIONS_PACKAGE, help="the package the actions are in")
    args = parser.parse_args(argv)
    redaction.install()
    utils.configure_colored_logging(logging.INFO)
    utils.update_sanic_log_level()
    try:
        app = create_app(os.environ.get(TOKEN_VARIABLE, ""), args.actions)
    except MissingToken as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    host = bind_host(os.environ)
    logger.info("Action server listening on http://%s:%d", host, args.port)
    app.run(host=host, port=args.port, workers=1, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
