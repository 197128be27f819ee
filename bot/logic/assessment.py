"""The second-opinion assessment: its questions, reading the answers, and the recommendation.

The brief asks for a transparent result: always one of three levels, always with the reasons in
plain words, and the same answers always giving the same result. So the rules are a small,
reviewable table (see `recommend`) rather than a score, and every rule that fires contributes
one reason the person (and their advocate) can read and question.

Answers are the codes of docs/DESIGN.md. Every question accepts "not sure": an anxious person
often does not know, and a form that insists would stop them instead of helping them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.logic import vocabulary

NOT_SURE = "not_sure"

# The form asks in this order; condition and treatment first so later questions make sense.
SLOTS: tuple[str, ...] = (
    "condition",
    "treatment",
    "urgency",
    "diagnosis_certainty",
    "rare_condition",
    "not_improving",
    "insurer_requires",
    "confidence",
)
ANSWER_CODES: dict[str, tuple[str, ...]] = {
    "urgency": ("emergency", "days", "weeks", "months", "not_started", NOT_SURE),
    "diagnosis_certainty": ("certain", "uncertain", "disagree", NOT_SURE),
    "rare_condition": ("yes", "no", NOT_SURE),
    "not_improving": ("yes", "no", NOT_SURE),
    "insurer_requires": ("yes", "no", NOT_SURE),
    "confidence": ("confident", "somewhat", "not_confident", NOT_SURE),
}
STRONGLY_RECOMMENDED = "strongly_recommended"
RECOMMENDED = "recommended"
OPTIONAL = "optional"
LEVELS: tuple[str, ...] = (STRONGLY_RECOMMENDED, RECOMMENDED, OPTIONAL)


@dataclass(frozen=True)
class Question:
    """A prompt (with `{whose}`/`{for_whom}` placeholders for a caregiver) and its buttons."""

    prompt: str
    buttons: tuple[tuple[str, str], ...]


def _inform(slot: str, value: str) -> str:
    """A button payload that sets `slot` the way the NLU's RegexMessageHandler expects."""
    return "/inform" + json.dumps({slot: value}, separators=(",", ":"))


_NOT_SURE_BUTTON = ("Not sure", "/not_sure")


def _yes_no_buttons(slot: str) -> tuple[tuple[str, str], ...]:
    return (("Yes", _inform(slot, "yes")), ("No", _inform(slot, "no")), _NOT_SURE_BUTTON)


# Prompts are short, kind and about 8th-grade reading level. They avoid words that belong to
# the safety replies or to other forms, so a reply is never mistaken for one of those.
QUESTIONS: dict[str, Question] = {
    "condition": Question(
        "What is {whose} diagnosis? Your own words are fine, like \u201cbreast cancer\u201d or "
        "\u201ca heart valve problem\u201d.",
        (_NOT_SURE_BUTTON,),
    ),
    "treatment": Question(
        "What treatment are the doctors suggesting{for_whom}? For example surgery, chemo, a "
        "medicine, or waiting and watching.",
        (
            ("Surgery", _inform("treatment", "surgery")),
            ("Chemotherapy", _inform("treatment", "chemotherapy")),
            ("Radiation", _inform("treatment", "radiation therapy")),
            ("Medicine", _inform("treatment", "medication")),
            ("Wait and watch", _inform("treatment", "watchful waiting")),
            _NOT_SURE_BUTTON,
        ),
    ),
    "urgency": Question(
        "When is treatment supposed to start{for_whom}?",
        (
            ("Right away (today / ER)", _inform("urgency", "emergency")),
            ("Within a week", _inform("urgency", "days")),
            ("In 1 to 4 weeks", _inform("urgency", "weeks")),
            ("A month or more", _inform("urgency", "months")),
            ("No date yet", _inform("urgency", "not_started")),
            _NOT_SURE_BUTTON,
        ),
    ),
    "diagnosis_certainty": Question(
        "Are the doctors sure about {whose} diagnosis?",
        (
            ("Yes, they're sure", _inform("diagnosis_certainty", "certain")),
            ("They have doubts", _inform("diagnosis_certainty", "uncertain")),
            ("Doctors disagree", _inform("diagnosis_certainty", "disagree")),
            _NOT_SURE_BUTTON,
        ),
    ),
    "rare_condition": Question(
        "Did a doctor say it is a rare condition (one that few people have)?",
        _yes_no_buttons("rare_condition"),
    ),
    "not_improving": Question(
        "Are {whose} symptoms staying the same or getting worse, even with care so far?",
        (
            ("Yes, not better", _inform("not_improving", "yes")),
            ("No, getting better", _inform("not_improving", "no")),
            _NOT_SURE_BUTTON,
        ),
    ),
    "insurer_requires": Question(
        "Does {whose} health insurance require a second opinion before treatment?",
        _yes_no_buttons("insurer_requires"),
    ),
    "confidence": Question(
        "How confident do you feel about the diagnosis and the plan{for_whom}?",
        (
            ("Very confident", _inform("confidence", "confident")),
            ("Somewhat", _inform("confidence", "somewhat")),
            ("Not confident", _inform("confidence", "not_confident")),
            _NOT_SURE_BUTTON,
        ),
    ),
}

_EXPLANATIONS: dict[str, str] = {
    "condition": (
        "Knowing the diagnosis tells me how much a second opinion could matter. Some conditions, "
        "like cancer or rare diseases, are harder to diagnose, so another expert look helps more. "
        "If you don't know the exact name, just say \u201cnot sure\u201d."
    ),
    "treatment": (
        "Some treatments are hard to undo, like major surgery, or carry more risk, like a new "
        "treatment in a trial. Those are the times a second opinion helps most. Medicare even "
        "pays for one before a planned surgery."
    ),
    "urgency": (
        "I ask so we can plan. For most conditions there is time to get a second opinion before "
        "treatment starts. If care is needed today, get that care first: an opinion can come later."
    ),
    "diagnosis_certainty": (
        "If the doctors are not sure, or do not agree, another expert can help settle it. In one "
        "large study, a second look changed the diagnosis for about 1 in 5 people."
    ),
    "rare_condition": (
        "Rare conditions are harder to diagnose and treat, because most doctors see only a few "
        "cases. A specialist who sees many of them can add a lot."
    ),
    "not_improving": (
        "If things are not getting better with the care so far, a fresh set of eyes may spot "
        "something new, or suggest another way to treat it."
    ),
    "insurer_requires": (
        "Some health plans require a second opinion before certain treatments, like surgery. If "
        "yours does, getting one also keeps your coverage on track. Your plan's member services "
        "line can tell you."
    ),
    "confidence": (
        "How you feel matters. If you have doubts about the diagnosis or plan, a second opinion "
        "can help you feel sure, or show you other choices. It is normal to want one."
    ),
}


def question(slot: str, relation: str | None = None) -> tuple[str, list[dict[str, str]]]:
    """The prompt text and buttons (Rasa's `{"title", "payload"}` dicts) for one slot.

    With a `relation` the prompt speaks of that person ("your dad's diagnosis"), because a
    caregiver answering "What is your diagnosis?" about their father is confusing.
    """
    spec = QUESTIONS[slot]
    who = vocabulary.relation_display(relation) if relation else None
    text = spec.prompt.format(
        whose=f"{who}'s" if who else "your",
        for_whom=f" for {who}" if who else "",
    )
    return text, [{"title": title, "payload": payload} for title, payload in spec.buttons]


def explanation(slot: str) -> str:
    """Why a question matters, for "what does that mean?" in the middle of the assessment."""
    return _EXPLANATIONS.get(
        slot,
        "These questions help me see how much a second opinion could help. You can always "
        "answer \u201cnot sure\u201d.",
    )


# --- reading answers ---------------------------------------------------------------------------

_F = re.IGNORECASE
_PAYLOAD = re.compile(r"^/(?P<intent>\w+)(?P<entities>\{.*\})?$", re.DOTALL)
_NOT_SURE_TEXT = re.compile(
    r"\b(?:not\s+(?:really\s+|quite\s+|totally\s+|too\s+|100%\s+|completely\s+|entirely\s+)?"
    r"(?:sure|certain)|unsure|no\s+idea|idk|dunno|dno|i\s+don'?t\s+know|don'?t\s+know|dont\s+know"
    r"|do\s+not\s+know|didn'?t\s+(?:say|tell|mention)|did\s+not\s+(?:say|tell)|no\s+clue"
    r"|can'?t\s+(?:remember|recall|say)|cannot\s+(?:remember|say)|don'?t\s+remember|hard\s+to\s+say"
    r"|who\s+knows|beats\s+me|haven'?t\s+(?:been\s+told|heard|asked)|(?:nobody|no\s+one)\s+"
    r"(?:said|told)|not\s+known|unknown|unclear|not\s+clear|skip|rather\s+not\s+say"
    r"|prefer\s+not\s+to\s+say|no\s+diagnosis\s+yet|no\s+treatment\s+yet|nothing\s+yet|none\s+yet"
    r"|not\s+decided|haven'?t\s+decided|hasn'?t\s+been\s+decided|still\s+waiting)\b",
    _F,
)
_YES_TEXT = re.compile(
    r"\b(?:y|ya|yes|yeah|yea|yep|yup|yah|sure|definitely|absolutely|of\s+course|correct|true"
    r"|i\s+think\s+so|i\s+believe\s+so|certainly|indeed|it\s+is|it\s+does|they\s+do|they\s+did)\b",
    _F,
)
_NO_TEXT = re.compile(
    r"\b(?:n|no|nope|nah|naw|nay|not|not\s+really|no\s+way|negative|never|none|don'?t|doesn'?t"
    r"|didn'?t|don'?t\s+think\s+so"
    r"|do\s+not\s+think\s+so|not\s+that\s+i\s+know(?:\s+of)?|not\s+at\s+all)\b",
    _F,
)

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "couple of": 2,
    "a couple": 2, "a couple of": 2, "few": 3, "a few": 3,
}
_UNIT_DAYS = {"day": 1, "week": 7, "wk": 7, "month": 30, "mo": 30, "year": 365, "yr": 365}
_DURATION = re.compile(
    r"\b(?P<count>\d+|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|few|an?|one|two|three|four|five"
    r"|six|seven|eight|nine|ten|eleven|twelve)\s*(?P<unit>day|week|wk|month|mo|year|yr)s?\b",
    _F,
)
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

_CERTAINTY_SUBJECT = (
    r"(?:they|they'?re|theyre|the\s+doctors?|doctors?|docs?|he|he'?s|she|she'?s|my\s+doctor"
    r"|surgeon|oncologist|specialist|neurologist|cardiologist|nobody|no\s+one)"
)
_DISAGREE = re.compile(
    r"\b(?:disagree\w*|don'?t\s+agree|do\s+not\s+agree|didn'?t\s+agree|not\s+agree\w*"
    r"|different\s+(?:things|answers|opinions|diagnos\w+)|conflicting|contradict\w*|mixed\s+(?:answers"
    r"|messages|opinions)|two\s+(?:different\s+)?(?:doctors|opinions)|another\s+doctor\s+said"
    r"|(?:second|other)\s+doctor\s+(?:said|thinks|says)|something\s+else|one\s+(?:doctor\s+)?says)\b",
    _F,
)
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
_CERTAIN = re.compile(
    r"\b(?:sure|certain|positive|confident|definite\w*|confirmed|100\s*%|no\s+doubt|clear|convinced"
    r"|biopsy\s+(?:showed|proved|proves|shows)|they\s+know)\b",
    _F,
)
_RARE_NO = re.compile(
    r"\b(?:(?:not|isn'?t|is\s+not|wasn'?t)\s+(?:that\s+|very\s+|so\s+|really\s+)?rare"
    r"|(?:pretty\s+|very\s+|fairly\s+|quite\s+)?common|lots\s+of\s+people|many\s+people)\b",
    _F,
)
_RARE_YES = re.compile(r"\b(?:rare|uncommon|unusual|orphan|few\s+people|very\s+few)\b", _F)
_WORSE = re.compile(
    r"\b(?:not\s+(?:getting\s+|feeling\s+|any\s+)?(?:better|improving)|no\s+better|isn'?t\s+"
    r"(?:getting\s+)?(?:better|improving|helping|working)|aren'?t\s+(?:getting\s+)?(?:better"
    r"|improving|helping|working)|not\s+(?:helping|working)|worse\w*|worsening|same|no\s+change"
    r"|unchanged|still\s+(?:sick|hurts?|bad|have|having|in\s+pain)|keeps?\s+getting|nothing\s+"
    r"(?:helps|works|is\s+working))\b",
    _F,
)
_BETTER = re.compile(
    r"\b(?:better|improving|improved|improvement|helping|working|gone|no\s+symptoms|don'?t\s+have"
    r"\s+(?:any\s+)?symptoms|feel(?:ing)?\s+(?:fine|good|great|ok(?:ay)?)|fine|stable)\b",
    _F,
)
_INSURER_NO = re.compile(
    r"\b(?:(?:don'?t|doesn'?t|does\s+not|do\s+not|didn'?t|not)\s+(?:require|need|ask|make)\w*"
    r"|no\s+insurance|uninsured|don'?t\s+have\s+(?:any\s+)?insurance|self[\s\-]*pay|optional)\b",
    _F,
)
_INSURER_YES = re.compile(
    r"\b(?:requires?|required|requirement|mandatory|must|have\s+to|has\s+to|need(?:s|ed)?\s+"
    r"(?:one|it|a\s+second)|asked\s+for)\b",
    _F,
)
_DISTRUST = re.compile(
    r"\b(?:don'?t\s+trust|do\s+not\s+trust|not\s+sure\s+i\s+trust|doubt\s+(?:it|them|him|her)"
    r"|scared|afraid|terrified|worried|nervous|anxious|confused|lost|overwhelmed|freaking\s+out"
    r"|panick\w*)\b",
    _F,
)
_NOT_CONFIDENT = re.compile(
    r"\b(?:not\s+(?:very\s+|that\s+|too\s+|so\s+|really\s+|at\s+all\s+)?confident|unconfident"
    r"|no\s+confidence|not\s+at\s+all|not\s+really|not\s+much|zero|none|no)\b",
    _F,
)
_SOMEWHAT = re.compile(
    r"\b(?:somewhat|kind\s+of|kinda|sort\s+of|sorta|a\s+little|a\s+bit|so[\s\-]*so|mostly|fairly"
    r"|partly|partially|50\s*/\s*50|half|moderately|in\s+between|meh|ok(?:ay)?|i\s+guess)\b",
    _F,
)
_CONFIDENT = re.compile(
    r"\b(?:confident|very|totally|completely|fully|sure|i\s+trust|trust\s+(?:them|him|her|my)"
    r"|good|great|fine|comfortable|100\s*%)\b",
    _F,
)


def _first(text: str, *options: tuple[str, re.Pattern[str]]) -> str | None:
    """The code of the pattern that matches earliest in `text` ("yes, no doubt" -> yes)."""
    hits = [(m.start(), code) for code, pattern in options if (m := pattern.search(text))]
    return min(hits)[1] if hits else None


def _yes_no(text: str) -> str | None:
    return _first(text, ("yes", _YES_TEXT), ("no", _NO_TEXT))


def _parse_urgency(text: str) -> str | None:
    """Free-text timing: an emergency, already started (-> days), a duration, or a keyword.

    Treatment that has already started is "days": decisions are being made right now. A duration
    up to 7 days is days, under 30 days weeks, 30 days or more months (the button titles).
    """
    for code, pattern in _URGENCY_RULES:
        if pattern.search(text):
            return code
    duration = _DURATION.search(text)
    if duration:
        count_text = " ".join(duration.group("count").lower().split())
        count = int(count_text) if count_text.isdigit() else _NUMBER_WORDS[count_text]
        days = count * _UNIT_DAYS[duration.group("unit").lower()]
        return "days" if days <= 7 else "weeks" if days < 30 else "months"
    return _first(text, *_URGENCY_KEYWORDS) or (NOT_SURE if _NOT_SURE_TEXT.search(text) else None)


def _parse_certainty(text: str) -> str | None:
    """Disagreement beats doubt; "they're not sure" is doubt, a bare "not sure" is the person's."""
    if _DISAGREE.search(text):
        return "disagree"
    if _UNCERTAIN.search(text):
        return "uncertain"
    if _NOT_SURE_TEXT.search(text):
        return NOT_SURE
    if _CERTAIN.search(text):
        return "certain"
    return {"yes": "certain", "no": "uncertain"}.get(_yes_no(text) or "")


def _parse_rare(text: str) -> str | None:
    if _NOT_SURE_TEXT.search(text):
        return NOT_SURE
    return _first(text, ("no", _RARE_NO)) or _first(text, ("yes", _RARE_YES)) or _yes_no(text)


def _parse_not_improving(text: str) -> str | None:
    if _NOT_SURE_TEXT.search(text):
        return NOT_SURE
    if _WORSE.search(text):
        return "yes"
    if _BETTER.search(text):
        return "no"
    return _yes_no(text)


def _parse_insurer(text: str) -> str | None:
    if _NOT_SURE_TEXT.search(text):
        return NOT_SURE
    if _INSURER_NO.search(text):
        return "no"
    if _INSURER_YES.search(text):
        return "yes"
    return _yes_no(text)


def _parse_confidence(text: str) -> str | None:
    """Fear and distrust count as not confident, even when phrased as "not sure I trust them"."""
    if _DISTRUST.search(text):
        return "not_confident"
    if _NOT_SURE_TEXT.search(text):
        return NOT_SURE
    answer = _first(
        text, ("not_confident", _NOT_CONFIDENT), ("somewhat", _SOMEWHAT), ("confident", _CONFIDENT)
    )
    return answer or {"yes": "confident", "no": "not_confident"}.get(_yes_no(text) or "")


def _parse_named(entity: str, text: str) -> str | None:
    """A condition/treatment: canonical name, "not_sure", the person's words, or None.

    None (ask again) for replies that cannot be a name: a bare yes/no, no letters at all, or small
    talk ("thanks", "I'm safe" after a safety message) that would otherwise become the diagnosis.
    """
    mention = vocabulary.lookup(entity, text)
    if mention is not None:
        return mention.value
    if _NOT_SURE_TEXT.search(text):
        return NOT_SURE
    if (
        not re.search(r"[^\W\d_]", text)
        or _SMALL_TALK.match(text)
        or (_yes_no(text) and len(text.split()) <= 2)
    ):
        return None
    named = vocabulary.canonical(entity, text)
    return named[0] if named else None


_SMALL_TALK = re.compile(
    r"^(?:i'?m\s+(?:safe|ok(?:ay)?|fine|good|alright|here)|thanks?|thank\s+you|ty|ok(?:ay)?|k|hi|hello"
    r"|hey|cool|great|got\s+it|alright|all\s+right|what|huh|why|sorry)\b",
    _F,
)
_PARSERS: dict[str, Callable[[str], str | None]] = {
    "condition": lambda text: _parse_named("condition", text),
    "treatment": lambda text: _parse_named("treatment", text),
    "urgency": _parse_urgency,
    "diagnosis_certainty": _parse_certainty,
    "rare_condition": _parse_rare,
    "not_improving": _parse_not_improving,
    "insurer_requires": _parse_insurer,
    "confidence": _parse_confidence,
}
# What affirm/deny mean for each slot's question ("Are the doctors sure?" - "yes" -> certain).
_INTENT_CODES: dict[str, dict[str, str]] = {
    "diagnosis_certainty": {"affirm": "certain", "deny": "uncertain"},
    "rare_condition": {"affirm": "yes", "deny": "no"},
    "not_improving": {"affirm": "yes", "deny": "no"},
    "insurer_requires": {"affirm": "yes", "deny": "no"},
    "confidence": {"affirm": "confident", "deny": "not_confident"},
}


def _normalise(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split()).strip()


def _valid(slot: str, value: Any) -> str | None:
    """A payload value when it is one of the slot's codes (or any name, for condition/treatment)."""
    if not isinstance(value, str) or not value.strip():
        return None
    if slot in ANSWER_CODES:
        return value if value in ANSWER_CODES[slot] else None
    return value if value == NOT_SURE else _parse_named(slot, value)


def says_not_sure(text: str) -> bool:
    """ "idk", "no clue", "they didn't say", "can't remember": the person doesn't know the answer."""
    return bool(_NOT_SURE_TEXT.search(text))


def parse_answer(slot: str, text: str, intent: str | None = None) -> str | None:
    """The slot's answer code for a reply, or None when the reply does not answer it (re-ask).

    Accepts, in this order: a button payload (`/inform{"urgency":"weeks"}`, `/not_sure`,
    `/affirm`), an option's number or title (how SMS people answer), free text read by the slot's
    rules, and finally the NLU intent (not_sure; affirm/deny for yes-or-no style questions).
    Free text comes before the intent because it is more specific: "yes, but the second doctor
    disagrees" is `disagree` even when the classifier says affirm.
    """
    text = _normalise(text or "")
    payload = _PAYLOAD.match(text)
    if payload:
        intent = payload.group("intent")
        try:
            entities = json.loads(payload.group("entities") or "{}")
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
    value = _PARSERS[slot](text) if text else None
    if value is not None:
        return value
    if intent == "not_sure":
        return NOT_SURE
    return _INTENT_CODES.get(slot, {}).get(intent or "")


# --- the recommendation ------------------------------------------------------------------------

_SERIOUS_LONG_TERM = frozenset({"cardiac", "neurological", "autoimmune"})
_STRONG_TREATMENTS = frozenset({"experimental", "high_risk", "transplant"})
_INTENSE_TREATMENTS = frozenset({"chemotherapy", "radiation"})

EMERGENCY_NOTE = (
    "If this is an emergency, don't wait for a second opinion: call 911 or go to the nearest "
    "emergency room now (Medicare.gov says not to delay emergency care). A second opinion can "
    "come after."
)


@dataclass
class Recommendation:
    """The result: a level, one plain-language reason per rule that fired, and an urgent-care note.

    `emergency_note` is set when treatment is needed right away; the caller sends it as its own
    message before the recommendation, so it is never buried in the reasons.
    """

    level: str
    reasons: list[str] = field(default_factory=list)
    emergency_note: str | None = None


def _known(value: Any) -> str | None:
    """A real name, or None for a missing answer or "not sure"."""
    if not isinstance(value, str) or not value.strip() or value == NOT_SURE:
        return None
    return value.strip()


def _resolve(answers: Mapping[str, Any], entity: str) -> tuple[str | None, str | None]:
    """(name, category) of the condition or treatment answer.

    The name is canonical when the vocabulary knows it, else the person's words (None for a
    missing or "not sure" answer). The category is the caller's `<entity>_category` when that key
    is present (even None), else the vocabulary's.
    """
    name = _known(answers.get(entity))
    mention = vocabulary.lookup(entity, name) if name else None
    key = f"{entity}_category"
    category = answers.get(key, mention.category if mention else None)
    return (mention.value if mention else name), category


def _cap(text: str) -> str:
    """First letter upper case, the rest as written (keeps "HER2" and the person's own words)."""
    return text[:1].upper() + text[1:]


def _a(phrase: str) -> str:
    """"a lung cancer" / "an ovarian cancer": the article plain English needs."""
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def _like(kind: str, name: str | None, article: bool = True) -> str:
    """"A major surgery like knee replacement", or just "A major surgery" when that is the name.

    `article=False` for words used without one ("Surgery like lumpectomy").
    """
    subject = _cap(_a(kind)) if article else _cap(kind)
    return subject if not name or name.lower() == kind else f"{subject} like {name}"


def _strong_reasons(
    answers: Mapping[str, Any],
    condition: str | None,
    treatment: str | None,
    condition_category: str | None,
    treatment_category: str | None,
) -> list[str]:
    reasons = []
    if condition_category == "cancer":
        reasons.append(
            f"{_cap(_a(condition or 'cancer'))} diagnosis means big treatment choices. For "
            "most cancers there is usually time to get another opinion before treatment starts "
            "(American Cancer Society)."
        )
    if treatment_category == "major_surgery":
        reasons.append(
            f"{_like('major surgery', treatment)} can't be undone, so it is worth a second look "
            "first. Medicare Part B covers a second opinion before a planned surgery."
        )
    if treatment_category == "major_procedure":
        reasons.append(
            f"{_like('major procedure', treatment)} is a big step that is hard to undo. Medicare "
            "Part B covers a second opinion before a planned major procedure."
        )
    if condition_category == "rare" or answers.get("rare_condition") == "yes":
        subject = f"Rare conditions like {condition}" if condition else "Rare conditions"
        reasons.append(
            f"{subject} are harder to diagnose and treat, because most doctors see only a few "
            "cases. A specialist who sees many of them can add a lot."
        )
    if treatment_category in _STRONG_TREATMENTS:
        kind = {
            "experimental": "an experimental treatment, still being tested",
            "high_risk": "a high-risk treatment",
            "transplant": "a transplant, a big and lasting step with serious risks",
        }[treatment_category]
        reasons.append(
            f"{_cap(treatment) if treatment else 'The treatment'} is {kind}. Another expert can "
            "check it is the best choice and explain the other options."
        )
    certainty = answers.get("diagnosis_certainty")
    if certainty == "uncertain":
        reasons.append(
            "The doctors are not sure about the diagnosis yet. A second look often helps: in a "
            "Mayo Clinic study, the diagnosis changed for about 1 in 5 people (21%) and got more "
            "exact for 2 in 3 (66%)."
        )
    if certainty == "disagree":
        reasons.append(
            "The doctors don't agree. Another opinion can help settle it, and Medicare Part B even "
            "covers a third opinion when the first two differ."
        )
    return reasons


def _recommended_reasons(
    answers: Mapping[str, Any],
    condition: str | None,
    treatment: str | None,
    condition_category: str | None,
    treatment_category: str | None,
) -> list[str]:
    reasons = []
    if answers.get("condition") == NOT_SURE:
        reasons.append(
            "You're not sure what the diagnosis is yet. Ask the doctor to write it down; a second "
            "opinion can check it and explain it in plain words."
        )
    if condition_category in _SERIOUS_LONG_TERM:
        reasons.append(
            f"{_cap(condition) if condition else 'This condition'} can affect health for years, so "
            "choices made now matter. Another expert view is worth it."
        )
    if treatment_category == "surgery":
        reasons.append(
            f"{_like('surgery', treatment, article=False)} can't be undone. Medicare Part B covers a second "
            "opinion before a planned surgery."
        )
    if treatment_category in _INTENSE_TREATMENTS:
        reasons.append(
            f"{_cap(treatment) if treatment else 'This treatment'} is a strong treatment with real "
            "side effects. It's reasonable to check it is the best plan. In one large study, second "
            "opinions changed the treatment for more than 1 in 3 people (Best Doctors, 2015)."
        )
    if treatment_category == "medication":
        reasons.append(
            f"{_cap(treatment) if treatment else 'This medicine'} may be taken for a long time. "
            "Another doctor can check it is the right choice before it becomes part of daily life."
        )
    if treatment is None:
        reasons.append(
            "The treatment plan isn't clear yet. A second opinion can help you understand all the "
            "choices before one is made."
        )
    if answers.get("diagnosis_certainty") == NOT_SURE:
        reasons.append(
            "You're not sure how certain the diagnosis is. It's fair to ask. A second look often "
            "makes a diagnosis more exact (2 in 3 people in a Mayo Clinic study)."
        )
    if answers.get("not_improving") == "yes":
        reasons.append(
            "The symptoms are not getting better. That is a good time for a fresh set of eyes on "
            "the diagnosis and the plan."
        )
    if answers.get("insurer_requires") == "yes":
        reasons.append(
            "The health plan asks for a second opinion, so getting one also keeps the coverage on "
            "track."
        )
    confidence = answers.get("confidence")
    if confidence in ("not_confident", "somewhat"):
        feeling = "don't feel confident" if confidence == "not_confident" else "feel only somewhat sure"
        reasons.append(
            f"You {feeling} about the plan. Another opinion can help you feel sure, or show you "
            "other choices."
        )
    return reasons


def _optional_reasons(answers: Mapping[str, Any]) -> list[str]:
    calm = []
    if answers.get("diagnosis_certainty") == "certain":
        calm.append("the doctors are sure of the diagnosis")
    if answers.get("confidence") == "confident":
        calm.append("you feel confident about the plan")
    if answers.get("not_improving") == "no":
        calm.append("things are getting better")
    reasons = [
        "None of the usual signs for a second opinion came up (like cancer, a rare condition, "
        "major surgery, or doctors who are unsure)."
    ]
    if calm:
        joined = f"{', '.join(calm[:-1])} and {calm[-1]}" if len(calm) > 1 else calm[0]
        reasons.append(f"{_cap(joined)}.")
    reasons.append(
        "A second opinion is still your right. You can get one any time you want more peace of "
        "mind, and a good doctor will not mind."
    )
    return reasons


def recommend(answers: Mapping[str, Any]) -> Recommendation:
    """The recommendation for the assessment's answers (slot name -> code or name).

    Categories: `answers["condition_category"]` / `answers["treatment_category"]` are used when the
    key is present (None means "the caller knows it is unknown"); otherwise they are looked up
    from the names in the vocabulary. The actions pass plain slot values, so the lookup is the
    usual path; tests and callers with their own categories can pass them.

    Rules (every rule that fires adds one reason; the level is the highest that fired):

    | level                | rule                                                            |
    |----------------------|-----------------------------------------------------------------|
    | strongly_recommended | condition category cancer                                       |
    | strongly_recommended | treatment category major_surgery or major_procedure             |
    | strongly_recommended | condition category rare, or rare_condition == yes               |
    | strongly_recommended | treatment category experimental, high_risk or transplant        |
    | strongly_recommended | diagnosis_certainty uncertain or disagree                       |
    | recommended          | condition not_sure                                              |
    | recommended          | condition category cardiac, neurological or autoimmune          |
    | recommended          | treatment category surgery, chemotherapy, radiation, medication |
    | recommended          | treatment missing or not_sure                                   |
    | recommended          | diagnosis_certainty not_sure                                    |
    | recommended          | not_improving yes; insurer_requires yes                         |
    | recommended          | confidence not_confident or somewhat                            |
    | optional             | none of the above (reasons say why, and that it is their right) |

    Urgency never changes the level: an emergency adds `emergency_note` (don't delay emergency
    care, Medicare.gov), and the rules still say whether an opinion is worth getting afterwards.
    """
    condition, condition_category = _resolve(answers, "condition")
    treatment, treatment_category = _resolve(answers, "treatment")
    strong = _strong_reasons(answers, condition, treatment, condition_category, treatment_category)
    recommended = _recommended_reasons(answers, condition, treatment, condition_category, treatment_category)
    if strong:
        level = STRONGLY_RECOMMENDED
    elif recommended:
        level = RECOMMENDED
    else:
        level = OPTIONAL
    return Recommendation(
        level=level,
        reasons=strong + recommended if (strong or recommended) else _optional_reasons(answers),
        emergency_note=EMERGENCY_NOTE if answers.get("urgency") == "emergency" else None,
    )


_HEADLINES = {
    STRONGLY_RECOMMENDED: "My suggestion: a second opinion is strongly recommended for {who}.",
    RECOMMENDED: "My suggestion: a second opinion is a good idea for {who}.",
    OPTIONAL: "A second opinion is optional for {who}. It's up to {decider}.",
}


def recommendation_message(
    rec: Recommendation,
    condition: str | None,
    treatment: str | None,
    relation: str | None = None,
) -> str:
    """The chat text of a recommendation: headline, what it is based on, reasons as bullets.

    `rec.emergency_note` is not repeated here; the caller sends it first, on its own.
    """
    who = vocabulary.relation_display(relation) if relation else "you"
    decider = "you" if who == "you" else f"you and {who}"
    lines = [_HEADLINES[rec.level].format(who=who, decider=decider)]
    facts = [name for name in (_known(condition), _known(treatment)) if name]
    lines.append(f"Based on what you told me ({', '.join(facts)}), here's why:" if facts else "Here's why:")
    lines.extend(f"\u2022 {reason}" for reason in rec.reasons)
    lines.append("This isn't medical advice. It's to help you get the clearest answers from the doctors.")
    return "\n".join(lines)
