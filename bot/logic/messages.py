"""Conversation texts that do not belong to one journey's logic module.

Every text the actions compose for the person is here, so wording is reviewed in one place
(tests/unit/test_texts_in_one_place.py keeps literals out of actions/). What Rasa utters by itself
stays in domain.yml; a logic module that owns its wording keeps it (e.g. bot.logic.advice).
Kept short and plain (about 8th-grade reading level): people read them on a phone, often upset.
"""

from __future__ import annotations

import re
from datetime import date

Button = dict[str, str]


def counted(count: int, noun: str) -> str:
    """ "1 question", "3 questions": the count with its noun, singular only for one."""
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _yes_no_buttons(yes: str = "Yes", no: str = "No") -> list[Button]:
    """The two buttons of a yes-or-no question: whatever their titles say, they send affirm and
    deny, so a tap means what a typed "yes" or "no" means."""
    return [{"title": yes, "payload": "/affirm"}, {"title": no, "payload": "/deny"}]


YES_NO_BUTTONS: list[Button] = _yes_no_buttons()
# The next steps several journeys offer, each written once.
GET_RECORDS: Button = {"title": "Get my records", "payload": "/request_records"}
PREPARE_QUESTIONS: Button = {"title": "Prepare questions", "payload": "/suggest_questions"}
TALK_TO_A_PERSON: Button = {"title": "Talk to a person", "payload": "/human_handoff"}

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
        parts.append(counted(question_count, "saved question"))
    if records_count:
        parts.append(counted(records_count, "records request"))
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
    TALK_TO_A_PERSON,
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


def handoff_already_open(wait: str) -> str:
    """The hand-off is open already, with `wait`: when to expect the reply."""
    return f"{HANDOFF_ALREADY_OPEN} {wait}"



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
ERASE_CONFIRM_BUTTONS: list[Button] = _yes_no_buttons("Yes, delete everything", "No, keep my data")
ERASED = "Done. I've deleted everything I had stored about you. You can start fresh any time."

CLEAR_CONFIRM_BUTTONS: list[Button] = _yes_no_buttons("Yes, delete all", "No, keep them")

NOTHING_CHANGED = "OK, I haven't changed anything."

FALLBACK_HANDOFF_REASON = "bot_did_not_understand"


def form_waiting(topic: str) -> str:
    """Said at the end of a journey when another one is still paused (`topic`: FORM_TOPICS)."""
    return f'We were in the middle of {topic}. Say "continue" to pick up where we left off.'


def form_paused(topic: str | None) -> str:
    """ "stop" in a form: `topic` names the form ("your records letter"), so they know what waits."""
    return (
        f"OK, I've paused {topic or 'here'}. I'll keep what you've told me — "
        'say "continue" when you want to pick up.'
    )


WHAT_I_HELP_WITH = (
    "I help you decide about a second opinion, talk to your doctor, get your records and "
    "prepare questions. Which would help?"
)
HANDOFF_DECLINED = "OK. I'm here if you want to keep going — and you can ask for a person any time."

# Yes / no answers (actions/confirmations.py): "OK!" when nothing was asked, so "yes" is still heard.
NOTHING_TO_CONFIRM = "OK!"
OK = "OK."

# Forms (actions/forms.py): a reply that does not answer gets one of these, then the question again.
NOT_UNDERSTOOD = "Sorry, I didn't catch that."
# "ok, go on" while a question waits (after an FAQ answered in the middle of the form, say) is no
# failed answer: the person wants the question, which comes again after this.
CARRY_ON = "Sure, let's carry on."
RETRY_HINT = 'You can tap a button, or type "not sure".'
NOTED_THAT = "Thanks, I've noted that."
NOTED_THAT_TOO = "Thanks, I've noted that too."


def not_understood(hint: str) -> str:
    """A reply that answers nothing, with `hint`: how to answer this question."""
    return f"{NOT_UNDERSTOOD} {hint}"


# Journey 1, the assessment (actions/assessment.py). `words` lists what was noted
# ("breast cancer, mastectomy, and that treatment starts in 1 to 4 weeks").
def facts_noted(words: str) -> str:
    """The assessment starts with facts already given: say so, so they are not asked again."""
    return f"I've noted: {words}. I won't ask about that again."


def answers_noted(words: str, answered: bool) -> str:
    """Answers given ahead of their questions; `answered`: the asked question was answered too."""
    return f"I've also noted {words}." if answered else f"Thanks, I've noted {words}."


WHAT_NEXT = "What would you like to do next?"

# Journey 2, asking the doctor (actions/doctor.py).
IF_THEY_REACT_BADLY = "What if they react badly?"
AFTER_SCRIPTS_BUTTONS: list[Button] = [
    {"title": "My doctor reacted badly", "payload": "/doctor_pushback"},
    GET_RECORDS,
    PREPARE_QUESTIONS,
]
AFTER_PUSHBACK_BUTTONS: list[Button] = [
    GET_RECORDS,
    TALK_TO_A_PERSON,
]


def you_could_say(scripts: list[str]) -> str:
    """The doctor scripts, one quoted line each, as words the person can use."""
    return "You could say:\n" + "\n".join(f'• "{line}"' for line in scripts)


# Journey 3, records (actions/records.py).
RECORDS_RETRY_HINT = "Could you say it another way? You can also tap a button."
LETTER_INTRO = "Here is your letter. Copy it, sign it, and send it to the records office:"
LETTER_SAVED = (
    'I\'ve saved it. They must respond within 30 days. Ask me "any news on my records?" '
    "later and I'll tell you what to do next."
)
AFTER_LETTER_BUTTONS: list[Button] = [
    {"title": "Prepare my questions", "payload": "/suggest_questions"},
    {"title": "Back to menu", "payload": "/help"},
]
NO_RECORDS_REQUEST_YET = "You don't have a records request with me yet. Want to write one now?"


def records_noted(kinds: list[str]) -> str:
    """The records named when asking ("my path slides and MRI"), so that question is not asked."""
    named = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} and {kinds[-1]}"
    return f"I've noted the records you named: {named}. I won't ask about that again."


def provider_still_needed(hint: str) -> str:
    """ "not sure" to the clinic: the one records question that cannot be left open."""
    return "That's OK, but the letter has to go to the place that has your records. " + hint


def records_request_status(provider: str, created: date, advice: str) -> str:
    """One stored request with `advice`: what to do next at its age."""
    return f"Your request to {provider} ({created:%b %d, %Y}): " + advice


# Journey 4, the question notebook (actions/common.py save_questions, actions/notebook.py).
LIST_EMPTY = "Your list is empty. Type a question to save it, or let me suggest some."
LIST_ALREADY_EMPTY = "Your list is already empty."
SUGGEST_QUESTIONS_BUTTONS: list[Button] = [{"title": "Suggest questions", "payload": "/suggest_questions"}]
SAVED_BUTTONS: list[Button] = [
    {"title": "See my list", "payload": "/list_questions"},
    {"title": "Suggest more", "payload": "/suggest_questions"},
]
TYPE_YOUR_QUESTION = "Go ahead — type your question and I'll save it."
NOT_SAVED = "No problem, I didn't save it."
NOTHING_SAVED = "No problem, nothing saved."
NOTHING_MORE_TO_SUGGEST = "You already have all the questions I'd suggest. Nice work!"
WHICH_TO_REMOVE = 'Which one should I remove? Reply with its number, like "2".'
HOW_TO_EDIT = 'To change one, say e.g. "change 2 to: how long is recovery?"'


def with_intro(intro: str, text: str) -> str:
    """`text` after a line that says what just happened (`intro`, may be empty)."""
    return (intro + "\n" if intro else "") + text


def already_on_list(total: int) -> str:
    return f"That's already on your list ({total} saved)."


def questions_saved(saved: list[str], total: int) -> str:
    """What was saved, word for word, and the list's new size: they see nothing was lost."""
    listed = "\n".join(f"• {text}" for text in saved)
    return f"Saved:\n{listed}\nYou have {counted(total, 'question')} on your list."


def questions_deleted(count: int) -> str:
    return f"Done — I deleted {counted(count, 'question')}."


def suggested_questions(listed: str) -> str:
    return "Here are some good questions to bring:\n" + listed


def suggestion_buttons(count: int) -> list[Button]:
    """Save all, one Save button per numbered suggestion, or none."""
    return [
        {"title": "Save all", "payload": "/affirm"},
        *[{"title": f"Save #{i}", "payload": f'/add_question{{"suggestion":"{i}"}}'} for i in range(1, count + 1)],
        {"title": "No thanks", "payload": "/deny"},
    ]


def which_one(verb: str, candidates: list[tuple[int, str]]) -> str:
    """Several questions fit: the candidates (list number, text), numbered as on the list."""
    lines = "\n".join(f"{number}. {text}" for number, text in candidates)
    return f"More than one question fits. Which one should I {verb}?\n{lines}"


def not_on_list(description: str) -> str:
    return f'I couldn\'t find a question about "{description}" on your list.'


def question_removed(text: str) -> str:
    return f'Removed: "{text}"'


def no_such_question(numbers: list[int]) -> str:
    return f"There's no question number {', '.join(str(number) for number in numbers)}."


def question_changed(number: int) -> str:
    return f"Changed question {number}."


def delete_all_questions(count: int) -> str:
    return f"Delete all {count} saved questions? This can't be undone."


# Journey 4, sharing the list by text (actions/sharing.py). "the link above": the list with its
# link was shown just before.
ASK_NUMBER_PROMPT = (
    "What mobile number should I text your list to? For example: 415-555-0123. "
    "I'll use it only for this one text."
)
NOT_NOW_BUTTONS: list[Button] = [{"title": "Not now", "payload": "/deny"}]
SEND_TEXT_BUTTONS: list[Button] = _yes_no_buttons("Yes, send it")
NO_TEXTS_HERE = (
    "I can't send text messages from here yet, sorry. You can open the link above on your phone, "
    "or copy it into a text yourself."
)
CANT_TEXT_NUMBER = (
    "I can't text that number. If it's yours and you once replied STOP to our texts, text START to "
    "{twilio} to turn them back on, then ask me again. The link above works too."
)
TEXT_LIMIT_REACHED = (
    "I've already texted your list a few times today, so I'll hold off for now. "
    "The link above works on any phone, and you can forward it."
)
WHY_NUMBER = (
    "I need a mobile number to send the text to. I use it only for this one message and don't keep "
    "it afterwards."
)
NOT_A_NUMBER = 'That doesn\'t look like a US mobile number. Type it like 415-555-0123, or say "not now".'
NOTHING_TO_SHARE = (
    "Your list is empty, so there's nothing to print or send yet. "
    "Type a question to save it, or let me suggest some."
)
LOST_TRACK_OF_TEXT = 'Sorry, I lost track of that. Say "text me my questions" to try again.'
TEXT_NOT_SENT = "OK, I didn't send anything. Your list and its link are still here."
NO_TEXT_THEN = "Let's leave the text for now."
WONT_TEXT = "OK, I won't text it. The link above works on any phone whenever you need it."


def text_questions_to(count: int, phone: str) -> str:
    """Read the number back before sending: a typo would text a stranger their health questions."""
    return f"Text your {counted(count, 'question')} to {phone}? Standard message rates may apply."


def no_texts_here_link(page: str) -> str:
    return f"I can't send text messages from here yet, sorry. Here is your link: {page}"


def text_sent(phone: str) -> str:
    return f"Sent! Your list is on its way to {phone}. The link in the text always shows your latest list."


def text_failed(page: str) -> str:
    return f"Sorry, the text didn't go through. You can open your list here instead: {page}"


# The offer closes an FAQ answer: "... ask about the cost first. Want help getting your records ready?"
_CLOSING_OFFER = re.compile(r"\s+Want [^\n]*$")


def without_closing_offer(answer: str) -> str:
    """An FAQ answer without the offer that closes it, for use inside a form (no "yes" to take it)."""
    return _CLOSING_OFFER.sub("", answer)


# The buttons the journeys' actions offer (actions/advice, assessment, notebook, records, sharing).
SAVE_OFFER_BUTTONS: list[Button] = _yes_no_buttons("Yes, save it", "No thanks")

NEXT_STEP_BUTTONS: list[Button] = [
    {"title": "How to ask my doctor", "payload": "/ask_doctor"},
    GET_RECORDS,
    PREPARE_QUESTIONS,
    TALK_TO_A_PERSON,
]

LIST_BUTTONS: list[Button] = [
    {"title": "Suggest more", "payload": "/suggest_questions"},
    {"title": "Remove one", "payload": "/remove_question"},
    {"title": "Print / share", "payload": "/print_questions"},
    {"title": "Delete all", "payload": "/clear_questions"},
]

WRITE_REQUEST_BUTTON: Button = {"title": "Write a request", "payload": "/request_records"}

TEXT_IT_BUTTON: Button = {"title": "Text it to me", "payload": '/print_questions{"share_via":"sms"}'}
