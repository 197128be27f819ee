"""Answers to the assessment's questions, read from what a person wrote: free text to slot codes.

Every question accepts "not sure", a button's title or number (how SMS people answer) and free
text read by the slot's own rules ("they want to operate in 2 weeks" -> weeks, "the doctors
disagree" -> disagree). The codes are docs/DESIGN.md's (`bot.logic.assessment.ANSWER_CODES`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from bot.logic import vocabulary
from bot.logic.assessment import ANSWER_CODES, NOT_SURE, QUESTIONS
from bot.understanding.facts import duration_code, facts_in_text
from bot.understanding.numbers import DURATION_PATTERN
from bot.understanding.payloads import split_button_payload
from bot.understanding.replies import first_match, says_not_sure, yes_or_no
from bot.understanding.shorthand import straighten

_F = re.IGNORECASE
_DURATION = re.compile(rf"\b{DURATION_PATTERN}", _F)
# Checked before any duration: they say more than a number would.
_URGENCY_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "emergency",
        re.compile(
            r"\b(?:emergenc\w*|(?:the|in|at)\s+(?:er|e\.r)|icu|intensive\s+care|911|ambulance"
            r"|life\s+or\s+death|life[\s\-]+threatening)\b",
            _F,
        ),
    ),
    ("weeks", re.compile(r"\b(?:a|one|1)\s+week\s+or\s+two\b", _F)),
    (
        "days",
        re.compile(
            r"\b(?:already\s+(?:started|begun|began|underway|going|on\s+it|doing|having|had)"
            r"|(?:has|have|'ve|was|were)\s+(?:already\s+)?started|started\s+(?:already|last|yesterday"
            r"|this)|in\s+progress|ongoing|i'?m\s+on\s+it)\b",
            _F,
        ),
    ),
)
# Words for when treatment starts, read after any duration: code and the words that say it.
_URGENCY_KEYWORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "days",
        re.compile(
            r"\b(?:today|tonight|tomorrow|tmrw|tmr|asap|a\.s\.a\.p|right\s+away|immediately|straight"
            r"\s+away|this\s+week|any\s+day(?:\s+now)?|very\s+soon|within\s+(?:a|one|1)\s+week"
            r"|urgent(?:ly)?|(?:on\s+|this\s+|next\s+)?(?:monday|tuesday|wednesday|thursday|friday"
            r"|saturday|sunday)|this\s+weekend)\b",
            _F,
        ),
    ),
    (
        "weeks",
        re.compile(
            r"\b(?:next\s+week|week\s+after\s+next|later\s+this\s+month|end\s+of\s+(?:the|this)\s+month"
            r"|this\s+month|soon|in\s+1\s+to\s+4\s+weeks|few\s+weeks|couple\s+(?:of\s+)?weeks)\b",
            _F,
        ),
    ),
    (
        "months",
        re.compile(
            r"\b(?:next\s+month|months|a\s+month\s+or\s+more|in\s+the\s+(?:spring|summer|fall|autumn"
            r"|winter)|next\s+year|later\s+this\s+year|end\s+of\s+the\s+year|no\s+rush|not\s+urgent"
            r"|not\s+in\s+a\s+hurry|whenever)\b",
            _F,
        ),
    ),
    (
        "not_started",
        re.compile(
            r"\b(?:no\s+(?:start\s+)?date|not\s+scheduled|nothing\s+(?:planned|scheduled|booked|set)"
            r"|no\s+plans?|not\s+yet|haven'?t\s+(?:decided|scheduled|started|booked)|hasn'?t\s+"
            r"(?:been\s+)?(?:decided|scheduled|started|booked)|not\s+started|still\s+deciding"
            r"|undecided|tbd|to\s+be\s+decided|not\s+set)\b",
            _F,
        ),
    ),
)

# Who may be sure or unsure of the diagnosis: the doctors (or nobody), not the person.
_CERTAINTY_SUBJECT = (
    r"(?:they|they'?re|theyre|the\s+doctors?|doctors?|docs?|he|he'?s|she|she'?s|my\s+doctor"
    r"|surgeon|oncologist|specialist|neurologist|cardiologist|nobody|no\s+one)"
)
# The doctors disagree: different answers, another doctor who said otherwise.
_DISAGREE = re.compile(
    r"\b(?:disagree\w*|don'?t\s+agree|do\s+not\s+agree|didn'?t\s+agree|not\s+agree\w*"
    r"|different\s+(?:things|answers|opinions|diagnos\w+)|conflicting|contradict\w*|mixed\s+(?:answers"
    r"|messages|opinions)|two\s+(?:different\s+)?(?:doctors|opinions)|another\s+doctor\s+said"
    r"|(?:second|other)\s+doctor\s+(?:said|thinks|says)|something\s+else|one\s+(?:doctor\s+)?says)\b",
    _F,
)
# The doctors have doubts: "they're not sure", "more tests", "might be".
_UNCERTAIN = re.compile(
    rf"\b{_CERTAINTY_SUBJECT}\b[^.!?]*?\b(?:not|aren'?t|isn'?t|weren'?t|wasn'?t|never)\s+(?:really\s+"
    r"|totally\s+|completely\s+|100%\s+|quite\s+|very\s+|that\s+|so\s+)?(?:sure|certain|positive"
    r"|confident)\b"
    rf"|\b{_CERTAINTY_SUBJECT}\s+(?:are\s+|is\s+)?(?:unsure|uncertain|guessing|have\s+doubts|not\s+sure)"
    r"|\b(?:(?:have|has|some|a\s+few|with)\s+doubts|doubtful|more\s+tests|further\s+tests|not\s+confirmed"
    r"|unconfirmed|preliminary|tentative|working\s+diagnosis|suspect\w*|might\s+be|could\s+be"
    r"|maybe|possibly|probably|think\s+it\s+(?:is|'s|might|could)|rule\s+out|still\s+testing"
    r"|waiting\s+(?:on|for)\s+(?:results|tests))\b",
    _F,
)
# The doctors are sure: "definitely", "confirmed", "the biopsy showed".
_CERTAIN = re.compile(
    r"\b(?:sure|certain|positive|confident|definite\w*|confirmed|100\s*%|no\s+doubt|clear|convinced"
    r"|biopsy\s+(?:showed|proved|proves|shows)|they\s+know)\b",
    _F,
)
# Not a rare condition: "not that rare", "pretty common", "lots of people".
_RARE_NO = re.compile(
    r"\b(?:(?:not|isn'?t|is\s+not|wasn'?t)\s+(?:that\s+|very\s+|so\s+|really\s+)?rare"
    r"|(?:pretty\s+|very\s+|fairly\s+|quite\s+)?common|lots\s+of\s+people|many\s+people)\b",
    _F,
)
# A rare condition: "rare", "uncommon", "very few people".
_RARE_YES = re.compile(r"\b(?:rare|uncommon|unusual|orphan|few\s+people|very\s+few)\b", _F)
# Symptoms not getting better (not_improving "yes"): "worse", "no change", "still hurts".
_WORSE = re.compile(
    r"\b(?:not\s+(?:getting\s+|feeling\s+|any\s+)?(?:better|improving)|no\s+better|isn'?t\s+"
    r"(?:getting\s+)?(?:better|improving|helping|working)|aren'?t\s+(?:getting\s+)?(?:better"
    r"|improving|helping|working)|not\s+(?:helping|working)|worse\w*|worsening|same|no\s+change"
    r"|unchanged|still\s+(?:sick|hurts?|bad|have|having|in\s+pain)|keeps?\s+getting|nothing\s+"
    r"(?:helps|works|is\s+working))\b",
    _F,
)
# Symptoms getting better (not_improving "no"): "improving", "gone", "feeling fine".
_BETTER = re.compile(
    r"\b(?:better|improving|improved|improvement|helping|working|gone|no\s+symptoms|don'?t\s+have"
    r"\s+(?:any\s+)?symptoms|feel(?:ing)?\s+(?:fine|good|great|ok(?:ay)?)|fine|stable)\b",
    _F,
)
# The plan does not require a second opinion: "doesn't need one", "no insurance", "optional".
_INSURER_NO = re.compile(
    r"\b(?:(?:don'?t|doesn'?t|does\s+not|do\s+not|didn'?t|not)\s+(?:require|need|ask|make)\w*"
    r"|no\s+insurance|uninsured|don'?t\s+have\s+(?:any\s+)?insurance|self[\s\-]*pay|optional)\b",
    _F,
)
# The plan requires one: "required", "mandatory", "they have to".
_INSURER_YES = re.compile(
    r"\b(?:requires?|required|requirement|mandatory|must|have\s+to|has\s+to|need(?:s|ed)?\s+"
    r"(?:one|it|a\s+second)|asked\s+for)\b",
    _F,
)
# Fear or distrust, which is no confidence: "don't trust", "scared", "overwhelmed".
_DISTRUST = re.compile(
    r"\b(?:don'?t\s+trust|do\s+not\s+trust|not\s+sure\s+i\s+trust|doubt\s+(?:it|them|him|her)"
    r"|scared|afraid|terrified|worried|nervous|anxious|confused|lost|overwhelmed|freaking\s+out"
    r"|panick\w*)\b",
    _F,
)
# Not confident: "not at all", "no confidence", "zero".
_NOT_CONFIDENT = re.compile(
    r"\b(?:not\s+(?:very\s+|that\s+|too\s+|so\s+|really\s+|at\s+all\s+)?confident|unconfident"
    r"|no\s+confidence|not\s+at\s+all|not\s+really|not\s+much|zero|none|no)\b",
    _F,
)
# Somewhat confident: "kinda", "50/50", "i guess".
_SOMEWHAT = re.compile(
    r"\b(?:somewhat|kind\s+of|kinda|sort\s+of|sorta|a\s+little|a\s+bit|so[\s\-]*so|mostly|fairly"
    r"|partly|partially|50\s*/\s*50|half|moderately|in\s+between|meh|ok(?:ay)?|i\s+guess)\b",
    _F,
)
# Confident: "very", "i trust them", "100%".
_CONFIDENT = re.compile(
    r"\b(?:confident|very|totally|completely|fully|sure|i\s+trust|trust\s+(?:them|him|her|my)"
    r"|good|great|fine|comfortable|100\s*%)\b",
    _F,
)


# One step of reading an answer: the code it finds in the text, or None to try the next step.
_Step = Callable[[str], str | None]


def _earliest(*rows: tuple[str, re.Pattern[str]]) -> _Step:
    """A step that gives the code of whichever of `rows` matches earliest in the text."""
    return lambda text: first_match(text, *rows)


def _not_sure(text: str) -> str | None:
    """The step for "idk", "no clue": the person does not know (`says_not_sure`)."""
    return NOT_SURE if says_not_sure(text) else None


def _duration(text: str) -> str | None:
    """The step for a start date given as a duration ("in 2 weeks"): days, weeks or months."""
    duration = _DURATION.search(text)
    return duration_code(duration) if duration else None


# How free text answers each coded question: steps tried in order, the first code found wins. Where
# "not sure" stands says what beats it. A text none of them reads may still be a bare yes or no,
# which means what affirm/deny mean for the question (_INTENT_CODES).
_STEPS: dict[str, tuple[_Step, ...]] = {
    # An emergency or treatment already started (-> days: decisions are being made right now) says
    # more than a duration; then a duration, then a keyword.
    "urgency": (
        *(_earliest(rule) for rule in _URGENCY_RULES),
        _duration,
        _earliest(*_URGENCY_KEYWORDS),
        _not_sure,
    ),
    # Disagreement beats doubt; "they're not sure" is doubt, a bare "not sure" is the person's.
    "diagnosis_certainty": (
        _earliest(("disagree", _DISAGREE)),
        _earliest(("uncertain", _UNCERTAIN)),
        _not_sure,
        _earliest(("certain", _CERTAIN)),
    ),
    "rare_condition": (_not_sure, _earliest(("no", _RARE_NO)), _earliest(("yes", _RARE_YES))),
    # Words about the symptoms first; a bare yes/no answers "Are they getting better?" (inverted).
    "not_improving": (_not_sure, _earliest(("yes", _WORSE)), _earliest(("no", _BETTER))),
    "insurer_requires": (_not_sure, _earliest(("no", _INSURER_NO)), _earliest(("yes", _INSURER_YES))),
    # Fear and distrust count as not confident, even when phrased as "not sure I trust them".
    "confidence": (
        _earliest(("not_confident", _DISTRUST)),
        _not_sure,
        _earliest(("not_confident", _NOT_CONFIDENT), ("somewhat", _SOMEWHAT), ("confident", _CONFIDENT)),
    ),
}


def _parse_coded(slot: str, text: str) -> str | None:
    """A coded question's answer from free text: its `_STEPS`, then a bare yes or no."""
    for step in _STEPS[slot]:
        code = step(text)
        if code:
            return code
    intent = {"yes": "affirm", "no": "deny"}.get(yes_or_no(text) or "")
    return _INTENT_CODES.get(slot, {}).get(intent or "")


def _parse_named(entity: str, text: str) -> str | None:
    """A condition/treatment: canonical name, "not_sure", the person's words, or None.

    None (ask again) for replies that cannot be a name: a bare yes/no, no letters at all, or small
    talk ("thanks", "I'm safe" after a safety message) that would otherwise become the diagnosis.
    """
    mention = vocabulary.lookup(entity, text)
    if mention is not None:
        return mention.value
    if says_not_sure(text):
        return NOT_SURE
    if (
        not re.search(r"[^\W\d_]", text)
        or _SMALL_TALK.match(text)
        or (yes_or_no(text) and len(text.split()) <= 2)
    ):
        return None
    named = vocabulary.canonical(entity, text)
    return named[0] if named else None


# Small talk that is no name for a condition or treatment: "thanks", "i'm safe", "hi".
_SMALL_TALK = re.compile(
    r"^(?:i'?m\s+(?:safe|ok(?:ay)?|fine|good|alright|here)|thanks?|thank\s+you|ty|ok(?:ay)?|k|hi|hello"
    r"|hey|cool|great|got\s+it|alright|all\s+right|what|huh|why|sorry)\b",
    _F,
)
_PARSERS: dict[str, Callable[[str], str | None]] = {
    "condition": partial(_parse_named, "condition"),
    "treatment": partial(_parse_named, "treatment"),
    **{slot: partial(_parse_coded, slot) for slot in _STEPS},
}
# What affirm/deny (and a typed yes/no) mean for each slot's question ("Are the doctors sure?" -
# "yes" -> certain; "Are the symptoms getting better?" - "yes" -> not_improving "no").
_INTENT_CODES: dict[str, dict[str, str]] = {
    "diagnosis_certainty": {"affirm": "certain", "deny": "uncertain"},
    "rare_condition": {"affirm": "yes", "deny": "no"},
    "not_improving": {"affirm": "no", "deny": "yes"},
    "insurer_requires": {"affirm": "yes", "deny": "no"},
    "confidence": {"affirm": "confident", "deny": "not_confident"},
}


def _valid(slot: str, value: Any) -> str | None:
    """A payload value when it is one of the slot's codes (or any name, for condition/treatment)."""
    if not isinstance(value, str) or not value.strip():
        return None
    if slot in ANSWER_CODES:
        return value if value in ANSWER_CODES[slot] else None
    return value if value == NOT_SURE else _parse_named(slot, value)


def parse_answer(slot: str, text: str, intent: str | None = None) -> str | None:
    """The slot's answer code for a reply, or None when the reply does not answer it (re-ask).

    Accepts, in this order: a button payload (`/inform{"urgency":"weeks"}`, `/not_sure`,
    `/affirm`), an option's number or title (how SMS people answer), free text read by the slot's
    rules, and finally the NLU intent (not_sure; affirm/deny for yes-or-no style questions).
    Free text comes before the intent because it is more specific: "yes, but the second doctor
    disagrees" is `disagree` even when the classifier says affirm. Among free text, an explicit
    phrase (`facts_in_text`) comes first: the slot's own rules are lenient keyword rules, and
    "her symptoms arent getting any better" must not be read as "better".
    """
    text = straighten(text or "")
    payload = split_button_payload(text)
    if payload:
        intent, entities_text = payload
        try:
            entities = json.loads(entities_text or "{}")
        except json.JSONDecodeError:
            entities = {}
        if isinstance(entities, dict) and slot in entities:
            return _valid(slot, entities[slot])
        text = ""
    buttons = QUESTIONS[slot].buttons
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return parse_answer(slot, buttons[int(text) - 1][1])
    folded = text.lower().strip(" .!")
    for title, button_payload in buttons:
        if folded == title.lower():
            return parse_answer(slot, button_payload)
    value = facts_in_text(text).get(slot) if slot in ANSWER_CODES else None
    value = value or (_PARSERS[slot](text) if text else None)
    if value is not None:
        return value
    if intent == "not_sure":
        return NOT_SURE
    return _INTENT_CODES.get(slot, {}).get(intent or "")
