"""The interruption table (actions/interruptions.py) against the rules that act on it.

Form validation reads the table to let a message interrupt a form; the rules decide what the bot
does next. Both must say the same thing, or a form that should come back stays paused (or a "yes"
meant for a records offer answers the assessment). So: for each form and each row, the rule after
the intent resumes or pauses the form as the row says, no rule answers an intent the table does
not know, and the rows answered by their own journey's rule really pause the form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.common import is_interruption
from actions.interruptions import FORMS, TABLE
from tests.actions.conftest import make_tracker, slot_events

STORIES = Path(__file__).resolve().parents[2] / "data" / "stories"
FORM_INTERRUPTIONS = STORIES / "form_interruptions.yml"

Steps = list[dict[str, Any]]


def _rules(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text()).get("rules") or []


def _condition_form(rule: dict[str, Any]) -> str | None:
    return next((item["active_loop"] for item in rule.get("condition") or [] if "active_loop" in item), None)


def interruption_rules() -> dict[tuple[str, str], list[Steps]]:
    """(form, intent) -> the steps after the intent, of every rule that answers it inside a form."""
    found: dict[tuple[str, str], list[Steps]] = {}
    for path in sorted(STORIES.glob("*.yml")):
        for rule in _rules(path):
            form, steps = _condition_form(rule), rule["steps"]
            if form in FORMS and "intent" in steps[0]:
                found.setdefault((form, steps[0]["intent"]), []).append(steps[1:])
    return found


def any_state_actions(intent: str) -> list[str]:
    """The actions of the rules that answer ``intent`` in any state (no condition at all)."""
    return [
        rule["steps"][1]["action"]
        for path in sorted(STORIES.glob("*.yml"))
        for rule in _rules(path)
        if not rule.get("condition") and rule["steps"][0].get("intent") == intent
    ]


def outcome(steps: Steps, form: str) -> str:
    """What a rule does to ``form``: "resume" (it asks again), "pause" (remembered), or neither."""
    if steps[:3] == [{"action": "action_pause_form"}, {"active_loop": None}, {"slot_was_set": [{"paused_form": form}]}]:
        return "pause"
    if steps[-2:] == [{"action": form}, {"active_loop": form}] and {"action": "action_pause_form"} not in steps:
        return "resume"
    return "neither"


def expected_pairs() -> set[tuple[str, str]]:
    """The (form, intent) pairs the table says form_interruptions.yml answers."""
    return {
        (form, intent) for form in FORMS for intent, row in TABLE.items() if not row.own_rule and row.own_form != form
    }


def test_every_interrupting_intent_in_the_rules_is_in_the_table_and_back() -> None:
    assert set(interruption_rules()) == expected_pairs()


def test_the_interruption_rules_live_in_their_own_file() -> None:
    in_file = {
        (_condition_form(rule), rule["steps"][0]["intent"])
        for rule in _rules(FORM_INTERRUPTIONS)
        if "intent" in rule["steps"][0]
    }
    assert in_file == expected_pairs()


@pytest.mark.parametrize(("form", "intent"), sorted(expected_pairs()))
def test_the_rule_after_an_interruption_does_what_the_table_says(form: str, intent: str) -> None:
    outcomes = {outcome(steps, form) for steps in interruption_rules()[(form, intent)]}
    assert outcomes == {TABLE[intent].after}


@pytest.mark.parametrize("intent", sorted(intent for intent, row in TABLE.items() if row.own_rule))
def test_own_rule_rows_have_a_rule_for_any_state(intent: str) -> None:
    assert len(any_state_actions(intent)) == 1


@pytest.mark.asyncio
@pytest.mark.usefixtures("database")
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("intent", sorted(intent for intent, row in TABLE.items() if row.own_rule))
async def test_the_action_of_an_own_rule_row_pauses_the_form(domain: dict, intent: str, form: str) -> None:
    assert TABLE[intent].after == "pause"  # an action that pauses cannot let the form resume
    executor = ActionExecutor()
    executor.register_package("actions")
    run = executor.actions[any_state_actions(intent)[0]]
    tracker = make_tracker("I can't go on with this", intent, slots={"requested_slot": "urgency"}, active_loop=form)
    events = await run(CollectingDispatcher(), tracker, domain)
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert slot_events(events)["paused_form"] == form


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("intent", sorted(TABLE))
def test_form_validation_reads_the_table(form: str, intent: str) -> None:
    """A confident statement interrupts unless it is soft or the form's own journey; a question too."""
    row = TABLE[intent]
    said = make_tracker("my records from Mercy", intent, slots={"requested_slot": "provider"}, active_loop=form)
    asked = make_tracker("what do you mean by that?", intent, slots={"requested_slot": "provider"}, active_loop=form)
    assert is_interruption(said) == (row.own_form != form and row.kind != "soft")
    assert is_interruption(asked) == (row.own_form != form)


@pytest.mark.parametrize("intent", ["inform", "affirm", "deny", "not_sure", "greet", "express_worry", "resume"])
def test_answers_and_small_talk_are_not_in_the_table(intent: str) -> None:
    tracker = make_tracker("what do you mean by that?", intent, active_loop="assessment_form")
    assert intent not in TABLE and not is_interruption(tracker)
