"""The domain's custom actions and the action server's agree, and forms ask without a round trip."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

from bot.logic import records
from bot.servers.action_server import ACTIONS_PACKAGE

DOMAIN = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8"))


def served_actions() -> set[str]:
    executor = ActionExecutor()
    executor.register_package(ACTIONS_PACKAGE)
    return set(executor.actions)


def test_every_custom_action_of_the_domain_is_served_and_no_other() -> None:
    """A domain action nobody serves fails only when a person reaches it; one not in the domain is dead."""
    in_domain = set(DOMAIN["actions"])

    assert in_domain - served_actions() == set()
    assert served_actions() - in_domain == set()


def test_the_records_questions_are_responses_rasa_sends_itself() -> None:
    """Each records question is `utter_ask_<slot>`: the form asks it with no call to the action server."""
    for slot in records.SLOTS:
        assert f"utter_ask_{slot}" in DOMAIN["responses"], slot
        assert f"action_ask_{slot}" not in DOMAIN["actions"], slot
    assert list(DOMAIN["forms"]["records_form"]["required_slots"]) == list(records.SLOTS)
