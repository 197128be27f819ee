"""Answer extraction shared by the two forms.

Every form slot uses a `custom` mapping, so this is the one place that decides whether a message
answers the question being asked. An interrupting request ("what does that mean?", "talk to a
person", a crisis) extracts nothing, so Rasa rejects the form turn and the interrupt rules answer.
Anything else either fills the asked slot or gets a friendly "I didn't catch that" and the same
question again — the person is never silently stuck.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.common import entity_value, is_interruption, latest_intent, latest_text

NOT_UNDERSTOOD = "Sorry, I didn't catch that."


class AnswerFormValidation(FormValidationAction):
    """Fills the requested slot from a button payload, an entity or the person's own words."""

    @abstractmethod
    def parse(self, slot: str, text: str, intent: str | None, tracker: Tracker) -> Any | None:
        """The slot's value for this reply, or None when the reply does not answer it."""

    def retry_hint(self, slot: str) -> str:
        return 'You can tap a button, or type "not sure".'

    def not_answered(self, slot: str, text: str, intent: str | None) -> str:
        """What to say when a reply does not answer the question (it is then asked again)."""
        return f"{NOT_UNDERSTOOD} {self.retry_hint(slot)}"

    def extra_slots(self, slot: str, value: Any, tracker: Tracker) -> dict[str, Any]:
        """Slots a given answer fills besides the asked one (e.g. a known-rare condition)."""
        return {}

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slot = tracker.get_slot("requested_slot")
        if slot not in self.domain_slots(domain) or is_interruption(tracker):
            return []
        intent, _ = latest_intent(tracker)
        button_value = entity_value(tracker, slot)
        value = button_value if button_value is not None else self.parse(slot, latest_text(tracker), intent, tracker)
        if value is None:
            dispatcher.utter_message(text=self.not_answered(slot, latest_text(tracker), intent))
            return [SlotSet(slot, None)]
        extra = self.extra_slots(slot, value, tracker)
        return [SlotSet(slot, value)] + [SlotSet(k, v) for k, v in extra.items()]
