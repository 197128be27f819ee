"""The kit the journey modules share, so that a journey imports only this and ``bot/``.

What more than one journey needs lives here: how every action is named (``Named``, and the base
``NamedAction``: the name is a constant of ``bot.names``), reading the latest message and its
intent, the channel and the case facts named in passing (``note_case``), the open question
(``fresh_pending``), pausing a form, the notice that a hand-off is already open, and saving
questions (``save_questions``: the one place a conversation saves to the notebook, with the one
reply that says so).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ActiveLoop, EventType, SlotSet, UserUttered
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.interruptions import ANSWERED_BY_OWN_RULE as ANSWERED_BY_OWN_RULE

# What may interrupt a form, and what then happens to it, is one table (actions/interruptions.py);
# `FORMS` and `INTERRUPT_CONFIDENCE` are re-exported for the journey modules that use them.
from actions.interruptions import FORM_TOPICS, asks_instead, interrupts
from actions.interruptions import FORMS as FORMS
from actions.interruptions import INTERRUPT_CONFIDENCE as INTERRUPT_CONFIDENCE
from bot.advocates.availability import handoff_expectation
from bot.logic import advice, messages, pending, vocabulary
from bot.names import Form, Rasa, Slot
from bot.persistence import repository
from bot.persistence.db import run_sync
from bot.understanding import payloads


class Named:
    """An action whose name is its class's ``NAME``, a constant of ``bot.names.Action``.

    Rasa calls an action by the string ``name()`` returns; declaring it as the names table's
    constant (``NAME = Action.ACTION_GREET``) is all an action has to say about it, and a
    misspelling fails at import instead of leaving the action unreachable. A mixin, so the form
    validations (``actions.forms``) are named the same way as the plain actions.
    """

    NAME: ClassVar[str]

    def name(self) -> str:
        return self.NAME


class NamedAction(Named, Action, ABC):
    """The base of the plain custom actions (form validations: ``actions.forms``).

    Abstract, so the action server's scan of the package (every subclass of rasa-sdk's ``Action``
    that is not abstract) serves its subclasses, not this base, which has no name.
    """

    @abstractmethod
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """The action's turn: what it says through ``dispatcher`` and the events it returns."""


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def is_interruption(tracker: Tracker) -> bool:
    """Whether the latest message, said inside a form, asks for something else than answering.

    The decision is the table's (`actions.interruptions.interrupts`); this reads it off the tracker.
    """
    name, confidence = latest_intent(tracker)
    form = tracker.active_loop.get("name") if tracker.active_loop else None
    return interrupts(name, confidence, latest_text(tracker), form)


def asks_instead_of_answering(tracker: Tracker) -> bool:
    """A question the classifier placed, however weakly, among the soft interruptions.

    Sure enough (`is_interruption`), it interrupts before any answer is read. Below that it is
    checked once the reply turned out not to answer the form's question: then "how long do
    we have to decide? is waiting a week ok?" (a medical question at 0.56) gets its answer and the
    question comes again, instead of "Sorry, I didn't catch that". Every soft interruption has a
    rule in both forms (data/stories/form_interruptions.yml).
    """
    name, _ = latest_intent(tracker)
    return asks_instead(name, latest_text(tracker))


def entity_value(tracker: Tracker, entity: str) -> Any | None:
    """The value of ``entity`` in the latest message (canonical value when an extractor set one)."""
    for item in tracker.latest_message.get("entities") or []:
        if item.get("entity") == entity:
            return item.get("value")
    return None


def channel_of(tracker: Tracker) -> str | None:
    return tracker.get_latest_input_channel()


async def remember_channel(tracker: Tracker) -> None:
    """Keep the person's channel on their case row, so advocates know where they are."""
    await run_sync(repository.record_case, tracker.sender_id, channel_of(tracker))


def clear_pending() -> list[dict[str, Any]]:
    return [
        SlotSet(pending.SLOT, None),
        SlotSet(Slot.PENDING_QUESTION, None),
        SlotSet(Slot.PENDING_OFFER, None),
    ]


def fresh_pending(tracker: Tracker) -> str | None:
    """What the bot asked the person to confirm in its last turn, or None once they moved on.

    `pending_confirmation` stays set until a yes or no clears it, but a "yes" only answers the
    question just asked: someone who was asked "delete everything?", then read an FAQ that ends
    "Want help with your records?" and said "ok" must get their records help, never the erase.
    So only a value set between the previous message and this one counts: the rule of
    `bot.logic.pending.asked_last_turn`, which ChoicePolicy applies to the same events in Rasa.
    """
    return pending.asked_last_turn(
        pending.Step(event.get("event") == "user", event.get("name"), event.get("value"))
        if event.get("event") in ("user", "slot")
        else pending.Step(False)
        for event in reversed(tracker.events)
    )


def press(payload: str, tracker: Tracker) -> list[EventType]:
    """Events that make the bot go on as if the person had just pressed the button ``payload``.

    "Yes" to "Want help requesting your records?" must do exactly what the offered button does,
    forms and rules included, on every channel. Rasa decides the next action from the latest
    message, so the action that read the "yes" hands Rasa that button's message (after the
    `action_listen` every message follows), and the rules for the button take it from there.
    """
    intent, entities = payloads.parse_button_payload(payload)
    parse_data = {
        "text": payload,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [{"entity": name, "value": value} for name, value in entities.items()],
    }
    channel = tracker.get_latest_input_channel()
    return [ActionExecuted(Rasa.ACTION_LISTEN), UserUttered(payload, parse_data, input_channel=channel)]


def leave_paused(tracker: Tracker, form: str) -> list[EventType]:
    """Events for starting or finishing ``form``: its own pause is over, the other paused forms stay.

    "I need his records" in the middle of the assessment pauses the assessment and starts the
    records letter; the assessment must still be there to "continue" once the letter is done.
    """
    stack = paused_forms(tracker)
    if form not in stack:
        return []
    return _paused_forms_events([paused for paused in stack if paused != form])


def other_form_waiting(tracker: Tracker, form: str) -> str | None:
    """ "We were in the middle of ...", when a form other than ``form`` is paused (the latest)."""
    waiting = [paused for paused in paused_forms(tracker) if paused != form]
    if waiting:
        return messages.form_waiting(FORM_TOPICS[waiting[0]])
    return None


# --- shared by several journeys: case facts, pausing a form, the handoff notice, saving questions ---


def case_slots_from_message(tracker: Tracker) -> dict[str, Any]:
    """Condition and treatment the person just named, so the form never asks for them again.

    The entities are named like the slots they fill (docs/DESIGN.md, Entities).
    """
    facts: dict[str, Any] = {}
    for entity in (Slot.CONDITION, Slot.TREATMENT):
        value = entity_value(tracker, entity)
        if value:
            facts[entity] = value
            if entity == Slot.CONDITION:
                mention = vocabulary.lookup(Slot.CONDITION, value)
                if mention is not None and mention.category == "rare":
                    facts[Slot.RARE_CONDITION] = "yes"
    return facts


async def remember_case_facts(tracker: Tracker, facts: dict[str, Any]) -> None:
    """Store condition/treatment (canonical, with category) on the person's case row."""
    stored: dict[str, str | None] = {}
    for entity in (Slot.CONDITION, Slot.TREATMENT):
        value = facts.get(entity)
        if value and value != "not_sure":
            mention = vocabulary.lookup(entity, value)
            stored[entity] = mention.value if mention else value
            stored[f"{entity}_category"] = mention.category if mention else None
    if stored:
        await run_sync(repository.record_case, tracker.sender_id, tracker.get_latest_input_channel(), **stored)


@dataclass(frozen=True)
class Case:
    """The case a journey tailors its words to: condition and treatment, and what just named them."""

    condition: str | None
    treatment: str | None
    named: dict[str, Any]  # the case slots this message filled (`case_slots_from_message`)

    def slot_events(self) -> list[EventType]:
        """Keep what the message named, so the assessment never asks for it again."""
        return [SlotSet(slot, value) for slot, value in self.named.items()]


async def note_case(tracker: Tracker) -> Case:
    """The case facts this message names, stored on the case row, over what was known before.

    "How do I ask my oncologist about the mastectomy?" names the treatment: the scripts and the
    suggested questions use it now, and the case row and the slots keep it for later.
    """
    named = case_slots_from_message(tracker)
    await remember_case_facts(tracker, named)
    return Case(
        condition=named.get(Slot.CONDITION) or tracker.get_slot(Slot.CONDITION),
        treatment=named.get(Slot.TREATMENT) or tracker.get_slot(Slot.TREATMENT),
        named=named,
    )


def pause_active_form(tracker: Tracker) -> list[EventType]:
    """Stop a running form but remember it, so "continue" can pick up where they were."""
    form = tracker.active_loop.get("name") if tracker.active_loop else None
    if form == Form.SMS_NUMBER_FORM:
        # A one-question detour, not worth resuming: ended, and the number forgotten.
        return [ActiveLoop(None), SlotSet(Rasa.REQUESTED_SLOT, None), SlotSet(Slot.SMS_NUMBER, None),
                SlotSet(Slot.PRINT_FOLLOWUP, None)]  # fmt: skip
    if form not in FORMS:
        return []
    return [ActiveLoop(None), SlotSet(Rasa.REQUESTED_SLOT, None), *_paused_forms_events([form, *paused_forms(tracker)])]


def paused_forms(tracker: Tracker) -> list[str]:
    """The paused forms, the latest first: ``paused_form`` (which the "continue" rules read) on top.

    A stack, not one slot: the assessment paused for the records letter, then the letter paused
    for a person, must both still be there, the letter first, then the assessment.
    """
    stack = [tracker.get_slot(Slot.PAUSED_FORM), *(tracker.get_slot(Slot.PAUSED_BELOW) or [])]
    return list(dict.fromkeys(form for form in stack if form in FORMS))


def _paused_forms_events(stack: list[str]) -> list[EventType]:
    stack = list(dict.fromkeys(stack))
    return [SlotSet(Slot.PAUSED_FORM, stack[0] if stack else None), SlotSet(Slot.PAUSED_BELOW, stack[1:])]


async def tell_handoff_already_open(dispatcher: CollectingDispatcher) -> None:
    """The handoff is open already: say so, with when to expect the reply."""
    wait = await run_sync(handoff_expectation, datetime.now(timezone.utc))
    dispatcher.utter_message(text=messages.handoff_already_open(wait))


async def save_questions(
    dispatcher: CollectingDispatcher, sender_id: str, texts: list[str], source: str = "person", in_form: bool = False
) -> list[dict[str, Any]]:
    """The one way a conversation saves questions, with the one reply that says what was saved.

    ``in_form``: saved in passing while a form waits for its answer, so the reply has no buttons
    (a press would answer nothing the form asked) and says the form goes on.
    """
    added = await run_sync(repository.add_questions, sender_id, texts, source)
    total = len(await run_sync(repository.list_questions, sender_id))
    if in_form:
        saved = "\n".join(f'"{q["text"]}"' for q in added)
        dispatcher.utter_message(text=advice.SAVED_IN_FORM.format(question=saved) if added else advice.KEPT_IN_FORM)
        return added
    if not added:
        dispatcher.utter_message(text=messages.already_on_list(total))
        return added
    dispatcher.utter_message(
        text=messages.questions_saved([q["text"] for q in added], total), buttons=messages.SAVED_BUTTONS
    )
    return added
