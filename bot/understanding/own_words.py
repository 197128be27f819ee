"""A condition, treatment or relation in the person's own words, when the vocabulary knows none.

"I think it's called Erdheim-Chester" is kept as "Erdheim-Chester": their words are still the best
label for the advocate and the doctor questions, without the lead-in around them. The vocabulary
look-up itself is the spaCy pipeline (`bot.logic.vocabulary`, `bot.nlp`).
"""

from __future__ import annotations

import re

from bot.understanding.replies import YES

# Lead-ins and trailers around a condition or treatment typed in the person's own words.
_LEAD_IN = re.compile(
    rf"^(?:(?:well|so|ok(?:ay)?|{YES}|um+|uh+|hmm+|i\s+think|i\s+believe|apparently|maybe"
    r"|probably|they\s+said|the\s+doctors?\s+said|doctors?\s+said|he\s+said|she\s+said"
    r"|they\s+told\s+me|i\s+was\s+told|they\s+think|they\s+say|i\s+was\s+diagnosed\s+with"
    r"|i'?ve\s+been\s+diagnosed\s+with|diagnosed\s+with|i\s+have|i'?ve\s+got|i\s+got"
    r"|(?:he|she|they)\s+(?:has|have)|my\s+\w+\s+(?:has|got)|they\s+want\s+to\s+do"
    r"|they\s+want\s+to|it'?s\s+called|it\s+is\s+called|its\s+called|called|something\s+called"
    r"|it'?s|it\s+is|its|some\s+kind\s+of|a\s+kind\s+of|a\s+type\s+of|a|an|the)\b[\s,:\-]*)+",
    re.IGNORECASE,
)
_TRAILER = re.compile(
    r"(?:[\s,]+(?:i\s+think|i\s+guess|maybe|probably|or\s+something(?:\s+like\s+that)?))?[\s.!?,]*$",
    re.IGNORECASE,
)
_MAX_OWN_WORDS = 80




def own_words(text: str) -> str:
    """`text` without lead-ins ("they said", "it's called") and trailers ("i think"), single-spaced,
    at most 80 characters (cut between words); "" when nothing is left."""
    words = _TRAILER.sub("", _LEAD_IN.sub("", text.strip()))
    words = " ".join(words.split())
    if len(words) > _MAX_OWN_WORDS:
        words = words[:_MAX_OWN_WORDS].rsplit(" ", 1)[0]
    return words


def without_my(words: str) -> str:
    """ "my dad" -> "dad", "your mom" -> "mom": a relation as a word, for pronouns and replies.

    `words` is single-spaced lower case already.
    """
    for prefix in ("my ", "your "):
        if words.startswith(prefix):
            return words[len(prefix) :].lstrip()
    return words
