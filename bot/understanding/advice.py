"""Requests for medical advice in what a person wrote, and the question for the doctors they carry.

The assistant is not a clinician and never knows a person's full history, so it must not answer
"should I do chemo?". Refusing alone leaves an anxious person with nothing; turning the question
into one their doctors can answer (and offering to save it) keeps them moving. The rewriting is
rule-based on purpose: it can only rephrase, so it can never slip into giving advice. The same
module recognises the unmistakable requests for a medical judgement, and a plain telling of the
diagnosis, for the safety override. The refusal itself is `bot.logic.advice.NO_ADVICE_MESSAGE`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.understanding.questions import asks_anywhere, reads_as_question

_GOAL_AND_CHANCES = "What is the goal of my treatment — cure or control — and what are my chances?"
_GENERIC = "What is my main problem, and what do I need to do?"

# Everyday words for treatments, written out so the saved question reads well.
_TREATMENT_WORDS = {
    "chemo": "chemotherapy",
    "radiotherapy": "radiation therapy",
    "meds": "medication",
    "immuno": "immunotherapy",
}
_GREETING = re.compile(
    r"^(?:hey|hi|hello|so|ok|okay|um|well|honestly|please|bot|be\s+honest|quick\s+question|"
    r"one\s+more\s+thing)\b[,!.:]?\s*",
    re.IGNORECASE,
)
# Ways of asking the bot for its view, dropped before the rules look at the question.
_LEAD_IN = re.compile(
    r"^(?:(?:can|could|would)\s+you\s+(?:please\s+)?(?:tell\s+me|say|let\s+me\s+know)"
    r"(?:\s+(?:if|whether))?"
    r"|(?:do|did)\s+you\s+think(?:\s+that)?"
    r"|in\s+your\s+opinion[,:]?"
    r"|i\s+(?:want|need|would\s+like|'d\s+like)\s+to\s+know(?:\s+(?:if|whether))?"
    r"|i(?:'m|\s+am)?\s+wonder(?:ing)?(?:\s+(?:if|whether))?"
    r"|tell\s+me(?:\s+(?:if|whether))?)\s*"
)
# Declarative word order left after "tell me if ..." becomes a question again.
_DECLARATIVE = (
    (re.compile(r"^i\s+should\b"), "should i"),
    (re.compile(r"^i\s+(?:really\s+)?need\b"), "do i need"),
    (re.compile(r"^it(?:'s|\s+is)\b"), "is it"),
    (re.compile(r"^i\s+can\b"), "can i"),
    (re.compile(r"^i\s+will\b"), "will i"),
)
_TRAILING = re.compile(r"(?:\s+(?:for\s+me|now|right\s+now|or\s+not|at\s+all|really|though|honestly|in\s+my\s+case))+$")
_TIMING_WORDS = re.compile(r"\b(?:first|before|after|then|instead|until|while|with|without|later|next)\b")
_VERBS = (
    r"(?:do|get|have|take|start|try|choose|pick|undergo|accept|agree\s+to|go\s+with|go\s+for|"
    r"go\s+ahead\s+with|continue|keep\s+taking|switch\s+to|opt\s+for|consider)"
)
_BETTER = r"(?:better|best|safer|worse|more\s+effective)"


def reframe_as_question(text: str) -> str:
    """A question for the doctors that carries the same worry.

    "should I do chemo?" -> "Is chemotherapy the best option for me, and what are the
    alternatives?". When no rule fits, the person's own question is kept (tidied: "I" capitalised,
    "?" at the end), since their words are better than a generic one.
    """
    own_words = _own_words(text)
    if not own_words:
        return _GENERIC
    lowered = _for_matching(own_words)
    for rule in _RULES:
        question = rule(lowered, own_words)
        if question:
            return question
    return _tidy(own_words)


def _own_words(text: str) -> str:
    """The person's question without greetings, with "chemo" and friends written out."""
    cleaned = " ".join(text.replace("\u2019", "'").split()).strip(" \"'")
    previous = None
    while previous != cleaned:
        previous = cleaned
        cleaned = _GREETING.sub("", cleaned).strip()
    cleaned = re.sub(
        r"\b(" + "|".join(_TREATMENT_WORDS) + r")\b",
        lambda match: _TREATMENT_WORDS[match.group(1).lower()],
        cleaned,
        flags=re.IGNORECASE,
    )
    return cleaned.rstrip(" ?.!")


def _for_matching(own_words: str) -> str:
    """Lower case, without "do you think ..." and trailing filler, in question word order."""
    cleaned = own_words.lower()
    previous = None
    while previous != cleaned:
        previous = cleaned
        cleaned = _LEAD_IN.sub("", cleaned).strip()
    for pattern, replacement in _DECLARATIVE:
        cleaned = pattern.sub(replacement, cleaned, count=1)
    return _TRAILING.sub("", cleaned)


# A rewriting rule: (the question in lower case, the person's own words) -> the question for the
# doctors, or None when the rule does not fit.
_Rule = Callable[[str, str], str | None]


def _fixed(pattern: str, question: str) -> _Rule:
    """A rule that gives one fixed question whenever `pattern` is found: the worry needs no noun."""
    found = re.compile(pattern)

    def rule(text: str, original: str) -> str | None:
        return question if found.search(text) else None

    return rule


def _about(pattern: str, question: str, vague: frozenset[str] = frozenset()) -> _Rule:
    """A rule whose question names the thing asked about: `pattern`'s group "x", in the person's spelling.

    `question` holds "{thing}". A thing in `vague` ("it", "this") names nothing, so the rule does not
    fire and a later, more general one can.
    """
    found = re.compile(pattern)

    def rule(text: str, original: str) -> str | None:
        match = found.search(text)
        thing = _noun(match.group("x"), original) if match else ""
        if thing and thing.lower() not in vague:
            return question.format(thing=thing)
        return None

    return rule


def _second_opinion(text: str, original: str) -> str | None:
    """ "Should I get a second opinion?": both words anywhere, in either order."""
    if re.search(r"\b(?:second|2nd)\s+opinion\b", text) and re.search(r"\b(?:should|need)\b", text):
        return "Would a second opinion help in my situation, and is there time to get one?"
    return None


def _comparison(text: str, original: str) -> str | None:
    """ "Is surgery better than radiation", "surgery or radiation?", "chemo vs radiation"."""
    patterns = (
        rf"\bis\s+(?P<a>.+?)\s+{_BETTER}\s+than\s+(?P<b>.+)$",
        rf"\bwhich\s+is\s+{_BETTER}[,:]?\s+(?P<a>.+?)\s+or\s+(?P<b>.+)$",
        rf"\bshould\s+i\s+{_VERBS}\s+(?P<a>.+?)\s+or\s+(?P<b>.+)$",
        r"^(?P<a>.+?)\s+(?:vs\.?|versus)\s+(?P<b>.+)$",
        rf"^(?:is|are|would)?\s*(?P<a>[\w\s'-]+?)\s+or\s+(?P<b>[\w\s'-]+?)[,:]?\s+"
        rf"(?:which\s+is\s+)?(?:the\s+)?{_BETTER}(?:\s+option)?$",
    )
    for pattern in patterns:
        match = re.search(pattern, text)
        if match:
            first, second = _noun(match.group("a"), original), _noun(match.group("b"), original)
            if first and second:
                return f"What are the benefits and risks of {first} compared with {second} for me?"
    return None


def _should_verb(text: str, original: str) -> str | None:
    """ "Should I do chemo?" -> "Is chemotherapy the best option for me, and what are ...?"."""
    match = re.search(rf"\bshould\s+i\s+(?P<verb>{_VERBS})\s+(?P<x>.+)$", text)
    thing = _noun(match.group("x"), original) if match else ""
    if not match or not thing:
        return None
    if _TIMING_WORDS.search(thing.lower()) or len(thing.split()) > 5:
        return f"Is it best for me to {match.group('verb')} {thing}, and what are the alternatives?"
    return f"Is {thing} the best option for me, and what are the alternatives?"


# The rules, tried in this order; the first that gives a question wins. Most are one pattern and
# one question (`_fixed`) or one pattern naming a thing (`_about`); the others need more than a match.
_RULES: tuple[_Rule, ...] = (
    _fixed(
        r"\bcur(?:able|e|ed|ing)\b|\bsurviv\w*|\b(?:die|dying)\b|\bchances?\b|\bodds\b|"
        r"\bprognosis\b|\blife\s+expectancy\b|"
        r"\bhow\s+long\s+(?:do\s+i\s+have|will\s+i\s+live|have\s+i\s+got)\b|"
        r"\bbeat\s+(?:it|this)\b|\bterminal\b",
        _GOAL_AND_CHANCES,
    ),
    _second_opinion,
    _comparison,
    _about(
        r"\b(?:should|can|could)\s+i\s+(?:stop|quit|skip|refuse|say\s+no\s+to|come\s+off)\s+"
        r"(?:taking\s+)?(?P<x>.+)$",
        "Is it safe for me to stop or skip {thing}, and what would happen if I did?",
    ),
    _fixed(
        r"\b(?:should|can|could)\s+i\s+(?:wait|delay|hold\s+off|put\s+(?:it\s+)?off)\b"
        r"|\bhow\s+long\s+can\s+i\s+wait\b",
        "How long can I safely wait before starting treatment, and is there time for a second opinion?",
    ),
    _should_verb,
    _about(
        r"\bdo\s+i\s+(?:really\s+|actually\s+)?need\s+(?:to\s+(?:have|get|do|take)\s+)?(?P<x>.+)$",
        "Why do I need {thing}, and what would happen if I said no?",
    ),
    _fixed(
        r"\b(?:which|what|best)\s+(?:\w+\s+)?"
        r"(?:hospitals?|doctors?|surgeons?|specialists?|cent(?:er|re)s?|clinics?)\b",
        "Which hospitals or specialists have the most experience with my condition?",
    ),
    _fixed(
        r"\b(?:which|what)\s+(?:\w+\s+)?"
        r"(?:treatments?|options?|drugs?|medications?|medicines?|therap\w+)\b.*\b(?:best|better|right)\b",
        "Which treatment do you recommend for me, and why?",
    ),
    _fixed(r"\bwhat\s+would\s+you\s+do\b", "If you were in my place, what would you do, and why?"),
    _fixed(r"\bwhat\s+(?:should|do)\s+i\s+do\b", "What do I need to do, and why is it important for me to do this?"),
    _fixed(
        r"\b(?:is\s+(?:it|this|that)|how)\s+(?:serious|bad|dangerous|worrying|worrisome)\b"
        r"|\bshould\s+i\s+(?:be\s+)?(?:worried|scared|afraid)\b",
        "How serious is my condition, and what does it mean for me?",
    ),
    _about(
        r"\bis\s+(?P<x>.+?)\s+safe\b",
        "How safe is {thing} for me, and what are the risks?",
        vague=frozenset({"it", "this", "that"}),
    ),
    # "what stage is my cancer" names the thing; any other "what stage" gets the general question.
    _about(
        r"\bwhat\s+stage\s+(?:is|am)\s+(?P<x>.+)$",
        "What is the stage of {thing}, and what does it mean for my treatment?",
        vague=frozenset({"it", "i", "this"}),
    ),
    _fixed(r"\bwhat\s+stage\b", "What stage is it, and what does that mean for my treatment?"),
    _about(
        r"^(?:do\s+i\s+have|could\s+(?:it|this)\s+be|is\s+(?:it|this)\s+(?=(?:an?\s+)?"
        r"(?:cancer|tumou?r|malignant|benign|\w+oma|\w+itis)\b))\s*(?P<x>.+)$",
        "Could this be {thing}, and what tests would show it for sure?",
    ),
)


def _noun(phrase: str, original: str) -> str:
    """The thing asked about, in the person's own spelling, without filler or a leading verb.

    Rules match on lower case; names such as "Keytruda" are copied back from the original text.
    """
    cleaned = _TRAILING.sub("", phrase.strip(" ,.?!")).strip(" ,.?!")
    cleaned = re.sub(r"^(?:to\s+)?(?:do|get|have|take)\s+", "", cleaned)
    start = original.lower().find(cleaned) if cleaned else -1
    if start >= 0:
        cleaned = original[start : start + len(cleaned)]
    return re.sub(r"\bi\b", "I", cleaned)


def _tidy(text: str) -> str:
    """The person's own question, with "I" capitalised, a capital first letter and a "?"."""
    question = re.sub(r"\bi\b", "I", text.strip())
    return question[0].upper() + question[1:] + "?"


# Wordings that can only be a request for a medical judgement about someone's own case:
# prognosis, curability, how bad a result is, whether a diagnosis or plan is right, which treatment
# to choose, doses, stopping a medicine. Precision over recall: the statistical classifier still
# decides everything else; these rescue the clear cases it loses to a look-alike intent (an FAQ
# about second opinions, an answer to an assessment question). Statements ("they said it's
# curable") don't match, and nothing that mentions a second opinion, records or insurance does:
# "should I get a second opinion?" is the assessment, not advice (tests/unit/test_advice.py).
_WHO = r"(?:i|he|she|they|we|my\s+\w+|his\s+\w+|her\s+\w+|our\s+\w+)"
_CASE = r"(?:it|this|that|mine|my\s+\w+(?:\s+\w+)?|his\s+\w+(?:\s+\w+)?|her\s+\w+(?:\s+\w+)?)"
_MEDICINE = (
    r"(?:meds|medications?|medicines?|pills|tablets|chemo\w*|radiation|treatment|infusions?|shots?|dose|insulin)"
)
_JUDGEMENT_PATTERNS = (
    # prognosis and curability
    rf"\bhow\s+long\s+(?:do|does|have|has|will|would|could|can)\s+{_WHO}\s+"
    r"(?:(?:have|got)(?:\s+(?:left|to\s+live))?(?!\s+to\b)|live|survive|last)\b",
    rf"\bhow\s+many\s+(?:years|months)\s+(?:do|does|have|has)\s+{_WHO}\s+(?:have|got)\b",
    r"\b(?:life\s+expectancy|survival\s+(?:rate|odds|chances?)|\d+[\s\-]*year\s+survival)\b",
    r"\b(?:chances?|odds)\s+(?:of\s+|that\s+|for\s+)?(?:survival|surviving|survive|beating|living|a\s+cure|"
    r"cure|recovery|recovering|remission)\b",
    r"\b(?:what\s+are|what'?s|wh?at\s+r)\s+(?:my|his|her|their|our)\s+(?:chances|odds|prognosis)\b",
    r"\bwhat'?s\s+the\s+prognosis\b",
    rf"\b(?:am\s+i|is\s+{_WHO}|are\s+(?:we|they))\s+(?:going\s+to|gonna)\s+(?:die|be\s+ok(?:ay)?|be\s+fine|make\s+it|"
    r"be\s+alright|survive|recover|beat\s+(?:it|this)|lose)\b",
    rf"\bwill\s+{_WHO}\s+(?:die|survive|make\s+it|be\s+ok(?:ay)?|recover|beat\s+(?:it|this)|be\s+cured)\b",
    rf"\bis\s+{_CASE}\s+(?:curable|treatable|terminal|fatal|life[\s\-]*threatening|a\s+death\s+sentence|"
    r"malignant|benign|cancerous|aggressive|(?:serious|bad)(?!\s+(?:manners|form|idea|etiquette|to)\b))\b",
    r"\bis\s+(?:my|his|her)\s+\w+(?:\s+\w+)?\s+(?:even\s+)?(?:working|getting\s+worse|spreading|back)\b",
    r"\bis\s+[\w\-']+(?:\s+[\w\-']+){0,3}\s+(?:curable|treatable|terminal|fatal|a\s+death\s+sentence)\b",
    r"\bis\s+stage\s+\w+(?:\s+[\w\-']+){1,3}\s+(?:serious|bad|aggressive|dangerous)\b",
    r"\bcan\s+(?:it|this|that|(?:my|his|her)\s+\w+(?:\s+\w+)?)\s+(?:be\s+cured|be\s+treated|be\s+fixed|go\s+away)\b",
    r"\bis\s+there\s+a\s+cure\s+for\b",
    r"\bwill\s+(?:the\s+|my\s+|this\s+|that\s+|his\s+|her\s+)?[\w\-]+(?:\s+[\w\-]+)?\s+(?:cure|fix)\b",
    # how bad is a result
    r"\bhow\s+(?:bad|serious|dangerous|worried|scared|concerned|aggressive)\s+(?:is|are|should)\b",
    r"\bshould\s+(?:i|we)\s+(?:be\s+)?(?:worried|worry|scared|concerned|panic)\b",
    r"\b(?:mean|say)\s+(?:for|about)\s+(?:me|him|her|us|my|his|their)\b",
    r"\bis\s+(?:that|this)\s+(?:really\s+)?(?:bad|high|low|normal|serious|dangerous|the\s+worst)\b",
    # is the diagnosis or the plan right
    r"\b(?:does|do)\s+(?:this|that|it|these)\s+(?:sound|look|seem)\s+like\b",
    r"\bcould\s+(?:it|this|that)\s+(?:actually\s+|really\s+)?be\s+[\w\s'\-]+?\s+instead\b",
    r"\bdo\s+(?:you|u)\s+think\s+(?:it'?s|it\s+is|its|i\s+have|(?:he|she)\s+has|i\s+really\s+have)\b",
    r"\b(?:right|best|correct|wrong)\s+(?:treatment|medication|medicine|meds|dose|surgery|choice|call|plan|"
    r"diagnosis|decision|one)(?:\s+(?:plan|option|path|choice))?\s+for\s+(?:me|him|her|us|them|my|his|her)\b",
    r"\bgiving\s+(?:me|him|her|us|them)\s+the\s+(?:right|wrong|best)\b",
    r"\b(?:did|could|might)\s+(?:my|the|his|her)\s+(?:\w+\s+)?(?:doctor|dr|oncologist|surgeon|radiologist|"
    r"pathologist)s?\s+(?:get\s+it\s+wrong|be\s+wrong|have\s+(?:misread|missed|gotten\s+it\s+wrong))\b",
    r"\bis\s+(?:my|his|her|the)\s+(?:\w+\s+)?(?:doctor|dr|oncologist|surgeon)'?s?\s+(?:plan\s+)?"
    r"(?:right|wrong|any\s+good|correct|a\s+good\s+(?:one|idea|plan))\b",
    # choosing for them
    r"\bwhat\s+would\s+(?:you|u)\s+do\b|\bwhich\s+(?:one\s+)?would\s+(?:you|u)\s+(?:choose|pick|do|go\s+with)\b",
    r"\bif\s+(?:you|u)\s+were\s+(?:me|him|her|in\s+my\s+shoes)\b",
    r"\bis\s+(?!it\b)[\w\s\-]+?\s+(?:better|safer|more\s+effective)\s+than\b",
    r"\bwhich\s+(?:one\s+)?(?:is|would\s+be|gives?)\s+(?:\w+\s+)?(?:better|best|safer)\b",
    r"\b(?:better|best|safer)\s+(?:for|in)\s+(?:me|my\s+case|my\s+situation|him|her)\b",
    # doses and stopping, skipping or mixing medicines
    r"\b(?:what|which)\s+dose\b|\bhow\s+(?:many|much)\s+(?:mg|milligrams)\b|\b\d+\s*mg\b[^?]*\?",
    r"\bis\s+it\s+(?:safe|ok(?:ay)?|alright|dangerous)\s+(?:if\s+i\s+|to\s+)(?:stop|skip|double|quit|cut|halve|mix|"
    r"combine|come\s+off|go\s+off)\b",
    rf"\b(?:can|should|could)\s+(?:i|he|she|we|my\s+\w+)\s+(?:just\s+)?(?:stop|skip|quit|refuse|halve|double|"
    rf"go\s+off|come\s+off|say\s+no\s+to|not\s+take)\s+(?:taking\s+)?(?:\w+\s+)?{_MEDICINE}\b",
)
# Requests about what this product does are never a medical judgement, whatever else they say.
_ABOUT_THE_PROCESS = (
    r"\b(?:opinions?|(?:second|2nd|another|other|new)\s+(?:doctor|dr|surgeon|specialist|oncologist)|records?"
    r"|insurance|insurer|appointment|appt|questions?|letter|form|quiz)\b"
)
_JUDGEMENT = re.compile("|".join(f"(?:{pattern})" for pattern in _JUDGEMENT_PATTERNS), re.IGNORECASE)
_PROCESS = re.compile(_ABOUT_THE_PROCESS, re.IGNORECASE)


# A statement naming a condition may still be a request for something else ("i have lupus and need
# my records"): only a plain telling of the situation counts.
_OTHER_REQUEST = re.compile(
    r"\b(?:records?|chart|letter|insurance|insurer|medicare|bills?|billing|cost|pay|questions?|list"
    r"|delete|erase|forget|person|human|advocate|agent|someone)\b",
    re.IGNORECASE,
)


# How people say what they were told: "was diagnosed with", "dx'd w/", "told me i have", "found
# out", "results came back", "my mom has", "it's". Without such words a condition in a statement
# may be part of anything ("for my prostate cancer is surgery or radiation better").
_TELLING = re.compile(
    r"\b(?:diagnos\w*|dx(?:'?d|ed)?|told|found\s+out|finding\s+out|turns?\s+out|turned\s+out|came\s+back"
    r"|results?|biopsy|scan|confirmed|(?:i|i'?ve|he|she|they|we|my\s+\w+|mom|dad|son|daughter|husband|wife)"
    r"\s+(?:has|have|had|got|is\s+living\s+with)|it'?s|its|it\s+is)\b",
    re.IGNORECASE,
)
def tells_the_situation(text: str) -> bool:
    """Whether a message is the person telling what they were diagnosed with, not asking anything.

    The caller has found a (not negated) condition in it. "i was told i have MS", "my wife got
    diagnosed with lymphoma" or "got my biopsy results, its melanoma" start the assessment with
    what they said; a classifier that takes them for "not sure", an FAQ or a request for advice
    would answer something nobody asked. Precision first: it needs words of telling and nothing
    that reads as a question or another request.
    """
    text = " ".join(text.replace("\u2019", "'").split())
    return (
        bool(_TELLING.search(text))
        and not asks_anywhere(text)
        and not reads_as_question(text)
        and not _OTHER_REQUEST.search(text)
    )


def asks_for_medical_judgement(text: str) -> bool:
    """Whether the message can only be a request for a medical judgement about someone's case."""
    text = " ".join(text.replace("\u2019", "'").split())
    return bool(_JUDGEMENT.search(text)) and asks_anywhere(text) and not _PROCESS.search(text)
