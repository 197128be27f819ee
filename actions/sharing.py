"""Journey 4, continued: the question list on paper, as a PDF or by text message.

"print my list", "can I get a pdf", "text me my questions": the list in the chat plus a private
link to a printable page and a PDF (bot/web/share.py). On SMS the reply is already a text, so it
stays compact with one link. On the website and Slack, asking for a *text* starts a one-question
form (sms_number_form) for the mobile number, read back for a yes before anything is sent.
The number lives only in the `sms_number` slot until the text is sent or declined (and in the
conversation history, which "delete my data" erases); it is never written to the app's tables.

Limits (``bot.security.limits``): texts per conversation, per destination number and for the whole
service per day, and the countries a typed number may be in. They are told early (before the
"Text your questions to ...?") and enforced when sending, where the number's and the service's
units are taken atomically, so racing conversations cannot go past them. Replies to someone who
texted us (the SMS channel, advocates' replies) are not limited here: that number proved itself
by texting us first, and it pays nothing to answer it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    ANSWERED_BY_OWN_RULE,
    INTERRUPT_CONFIDENCE,
    NamedAction,
    channel_of,
    clear_pending,
    entity_value,
    latest_intent,
    latest_text,
    remember_channel,
)
from bot.channels.twilio_rest import TextResult, TwilioOutbound
from bot.logic import messages, pending, phone_countries, sharing
from bot.names import Action, Form, Intent, Rasa, Slot
from bot.persistence import limits, repository
from bot.persistence.db import run_sync
from bot.security.limits import LimitSettings, text_quotas
from bot.settings import Settings
from bot.understanding.sharing import asks_why, is_not_now, parse_phone_number, wants_text_message

SMS_CHANNEL = "twilio"

ASK_NUMBER = "ask_number"
MAX_NUMBER_TRIES = 3
_CANCELS = frozenset({Intent.DENY, Intent.STOP, Intent.NOT_SURE, Intent.GOODBYE, Intent.HELP})


def _links(token: str) -> tuple[str, str]:
    base = Settings.from_env().public_base_url
    return sharing.page_url(base, token), sharing.pdf_url(base, token)


async def _share_link(sender_id: str) -> tuple[str, str]:
    """A fresh private link (page, pdf); only its hash is stored, so each reply gets its own."""
    link = await run_sync(repository.create_share_link, sender_id)
    return _links(link["token"])


async def _conversation_capped(sender_id: str, settings: LimitSettings) -> bool:
    """This conversation texted its share today. Its turns run one at a time (Rasa's conversation
    lock), so counting the log and adding to it after a send cannot race."""
    since = datetime.now(timezone.utc) - timedelta(days=1)
    return await run_sync(repository.count_question_texts, sender_id, since) >= settings.texts_per_conversation_per_day


def _country_refusal(number: str, settings: LimitSettings, page: str | None = None) -> str | None:
    if phone_countries.is_allowed(number, settings.sms_countries):
        return None
    return sharing.country_not_allowed(settings.country_names(), page)


async def offer_text(dispatcher: CollectingDispatcher, tracker: Tracker, number: str) -> list[EventType]:
    """Read the number back and ask before sending: a typo would text a stranger their health questions."""
    outbound = TwilioOutbound.from_env()
    if outbound is None:
        dispatcher.utter_message(text=messages.NO_TEXTS_HERE)
        return [SlotSet(Slot.SMS_NUMBER, None)]
    settings = LimitSettings.from_env()
    refusal = _country_refusal(number, settings)
    if refusal is None and await _conversation_capped(tracker.sender_id, settings):
        refusal = messages.TEXT_LIMIT_REACHED
    # Checked now and again when sending. The reply never says the number opted out (nor that it
    # was texted today): that would tell anyone who types a number that it once texted a medical
    # service.
    if refusal is None and await run_sync(repository.is_sms_opted_out, number):
        refusal = messages.CANT_TEXT_NUMBER.format(twilio=outbound.twilio_number)
    quotas = text_quotas(number, settings, datetime.now(timezone.utc))
    if refusal is None and await run_sync(limits.first_full, quotas):
        refusal = sharing.texts_paused()
    if refusal:
        dispatcher.utter_message(text=refusal)
        return [SlotSet(Slot.SMS_NUMBER, None)]
    count = len(await run_sync(repository.list_questions, tracker.sender_id))
    dispatcher.utter_message(
        text=messages.text_questions_to(count, sharing.display_phone(number)), buttons=messages.SEND_TEXT_BUTTONS
    )
    return [SlotSet(Slot.SMS_NUMBER, number), SlotSet(pending.SLOT, pending.TEXT_QUESTIONS)]


async def send_questions_by_text(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The "yes" to "Text your questions to ...?": send, then forget the number."""
    done: list[EventType] = [*clear_pending(), SlotSet(Slot.SMS_NUMBER, None)]
    number = tracker.get_slot(Slot.SMS_NUMBER)
    outbound = TwilioOutbound.from_env()
    questions = await run_sync(repository.list_questions, tracker.sender_id)
    if not number or not questions:
        dispatcher.utter_message(text=messages.LOST_TRACK_OF_TEXT)
        return done
    page, _ = await _share_link(tracker.sender_id)
    if outbound is None:
        dispatcher.utter_message(text=messages.no_texts_here_link(page))
        return done
    settings = LimitSettings.from_env()
    refusal = _country_refusal(number, settings, page)
    if refusal is None and await _conversation_capped(tracker.sender_id, settings):
        refusal = messages.TEXT_LIMIT_REACHED
    quotas = text_quotas(number, settings, datetime.now(timezone.utc))
    if refusal is None and await run_sync(limits.take, quotas) is not None:
        refusal = sharing.texts_paused(page)
    if refusal:
        dispatcher.utter_message(text=refusal)
        return done
    result = await outbound.send_text(number, sharing.texted_list(questions, page))
    if result is TextResult.OPTED_OUT:
        # Found before any request to Twilio: nothing went out, so the units are given back. A
        # failed send keeps them: part of a long list may have arrived, and retries must not add up.
        await run_sync(limits.give_back, quotas)
    if result is TextResult.SENT:
        await run_sync(repository.record_question_text, tracker.sender_id)
        dispatcher.utter_message(text=messages.text_sent(sharing.display_phone(number)))
    elif result is TextResult.OPTED_OUT:
        dispatcher.utter_message(text=messages.CANT_TEXT_NUMBER.format(twilio=outbound.twilio_number))
    else:
        dispatcher.utter_message(text=messages.text_failed(page))
    return done


class ActionPrintQuestions(NamedAction):
    """The list in the chat with a private printable/PDF link; by text when asked for one."""

    NAME = Action.ACTION_PRINT_QUESTIONS

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        await remember_channel(tracker)
        # Always set: the rule that starts the number form depends on it (data/stories/notebook.yml).
        done: list[EventType] = [SlotSet(Slot.PRINT_FOLLOWUP, None)]
        questions = await run_sync(repository.list_questions, tracker.sender_id)
        if not questions:
            dispatcher.utter_message(text=messages.NOTHING_TO_SHARE, buttons=messages.SUGGEST_QUESTIONS_BUTTONS)
            return done
        page, pdf = await _share_link(tracker.sender_id)
        if channel_of(tracker) == SMS_CHANNEL:
            dispatcher.utter_message(text=sharing.sms_reply(questions, page))
            return done
        text = latest_text(tracker)
        wants_text = entity_value(tracker, "share_via") == "sms" or wants_text_message(text)
        can_text = TwilioOutbound.from_env() is not None
        buttons = [] if wants_text or not can_text else [messages.TEXT_IT_BUTTON]
        dispatcher.utter_message(text=sharing.chat_reply(questions, page, pdf), buttons=buttons)
        if not wants_text:
            return done
        if not can_text:
            dispatcher.utter_message(text=messages.NO_TEXTS_HERE)
            return done
        number = parse_phone_number(text)
        if number:  # "text my list to 415-555-0123": no need to ask for it
            return [*done, *await offer_text(dispatcher, tracker, number)]
        if await _conversation_capped(tracker.sender_id, LimitSettings.from_env()):
            dispatcher.utter_message(text=messages.TEXT_LIMIT_REACHED)
            return done
        return [SlotSet(Slot.PRINT_FOLLOWUP, ASK_NUMBER), SlotSet(Slot.SMS_NUMBER, None)]


def _tries_since_asked(tracker: Tracker) -> int:
    """How many answers the person has given to the number question, this one included."""
    tries = 0
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == Form.SMS_NUMBER_FORM:
            break
        if event.get("event") == "user":
            tries += 1
    return tries


class ValidateSmsNumberForm(NamedAction):
    """Reads the mobile number, or ends the form kindly ("not now", too many tries).

    Not a ``FormValidationAction``: that class only returns slots listed in the form, and ending
    the form early needs ``requested_slot`` set to None alongside. Crisis, emergency, "talk to a
    person" and "delete my data" extract nothing, so Rasa rejects the form turn and their own rules
    answer (their actions end this form: ``actions.common.pause_active_form``).
    """

    NAME = Action.VALIDATE_SMS_NUMBER_FORM

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if tracker.get_slot(Rasa.REQUESTED_SLOT) != Slot.SMS_NUMBER:
            return []  # the form is starting: the message that started it is no answer
        intent, confidence = latest_intent(tracker)
        # What the interruption table answers by its own rule (a crisis, an emergency, a person asked
        # for, a denial, a bill, a complaint, "delete my data"): the form turn is rejected, and
        # that rule answers and ends the form.
        if intent in ANSWERED_BY_OWN_RULE and confidence >= INTERRUPT_CONFIDENCE:
            return []
        text = latest_text(tracker)
        number = parse_phone_number(text)
        if number:
            return [SlotSet(Slot.SMS_NUMBER, number)]
        cancel = [SlotSet(Slot.SMS_NUMBER, None), SlotSet(Rasa.REQUESTED_SLOT, None)]
        if intent in _CANCELS or is_not_now(text):
            return cancel
        if asks_why(text) or intent == Intent.EXPLAIN:
            dispatcher.utter_message(text=messages.WHY_NUMBER)
            return [SlotSet(Slot.SMS_NUMBER, None)]
        if _tries_since_asked(tracker) >= MAX_NUMBER_TRIES:
            dispatcher.utter_message(text=messages.NO_TEXT_THEN)
            return cancel
        dispatcher.utter_message(text=messages.NOT_A_NUMBER)
        return [SlotSet(Slot.SMS_NUMBER, None)]


class ActionAskSmsNumber(NamedAction):
    """The number form's question, with a way out for people who would rather not."""

    NAME = Action.ACTION_ASK_SMS_NUMBER

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=messages.ASK_NUMBER_PROMPT, buttons=messages.NOT_NOW_BUTTONS)
        return []


class ActionSmsNumberGiven(NamedAction):
    """After the number form: offer to send to the number, or accept the "not now"."""

    NAME = Action.ACTION_SMS_NUMBER_GIVEN

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        done: list[EventType] = [SlotSet(Slot.PRINT_FOLLOWUP, None)]
        number = tracker.get_slot(Slot.SMS_NUMBER)
        if number:
            return [*done, *await offer_text(dispatcher, tracker, number)]
        dispatcher.utter_message(text=messages.WONT_TEXT)
        if latest_intent(tracker)[0] == Intent.HELP:
            dispatcher.utter_message(response="utter_menu")
        return done
