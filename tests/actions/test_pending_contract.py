"""The open-question protocol holds together: every kind has its answers, every kind set is known.

A kind set by an action but missing from ``bot.logic.pending.KINDS`` would make ChoicePolicy and
``action_confirm_pending`` treat the person's "yes" as answering nothing ("OK!" and the menu) —
the drift this protocol exists to prevent, found here by reading the actions' source.
"""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from actions.confirmations import ANSWERS
from bot.logic import pending
from bot.settings import PROJECT_ROOT

ACTIONS = PROJECT_ROOT / "actions"


def test_every_kind_has_a_yes_and_a_no_and_every_answer_a_kind() -> None:
    assert set(ANSWERS) == set(pending.KINDS)
    assert all(callable(yes) and callable(no) for yes, no in ANSWERS.values())


def _kinds_set_in(path: Path) -> list[tuple[int, object]]:
    """(line, value) of every ``SlotSet(<pending slot>, value)`` in the module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "SlotSet" and len(node.args) == 2):
            continue
        slot, value = node.args
        names_the_slot = (isinstance(slot, ast.Constant) and slot.value == pending.SLOT) or (
            isinstance(slot, ast.Attribute) and slot.attr == "SLOT"
        )
        if not names_the_slot:
            continue
        if isinstance(value, ast.Constant):
            found.append((node.lineno, value.value))
        elif isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == "pending":
            found.append((node.lineno, getattr(pending, value.attr, f"pending.{value.attr} (no such name)")))
        else:
            found.append((node.lineno, ast.unparse(value)))
    return found


def test_every_kind_an_action_sets_is_a_known_kind() -> None:
    seen = {}
    for path in sorted(ACTIONS.glob("*.py")):
        for line, value in _kinds_set_in(path):
            seen[f"{path.name}:{line}"] = value
    unknown = {where: value for where, value in seen.items() if value is not None and value not in pending.KINDS}

    assert not unknown, f"set but not in bot.logic.pending.KINDS: {unknown}"
    assert len(seen) >= 15  # the scan finds the protocol's uses (it would pass vacuously otherwise)


def test_what_a_reply_leads_to_exists_in_the_domain() -> None:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())
    actions, intents = set(domain["actions"]), set(domain["intents"]) | {"nlu_fallback"}
    for name, kind in pending.KINDS.items():
        for action in kind.picks or ():
            assert action in actions, (name, action)
        if kind.typed_text is not None:
            assert kind.typed_text[0] in actions, name
            assert kind.typed_text[1] <= intents, (name, kind.typed_text[1] - intents)
    assert pending.CONFIRM_ACTION in actions
