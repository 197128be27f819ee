"""Journey 3: requesting medical records (HIPAA right of access, 45 CFR 164.524)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    NamedAction,
    asks_instead_of_answering,
    latest_text,
    leave_paused,
    other_form_waiting,
    remember_channel,
)
from actions.forms import AnswerFormValidation
from bot.logic import letters, messages, pending, records
from bot.names import Action, Form, Slot
from bot.persistence import repository
from bot.persistence.db import run_sync
from bot.understanding import records_answers

RECORDS_SLOTS = records.SLOTS


class ActionStartRecords(NamedAction):
    NAME = Action.ACTION_START_RECORDS

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        await remember_channel(tracker)
        dispatcher.utter_message(text=letters.RIGHTS_SUMMARY)
        dispatcher.utter_message(text=messages.RECORDS_INTRO)
        # "I need my path slides and MRI for the new doctor" already answers which records: like the
        # assessment with a named condition, the form does not ask what the person just said.
        named = records_answers.parse_record_types(latest_text(tracker))
        if named:
            dispatcher.utter_message(text=messages.records_noted([code.replace("_", " ") for code in named]))
        # A new request starts blank otherwise: a second letter may go to another clinic.
        fresh = [SlotSet(slot, named if slot == Slot.RECORD_TYPES and named else None) for slot in RECORDS_SLOTS]
        return [*fresh, *leave_paused(tracker, Form.RECORDS_FORM)]


class ValidateRecordsForm(AnswerFormValidation):
    NAME = Action.VALIDATE_RECORDS_FORM

    def parse(self, slot: str, text: str, intent: str | None, tracker: Tracker) -> Any | None:
        # Most of these questions take the person's own words, so a question asked back ("is that
        # the hospital or the doctor?") would become the clinic or the dates; the record types are
        # read from known names, and "can you get the scans and the path report?" names them.
        if slot != Slot.RECORD_TYPES and asks_instead_of_answering(tracker):
            return None
        return records_answers.parse(slot, text, intent)

    def retry_hint(self, slot: str) -> str:
        if slot == Slot.PROVIDER:
            return records.PROVIDER_HINT
        return messages.RECORDS_RETRY_HINT

    def not_answered(self, slot: str, text: str, intent: str | None) -> str:
        if records_answers.is_not_sure(text, intent):  # only the clinic cannot be left open
            return messages.provider_still_needed(records.PROVIDER_HINT)
        return super().not_answered(slot, text, intent)


class ActionRecordsRequest(NamedAction):
    """Writes the letter from the form's answers, shows it and stores it for follow-up."""

    NAME = Action.ACTION_RECORDS_REQUEST

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        fields = {slot: tracker.get_slot(slot) for slot in RECORDS_SLOTS}
        for skippable in (Slot.RECORD_FORMAT, Slot.DELIVERY, Slot.PATIENT_NAME, Slot.DATE_OF_BIRTH):
            fields[skippable] = records.unskipped(fields[skippable])
        letter = letters.records_request_letter(today=date.today(), **fields)
        await run_sync(repository.create_records_request, tracker.sender_id, letter=letter, **fields)
        dispatcher.utter_message(text=messages.LETTER_INTRO)
        dispatcher.utter_message(text=letter)
        relation = tracker.get_slot(Slot.RELATION)
        if relation:
            dispatcher.utter_message(text=letters.caregiver_note(relation))
        dispatcher.utter_message(text=messages.LETTER_SAVED, buttons=messages.AFTER_LETTER_BUTTONS)
        waiting = other_form_waiting(tracker, Form.RECORDS_FORM)
        if waiting:
            dispatcher.utter_message(text=waiting)
        return leave_paused(tracker, Form.RECORDS_FORM)


class ActionRecordsStatus(NamedAction):
    NAME = Action.ACTION_RECORDS_STATUS

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        requests = await run_sync(repository.list_records_requests, tracker.sender_id)
        if not requests:
            offer = messages.WRITE_REQUEST_BUTTON
            dispatcher.utter_message(text=messages.NO_RECORDS_REQUEST_YET, buttons=[offer])
            return [SlotSet(pending.SLOT, pending.OFFER), SlotSet(Slot.PENDING_OFFER, offer["payload"])]
        for request in requests:
            created = datetime.fromisoformat(request["created_at"]).date()
            advice = letters.follow_up_advice(created, date.today())
            dispatcher.utter_message(text=messages.records_request_status(request["provider"], created, advice))
        return []
