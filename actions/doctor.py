"""Journey 2: asking the doctor for a second opinion."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import case_slots_from_message, remember_case_facts
from bot.logic import doctor


class ActionAskDoctor(Action):
    def name(self) -> str:
        return "action_ask_doctor"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        facts = case_slots_from_message(tracker)
        await remember_case_facts(tracker, facts)
        scripts = doctor.doctor_scripts(
            facts.get("condition") or tracker.get_slot("condition"),
            facts.get("treatment") or tracker.get_slot("treatment"),
            relation=tracker.get_slot("relation"),
        )
        dispatcher.utter_message(text=doctor.REASSURANCE)
        dispatcher.utter_message(text="You could say:\n" + "\n".join(f'• "{line}"' for line in scripts))
        dispatcher.utter_message(
            text="What if they react badly?",
            buttons=[
                {"title": "My doctor reacted badly", "payload": "/doctor_pushback"},
                {"title": "Get my records", "payload": "/request_records"},
                {"title": "Prepare questions", "payload": "/suggest_questions"},
            ],
        )
        return [SlotSet(k, v) for k, v in facts.items()]


class ActionDoctorPushback(Action):
    def name(self) -> str:
        return "action_doctor_pushback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(
            text=doctor.PUSHBACK_ADVICE,
            buttons=[
                {"title": "Get my records", "payload": "/request_records"},
                {"title": "Talk to a person", "payload": "/human_handoff"},
            ],
        )
        return []
