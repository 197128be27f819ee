"""Conversation texts that do not belong to one journey's logic module.

Kept short and plain (about 8th-grade reading level): people read them on a phone, often upset.
"""

from __future__ import annotations

import re

Button = dict[str, str]

MENU_BUTTONS: list[Button] = [
    {"title": "Should I get a 2nd opinion?", "payload": "/start_assessment"},
    {"title": "How to ask my doctor", "payload": "/ask_doctor"},
    {"title": "Get my medical records", "payload": "/request_records"},
    {"title": "Prepare my questions", "payload": "/suggest_questions"},
    {"title": "Talk to a person", "payload": "/human_handoff"},
]

YES_NO_BUTTONS: list[Button] = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
]

OPENING = (
    "Hi, I'm the Second Opinion Advocate, a virtual patient advocate. I'm a computer program, "
    "not a doctor, so I don't diagnose or give treatment advice. I help you ask the right people "
    "the right questions.\n"
    "Not for emergencies: if you need help right now, call 911.\n"
    'A human advocate is available any time — just say "talk to a person".'
)


def welcome_back(question_count: int, records_count: int) -> str:
    """Remind a returning person of what they saved, so they trust nothing was lost."""
    parts = []
    if question_count:
        parts.append(f"{question_count} saved question{'s' if question_count != 1 else ''}")
    if records_count:
        parts.append(f"{records_count} records request{'s' if records_count != 1 else ''}")
    return "Welcome back. You have " + " and ".join(parts) + " with me." if parts else ""


def assessment_intro(who: str | None = None) -> str:
    """The assessment's opening. `who` ("your mom") when a caregiver asks for someone else: the
    decision is about that person, and "for you" would sound as if the caregiver were the patient."""
    return (
        f"Let's work out together whether a second opinion makes sense for {who or 'you'}. I'll ask a "
        'few short questions. You can answer "not sure" to any of them, ask "what does that mean?", '
        'or say "stop" to pause.'
    )


COMFORT = (
    "It's completely normal to feel this way. A new diagnosis is a lot to take in, for you and for "
    "the people who love you. You don't have to figure it all out today: we can take it one small "
    "step at a time.\n"
    "If you ever feel you can't cope or think about hurting yourself, call or text 988, any time. "
    "For cancer, the American Cancer Society also talks with patients and families at 1-800-227-2345."
)
COMFORT_OFFER = "Would you like to talk with a human advocate? Or we can pick one small thing to do together."
COMFORT_BUTTONS: list[Button] = [
    {"title": "Talk to a person", "payload": "/human_handoff"},
    {"title": "Help me decide", "payload": "/start_assessment"},
    {"title": "Prepare my questions", "payload": "/suggest_questions"},
]

# Only when the FAQ model and the domain disagree (a retrained model with a renamed answer).
FAQ_NOT_FOUND = (
    "That's a good question, and I don't have a ready answer for it. A human advocate can help: "
    'just say "talk to a person".'
)

RECORDS_INTRO = (
    "Let's write your request letter together. It's a few short questions. For your name and "
    'birth date you can type "skip" and fill them in by hand later.'
)

ASK_FOR_QUESTION = "Sure — what's the question? Type it and I'll save it."

# The action server could not run this turn (bot/servers/action_outage.py): nothing of theirs is lost.
ACTION_SERVER_DOWN = (
    "Sorry, I couldn't finish that just now: part of me is restarting. Please give me a minute, then "
    "send your last message again. Everything you saved before is safe.\n"
    "If this is an emergency, call 911 now."
)

HANDOFF_STARTED = (
    "I've asked a human patient advocate to join. They can see what we've talked about, so you "
    "won't have to repeat yourself. They'll reply right here. While you wait, I'll stay quiet.\n"
    "If things get worse or it becomes an emergency, call 911. If you're thinking about hurting "
    "yourself, call or text 988."
)

# Topics the bot should not handle alone (deadlines, money, formal complaints): why a person helps.
HANDOFF_TOPIC_INTROS = {
    "insurance_denial": (
        "I'm sorry your insurer said no. Appeals have deadlines and paperwork, and a denial can often "
        "be overturned — this is exactly what a human advocate helps with."
    ),
    "billing_dispute": (
        "A billing problem is stressful. A human advocate can go through the bill with you and help "
        "you contest charges that look wrong."
    ),
    "care_complaint": (
        "I'm sorry that happened. A human advocate can listen, and help you raise it with the right "
        "people (the hospital's patient relations office or your state's medical board)."
    ),
}

# Followed by when to expect the reply (office hours, who is signed in): "soon" at 2 a.m. on a
# Sunday would be a broken promise.
HANDOFF_ALREADY_OPEN = "An advocate already has your conversation and will reply right here."



def handoff_limit_reached(minutes: int) -> str:
    """Over the hand-off limit with no earlier request to put back in the queue (issue 12)."""
    wait = "in a few minutes" if minutes <= 5 else f"in about {minutes} minutes"
    return (
        "I've already asked our advocates to join several times in the last hour, so I can't send "
        f"another request just yet. You can ask again {wait}, and I'm still here to help meanwhile.\n"
        "If things get worse or it becomes an emergency, call 911. If you're thinking about hurting "
        "yourself, call or text 988."
    )


OFFER_HUMAN = "Would you like me to connect you with a human advocate now?"

ERASE_CONFIRM = (
    "Are you sure? This permanently deletes everything I have stored about you: saved questions, "
    "records requests, your assessment, any advocate requests and our conversation history."
)
ERASE_CONFIRM_BUTTONS: list[Button] = [
    {"title": "Yes, delete everything", "payload": "/affirm"},
    {"title": "No, keep my data", "payload": "/deny"},
]
ERASED = "Done. I've deleted everything I had stored about you. You can start fresh any time."

CLEAR_CONFIRM_BUTTONS: list[Button] = [
    {"title": "Yes, delete all", "payload": "/affirm"},
    {"title": "No, keep them", "payload": "/deny"},
]

NOTHING_CHANGED = "OK, I haven't changed anything."

FALLBACK_HANDOFF_REASON = "bot_did_not_understand"

FORM_PAUSED = "OK, I've paused {topic}. I'll keep what you've told me — say \"continue\" when you want to pick up."

# The offer closes an FAQ answer: "... ask about the cost first. Want help getting your records ready?"
_CLOSING_OFFER = re.compile(r"\s+Want [^\n]*$")


def without_closing_offer(answer: str) -> str:
    """An FAQ answer without the offer that closes it, for use inside a form (no "yes" to take it)."""
    return _CLOSING_OFFER.sub("", answer)
