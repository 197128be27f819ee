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
    # A plain yes/no question whose "yes" is the good news: "staying the same or getting worse?"
    # was either/or, and a typed "no" to it was read both ways. The slot keeps its meaning
    # ("yes" = not improving), so the answers are inverted (see _INTENT_CODES).
    "not_improving": Question(
        "Are {whose} symptoms getting better with the care so far?",
        (
            ("Getting better", _inform("not_improving", "no")),
            ("Same or worse", _inform("not_improving", "yes")),
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
_DURATION_SOURCE = (
    r"(?P<count>\d+|a\s+couple(?:\s+of)?|couple(?:\s+of)?|a\s+few|few|an?|one|two|three|four|five"
    r"|six|seven|eight|nine|ten|eleven|twelve)\s*(?P<unit>day|week|wk|month|mo|year|yr)s?\b"
)
_DURATION = re.compile(rf"\b{_DURATION_SOURCE}", _F)
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


def _duration_code(duration: re.Match[str]) -> str:
    """A matched duration as a code: up to 7 days is days, under 30 weeks, else months (the buttons)."""
    count_text = " ".join(duration.group("count").lower().split())
    count = int(count_text) if count_text.isdigit() else _NUMBER_WORDS[count_text]
    days = count * _UNIT_DAYS[duration.group("unit").lower()]
    return "days" if days <= 7 else "weeks" if days < 30 else "months"


def _parse_urgency(text: str) -> str | None:
    """Free-text timing: an emergency, already started (-> days), a duration, or a keyword.

    Treatment that has already started is "days": decisions are being made right now.
    """
    for code, pattern in _URGENCY_RULES:
        if pattern.search(text):
            return code
    duration = _DURATION.search(text)
    if duration:
        return _duration_code(duration)
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
    """Words about the symptoms first; a bare yes/no answers "Are they getting better?" (inverted)."""
    if _NOT_SURE_TEXT.search(text):
        return NOT_SURE
    if _WORSE.search(text):
        return "yes"
    if _BETTER.search(text):
        return "no"
    return {"yes": "no", "no": "yes"}.get(_yes_no(text) or "")


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
# What affirm/deny mean for each slot's question ("Are the doctors sure?" - "yes" -> certain;
# "Are the symptoms getting better?" - "yes" -> not_improving "no").
_INTENT_CODES: dict[str, dict[str, str]] = {
    "diagnosis_certainty": {"affirm": "certain", "deny": "uncertain"},
    "rare_condition": {"affirm": "yes", "deny": "no"},
    "not_improving": {"affirm": "no", "deny": "yes"},
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
    disagrees" is `disagree` even when the classifier says affirm. Among free text, an explicit
    phrase (`facts_in_text`) comes first: the slot's own rules are lenient keyword rules, and
    "her symptoms arent getting any better" must not be read as "better".
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
    value = facts_in_text(text).get(slot) if slot in ANSWER_CODES else None
    value = value or (_PARSERS[slot](text) if text else None)
    if value is not None:
        return value
    if intent == "not_sure":
        return NOT_SURE
    return _INTENT_CODES.get(slot, {}).get(intent or "")


# --- facts said without being asked ------------------------------------------------------------
#
# "they want to do a mastectomy in 2 weeks" already answers the timing question, so the form
# should not ask it. The per-question parsers above cannot be used for that: they know which
# question was asked, so a bare "no" or "maybe" answers it. In a message that answers nothing in
# particular, those words mean nothing ("maybe I should get a second opinion"), so `facts_in_text`
# accepts only explicit phrases, each tied to its subject ("the doctors disagree", not "I
# disagree"), never negated, hedged, conditional or asked as a question. Precision comes first:
# a missed fact costs one question; a wrong one changes the advice.

# Shorthand people type on a phone, spelled out so the phrases below stay readable.
_SHORTHAND: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, _F), replacement)
    for pattern, replacement in (
        (r"\bw/o\b", "without"),
        (r"\bw/\s*", "with "),
        (r"\bb4\b", "before"),
        (r"\bnxt\b", "next"),
        (r"\bwks\b", "weeks"),
        (r"\bwk\b", "week"),
        (r"(\d)\s*(?:mos|mths|mnths)\b", r"\1 months"),
        (r"(\d)\s*(?:mo|mth|mnth)\b", r"\1 month"),
        (r"\b(?:tmrw|tmr|tmrrw|tomoro|tomorow|tommorow|tommorrow|2moro|2morrow)\b", "tomorrow"),
        (r"\b2day\b", "today"),
        (r"\b(?:2nite|tonite)\b", "tonight"),
        (r"\b(?:drs\b\.?|docs\b)", "doctors"),
        (r"\b(?:dr\b\.?|doc\b)", "doctor"),
        (r"\bdx'?d\b", "diagnosed"),
        (r"\bdx\b", "diagnosis"),
        (r"\btx\b", "treatment"),
        (r"\bsurg\b", "surgery"),
        (r"\bins[ua]r[ae]n[cs]e\b", "insurance"),
        (r"\bop+[io]n[io]+n(s?)\b", r"opinion\1"),
        (r"\b(gett|feel|start|do)in\b", r"\1ing"),
        (r"\bim\b", "i'm"),
        (r"\bive\b", "i've"),
        (r"\b(do|does|did|is|are|was|were|has|have|had|ca|wo)nt\b", r"\1n't"),
        (r"\btheyre\b", "they're"),
        (r"\bshes\b", "she's"),
        (r"\bhes\b", "he's"),
        (r"\bu\b", "you"),
        (r"\bur\b", "your"),
        (r"\br\b", "are"),
    )
)
# Sentences, then clauses: a fact and its negation or hedge must be in the same clause.
_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;\n]*")
_CLAUSE_BREAK = re.compile(r",|\s+-+\s+|\b(?:but|although|though|however|except)\b", _F)
# People on a phone often leave out the question mark: "should i trust my doctor's plan".
_QUESTION_START = re.compile(
    r"^\s*(?:what|how|why|when|where|who|which|can|could|do|does|did|is|are|will|would|should|shall"
    r"|may|might|any|anyone)\b(?!')",
    _F,
)
# Words before a phrase that make it not (yet) a fact.
_CONDITIONAL = re.compile(
    r"\b(?:if|whether|unless|in\s+case|suppose|supposing|imagine|hypothetically|when|whenever|without"
    r"|(?:will|would|'ll|might|may)\s+think)\b",
    _F,
)
# "will" is no hedge ("surgery will be next week"): a future the phrases below must not take as a
# fact ("it will get worse") is kept out by the phrases themselves.
_HEDGE = re.compile(
    r"\b(?:might|(?<!in\s)may|could|would|maybe|perhaps|possibly|probably|hope|hoping|wish)\b", _F
)
_NEGATION = re.compile(
    r"\b(?:not|never|no|don't|doesn't|didn't|isn't|aren't|wasn't|weren't|won't|can't|cannot|hasn't"
    r"|haven't|nor)\s*(?:[\w'%]+\s*){0,2}$",
    _F,
)

_DOCTOR = (
    r"(?:doctors?|physicians?|surgeons?|oncologists?|onc|specialists?|neurologists?|cardiologists?"
    r"|urologists?|gynecologists?|rheumatologists?|gastroenterologists?|dermatologists?|pcp|gp"
    r"|radiologists?|pathologists?|hematologists?|endocrinologists?|pulmonologists?|providers?"
    r"|medical\s+team|care\s+team)"
)
# A few words between a subject and its verb, none of them a negation or another person.
_GAP = (
    r"(?:\s+(?!(?:not|never|no|don't|doesn't|didn't|isn't|aren't|won't|can't|hasn't|haven't"
    r"|and|i|me|we)\b)[\w'%]+){0,4}?\s+"
)
# "the two neurologists I saw disagree": the person's own words about the doctors.
_SEEN = r"(?:\s+(?:i|we)\s+(?:saw|see|met|visited|went\s+to))?"
_INSURER = (
    r"(?:insurance(?:\s+company)?|insurer|(?:health|insurance|medicare(?:\s+advantage)?|my|our|her|his)\s+plan"
    r"|medicare(?:\s+advantage)?|medicaid|tricare|hmo|ppo|aetna|cigna|humana|kaiser|anthem|bcbs"
    r"|blue\s+(?:cross|shield)|united\s*healthcare|uhc)"
)
_SECOND_OPINION = (
    r"(?:(?:an?\s+|the\s+)?(?:second|2nd|another|other|third|3rd)\s+(?:opinions?|surgeon|doctor|specialist)"
    r"|one\b(?!\s+(?:more|of))|it\b)"
)
_FEAR = (
    r"(?:scared|terrified|afraid|frightened|worried|nervous|anxious|petrified|uneasy|panicking"
    r"|panicked|freaking\s+out|freaked\s+out)"
)
_FEAR_INTENSITY = (
    r"(?:(?:so|really|very|pretty|super|totally|just|extremely|honestly|absolutely|incredibly|quite"
    r"|more)\s+)*"
)
# "kinda nervous" is not "terrified": it answers "somewhat".
_MILDLY = r"(?:kinda|kind\s+of|a\s+bit|a\s+little(?:\s+bit)?|slightly|somewhat)\s+"
# What a feeling may be about, for it to be about the diagnosis and the plan: "scared about the
# surgery" counts, "worried about the cost" or "nervous to ask my doctor" does not.
_FEELING_ABOUT = (
    r"(?=\s*(?:$|[,.!?;]|(?:and|so|tbh|honestly|lol|rn|right\s+now|now|too|also|a\s+lot|all\s+the"
    r"\s+time)\b)|\s+(?:about|of|with|by)\s+(?:it|this|that|everything|all\s+(?:of\s+)?(?:this|it)"
    r"|(?:(?:the|her|his|my|this|our|their|a)\s+)?(?:whole\s+thing|plan|diagnosis|surgery|operation"
    r"|procedure|treatment|chemo\w*|radiation|decision|news|prognosis|options|future"
    r"|outcome|doctors?|surgeon))\b|\s+for\s+(?:her|him|them|my\s+\w+)\b)"
)
# The person, or the one they help ("my dad"), but never "she" or "he": that is often the doctor.
_PERSON = r"(?:i|we|(?:my|our)\s+(?!(?:doctor|surgeon|oncologist|insurance|plan)\b)[\w-]+)"
_PERSON_IS = (
    r"(?:i'm|i\s+am|i\s+feel|i've\s+been|we're|we\s+are|we\s+feel|she's|she\s+is|she\s+feels|she\s+seems"
    r"|he's|he\s+is|he\s+feels|he\s+seems|(?:my|our)\s+(?!(?:doctor|surgeon|oncologist)\b)[\w-]+"
    r"(?:'s|\s+is|\s+feels|\s+seems|\s+has\s+been|\s+was)|(?<!to\s)(?:feeling|feel)|been)"
)
# Where a feeling phrase may start: after its subject ("my dad is terrified"), or a clause of its own.
_FEELING_START = rf"(?:^|\b{_PERSON_IS}\s+|\b(?:so|really|just)\s+|\band\s+(?:is|am|are|was|feels|seems)\s+)"
_DOCTOR_SPEAKING = re.compile(
    rf"\b(?:{_DOCTOR}|they)\s+(?:said|says|thinks|told\s+\w+|is|was|seems|seemed|sounds|sounded)\s+"
    r"(?:that\s+)?(?:\S+\s+){0,2}$",
    _F,
)
# Clauses whose timing is about an appointment or a test, not the start of treatment.
_NOT_TREATMENT_TIME = re.compile(
    r"\b(?:appointment|appt|consult\w*|visit|results?|follow[\s-]?up|meeting|call|scan|biopsy|tests?"
    r"|(?:see|seeing|meet|meeting)\s+(?:with\s+)?(?:the|a|an|my|her|his|our)\b)",
    _F,
)
_TREATMENT_WORD = re.compile(
    r"\b(?:surg(?:ery|eries|ury|ory)|sugery|operat(?:e|ion|ing)|op|procedure|treatments?|therapy"
    r"|chemo\w*|radiation|rads|infusions?|transplant|scheduled|booked)\b"
    r"|\b(?:start|starts|starting|begin|begins|beginning)(?=\s*(?:$|[,.!?]|(?:her|him|me|them|it|us|on|in"
    r"|within|right|asap|immediately|tomorrow|today|tonight|next|this|by|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday)\b))",
    _F,
)
_DAY_NAMES = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_IN_DURATION = re.compile(
    r"\b(?:in|within|inside\s+of)\s+(?:(?:about|around|roughly|approximately|approx|like|just|only"
    rf"|another|the\s+next|less\s+than|under)\s+)?(?:\d+\s*(?:-|to|or)\s*)?{_DURATION_SOURCE}",
    _F,
)
_DURATION_FROM_NOW = re.compile(rf"\b{_DURATION_SOURCE}\s+from\s+(?:now|today)\b", _F)
# "chemo doesn't start for another 2 months": said with a negation, and still a start date.
_START_AFTER = re.compile(
    r"\b(?:start|starts|begin|begins)\s+(?:for|until)\s+(?:(?:another|about|around|at\s+least)\s+)?"
    rf"{_DURATION_SOURCE}",
    _F,
)
# "No, it's common": a leading yes/no is an answer to something else, not a negation.
_LEADING_ANSWER = re.compile(
    r"^(?:yes|yeah|yep|no|nope|nah)\s+(?=(?:it|it's|its|i|i'm|we|they|they're|the|my|she|he|that|this)\b)", _F
)


@dataclass(frozen=True)
class _Fact:
    """One explicit phrase and the answer it gives.

    `hedged` says the phrase is itself a hedge by the doctors ("they think it might be lupus"), so
    a "might" inside it is no reason to skip it. `sentence` phrases span clauses ("one doctor said
    Crohn's, the other said colitis"). `timing` phrases count only next to a treatment.
    """

    slot: str
    code: str
    pattern: re.Pattern[str]
    hedged: bool = False
    sentence: bool = False
    timing: bool = False


def _fact(slot: str, code: str, pattern: str, **flags: bool) -> _Fact:
    """A `_Fact` from its pattern's source, so the table below reads as phrases."""
    return _Fact(slot, code, re.compile(pattern, _F), **flags)


# For each slot the first code listed wins when phrases disagree: the one that matters more for
# the advice (disagreement over doubt over certainty, the soonest start, "rare" over "common").
_FACTS: tuple[_Fact, ...] = (
    # urgency
    _fact(
        "urgency",
        "emergency",
        r"\b(?:is|are|'s|'re|am|'m|currently|right\s+now|still)\s+(?:still\s+|currently\s+|now\s+)?(?:in|at)"
        r"\s+the\s+(?:er|emergency\s+(?:room|department)|icu|intensive\s+care(?:\s+unit)?)\b"
        r"|\b(?:needs?|having|getting|scheduled\s+for|doing)\s+(?:an\s+)?emergency\s+(?:surgery|operation"
        r"|procedure|c-?section)\b",
    ),
    _fact("urgency", "weeks", r"\b(?:in|within)\s+(?:a|one|1)\s+week\s+or\s+two\b", timing=True),
    _fact(
        "urgency",
        "days",
        r"\b(?:today|tonight|tomorrow|this\s+week(?:end)?|within\s+(?:the\s+)?(?:next\s+)?(?:week|few\s+days)"
        r"|right\s+away|immediately|asap|as\s+soon\s+as"
        rf"\s+possible|any\s+day\s+now|urgent(?:ly)?|(?:on\s+|this\s+|next\s+|coming\s+)?{_DAY_NAMES})\b"
        r"|\balready\s+(?:started|begun|began|underway|on|doing|having|getting|receiving|in)\b"
        r"|\b(?:has|have|'s|'ve)\s+(?:already\s+)?(?:started|begun)\b"
        r"|\bstarted\s+(?:\S+\s+){0,3}?(?:last\s+\w+|yesterday|this\s+(?:week|month|morning)|today"
        r"|(?:\S+\s+){1,2}ago)\b",
        timing=True,
    ),
    _fact(
        "urgency",
        "weeks",
        r"\b(?:next\s+week|week\s+after\s+next|(?:later|end\s+of)\s+this\s+month|this\s+month"
        r"|end\s+of\s+the\s+month)\b",
        timing=True,
    ),
    _fact(
        "urgency",
        "months",
        r"\b(?:next\s+(?:month|year)|later\s+this\s+year|end\s+of\s+(?:the|this)\s+year"
        r"|(?:in\s+the|this|next)\s+(?:spring|summer|fall|autumn|winter))\b",
        timing=True,
    ),
    _fact(
        "urgency",
        "not_started",
        r"\bno\s+(?:\w+\s+)?(?:start\s+)?date\s+(?:yet|set)\b"
        r"|\b(?:isn't|is\s+not|hasn't\s+been|has\s+not\s+been|haven't|hasn't|have\s+not|not|aren't)\s+"
        r"(?:yet\s+|been\s+)?(?:scheduled|booked|planned|started)\b(?!\s+(?:until|till|for))"
        r"|\bnothing\s+(?:is\s+|has\s+been\s+)?(?:scheduled|booked|planned)\b",
        timing=True,
    ),
    # diagnosis_certainty
    _fact(
        "diagnosis_certainty",
        "disagree",
        rf"\b(?:{_DOCTOR}|opinions|diagnos[ie]s){_SEEN}{_GAP}(?:disagree\w*|don't\s+agree|do\s+not\s+agree"
        r"|didn't\s+agree|can't\s+agree|cannot\s+agree|aren't\s+agreeing|are\s+split|are\s+divided"
        r"|contradict\w*|differ|conflict|don't\s+match)\b"
        rf"|\b(?:second|2nd|other|another|new|different)\s+(?:doctor|opinion|{_DOCTOR})\s+(?:disagrees?|disagreed"
        r"|(?:said|says|thinks|thought|told\s+(?:me|us|her|him|them))\s+(?:something\s+else|something"
        r"\s+different|otherwise|the\s+opposite|different\s+things?|(?:it's|it\s+is|it\s+was|its)\s+"
        r"(?:not|something\s+else|different)))"
        rf"|\b(?:two|2|both|three|3|my|the|different|multiple|several)\s+(?:\w+\s+)?{_DOCTOR}{_SEEN}\s+(?:have\s+)?"
        r"(?:told|said|gave|give|tell|say)\s+(?:(?:me|us|her|him|them)\s+)?(?:\w+\s+)?(?:different"
        r"|conflicting|opposite|mixed|contradicting|contradictory)\b"
        r"|\b(?:got|getting|have|had|given|received|hearing|heard)\s+(?:\w+\s+){0,2}?(?:different"
        r"|conflicting|contradicting|contradictory|opposite|mixed)\s+(?:diagnos[ie]s|opinions|answers"
        r"|advice|messages|stories|things)\b"
        r"|\b(?:conflicting|contradictory)\s+(?:opinions|diagnos[ie]s|advice|answers)\b",
    ),
    _fact(
        "diagnosis_certainty",
        "disagree",
        rf"\bone\s+(?:{_DOCTOR}|of\s+them)\b.*\b(?:the\s+other|another|the\s+second|a\s+second)\b"
        rf"(?:\s+(?:one|{_DOCTOR}))?\s+(?:says|said|thinks|thought|told|wants|recommends)\b",
        sentence=True,
    ),
    _fact(
        "diagnosis_certainty",
        "uncertain",
        rf"\b(?:they|{_DOCTOR})(?:(?:'re|'s)?\b(?:\s+\S+){{0,3}}?\s+(?:not|aren't|isn't|weren't|wasn't|can't\s+be"
        r"|cannot\s+be|couldn't\s+be)\s+(?:really\s+|totally\s+|completely\s+|100%\s+|quite\s+|entirely\s+"
        r"|fully\s+|yet\s+)?(?:sure|certain|positive)"
        r"|(?:'re|\s+are|\s+is|'s)?\s+(?:still\s+)?(?:unsure|uncertain))"
        # ... about the diagnosis, not about what to do or when:
        r"(?=\s*(?:$|[,.!?;]|yet\b|(?:if|whether|that)?\s*(?:it's|its|it\s+is|it\s+was|this\s+is"
        r"|that's)\b|what\s+(?:it|this)\s+is\b|(?:what|if|whether|that)?\s*(?:she|he|i|we|you)\s+"
        r"ha(?:s|ve)\b|(?:about|of)\s+(?:the\s+)?diagnosis\b))"
        r"|\b(?:diagnosis|it|cancer|tumou?r|this|that)\s+(?:isn't|is\s+not|hasn't\s+been|has\s+not\s+been"
        r"|wasn't|was\s+not|'s\s+not|is\s+still\s+not|still\s+isn't|not)\s+(?:been\s+|yet\s+|fully\s+"
        r"|officially\s+)*confirmed\b"
        r"|\bunconfirmed\s+diagnosis\b|\bdiagnosis\s+(?:is\s+)?(?:still\s+)?unconfirmed\b"
        r"|\b(?:working|tentative|preliminary|presumed|presumptive|possible|suspected|probable)\s+"
        r"diagnosis\b"
        r"|\bno\s+(?:firm|final|clear|definite|official|confirmed)\s+diagnosis\b"
        rf"|\b(?:they|{_DOCTOR})\s+(?:think|thinks|suspect|suspects|believe|believes|said|say|says)\s+"
        r"(?:it\s+|she\s+|he\s+|i\s+)?(?:might|may|could|probably|possibly|maybe)\s+(?:be|is|has|have)\b"
        rf"|\b(?:they|{_DOCTOR})\s+(?:said|say|says|think|thinks|believe|believes)\s+(?:that\s+)?"
        r"(?:it's|its|it\s+is)\s+(?:probably|possibly|likely|maybe)\b"
        rf"|\b(?:they|{_DOCTOR})(?:\s+\S+){{0,2}}?\s+(?:sounded|seemed|seems|sounds|looked|looks)\s+"
        r"(?:pretty\s+|really\s+|very\s+|kind\s+of\s+|kinda\s+|a\s+bit\s+|a\s+little\s+)?(?:unsure|uncertain)\b"
        rf"|\b(?:they|{_DOCTOR})\s+(?:suspect|suspects)\b"
        r"|\bmore\s+tests\s+to\s+(?:confirm|be\s+sure|know\s+for\s+sure|make\s+sure|rule\s+out)\b"
        r"|\bwaiting\s+(?:on|for)\s+(?:the\s+|her\s+|his\s+|my\s+)?(?:biopsy|pathology|path|lab|genetic"
        r"|test)\s+results\b",
        hedged=True,
    ),
    _fact(
        "diagnosis_certainty",
        "certain",
        rf"\b(?:they|{_DOCTOR})(?:'re|'s|\s+are|\s+is|\s+seem|\s+seems|\s+seemed|\s+were|\s+was)\s+(?:very\s+"
        r"|really\s+|pretty\s+|quite\s+|totally\s+|completely\s+|100%\s+|absolutely\s+|so\s+)?(?:sure"
        r"|certain|positive|confident(?=\s+(?:it's|its|it\s+is|it\s+was|that|(?:about|in|of)\s+the\s+diagnosis)))\b"
        rf"|\b(?:they|{_DOCTOR})\s+(?:all\s+|both\s+)?agree\b(?!\s+(?:with\s+me|to))"
        r"|\b(?:biopsy|pathology|path\s+report|diagnosis)\s+(?:was\s+|has\s+been\s+|is\s+)?(?:confirmed"
        r"|came\s+back\s+positive|was\s+positive)\b|\bconfirmed\s+(?:it\s+)?(?:by|with|on)\s+(?:a\s+|the\s+)?"
        r"(?:biopsy|pathology|tests?|scans?)\b|\bbiopsy\s+(?:showed|proved)\s+it\b",
    ),
    # rare_condition
    _fact(
        "rare_condition",
        "yes",
        r"\b(?:rare|uncommon)\s+(?:\w+\s+)?(?:disease|disorder|condition|cancer|tumou?r|type|form|kind"
        r"|variant|subtype|illness|syndrome|genetic|one|thing|case|diagnosis)\b"
        r"|\b(?:it's|it\s+is|its|it\s+was|that's|which\s+is|is|very|super|extremely|really|pretty|quite"
        r"|so|considered|called)\s+(?:(?:very|super|extremely|really|pretty|quite|so)\s+)?(?:rare|uncommon)\b"
        r"(?=\s*(?:$|[,.!?;]|and\b|apparently\b|like\b|only\b))"
        r"|\borphan\s+disease\b|\b(?:very\s+)?few\s+people\s+(?:have|get)\s+(?:it|this)\b",
    ),
    _fact(
        "rare_condition",
        "no",
        r"\b(?:not|isn't|is\s+not|wasn't)\s+(?:a\s+)?(?:(?:that|very|so|really|super|particularly)\s+)?rare\b"
        r"|\b(?:it's|it\s+is|its|that's|which\s+is)\s+(?:a\s+)?(?:(?:very|really|super|pretty|quite|fairly"
        r"|so|extremely)\s+)?common\b(?!\s+(?:to|for|that|sense|side|question|worry|fear|thing))"
        r"|\bcommon\s+(?:\w+\s+)?(?:disease|disorder|condition|cancer|type|form|kind|illness|problem)s?\b"
        r"|\b(?:lots\s+of|many|plenty\s+of)\s+people\s+(?:have|get)\s+(?:it|this)\b",
    ),
    # not_improving ("yes" = not getting better)
    _fact(
        "not_improving",
        "yes",
        r"\b(?:keeps?|kept|keep\s+on)\s+getting\s+worse\b|\bworse\s+and\s+worse\b|\bworsening\b"
        r"|\b(?<!from\s)(?:getting|gotten|got|becoming|became|grown|growing|is|are|'s|'re|feels|feeling"
        r"|seems)\s+"
        r"(?:even\s+|much\s+|way\s+|a\s+lot\s+|a\s+little\s+|a\s+bit\s+)?worse\b"
        r"(?!\s+(?:than\s+(?!before|last|yesterday|ever|a\s+(?:week|month|year)\s+ago)|about))"
        r"|\b(?:not|isn't|aren't|hasn't|haven't|never)\s+(?:been\s+)?(?:(?:getting|gotten|got|feeling|any"
        r"|really|much)\s+)*(?:better|improv(?:ing|ed))\b|\bno\s+better\b"
        r"|\bno\s+(?:real\s+|big\s+)?improvement\b"
        r"|\b(?:meds?|medicines?|medications?|pills|drugs?|treatments?|therapy|therapies|chemo\w*"
        r"|radiation|pt|physical\s+therapy|injections?|shots?|antibiotics|steroids|inhalers?)\s+(?:\w+\s+)?"
        r"(?:isn't|aren't|is\s+not|are\s+not|hasn't|haven't|has\s+not|have\s+not|doesn't|don't|didn't|not"
        r"|never|stopped|'s\s+not|'re\s+not)\s+(?:been\s+|really\s+|even\s+)?(?:help|helped|helping|work"
        r"|worked|working|doing\s+(?:anything|much)|making\s+a\s+difference)\b"
        r"|\bnothing\s+(?:helps|works|is\s+(?:helping|working)|has\s+(?:helped|worked)|seems\s+to\s+help)\b"
        r"|\bstill\s+(?:in\s+(?:a\s+lot\s+of\s+)?pain|hurts?|hurting|sick|having\s+(?:symptoms|pain|seizures)"
        r"|(?:has|have)\s+(?:symptoms|pain))\b"
        r"|\b(?:symptoms?|pain|cough|headaches?|seizures?|fatigue|swelling)\s+(?:is|are|has\s+been|have\s+been"
        r"|stayed|stay|stays|staying|remains?|remained|'s|'re)\s+(?:still\s+|about\s+|basically\s+|pretty\s+"
        r"much\s+|exactly\s+)?(?:the\s+same|unchanged)\b"
        r"|\b(?:symptoms?|pain|cough|headaches?|seizures?|swelling)\s+(?:came|comes|has\s+come|have\s+come"
        r"|keeps?\s+coming)\s+back\b"
        r"|\b(?:symptoms?|pain|cough|headaches?|seizures?|fatigue|swelling)\s+(?:haven't|hasn't|have\s+not"
        r"|has\s+not)\s+(?:changed|budged|improved|gotten\s+better|eased|gone\s+away)\b",
    ),
    _fact(
        "not_improving",
        "no",
        r"\b(?:is|are|'s|'re|am|'m|has\s+been|have\s+been|'ve\s+been|seems\s+to\s+be|finally)\s+(?:slowly\s+"
        r"|really\s+|definitely\s+|already\s+|actually\s+|finally\s+|steadily\s+)?(?:getting|feeling|doing)\s+"
        r"(?:a\s+(?:bit|little|lot)\s+|much\s+|way\s+|so\s+much\s+|somewhat\s+)?better\b"
        r"|\b(?:symptoms?|pain|it|she|he|i|things|cough|seizures?|headaches?)\s+(?:is|are|'s|'re|am|'m"
        r"|has\s+been|have\s+been|seems?)\s+(?:slowly\s+|really\s+|definitely\s+|actually\s+|steadily\s+)?"
        r"improving\b"
        r"|\b(?:symptoms?|pain|cough|seizures?|headaches?|swelling)\s+(?:have|has)\s+(?:really\s+|mostly\s+)?"
        r"(?:improved|gone\s+(?:away|down)|eased|cleared\s+up)\b"
        r"|^(?:getting|feeling|doing)\s+(?:a\s+(?:bit|little|lot)\s+|much\s+|way\s+)?better\b"
        r"(?!\s+(?:care|doctors?|answers|options|treatment|help|at))"
        r"|\b(?:i'm|she's|he's|i\s+am|she\s+is|he\s+is|things\s+are)\s+(?:a\s+(?:bit|little|lot)\s+|much\s+|way\s+"
        r"|so\s+much\s+|somewhat\s+)?better\b(?!\s+(?:off|at|to|for|than\s+(?:the|a|my|her|his)))"
        r"|\b(?:symptoms?|pain|cough|seizures?|headaches?)\s+(?:is|are|'s|'re|feels?|seems?)\s+(?:a\s+(?:bit"
        r"|little|lot)\s+|much\s+|way\s+|so\s+much\s+|somewhat\s+)?(?:better|gone|going\s+away)\b"
        r"|\b(?:meds?|medicines?|medications?|pills|drugs?|treatments?|therapy|chemo\w*|radiation|pt"
        r"|physical\s+therapy|injections?|shots?)\s+(?:is|are|'s|'re|has\s+been|have\s+been|seems?\s+to\s+be)"
        r"\s+(?:really\s+|actually\s+|definitely\s+)?(?:working|helping)\b",
    ),
    # insurer_requires
    _fact(
        "insurer_requires",
        "no",
        rf"\b{_INSURER}\s+(?:\w+\s+){{0,2}}?(?:doesn't|does\s+not|don't|didn't|won't|do\s+not|did\s+not"
        r"|never)\s+(?:require|need|make|ask\s+for|mandate)\w*"
        r"|\b(?:second|2nd)\s+opinion\s+(?:is|'s)\s+(?:not|n't)\s+(?:required|mandatory)\b"
        rf"|\b{_INSURER}\b{_GAP}(?:says?|said|told\s+(?:me|us|her|him))\s+(?:that\s+)?(?:it's|it\s+is|its|one\s+is)\s+"
        r"optional\b"
        rf"|\bnot\s+(?:required|mandatory|needed)\s+by\s+(?:my|the|her|his|our)\s+{_INSURER}"
        r"|\b(?:i|we|she|he|they)\s+(?:don't|doesn't|do\s+not|does\s+not)\s+have\s+(?:any\s+|health\s+)?"
        r"insurance\b|\buninsured\b|\b(?:have|has)\s+no\s+(?:health\s+)?insurance\b",
    ),
    _fact(
        "insurer_requires",
        "yes",
        rf"\b{_INSURER}\b{_GAP}(?:(?:requires?|required|requiring|mandates?|mandated|insists\s+on|wants?"
        r"|needs?|asks?\s+for|asked\s+for|makes?\s+(?:me|us|her|him|them|you)\s+(?:get|have))\s+"
        r"|(?:says?|said|told\s+(?:me|us|her|him|them))\s+(?:that\s+)?(?:i|we|she|he|they|you)\s+(?:need"
        r"|needs|needed|have\s+to|has\s+to|had\s+to|must)\s+(?:to\s+)?(?:get\s+|have\s+)?)"
        rf"(?:to\s+(?:get|have)\s+)?{_SECOND_OPINION}"
        rf"|\b{_INSURER}\b{_GAP}(?:says?|said)\s+(?:that\s+)?(?:a\s+)?(?:second|2nd)\s+opinion\s+(?:is|was)\s+"
        r"(?:mandatory|required|a\s+must|needed)\b"
        rf"|\b(?:second|2nd)\s+opinion\s+(?:is|was|'s)\s+(?:required|mandatory|needed)\s+(?:by|for)\s+"
        rf"(?:my|the|her|his|our)\s+{_INSURER}"
        rf"|\b{_INSURER}\b{_GAP}(?:says?|said)\s+(?:it's|it\s+is|its)\s+(?:mandatory|required)\b"
        r"|\b(?:it's|it\s+is|it\s+was|one\s+is|that's)\s+(?:required|mandatory)\s+(?:by|for)\s+"
        rf"(?:my|the|her|his|our)\s+{_INSURER}",
    ),
    # confidence (the person's, or the one they help: never the doctor's)
    _fact(
        "confidence",
        "not_confident",
        rf"{_FEELING_START}{_FEAR_INTENSITY}{_FEAR}\b{_FEELING_ABOUT}"
        rf"|\b{_PERSON}\s+(?:really\s+|just\s+)?(?:don't|do\s+not|doesn't|does\s+not|can't|cannot|didn't"
        r"|no\s+longer|never)\s+(?:really\s+|fully\s+|totally\s+|completely\s+|quite\s+)?trust\s+(?:my|the"
        r"|her|his|this|our|their|them|him|it|what)\b"
        r"|\b(?:i'm|i\s+am|we're)\s+not\s+sure\s+(?:if\s+|that\s+)?(?:i|we)\s+(?:can\s+)?trust\b"
        r"|\b(?:have|has|'ve)\s+(?:no|zero|lost\s+(?:all\s+)?)\s*(?:confidence|trust|faith)\s+in\b"
        rf"|\b{_PERSON}\s+(?:have|had|'ve\s+got|got|'ve\s+had)\s+(?:serious\s+|real\s+|big\s+|a\s+lot\s+of\s+"
        r"|lots\s+of\s+)?doubts\b"
        r"|(?:^|\b(?:and|feel|feeling)\s+|\b(?:i'm|i\s+am|we're|we\s+are)\s+(?:just\s+|really\s+)?)not\s+"
        r"(?:very\s+|that\s+|too\s+|so\s+|really\s+|at\s+all\s+|feeling\s+)?confident\b"
        rf"|\b{_PERSON}\s+(?:don't|do\s+not|doesn't|does\s+not)\s+(?:really\s+|fully\s+)?feel\s+"
        r"(?:very\s+|that\s+|too\s+|so\s+|really\s+)?(?:confident|good|comfortable|sure)(?:\s+(?:about|in|with)\b"
        r"|(?=\s*(?:$|[,.!?;]|at\s+all\b)))",
    ),
    _fact(
        "confidence",
        "somewhat",
        rf"{_FEELING_START}{_FEAR_INTENSITY}{_MILDLY}{_FEAR}\b{_FEELING_ABOUT}"
        r"|\b(?:somewhat|fairly|kinda|kind\s+of|sort\s+of|sorta|mostly|partly|moderately)\s+(?:confident"
        rf"|comfortable)\b|\b{_PERSON}\s+(?:have|had|'ve\s+got|got)\s+(?:some|a\s+few|a\s+little|a\s+bit\s+of)"
        r"\s+doubts\b|\bon\s+the\s+fence\b",
    ),
    _fact(
        "confidence",
        "confident",
        r"\b(?:i|we)\s+(?:really\s+|totally\s+|completely\s+|fully\s+)?trust\s+(?:my|the|her|his"
        r"|our|this|them|him)\b"
        r"|\b(?:i'm|i\s+am|i\s+feel|we're|we\s+feel|she\s+feels|he\s+feels|feeling|feel)\s+"
        r"(?:(?:very|really|totally|completely|fully|pretty|quite|so|super|100%)\s+)?(?:confident|good|great"
        r"|comfortable|at\s+peace)\s+(?:about|in|with)\s+(?:my|the|her|his|our|this|them|him|it|what)\b"
        r"|\b(?:i'm|i\s+am|we're|we\s+are)\s+(?:(?:very|really|totally|pretty|quite|fully)\s+)?confident\b"
        r"(?=\s*(?:$|[,.!?;]|in\b|about\b|with\b))",
    ),
)
_CODE_ORDER: dict[str, tuple[str, ...]] = {
    slot: tuple(dict.fromkeys(rule.code for rule in _FACTS if rule.slot == slot)) for slot in ANSWER_CODES
}


def _spell_out(text: str) -> str:
    """Lower case, straight apostrophes, shorthand spelled out ("surgery nxt wk" -> "next week")."""
    text = _normalise(text).lower()
    for pattern, replacement in _SHORTHAND:
        text = pattern.sub(replacement, text)
    return text


def _clauses(text: str) -> list[tuple[str, str]]:
    """(sentence, clause) pairs, leaving out questions: "can they operate next week" is no fact."""
    pairs = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group()
        for clause in _CLAUSE_BREAK.split(sentence):
            clause = _LEADING_ANSWER.sub("", clause.strip(" .!?;\n"))
            if clause and not _QUESTION_START.match(clause):
                pairs.append((sentence.strip(" .!?;\n"), clause))
    return pairs


def _stated(where: str, match: re.Match[str], *, hedged: bool = False, feeling: bool = False) -> bool:
    """Whether a phrase is said as a fact: not negated, hedged or conditional ("if the doctors
    disagree"), and for a feeling not the doctor's ("the surgeon is confident")."""
    before = where[: match.start()]
    return not (
        _CONDITIONAL.search(before)
        or (not hedged and _HEDGE.search(before))
        or (feeling and _DOCTOR_SPEAKING.search(before))
        or _NEGATION.search(before)
    )


def _is_treatment_time(clause: str, treatments: list[str]) -> bool:
    """Timing counts only in a clause about treatment, and not about an appointment or a test."""
    if _NOT_TREATMENT_TIME.search(clause):
        return False
    return bool(_TREATMENT_WORD.search(clause)) or any(
        re.search(rf"\b{re.escape(name)}\b", clause) for name in treatments
    )


def _duration_in(clause: str) -> str | None:
    """A start date as a duration: "in 2 weeks", "3 weeks from now", "doesn't start for 2 months".

    "For 2 weeks" or "2 weeks ago" is no start date.
    """
    for pattern in (_IN_DURATION, _DURATION_FROM_NOW):
        found = pattern.search(clause)
        if found and _stated(clause, found):
            return _duration_code(found)
    found = _START_AFTER.search(clause)
    return _duration_code(found) if found else None


def facts_in_text(text: str) -> dict[str, str]:
    """Answer codes that a message gives for the assessment's questions without being asked.

    Strict on purpose (see above): only explicit phrases, never "not sure" (that needs the
    question), and for the timing only next to a treatment ("surgery in 2 weeks", not "my
    appointment is in 2 weeks"). Returns slot -> code for the slots it is sure about.
    """
    if not text or _PAYLOAD.match(text.strip()):
        return {}
    spelled = _spell_out(text)
    treatments = [m.text for m in vocabulary.find_mentions(spelled) if m.entity == "treatment"]
    found: dict[str, set[str]] = {}
    for sentence, clause in _clauses(spelled):
        timing_ok = _is_treatment_time(clause, treatments)
        for rule in _FACTS:
            where = sentence if rule.sentence else clause
            if rule.timing and not timing_ok:
                continue
            feeling = rule.slot == "confidence"
            if any(_stated(where, m, hedged=rule.hedged, feeling=feeling) for m in rule.pattern.finditer(where)):
                found.setdefault(rule.slot, set()).add(rule.code)
        if timing_ok and (code := _duration_in(clause)):
            found.setdefault("urgency", set()).add(code)
    return {
        slot: next(code for code in _CODE_ORDER[slot] if code in codes) for slot, codes in found.items()
    }


# How the "I've noted ..." lines name a fact. Neutral about who feels what: "my dad is terrified"
# and "I'm scared" are the same answer, and neither should be quoted back wrongly.
_FACT_WORDS: dict[tuple[str, str], str] = {
    ("urgency", "emergency"): "that care is needed right away",
    ("urgency", "days"): "that treatment has started or starts within a week",
    ("urgency", "weeks"): "that treatment starts in 1 to 4 weeks",
    ("urgency", "months"): "that treatment starts in a month or more",
    ("urgency", "not_started"): "that there is no start date yet",
    ("diagnosis_certainty", "certain"): "that the doctors are sure of the diagnosis",
    ("diagnosis_certainty", "uncertain"): "that the doctors are not sure of the diagnosis yet",
    ("diagnosis_certainty", "disagree"): "that the doctors disagree",
    ("rare_condition", "yes"): "that it is a rare condition",
    ("rare_condition", "no"): "that it is not a rare condition",
    ("not_improving", "yes"): "that the symptoms are not getting better",
    ("not_improving", "no"): "that the symptoms are getting better",
    ("insurer_requires", "yes"): "that the health plan requires a second opinion",
    ("insurer_requires", "no"): "that the health plan does not require a second opinion",
    ("confidence", "confident"): "that there is trust in the plan",
    ("confidence", "somewhat"): "that there are some doubts about the plan",
    ("confidence", "not_confident"): "that there are real worries about the plan",
}


def fact_words(answers: Mapping[str, Any]) -> list[str]:
    """Plain words for the answer codes in `answers`, in the form's order (unknown codes skipped)."""
    return [
        _FACT_WORDS[(slot, answers[slot])] for slot in SLOTS if (slot, answers.get(slot)) in _FACT_WORDS
    ]


def join_words(items: list[str]) -> str:
    """ "a", "a and b", "a, b, and c": a list as a person would say it."""
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])}, and {items[-1]}"


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
