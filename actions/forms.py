"""Answer extraction shared by the two forms.

Every form slot uses a `custom` mapping, so this is the one place that decides whether a message
answers the question being asked. An interrupting request ("what does that mean?", "talk to a
person", a crisis: the table in actions/interruptions.py) extracts nothing, so Rasa rejects the
form turn and the interrupt rules answer; so does a question the classifier only weakly took for
one, once it turns out not to be an answer.
Anything else either fills the asked slot or gets a friendly "I didn't catch that" and the same
question again — the person is never silently stuck. A form can also keep answers a reply gives
to its other, still-empty questions (`unasked_answers`), so nobody is asked what they already said.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common import (
    Named,
    asks_instead_of_answering,
    entity_value,
    is_interruption,
    latest_intent,
    latest_text,
)
from bot.logic import messages
from bot.names import Rasa
from bot.understanding import replies


class AnswerFormValidation(Named, FormValidationAction):
    """Fills the requested slot from a button payload, an entity or the person's own words.

    Named like every action (``NAME``, a constant of ``bot.names.Action``); rasa-sdk reads the
    form's name off it (``validate_<form>``).
    """

    @abstractmethod
    def parse(self, slot: str, text: str, intent: str | None, tracker: Tracker) -> Any | None:
        """The slot's value for this reply, or None when the reply does not answer it."""

    def retry_hint(self, slot: str) -> str:
        return messages.RETRY_HINT

    def not_answered(self, slot: str, text: str, intent: str | None) -> str:
        """What to say when a reply does not answer the question (it is then asked again)."""
        if intent in replies.CARRY_ON_INTENTS:
            return messages.CARRY_ON
        return messages.not_understood(self.retry_hint(slot))

    def extra_slots(self, slot: str, value: Any, tracker: Tracker) -> dict[str, Any]:
        """Slots a given answer fills besides the asked one (e.g. a known-rare condition)."""
        return {}

    def unasked_answers(self, slot: str, tracker: Tracker) -> dict[str, Any]:
        """Answers the reply gives to this form's other questions without being asked.

        None by default: only a form whose questions people answer ahead of time ("she's scared"
        while asked about insurance) and that can read them safely overrides this. Answers to
        questions that already have one are dropped by the caller, never overwritten.
        """
        return {}

    def noted(self, answers: dict[str, Any], answered: bool) -> str:
        """What to say about the kept `unasked_answers`, so the person knows they won't be asked.

        `answered` tells whether the reply also answered the asked question (otherwise it is asked
        again right after this).
        """
        return messages.NOTED_THAT_TOO if answered else messages.NOTED_THAT

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slot = tracker.get_slot(Rasa.REQUESTED_SLOT)
        if slot not in self.domain_slots(domain) or is_interruption(tracker):
            return []
        intent, _ = latest_intent(tracker)
        button_value = entity_value(tracker, slot)
        value = button_value if button_value is not None else self.parse(slot, latest_text(tracker), intent, tracker)
        extra = {} if value is None else self.extra_slots(slot, value, tracker)
        form_slots = self.domain_slots(domain)
        unasked = {
            k: v
            for k, v in self.unasked_answers(slot, tracker).items()
            if k != slot and k not in extra and k in form_slots and tracker.get_slot(k) is None
        }
        if unasked:
            dispatcher.utter_message(text=self.noted(unasked, answered=value is not None))
        elif value is None:
            if asks_instead_of_answering(tracker):
                return []  # not an answer after all: the interruption rules answer it
            dispatcher.utter_message(text=self.not_answered(slot, latest_text(tracker), intent))
        return [SlotSet(slot, value)] + [SlotSet(k, v) for k, v in {**unasked, **extra}.items()]
