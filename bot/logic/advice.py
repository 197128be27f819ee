"""Medical-advice requests: no answer from the bot, but a better question for the doctors.

The assistant is not a clinician and never knows a person's full history, so it must not answer
"should I do chemo?". This is the refusal it gives; `bot.understanding.advice` recognises such
requests and turns the person's words into a question their doctors can answer.
"""

from __future__ import annotations

from bot.logic import vocabulary
from bot.understanding.advice import reframe_as_question
from bot.understanding.questions import extract_questions

# Why the bot can't answer, and who can: the doctors; for a medicine also the pharmacist.
NO_ADVICE_MESSAGE = (
    "That's an important question, but I can't answer it for you. I'm a virtual advocate, not a "
    "doctor or nurse, and I don't know your full history, test results or scans - so an answer "
    "from me could be wrong for you. This is exactly what your doctors are for, and it's a great "
    "question to bring to your next visit or your second-opinion visit."
)
PHARMACIST_NOTE = "It's about a medicine, so your pharmacist can help with it too."
SAVE_OFFER = 'A good way to ask your doctors:\n"{question}"\nShall I save it to your question list?'
SAVED_IN_FORM = "I've saved this to your question list for the doctors:\n{question}\nNow, back to where we were."
KEPT_IN_FORM = "That one is already on your question list for the doctors. Now, back to where we were."
# Treatment categories of bot/logic/vocabulary/treatments.yml that are medicines (a pharmacist's
# field), not operations, procedures or therapies.
MEDICINE_CATEGORIES = frozenset({"medication", "short_course_medication", "chemotherapy"})


def question_to_save(text: str) -> str:
    """The question to offer for the doctors, in the person's words: only the asking sentence.

    "My husband started metoprolol last month. He gets dizzy. Can he take it at night?" saves
    "Can he take it at night?": the story is the person's to tell, the list holds questions, and
    their own question says what they mean better than a rewrite ("how often should I have
    another one?" is no "best option" question). Only a message with no question in it ("tell me
    if it's cancer") is turned into one by `reframe_as_question`.
    """
    asked = [piece for piece in extract_questions(text) if piece.endswith("?")]
    return " ".join(asked) if asked else reframe_as_question(text)


def is_about_a_medicine(text: str) -> bool:
    """Whether the message names a medicine the vocabulary knows (warfarin, statins, chemo, meds)."""
    return any(
        mention.entity == "treatment" and mention.category in MEDICINE_CATEGORIES
        for mention in vocabulary.find_mentions(text)
    )
