"""Moving around a conversation: explaining a question, pausing and resuming a form, fallback."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import NamedAction, clear_pending, entity_value, latest_text, pause_active_form, press
from actions.handoff import REASON_BY_INTENT, start_handoff
from actions.interruptions import FORM_TOPICS
from bot.logic import assessment, fallback, messages, pending, records
from bot.names import Action, Intent, Rasa, Slot
from bot.persistence import repository
from bot.persistence.db import run_sync
from bot.understanding import frustration, numbers, replies


class ActionExplain(NamedAction):
    """Says why the current question matters, then the form asks it again."""

    NAME = Action.ACTION_EXPLAIN

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        slot = tracker.get_slot(Rasa.REQUESTED_SLOT)
        if slot in records.EXPLANATIONS:
            dispatcher.utter_message(text=records.EXPLANATIONS[slot])
        elif slot:
            dispatcher.utter_message(text=assessment.explanation(slot))
        else:
            dispatcher.utter_message(text=messages.WHAT_I_HELP_WITH)
            dispatcher.utter_message(response="utter_menu")
        return []


class ActionPauseForm(NamedAction):
    NAME = Action.ACTION_PAUSE_FORM

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        form = tracker.active_loop.get("name") if tracker.active_loop else None
        dispatcher.utter_message(text=messages.form_paused(FORM_TOPICS.get(form or "")))
        return pause_active_form(tracker)


def _bot_buttons_before(events: list[dict[str, Any]], user_index: int) -> list[dict[str, Any]]:
    """The buttons of the bot's last message before the user event at ``user_index`` (in its turn)."""
    for event in reversed(events[:user_index]):
        if event.get("event") == "user":
            return []
        if event.get("event") == "bot":
            return list((event.get("data") or {}).get("buttons") or [])
    return []


def _offered_before_this_message(tracker: Tracker) -> list[dict[str, Any]]:
    """The buttons of the bot's last message before the person's latest one."""
    events = list(tracker.events)
    users = [index for index, event in enumerate(events) if event.get("event") == "user"]
    return _bot_buttons_before(events, users[-1]) if users else []


def _picked(text: str, offered: list[dict[str, Any]]) -> str | None:
    """The payload of the offered button a typed reply picks: "2", "the first one", its words."""
    number = numbers.choice_number(text)
    if number is None and numbers.is_number_reference(text):
        number = numbers.parse_number(text)
    if number is not None:
        return str(offered[number - 1]["payload"]) if 1 <= number <= len(offered) else None
    wanted = replies.words_of(text)
    titles = {replies.words_of(str(button.get("title", ""))): str(button["payload"]) for button in offered}
    return titles.get(wanted) if wanted else None


async def ask_which_reading(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """"Yes" to "Did you mean A or B?": which one? The same buttons again, and still open.

    (With one reading the question is an offer, and a yes takes it: `pending.OFFER`.)
    """
    offered = _offered_before_this_message(tracker)
    if not fallback.is_did_you_mean(offered):
        dispatcher.utter_message(text=messages.NOTHING_TO_CONFIRM)
        dispatcher.utter_message(response="utter_menu")
        return clear_pending()
    dispatcher.utter_message(text=fallback.WHICH_READING, buttons=offered)
    return [SlotSet(pending.SLOT, pending.DID_YOU_MEAN), SlotSet(Slot.PENDING_OFFER, None)]


def _missed_just_before(tracker: Tracker) -> bool:
    """Whether the person's previous message was a miss too: it fell back, or it said "no" to a
    "Did you mean" (neither reading was right). Then a second miss brings a person."""
    events = list(tracker.events)
    users = [index for index, event in enumerate(events) if event.get("event") == "user"]
    if len(users) < 2:
        return False
    previous = events[users[-2]]
    intent = ((previous.get("parse_data") or {}).get("intent") or {}).get("name")
    if intent == Intent.NLU_FALLBACK:
        return True
    return intent == Intent.DENY and fallback.is_did_you_mean(_bot_buttons_before(events, users[-2]))


class ActionFallback(NamedAction):
    """Unsure means ask: "Did you mean ...?" with the likely readings, and a person after two misses.

    The first miss offers the two best readings of the message as buttons (bot/logic/fallback.py),
    or, when none is plausible, asks to put it another way beside the menu. A reply to the "Did you
    mean" ("2" typed in the web chat, a button's words) picks its reading; SMS numbers the buttons
    and the channel picks before the bot sees the reply. A second miss in a row, or "no" / "Something
    else" followed by another miss, hands the conversation to a human advocate (never get stuck).
    This action is also Rasa's core fallback (config.yml), for a known intent in a state no rule
    covers: the same kind "put it another way".
    """

    NAME = Action.ACTION_FALLBACK

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = latest_text(tracker)
        offered = _offered_before_this_message(tracker)
        picked = _picked(text, offered) if fallback.is_did_you_mean(offered) else None
        if picked == fallback.SOMETHING_ELSE_PAYLOAD or text == fallback.SOMETHING_ELSE_PAYLOAD:
            dispatcher.utter_message(text=fallback.SOMETHING_ELSE, buttons=fallback.SOMETHING_ELSE_BUTTONS)
            return clear_pending()
        if picked:
            return [*clear_pending(), *press(picked, tracker)]
        message = tracker.latest_message
        ranking = message.get("intent_ranking") or []
        fed_up = frustration.asks_for_a_person(text) or frustration.is_fed_up(text)
        second_miss = _missed_just_before(tracker)
        found = []
        if message.get("intent", {}).get("name") == Intent.NLU_FALLBACK and not (fed_up or second_miss):
            found = fallback.readings(ranking, message.get("response_selector"))
        # Every miss is kept, de-identified and sealed, for advocates to label (the console's "Not
        # understood" page): what people write that the bot cannot read is the training data it lacks.
        readings = [(item.get("name") or "", float(item.get("confidence") or 0.0)) for item in ranking]
        kind = "did_you_mean" if found else "fallback"
        await run_sync(repository.record_unclear_message, tracker.sender_id, text, kind, readings)
        if fed_up:  # not understood and fed up, or asking for a human: a person now, not a quiz
            return await start_handoff(dispatcher, tracker, reason=REASON_BY_INTENT[Intent.HUMAN_HANDOFF])
        if second_miss:
            return await start_handoff(dispatcher, tracker, reason=messages.FALLBACK_HANDOFF_REASON)
        at_risk = fallback.safety_is_plausible(ranking)
        if not found:
            dispatcher.utter_message(text=fallback.put_it_another_way(at_risk))
            dispatcher.utter_message(response="utter_menu")
            return clear_pending()
        question, buttons = fallback.did_you_mean(found, at_risk)
        dispatcher.utter_message(text=question, buttons=buttons)
        if len(found) == 1:  # a typed "yes" takes the one reading, as if its button was pressed
            return [SlotSet(pending.SLOT, pending.OFFER), SlotSet(Slot.PENDING_OFFER, found[0].payload)]
        return [SlotSet(pending.SLOT, pending.DID_YOU_MEAN), SlotSet(Slot.PENDING_OFFER, None)]


class ActionAnswerFaq(NamedAction):
    """The FAQ answer a "Did you mean" button names (`/faq{"faq_answer":"how_long_wait"}`).

    Rasa 3.6 takes no `/faq/<name>` payload, and a bare `/faq` lets the ResponseSelector guess from
    the text "/faq"; so the button carries the answer's name and this says `utter_faq/<name>`, with
    its offer open for a typed "yes" as after any FAQ answer (actions/faq.py).
    """

    NAME = Action.ACTION_ANSWER_FAQ

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        key = entity_value(tracker, fallback.FAQ_ANSWER_ENTITY)
        variants = (domain.get("responses") or {}).get(f"utter_faq/{key}") or []
        if not variants:
            dispatcher.utter_message(text=messages.FAQ_NOT_FOUND)
            return []
        dispatcher.utter_message(response=f"utter_faq/{key}")
        buttons = variants[0].get("buttons") or []
        if not buttons:
            return []
        return [SlotSet(pending.SLOT, pending.OFFER), SlotSet(Slot.PENDING_OFFER, buttons[0]["payload"])]
