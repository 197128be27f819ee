"""Journey 5: handing the conversation to a human patient advocate.

The handoff record carries a case summary so the advocate can start without making the person
repeat themselves. Setting `handoff_active` makes `HandoffPolicy` keep the bot quiet until an
advocate closes the handoff (safety replies still go out).

Each new hand-off pages the advocates (console queue, Slack), so a person gets a few per hour
(``HANDOFF_HOURLY_LIMIT_PER_PERSON``, ``bot.security.limits``). Over it, their latest hand-off
goes back in the queue without a new page, or, if there is none (after "delete my data"), they
are told when they can ask again. The crisis and emergency answers (``actions/safety.py``) are
never limited: they do not go through here.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import NamedAction, channel_of, latest_text, pause_active_form, tell_handoff_already_open
from bot.advocates.announce import announce_in_background
from bot.advocates.availability import handoff_expectation
from bot.logic import fallback, messages, pending
from bot.names import Action, Intent, Slot
from bot.persistence import limits, repository
from bot.persistence.db import run_sync
from bot.security.limits import LimitSettings, handoff_quota
from bot.understanding import frustration

RECENT_TURNS = 12
REASON_BY_INTENT = {
    Intent.HUMAN_HANDOFF: "asked_for_person",
    Intent.CRISIS_SELF_HARM: "distress",
    Intent.MEDICAL_EMERGENCY: "distress",
    Intent.NLU_FALLBACK: messages.FALLBACK_HANDOFF_REASON,
    Intent.INSURANCE_DENIAL: "insurance_denial",
    Intent.BILLING_DISPUTE: "billing_dispute",
    Intent.CARE_COMPLAINT: "care_complaint",
}


def handoff_reason(tracker: Tracker) -> str:
    """Why the person needs a human: the latest telling intent ("yes" to an offer tells nothing)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent in REASON_BY_INTENT:
                return REASON_BY_INTENT[intent]
    return REASON_BY_INTENT[Intent.HUMAN_HANDOFF]


def recent_transcript(tracker: Tracker, limit: int = RECENT_TURNS) -> list[dict[str, Any]]:
    """The last turns for the advocate; a button press shows as "[pressed: ...]", not "/intent"."""
    lines = []
    for event in tracker.events:
        if event.get("event") == "user" and event.get("text"):
            text = event["text"]
            if text.startswith("/"):
                intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or text[1:]
                text = f"[pressed: {intent.replace('_', ' ')}]"
            lines.append({"from": "person", "text": text, "at": event.get("timestamp")})
        elif event.get("event") == "bot" and event.get("text"):
            lines.append({"from": "bot", "text": event["text"], "at": event.get("timestamp")})
    return lines[-limit:]


def _waiting(tracker: Tracker) -> list[EventType]:
    """The person is in the advocates' queue: the bot keeps quiet until an advocate closes it."""
    return [*pause_active_form(tracker), SlotSet(Slot.HANDOFF_ACTIVE, True), SlotSet(pending.SLOT, None)]


async def _over_the_limit(dispatcher: CollectingDispatcher, tracker: Tracker, ends: datetime) -> list[EventType]:
    """No new hand-off, no page: the latest one back in the queue, or when to ask again."""
    latest = await run_sync(repository.current_handoff, tracker.sender_id)
    if latest and await run_sync(limits.reopen_handoff, latest["id"]):
        await tell_handoff_already_open(dispatcher)
        return _waiting(tracker)
    minutes = math.ceil((ends - datetime.now(timezone.utc)).total_seconds() / 60)
    dispatcher.utter_message(text=messages.handoff_limit_reached(minutes))
    return [*pause_active_form(tracker), SlotSet(pending.SLOT, None)]


async def start_handoff(
    dispatcher: CollectingDispatcher, tracker: Tracker, reason: str | None = None
) -> list[EventType]:
    if tracker.get_slot(Slot.HANDOFF_ACTIVE):
        await tell_handoff_already_open(dispatcher)
        return []
    current = await run_sync(repository.current_handoff, tracker.sender_id)
    if current and current["status"] == "open":  # in the queue already: no second page
        await tell_handoff_already_open(dispatcher)
        return _waiting(tracker)
    quota = handoff_quota(tracker.sender_id, LimitSettings.from_env(), datetime.now(timezone.utc))
    if await run_sync(limits.take, [quota]) is not None:
        return await _over_the_limit(dispatcher, tracker, quota.expires_at)
    summary = await run_sync(repository.case_summary, tracker.sender_id)
    summary["transcript"] = recent_transcript(tracker)
    summary["relation"] = tracker.get_slot(Slot.RELATION)
    summary.pop("handoff", None)
    reason = reason or handoff_reason(tracker)
    handoff = await run_sync(repository.open_handoff, tracker.sender_id, channel_of(tracker), reason, summary)
    announce_in_background(handoff)  # Slack, on a worker thread; never fails the handoff
    if reason in messages.HANDOFF_TOPIC_INTROS:
        dispatcher.utter_message(text=messages.HANDOFF_TOPIC_INTROS[reason])
    dispatcher.utter_message(text=messages.HANDOFF_STARTED)
    # When to expect a reply: office hours and whether an advocate is signed in (issue 4).
    dispatcher.utter_message(text=await run_sync(handoff_expectation, datetime.now(timezone.utc)))
    return _waiting(tracker)


class ActionHandoff(NamedAction):
    NAME = Action.ACTION_HANDOFF

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return await start_handoff(dispatcher, tracker)


class ActionBotChallenge(NamedAction):
    """ "Are you a bot?": what we are, with a way to a person, and a typed "yes" that takes it.

    An angry or fed-up "are you even human? get me a person" is a request for a person whatever
    the classifier called it: the hand-off starts at once (bot.understanding.frustration).
    """

    NAME = Action.ACTION_BOT_CHALLENGE

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = latest_text(tracker)
        if frustration.asks_for_a_person(text):
            return await start_handoff(dispatcher, tracker, reason=REASON_BY_INTENT[Intent.HUMAN_HANDOFF])
        if frustration.is_fed_up(text):
            dispatcher.utter_message(text=fallback.SORRY_NOT_HELPING)
        dispatcher.utter_message(text=fallback.BOT_CHALLENGE, buttons=fallback.BOT_CHALLENGE_BUTTONS)
        if tracker.active_loop.get("name"):
            return []  # mid-form a "yes" answers the form's question; the button still works
        return [SlotSet(pending.SLOT, pending.HANDOFF)]
