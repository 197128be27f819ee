"""De-identify a message before it is kept for review: what would say who wrote it becomes a type token.

The "not understood" page (issue 11) keeps messages that fell back so advocates can label them for
training. Advocates and, later, whoever reviews the export read them without needing to know who
wrote them, so the parts that identify a person are replaced before anything is stored:

- patterns private wherever they appear, the ones the log redaction already hides (e-mail
  addresses, phone numbers, dates written with a year: ``bot.security.redaction``), plus URLs,
  dates without a year ("March 3rd", "3/14") and long digit runs (record numbers, insurance and
  member ids, social security numbers);
- names, which no pattern recognises, by the places that carry them: after "my name is", "I'm",
  "this is", "call me", after a title ("Dr.", "Mr.", "Mrs.", "Ms.", "Miss", "Doctor") and after a
  person the vocabulary knows by role ("my husband John": ``bot/logic/vocabulary/relations.yml``).

The tokens (``<name>``, ``<phone>``, ...) keep the message's shape, which is what a label is about:
"my name is <name>, I need my records from Dr. <name>" still reads as a records request. The rules
lean towards hiding: a lost word costs a label, a kept name costs a person's privacy.
"""

from __future__ import annotations

import re
from functools import cache

from bot.nlp.vocab import entries, fold
from bot.security import redaction

NAME = "<name>"
EMAIL = "<email>"
PHONE = "<phone>"
DATE = "<date>"
NUMBER = "<number>"
URL = "<url>"
# Longer messages are cut once de-identified (a cut made before could split a phone number past
# recognising): a label needs the request, not the whole story, and less is kept.
MAX_LENGTH = 600
# What is read at all (a pasted letter is cut here before the patterns run).
MAX_INPUT = 4000

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# Dates the log patterns leave (they need a year): "March 3rd", "3rd of March", "on 3/14".
_SHORT_DATE = re.compile(
    rf"\b(?:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}"
    r"|\d{1,2}/\d{1,2})(?![\w/])",
    re.IGNORECASE,
)
# Social security numbers: "123-45-6789", "123 45 6789".
_SSN = re.compile(r"(?<![\w<])\d{3}[\s-]\d{2}[\s-]\d{4}(?![\w>])")
# Five or more digits (maybe split by hyphens, maybe after a few letters or a "#"): medical
# record numbers, member ids ("XJH123456789"), ZIP codes.
_DIGIT_RUN = re.compile(r"(?<![\w<])(?:[A-Za-z]{1,4}[-#]?|#)?\d(?:-?\d){4,}(?![\w>])")

# A word that can be a name: letters, maybe joined by a hyphen or an apostrophe ("O'Neil", "Quennell-Hartwig").
_WORD = r"[^\W\d_]+(?:['-][^\W\d_]+)*"
_CAPITALISED = r"[A-Z][^\W\d_]*(?:['-][^\W\d_]+)*"
# Words that follow "I'm", a title or "my son" without being a name ("I'm Worried", "Dr. Said").
_NOT_NAMES = frozenset(
    """
    a an the and or but so not no yes just really very still also only already now here there this that
    he she they it is was has had have will would can could should may might did does do i me my his her
    their our your who what when where why how which if then than to of in on at for from with about by
    said says told tells say wants wanted thinks thought recommended recommends suggested suggests
    wrote sent referred asked gave gives doing going trying looking hoping wondering calling writing
    scared worried afraid nervous confused lost tired sick ill fine ok okay good sorry sure unsure glad
    new diagnosed caring helping having getting waiting considering thinking feeling
    appointment appt office visit note notes records report letter please pls plz thanks thx asap
    """.split()
)
_LATER_WORDS = r"(?:\s+" + _WORD + r"){0,2}"
# After these the name may be typed in lower case ("my name is jane doe").
_NAMED = re.compile(
    rf"\b(?P<lead>my\s+name\s+is|my\s+name's|name's|call\s+me)\s+(?P<name>{_WORD}{_LATER_WORDS})",
    re.IGNORECASE,
)
# These introduce a name only when it is capitalised: "I'm Jane", not "i'm scared".
_INTRODUCED = re.compile(rf"\b(?P<lead>(?i:this\s+is|i\s+am|i'm|im))\s+(?P<name>{_CAPITALISED}{_LATER_WORDS})")
# Abbreviated titles are texted in lower case too ("dr lee"); the others need a capitalised name,
# or "doctor appointment" and "I have MS" would lose words.
_ABBREVIATED_TITLE = re.compile(rf"\b(?P<lead>(?i:dr|mr|mrs)\.?)\s+(?P<name>{_WORD}{_LATER_WORDS})")
_TITLE = re.compile(rf"\b(?P<lead>(?:(?i:doctor|nurse|prof)|Ms|Miss|Mx)\.?)\s+(?P<name>{_CAPITALISED}{_LATER_WORDS})")


@cache
def _relation_pattern() -> re.Pattern[str]:
    """ "my husband John", "her son Luis": a capitalised word right after a person known by role."""
    aliases = sorted({alias for entry in entries("relation") for alias in entry.aliases}, key=len, reverse=True)
    words = "|".join(re.escape(alias).replace(r"\ ", r"\s+") for alias in aliases)
    return re.compile(rf"\b(?P<lead>(?i:{words}),?)\s+(?P<name>{_CAPITALISED}(?:\s+{_CAPITALISED})?)")


def _name_length(words: list[str]) -> int:
    """How many of the words after a lead-in are the name (0: none is).

    A name typed with a capital goes on while the words are capitalised ("Dr. Maria Lee"); one typed
    in lower case goes on while the words are lower case too ("my name is jane doe"); either stops
    at a word that is not a name ("Dr. Lee said", "I'm Jane and").
    """
    count = 0
    for word in words:
        if word.lower() in _NOT_NAMES or (count and word[0].isupper() != words[0][0].isupper()):
            break
        count += 1
    return count


def _replace_names(pattern: re.Pattern[str], text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        words = match.group("name").split(" ")
        count = _name_length(words)
        if not count:
            return match.group(0)
        possessive = "'s" if words[count - 1].lower().endswith("'s") else ""
        return " ".join([match.group("lead"), NAME + possessive, *words[count:]])

    return pattern.sub(replace, text)


def deidentify(text: str) -> str:
    """``text`` with names, contact details, dates and long numbers replaced by type tokens."""
    cleaned = fold(" ".join(text[:MAX_INPUT].split()))
    for pattern, token in (
        (_URL, URL),
        (redaction._EMAIL, EMAIL),
        (redaction._DATE, DATE),
        (_SHORT_DATE, DATE),
        (redaction._PHONE, PHONE),
        (_SSN, NUMBER),
        (_DIGIT_RUN, NUMBER),
    ):
        cleaned = pattern.sub(token, cleaned)
    for pattern in (_NAMED, _INTRODUCED, _ABBREVIATED_TITLE, _TITLE, _relation_pattern()):
        cleaned = _replace_names(pattern, cleaned)
    if len(cleaned) <= MAX_LENGTH:
        return cleaned
    return cleaned[:MAX_LENGTH].rsplit(" ", 1)[0] + " ..."
