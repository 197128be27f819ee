"""Rasa checks every action server reply against its JSON schema: build that check once.

``RemoteAction._validate_action_result`` (rasa/core/actions/action.py, Rasa 3.6) calls
``jsonschema.validate(result, schema)`` for every reply, and ``validate`` first checks the schema
itself against its meta-schema and builds a new validator: about 33 ms of pure Python per action
call on this project's 2-core machine, ~40% of a whole turn (``make profile``), on Rasa's only
event loop. The schema never changes, so one validator built at start-up gives the same verdict and
the same error (the best-matching one, with Rasa's explanation appended) in about 2 ms.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import exceptions, validators
from jsonschema.protocols import Validator
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

from bot.servers.replacing import replace_once

EXPLANATION = (
    ". Failed to validate Action server response from API, make sure your response from the Action "
    f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
)


@lru_cache(maxsize=1)
def response_validator() -> Validator:
    """The validator ``jsonschema.validate`` would build for Rasa's schema, built (and checked) once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's ``_validate_action_result``, on the validator built once."""
    error = exceptions.best_match(response_validator().iter_errors(result))
    if error is not None:
        error.message += EXPLANATION
        raise error
    return True


# Marks the function (and, through functools.wraps, any wrapper of it, such as make profile's
# timing hooks) so a second install keeps what is already there (bot.servers.replacing).
validate_action_result.prebuilt_validator = True  # type: ignore[attr-defined]


def install() -> None:
    """Every ``RemoteAction`` of this process validates replies on the prebuilt validator."""
    replace_once(RemoteAction, "_validate_action_result", validate_action_result, "prebuilt_validator")
