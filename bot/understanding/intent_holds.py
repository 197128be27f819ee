"""The intent holds: when what a message plainly says outranks the classifier's guess.

The classifier (DIET, `config.yml`) reads most messages well, but some mistakes cost far more
than others, and for those a fixed, reviewable rule decides. `hold(reading)` returns the intent
the bot must act on instead of the classifier's, `UNSURE` when the classifier's reading must not
be acted on (the bot then asks "did you mean ...?"), or None to keep it. The Rasa component
`bot/rasa_ext/safety_override.py` applies it as the last step of the NLU pipeline. In order:

1. **Risk** (`risk`): crisis and emergency wording, in every state, whatever was guessed -
   including emergency care under way with a question about waiting for a second opinion. The
   classifier's own emergency or crisis guess is taken back only when it is unsure (under
   `SURE_OF_A_RISK`) and the message says nothing about health, distress or danger ("knock 'em
   dead at your interview!!"): the bot then asks what was meant, and that reply still carries the
   911 and 988 lines (`bot/logic/fallback.py`), so a missed person still gets both numbers.
2. **A person, asked for** (`frustration.asks_for_a_person`): "this is useless, get me a human"
   reaches one at once, whatever the guess ("are you a bot?", a pushback, nothing sure).
3. **Whether to get a second opinion, after the story** (`requests`): a long message telling
   someone's case and asking whether to get another opinion starts the assessment, even when the
   story's words pulled the classifier to an FAQ, to advice or to nothing it was sure of.
4. **A complaint about care in so many words** (`says_so.complains`) is one, not a health question.
5. **A plain request for a medical judgement** (`advice`): "how long does my dad have?" gets the
   boundary, unless the classifier found a task that carries such a question.
6. **A records request or its status told at length** (`requests`), when nothing sure was found
   (or only an FAQ about some other subject: "I need my records from St Luke's for my consult");
   a request already made and not arrived is a status question, not a new request.
7. **The words to use with the doctor** (`doctor.asks_for_words`) become `ask_doctor`.
8. **Everyday health questions** (`health_questions`) the classifier could not place, or took for
   an FAQ, small talk or (asked about nobody's own case) a diagnosis, get the boundary.
9. **Hand-offs and saving a question only when the message says so** (`says_so`).
10. **Telling a diagnosis** (`advice.tells_the_situation`) starts the assessment.
11. **An FAQ answer only about its subject** (`faq_topics`).

An FAQ answer that fits its subject is not second-guessed by steps 2, 3 and 8.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.understanding import faq_topics
from bot.understanding.advice import asks_for_medical_judgement, tells_the_situation
from bot.understanding.doctor import asks_for_words
from bot.understanding.frustration import asks_for_a_person
from bot.understanding.health_questions import is_general_health_question, is_health_question, mentions_health
from bot.understanding.requests import (
    asks_about_a_records_request,
    asks_for_records,
    asks_whether_to_get_a_second_opinion,
    tells_own_case,
    wants_records,
)
from bot.understanding.risk import EMERGENCY, SELF_HARM, detect_risk, mentions_distress
from bot.understanding.says_so import CHECKED_INTENTS, complains, says_so

UNSURE = "nlu_fallback"
# Below this confidence, a crisis or emergency guess with no health, distress or danger word in the
# message is not acted on. On the development sets the classifier's unfounded guesses ("did u feed
# the cat" 0.52, "knock 'em dead" 0.55, "purple again lol" 0.60) sat under it; its founded ones
# below it ("chest feels crushed" 0.73) all had such words.
SURE_OF_A_RISK = 0.8
RISK_INTENTS = {SELF_HARM: "crisis_self_harm", EMERGENCY: "medical_emergency"}
ADVICE = "medical_advice"
HANDOFF = "human_handoff"
ASSESSMENT = "start_assessment"
SITUATION = "inform"
FAQ = "faq"
# Hand-offs of their own kind (a denial, a bill, a complaint) and what must never become one.
KEEPS_ITS_PERSON = frozenset(
    {HANDOFF, "insurance_denial", "billing_dispute", "care_complaint", "delete_my_data", *RISK_INTENTS.values()}
)
# Intents whose message quotes or carries a medical question as part of a task the bot must do.
TASKS_WITH_QUESTIONS = frozenset({"add_question", "edit_question", "remove_question", HANDOFF, "delete_my_data"})
# What the story's words may pull "...should we get a second opinion?" to.
STORY_PULLS_TO = frozenset({UNSURE, FAQ, ADVICE, "doctor_pushback", "ask_doctor", "express_worry", SITUATION})
# What a complaint about care in so many words may be taken for (it names a treatment or a doctor).
COMPLAINT_PULLED_TO = frozenset({UNSURE, FAQ, ADVICE, "out_of_scope", "doctor_pushback"})
# What a records request told at length may be taken for.
RECORDS_PULLED_TO = frozenset({UNSURE, "ask_doctor"})
# ...and a question about one already made (a new request, or "they keep stalling" read as pushback).
RECORDS_STATUS_PULLED_TO = RECORDS_PULLED_TO | {"request_records", "doctor_pushback"}
# What a classifier may wrongly call "how do I bring up a second opinion with my surgeon".
NOT_ASKING_FOR_WORDS = frozenset({FAQ, "suggest_questions", ASSESSMENT, ADVICE, "explain", UNSURE})
# What a classifier may call an everyday health question it has not seen the like of.
MAY_BE_A_HEALTH_QUESTION = frozenset(
    {UNSURE, FAQ, "out_of_scope", "greet", "goodbye", "thank", "affirm", "deny", "not_sure", "bot_challenge", "help"}
)
# What a classifier may wrongly call "my mom was just diagnosed with lupus": never a task.
NOT_A_SITUATION = frozenset({FAQ, "not_sure", ADVICE, "out_of_scope", "greet", UNSURE})


@dataclass(frozen=True)
class Reading:
    """A message as the NLU pipeline left it, before the holds."""

    text: str
    intent: str | None  # what the bot would act on (`nlu_fallback` when the classifier was unsure)
    classified: str | None = None  # the classifier's best real intent (through any fallback)
    confidence: float = 1.0  # the classifier's confidence in `intent`
    faq_answer: str = ""  # the response selector's pick ("faq/records_fees")
    entity_types: frozenset[str] = field(default_factory=frozenset)
    topics: frozenset[str] = field(default_factory=frozenset)  # values of `topic` entities

    def health_question(self, *, general: bool = False) -> bool:
        reader = is_general_health_question if general else is_health_question
        return reader(self.text, self.entity_types, self.topics)


def hold(reading: Reading) -> str | None:
    """The intent to act on instead of the classifier's, `UNSURE`, or None (see the module docstring)."""
    text, intent = reading.text, reading.intent
    risk = detect_risk(text)
    if risk is not None:
        return RISK_INTENTS[risk]
    if intent in RISK_INTENTS.values() and _unfounded_risk_guess(reading):
        return UNSURE
    # An FAQ answer that fits the message's subject is not second-guessed by the readers below.
    fitting_faq = intent == FAQ and faq_topics.is_about(reading.faq_answer, text)
    if intent not in KEEPS_ITS_PERSON and not fitting_faq and asks_for_a_person(text):
        return HANDOFF
    if (
        intent in STORY_PULLS_TO
        and not fitting_faq
        and asks_whether_to_get_a_second_opinion(text)
        and tells_own_case(text)
        and not asks_for_words(text)
    ):
        return ASSESSMENT
    if intent in COMPLAINT_PULLED_TO and complains(text):
        return "care_complaint"
    if _may_become_advice(reading) and asks_for_medical_judgement(text):
        return ADVICE
    if intent in RECORDS_STATUS_PULLED_TO and asks_about_a_records_request(text):
        return "records_status"
    if intent in RECORDS_PULLED_TO and asks_for_records(text):
        return "request_records"
    # "I need my records from St Luke's for my second opinion": the request, not an FAQ about records.
    if intent == FAQ and not fitting_faq and wants_records(text):
        return "request_records"
    if intent in NOT_ASKING_FOR_WORDS and asks_for_words(text):
        return "ask_doctor"
    if not fitting_faq and _may_become_advice(reading) and _missed_a_health_question(reading):
        return ADVICE
    if intent in CHECKED_INTENTS and not says_so(intent, text):
        return ADVICE if reading.health_question() else UNSURE
    if intent in NOT_A_SITUATION and "condition" in reading.entity_types and tells_the_situation(text):
        return SITUATION
    if intent == FAQ and not fitting_faq:
        return UNSURE
    return None


def _unfounded_risk_guess(reading: Reading) -> bool:
    """An unsure crisis or emergency guess in a message with no word of health, distress or danger."""
    return (
        reading.confidence < SURE_OF_A_RISK
        and not mentions_distress(reading.text)
        and not mentions_health(reading.text, reading.entity_types, reading.topics)
    )


def _may_become_advice(reading: Reading) -> bool:
    """Not when the classifier found a task carrying the question, or a risk sure enough to act on.

    The task is looked up through the FallbackClassifier's `nlu_fallback` (an unsure "save this
    question: ..." is still not a request for advice); a risk is not: one the fallback turned
    down was only a guess, and `detect_risk` has already found nothing.
    """
    classified = reading.classified or reading.intent
    return reading.intent not in RISK_INTENTS.values() and classified not in TASKS_WITH_QUESTIONS


def _missed_a_health_question(reading: Reading) -> bool:
    """Read as nothing sure, small talk or an FAQ - or, about nobody's case, as telling a diagnosis."""
    if reading.intent in MAY_BE_A_HEALTH_QUESTION:
        return reading.health_question()
    return reading.intent == SITUATION and reading.health_question(general=True)
