"""The one table of what may interrupt a form, and what happens to the form afterwards.

Form validation (`actions/forms.py`, through `actions.common.is_interruption`) reads it to decide
whether a message inside a form is an answer or a new request; the rules of
`data/stories/form_interruptions.yml` say what the bot does next, and
`tests/actions/test_interruption_table.py` checks that they agree with it, row by row.

Kinds (whether a message interrupts at all):
- `hard`: always, when the classifier is sure enough: nobody answers "what brings you here?" with
  "talk to a person" or "I want to die".
- `soft`: only when the message is a question: "an electronic copy" reads like a records FAQ to
  the classifier, but it is the answer to the question just asked.
- `notebook`: notebook commands are not questions ("save: ask about parking"), yet never an
  answer to a form's question either.
- `journey`: another journey ("I need his records" while asked about the treatment) is never an
  answer, or it would become the treatment, except in the form of that very journey:
  "records from Mercy" inside the records letter names the records (`own_form`).

After (the rule of thumb: answered in one message, the form resumes; when the bot asks something
back, the form is paused, so the reply is not read as the form's answer, and "continue" returns):
- `resume`, the form's question comes again right after the answer: an FAQ, "what does that
  mean?", a medical question, "are you a bot?", saving a question or showing the list (the person
  wants it noted and to carry on), how to ask the doctor and a doctor who pushes back (advice
  someone in the middle of deciding expects, then the decision goes on; the buttons under it
  are journey switches of their own), news on a records request (a status read out), changing
  a saved question (done at once: "change 2 to: ..."; a description that fits several saved
  questions asks which one, and the question after it is the form's again).
- `pause`, the form stops and `paused_form` remembers it: "stop" and the menu (the person wants
  out), a crisis, an emergency, a person, an insurance denial, a billing dispute or a complaint
  about care (a human takes over; the bot does not carry on asking), deleting the data (a yes/no
  on erasing everything), and the journeys that ask back: another form (the records letter
  inside the assessment, the assessment inside the records letter), suggested questions (a
  numbered pick), removing or clearing saved questions (a yes/no), printing or texting the list
  (its own follow-up or the number form).

Rows with `own_rule` have no rule in form_interruptions.yml: their journey's rule answers them in
any state (HandoffPolicy even puts the safety actions first) and their action pauses the form
itself (`actions.common.pause_active_form`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.names import Form, Intent
from bot.understanding import questions, replies

Kind = Literal["hard", "soft", "notebook", "journey"]
After = Literal["resume", "pause"]

FORMS = (Form.ASSESSMENT_FORM, Form.RECORDS_FORM)
# How the "paused" and "we were in the middle of ..." messages name each form.
FORM_TOPICS = {Form.ASSESSMENT_FORM: "the second-opinion questions", Form.RECORDS_FORM: "your records letter"}
# Below this confidence an "interrupting" intent is more likely a free-text answer ("Dr. Help").
INTERRUPT_CONFIDENCE = 0.7


@dataclass(frozen=True)
class Interruption:
    """One intent said in the middle of a form: whether it interrupts, and what follows."""

    kind: Kind
    after: After
    own_rule: bool = False
    own_form: str | None = None


TABLE: dict[str, Interruption] = {
    Intent.STOP: Interruption("hard", "pause"),
    Intent.HELP: Interruption("hard", "pause"),
    Intent.CRISIS_SELF_HARM: Interruption("hard", "pause", own_rule=True),
    Intent.MEDICAL_EMERGENCY: Interruption("hard", "pause", own_rule=True),
    Intent.HUMAN_HANDOFF: Interruption("hard", "pause", own_rule=True),
    Intent.INSURANCE_DENIAL: Interruption("hard", "pause", own_rule=True),
    Intent.BILLING_DISPUTE: Interruption("hard", "pause", own_rule=True),
    Intent.CARE_COMPLAINT: Interruption("hard", "pause", own_rule=True),
    Intent.DELETE_MY_DATA: Interruption("hard", "pause", own_rule=True),
    Intent.FAQ: Interruption("soft", "resume"),
    Intent.EXPLAIN: Interruption("soft", "resume"),
    Intent.MEDICAL_ADVICE: Interruption("soft", "resume"),
    Intent.BOT_CHALLENGE: Interruption("soft", "resume"),
    Intent.ADD_QUESTION: Interruption("notebook", "resume"),
    Intent.LIST_QUESTIONS: Interruption("notebook", "resume"),
    Intent.ASK_DOCTOR: Interruption("journey", "resume"),
    Intent.DOCTOR_PUSHBACK: Interruption("journey", "resume"),
    Intent.RECORDS_STATUS: Interruption("journey", "resume"),
    Intent.EDIT_QUESTION: Interruption("journey", "resume"),
    Intent.START_ASSESSMENT: Interruption("journey", "pause", own_form=Form.ASSESSMENT_FORM),
    Intent.REQUEST_RECORDS: Interruption("journey", "pause", own_form=Form.RECORDS_FORM),
    Intent.SUGGEST_QUESTIONS: Interruption("journey", "pause"),
    Intent.REMOVE_QUESTION: Interruption("journey", "pause"),
    Intent.CLEAR_QUESTIONS: Interruption("journey", "pause"),
    Intent.PRINT_QUESTIONS: Interruption("journey", "pause"),
}

# The intents whose own rule answers them inside any form (the form turn is rejected).
ANSWERED_BY_OWN_RULE = frozenset(intent for intent, row in TABLE.items() if row.own_rule)


def row_for(intent: str | None, form: str | None) -> Interruption | None:
    """The table's row for ``intent`` inside ``form``; None where it is an answer there."""
    row = TABLE.get(intent or "")
    return None if row is None or row.own_form == form else row


def interrupts(intent: str | None, confidence: float, text: str, form: str | None) -> bool:
    """Whether this message, said inside ``form``, asks for something else than answering it."""
    if intent == Intent.STOP and replies.says_leave_form(text):
        return True
    if confidence < INTERRUPT_CONFIDENCE:
        return False
    row = row_for(intent, form)
    if row is not None and row.kind != "soft":
        return True
    return asks_instead(intent, text)


def asks_instead(intent: str | None, text: str) -> bool:
    """A question the classifier placed, however weakly, among the soft interruptions."""
    row = TABLE.get(intent or "")
    return row is not None and row.kind == "soft" and questions.is_question(text)
