"""Asking how to ask the doctor for another opinion, in what a person wrote (the `ask_doctor` journey).

The scripts themselves are `bot.logic.doctor.doctor_scripts`.
"""

from __future__ import annotations

import re

# "How do I bring up a second opinion with my surgeon?", "what should I say to my doctor about
# wanting a second look", "help me ask for a referral": a request for the words to use. Both parts
# are needed - how to say it, and that it is about another opinion - and nothing about records,
# insurance or a person, which have journeys of their own.
# The first part, how to say it: "how do I ask", "what should I say to", "help me word".
_HOW_TO_SAY = re.compile(
    r"\b(?:how\s+(?:do|can|should|would|could|to)\s+(?:i\s+|we\s+|my\s+\w+\s+|he\s+|she\s+)?(?:even\s+|best\s+)?"
    r"(?:ask|tell|bring\s+(?:it|this|that)\s+up|bring\s+up|raise|approach|mention|phrase|word|talk\s+to)"
    r"|what\s+(?:exactly\s+)?(?:should|do|can|would)\s+(?:i|we)\s+(?:say|tell|write)\s+(?:to|when|in)"
    r"|(?:words|script|way)\s+(?:i\s+can\s+use\s+)?to\s+(?:ask|tell|say)|help\s+me\s+(?:ask|talk\s+to|tell|word))\b",
    re.IGNORECASE,
)
# The second part, another opinion: "second opinion", "another surgeon", "a referral".
_ANOTHER_OPINION = re.compile(
    r"\b(?:(?:second|2nd|another|other|new|third|3rd)\s+(?:opinion|look|doctor|dr|specialist|surgeon)"
    r"|someone\s+else|somewhere\s+else|refer\w*)\b",
    re.IGNORECASE,
)
# What belongs to another journey: records, insurance, a person, questions to ask.
_OTHER_JOURNEY = re.compile(
    r"\b(?:records?|chart|insurance|insurer|advocate|person|human|questions?\s+(?:to|for)|what\s+to\s+ask|results)\b",
    re.IGNORECASE,
)


def asks_for_words(text: str) -> bool:
    """Whether the message asks how to ask the doctor for another opinion (the `ask_doctor` journey).

    Precision first: on the training data it matches only ask_doctor examples. The classifier
    confuses these with FAQs that share their words ("bring up" / "what to bring"), and the
    scripts are what the person needs.
    """
    text = " ".join(text.replace("\u2019", "'").split())
    return bool(_HOW_TO_SAY.search(text) and _ANOTHER_OPINION.search(text) and not _OTHER_JOURNEY.search(text))
