"""bot.names and domain.yml name the same intents, slots, forms and actions, both ways."""

from __future__ import annotations

import yaml

from bot import names
from bot.logic import pending
from bot.settings import PROJECT_ROOT

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())


def test_the_intents_are_the_domain_s_and_rasa_s_fallback() -> None:
    assert set(DOMAIN["intents"]) | {"nlu_fallback"} == names.INTENTS


def test_the_slots_forms_and_actions_are_the_domain_s() -> None:
    assert set(DOMAIN["slots"]) == names.SLOTS
    assert set(DOMAIN["forms"]) == names.FORMS
    assert set(DOMAIN["actions"]) == names.ACTIONS


def test_each_constant_is_spelled_as_its_value() -> None:
    """``Intent.HUMAN_HANDOFF`` is "human_handoff": a reader never has to look a name up."""
    for group in (names.Intent, names.Slot, names.Form, names.Action):
        for key, value in vars(group).items():
            if key.isupper():
                assert key == value.upper(), (group.__name__, key, value)


def test_the_open_questions_lead_to_named_actions_and_intents() -> None:
    assert pending.SLOT in names.SLOTS
    for kind in pending.KINDS.values():
        assert set(kind.picks or ()) <= names.ACTIONS
        if kind.typed_text is not None:
            assert kind.typed_text[0] in names.ACTIONS and kind.typed_text[1] <= names.INTENTS
