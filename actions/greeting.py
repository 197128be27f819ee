"""The opening: who the assistant is, that it is not for emergencies, that a human is available."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import NamedAction, remember_channel
from bot.logic import messages
from bot.names import Action
from bot.persistence import repository
from bot.persistence.db import run_sync


class ActionGreet(NamedAction):
    NAME = Action.ACTION_GREET

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        await remember_channel(tracker)
        questions = await run_sync(repository.list_questions, tracker.sender_id)
        requests = await run_sync(repository.list_records_requests, tracker.sender_id)
        dispatcher.utter_message(text=messages.OPENING)
        back = messages.welcome_back(len(questions), len(requests))
        if back:
            dispatcher.utter_message(text=back)
        dispatcher.utter_message(response="utter_menu")
        return []
