"""The bot's open questions: what a short reply ("yes", "ok", "2", the typed question) answers.

When a turn ends on a question ("Shall I save it?", "Which one should I remove?", "What's the
question?"), the action that asks sets the slot ``pending_confirmation`` to one of the kinds
below. Two readers use the kind, in two processes:

- ``bot.rasa_ext.choice_policy`` (in Rasa) decides which action a reply goes to when no intent can
  carry its meaning: a bare number, "all of them", a bare "ok", the typed question;
- ``actions/confirmations.py`` (in the action server) does what a yes or a no means for the kind,
  with the handler the journey that asked it wrote (its table ``ANSWERS``).

Both read a kind only in the turn right after it was asked (:func:`asked_last_turn`): a "yes"
two topics later answers nothing, so it never deletes anything. This module has the one list of
kinds and that one rule; a contract test checks that every kind has its handlers and that every
kind an action sets is listed here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.names import Action, Intent, Slot

SLOT = Slot.PENDING_CONFIRMATION

OFFER = "offer"  # "Want help with your records?": yes presses the offered button (slot pending_offer)
DID_YOU_MEAN = "did_you_mean"  # the fallback's "Did you mean ...?" buttons
SAVE_QUESTION = "save_question"  # "Shall I save it?" after a medical question (slot pending_question)
QUESTION_TEXT = "question_text"  # "What's the question? Type it and I'll save it."
SAVE_SUGGESTIONS = "save_suggestions"  # the numbered suggestions: "2", "all of them", yes
REMOVE_QUESTION = "remove_question"  # "Which one should I remove?"
EDIT_QUESTION = "edit_question"  # "Which one should I change?" (the new words in pending_question)
CLEAR_QUESTIONS = "clear_questions"  # "Delete all N questions?"
TEXT_QUESTIONS = "text_questions"  # "Text the list to 555-...?"
ERASE_DATA = "erase_data"  # "Delete everything I have about you?"
HANDOFF = "handoff"  # "Would you like me to connect you with a human advocate?"

CONFIRM_ACTION = Action.ACTION_CONFIRM_PENDING
ADD_QUESTION_ACTION = Action.ACTION_ADD_QUESTION


@dataclass(frozen=True)
class Kind:
    """How a short reply answers one kind of open question.

    ``ok_is_yes``: a bare "ok" is a yes (never for a deletion, nor after the suggestions, which are
    shown without a question, where "ok" may only mean "got it"). ``picks``: the actions for a
    numbered pick and for "all of them". ``typed_text``: the action that takes the whole next
    message, and the intents such a message may be classified as (any other intent keeps its own
    meaning: a "no", a crisis, "talk to a person").
    """

    ok_is_yes: bool = False
    picks: tuple[str, str] | None = None
    typed_text: tuple[str, frozenset[str]] | None = None


KINDS: dict[str, Kind] = {
    OFFER: Kind(ok_is_yes=True),
    DID_YOU_MEAN: Kind(),
    SAVE_QUESTION: Kind(ok_is_yes=True),
    QUESTION_TEXT: Kind(
        typed_text=(
            ADD_QUESTION_ACTION,
            frozenset({Intent.MEDICAL_ADVICE, Intent.FAQ, Intent.INFORM, Intent.ADD_QUESTION, Intent.EXPLAIN,
                       Intent.OUT_OF_SCOPE, Intent.NLU_FALLBACK}),  # fmt: skip
        )
    ),
    SAVE_SUGGESTIONS: Kind(picks=(ADD_QUESTION_ACTION, CONFIRM_ACTION)),
    REMOVE_QUESTION: Kind(picks=(Action.ACTION_REMOVE_QUESTION, Action.ACTION_CLEAR_QUESTIONS)),
    EDIT_QUESTION: Kind(),
    CLEAR_QUESTIONS: Kind(),
    TEXT_QUESTIONS: Kind(ok_is_yes=True),
    ERASE_DATA: Kind(),
    HANDOFF: Kind(ok_is_yes=True),
}


@dataclass(frozen=True)
class Step:
    """One event of a conversation as this rule sees it: a user message, or a slot being set."""

    is_user_message: bool
    slot: str | None = None
    value: object = None


def asked_last_turn(newest_first: Iterable[Step]) -> str | None:
    """The kind set between the previous user message and the latest one, or None.

    ``newest_first``: the conversation's events from the latest back. The slot stays set until a
    yes or no clears it, but only a value set in the bot's last turn counts.
    """
    seen_latest_message = False
    for step in newest_first:
        if step.is_user_message:
            if seen_latest_message:
                return None
            seen_latest_message = True
        elif seen_latest_message and step.slot == SLOT:
            return step.value if isinstance(step.value, str) else None
    return None
