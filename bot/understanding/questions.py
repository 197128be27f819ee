"""Questions in what a person wrote: is it a question, and the questions a "save this" message holds.

Every question-shape reader lives here: `is_question` (a whole message inside a form),
`opens_as_question` (a clause of a story), `asks_anywhere` and `reads_as_question` (a question or
request anywhere in a message, for the advice readers), and the notebook's question starters.
The first two and the starters share one list of question words and auxiliaries; the advice
readers' two keep their own (SMS spellings such as "r", "wut", "shud"; no "may" or "might").

People type notebook commands on phones, in a hurry and while anxious ("pls write down: 1) what
stage is it 2) who reads my scans"). The readers here turn such messages into clean, separate
questions, tell a question from an answer, and read an edit command. They are rule-based on
purpose: every rule is predictable, testable, and errs towards keeping the person's own words
rather than guessing at what they meant.
"""

from __future__ import annotations

import re

from bot.understanding.numbers import NUMBER_PATTERN, parse_number

# The words every question-shape reader here shares: question words, and the auxiliaries that open
# an inverted question ("can I", "is it"). Each reader adds the few it needs, said where.
WH_WORDS = ("what", "how", "why", "when", "where", "who", "which")
AUXILIARIES = ("can", "could", "do", "does", "did", "is", "are", "will", "would", "should", "may", "might")
_SHARED = frozenset((*WH_WORDS, *AUXILIARIES))
# Words that open a direct question. A piece starting with one of them gets a question mark.
_QUESTION_STARTERS = _SHARED | frozenset(
    """what's whats how's hows when's where's who's whom whose isn't aren't am was wasn't were
    weren't doesn't didn't don't can't cannot couldn't won't wouldn't shouldn't shall must have
    has hasn't haven't had any""".split()
)
_WH_WORDS = frozenset(WH_WORDS) | {"what's", "whom", "whose"}
_AUXILIARIES = frozenset(AUXILIARIES) | frozenset(
    "isn't aren't am was were don't doesn't can't won't shall must have has".split()
)
# Words that can follow an auxiliary in an inverted question ("can I ...", "is the ...").
_SUBJECTS = frozenset("i we you it they he she my the this that there your our his her their these those a an".split())

_ACTION_VERBS = r"(?:save|add|write|note|jot|put|keep|store|record|remember|include|make)"
_OBJECT = (
    r"(?:\s+(?:this|that|these|those|the\s+following|a|an|another|one\s+more|my|some|it|them)"
    r"(?:\s+(?:new|other|extra|next))?(?:\s+(?:questions?|qs?|ones?|things?|items?))?"
    r"|\s+the\s+(?:(?:new|other|extra|next)\s+)?(?:questions?|qs?)"
    r"|\s+(?:\d{1,2}|two|three|four|five|six|a\s+few|a\s+couple(?:\s+of)?)\s+(?:more\s+)?(?:questions?|qs?|things?)"
    r"|\s+(?:new\s+)?(?:questions?|qs?))"
)
_DOWN = r"(?:\s+down)"
_DESTINATION = (
    r"(?:\s+(?:to|on|in|into|onto)\s+(?:my|the|our)\s+(?:question\s+)?"
    r"(?:list\s+of\s+questions|question\s+list|list|notebook|notes|questions))"
)
# Who or what the question is for: "for my cardiologist", "for Dr. Patel", "for my appointment on
# Friday" are part of the command, never the question.
_ROLES = (
    r"(?:doctors?|docs?|drs?|surgeons?|oncologists?|specialists?|team|care\s+team|nurses?|cardiologists?"
    r"|neurologists?|urologists?|radiologists?|dermatologists?|rheumatologists?|gastroenterologists?"
    r"|endocrinologists?|pulmonologists?|orthopedists?|ortho|physicians?|providers?|gp|pcp|pharmacists?)"
)
_VISIT = r"(?:appointments?|appts?|visits?|consults?|consultations?|second\s+opinion)"
_WHEN = (
    r"(?:\s+(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today)"
    r"|\s+(?:next|this)\s+(?:week|month|monday|tuesday|wednesday|thursday|friday))"
)
_FOR = (
    rf"(?:\s+for\s+(?:me|later|(?:my|the|our)\s+(?:next\s+|new\s+|second\s+|upcoming\s+)?(?:{_ROLES}|{_VISIT})"
    rf"(?:\s+{_VISIT})?|(?:dr\.?|doctor)\s+[a-z][\w'-]*){_WHEN}?)"
)
_TAIL = rf"(?:{_OBJECT})?(?:{_DOWN})?(?:{_DESTINATION})?(?:{_FOR})?"
_END = r"(?=\s|$|[:\-\u2013—,.!])"
_PEOPLE = rf"(?:\s+(?:the|my)\s+(?:new\s+|second\s+)?{_ROLES}|\s+(?:them|him|her)|\s+(?:dr\.?|doctor)\s+[a-z][\w'-]*)"
_I_WANT = r"i(?:'d\s+like|\s+(?:want|need|would\s+like|wanna|wish))"
_STARTERS_ALT = "|".join(sorted((re.escape(word) for word in _QUESTION_STARTERS), key=len, reverse=True))

# Lead-ins, tried repeatedly at the start of the text until none matches. The weak verbs
# ("note", "keep", "put", ...) only count when followed by an object, "down" or a list, so a
# question such as "keep working during chemo?" is never cut.
_LEAD_INS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^(?:please|pls|plz|kindly|hey|hi|hello|ok|okay|oh|um|uh|so|also|and)\b[,!.]?\s*",
        rf"^(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+|pls\s+)?(?={_ACTION_VERBS}\b)",
        rf"^(?:{_I_WANT}|let\s+me|let'?s)\s+(?:to\s+)?(?={_ACTION_VERBS}\b)",
        rf"^(?:save|add|write\s+down|jot\s+down|note\s+down|put\s+down|make\s+a\s+note(?:\s+of)?){_TAIL}{_END}",
        rf"^(?:note|write|jot|put|keep|store|record|include)"
        rf"(?:{_OBJECT}(?:{_DOWN})?(?:{_DESTINATION})?(?:{_FOR})?|{_DOWN}(?:{_DESTINATION})?"
        rf"|{_DESTINATION}){_END}",
        r"^(?:note|write|jot)(?=\s*[:\-\u2013—])",
        rf"^(?:(?:{_I_WANT}\s+to|remember\s+to|remind\s+me\s+to|"
        rf"don'?t\s+(?:let\s+me\s+)?forget\s+to)\s+)?ask{_PEOPLE}?"
        rf"(?=\s+(?:if|whether|about|{_STARTERS_ALT})\b|\s*[:\-\u2013—])",
        r"^(?:(?:here'?s|here\s+is|i\s+have|i'?ve\s+got|my|another|one\s+more|a|new|next)\s+)?"
        r"(?:questions?|qs?)(?:\s+(?:for|to\s+ask)\s+(?:the|my)\s+[a-z]+)?(?:\s*[:\-\u2013—]+|\s+(?:is|are)\b)",
        # "note for the appt - ...", "keep this one for the surgeon: ...", "my dad wants one added:
        # ...": a short label before a colon or a spaced dash, naming the list or the visit.
        r"^(?:(?:my|his|her|our)\s+\w+\s+wants?\s+|(?:a\s+)?(?:note|reminder)\s+|"
        r"(?:save|add|note|keep|record|put|write|jot|remember|for)\s+)"
        r"(?=[^?:\-\u2013—]{0,60}\b(?:list|notebook|appts?|appointments?|visits?|questions?|qs?|one|this"
        r"|dr|doctors?|surgeon|oncologist|specialist|added|later)\b)[^?:\-\u2013—]{0,60}?(?:\s*:|\s+[\-\u2013—]+)\s+",
        r"^[\s:;,\-\u2013—.!>]+",
    )
)
# "please", "thanks" at the end of a question, dropped with the lead-ins, and the command said
# after it: "..., save that for me", "... - put it on my list please".
_TRAILING_ASIDES = re.compile(
    r"[\s,]*\b(?:please|pls|plz|thanks|thank\s+you|thx|ty)[\s.!]*$"
    r"|[\s,;\-\u2013—]*\b(?:and\s+)?(?:(?:can|could|would)\s+(?:you|u)\s+)?(?:please\s+|pls\s+)?"
    r"(?:save|add|keep|note|put|write|jot)\s+(?:that|this|it)(?:\s+(?:down|for\s+me|on\s+(?:my|the)\s+list"
    r"|to\s+(?:my|the)\s+list))*[\s.!?]*$",
    re.IGNORECASE,
)
# "and also", "plus", "then" opening a piece that follows another question.
_LEADING_CONJUNCTION = re.compile(r"^(?:and\s+also|and|also|plus|then|or)\b[\s,]*", re.IGNORECASE)
# A list bullet before a question: "-", "*", "•", "(a)".
_BULLET = re.compile(r"^\s*(?:[-*•·\u2013—]|\(?[a-z]\))\s+", re.IGNORECASE)
# A list number before a question: "1)", "(2)", "3." (split only when they count up).
_NUMBER_MARKER = re.compile(r"(?:^|(?<=\s))\(?(\d{1,2})[).](?=\s|$)")
# An "and" that may join two questions (`_split_on_and` decides).
_AND_SPLIT = re.compile(r",?\s+and(?:\s+also)?\s+", re.IGNORECASE)
# A full stop followed by a question word: where a new question starts without "?".
_DOT_SPLIT = re.compile(rf"(?<=[a-z0-9])\.\s+(?=(?:{_STARTERS_ALT})\b)", re.IGNORECASE)
# "if I can keep working": a question told as an if-clause, turned back into one.
_IF_CLAUSE = re.compile(
    r"^(?:if|whether)\s+(?P<subject>i|we|it|they|he|she|there|this|that"
    r"|(?:(?:my|the|his|her|our|your|these|those)\s+)?[a-z][\w'-]*(?:\s+[a-z][\w'-]*)?)\s+"
    r"(?P<aux>needs?\s+to|ha(?:ve|s)\s+to|can|will|should|would|could|must|may|might|am|is|are|was|were"
    r"|has|have|had|did)\s+"
    r"(?P<rest>.+)$",
    re.IGNORECASE,
)

# Edit commands: "change 2 to: ...", "number 3 should say ..." (the number, the new words).
_EDIT_PATTERNS = (
    re.compile(
        r"\b(?:change|edit|update|replace|reword|rewrite|fix|correct|modify|make|amend)\s+"
        r"(?:the\s+)?(?:question|q|number|no\.?|item)?\s*(?P<num>" + NUMBER_PATTERN + r")"
        r"(?:\s+(?:one|question))?\s*"
        r"(?:to\s+say|to\s+read|so\s+(?:that\s+)?it\s+(?:says|reads)|to|with|into|as|say|read|=|:|-|\u2013|—)"
        r"\s*[:\-\u2013—]?\s*(?P<new>.+)$",
        re.IGNORECASE | re.DOTALL,
    ),
    re.compile(
        r"^(?:the\s+)?(?:question|q|number|no\.?|item|#)\s*(?P<num>" + NUMBER_PATTERN + r")\s*"
        r"(?:should\s+(?:be|say|read)|is\s+now|now|becomes|=|:|-|\u2013|—)\s*[:\-\u2013—]?\s*(?P<new>.+)$",
        re.IGNORECASE | re.DOTALL,
    ),
)


# Asking rather than answering: a final "?", or a question word first. Inside a form this tells
# "what does stage 2 mean?" (a question to answer first) from "an electronic copy" (the answer);
# "was it...", "have you..." and "tell me", "explain" are asking there too.
_ASKS = re.compile(
    rf"\?\s*$|^\s*(?:{'|'.join(sorted(_SHARED))}|whats|am|was|were|have|has|tell me|explain)\b",
    re.IGNORECASE,
)
# A clause of a longer message that opens like a question, also without "?" ("should i trust my
# doctor's plan"). In a story "was told it's stage 2" or "have surgery next week" are statements,
# so only the shared words count, with "shall" and "any(one)"; "can't" and "what's" open none.
_OPENS_AS_QUESTION = re.compile(rf"^\s*(?:{'|'.join(sorted(_SHARED))}|shall|any|anyone)\b(?!')", re.IGNORECASE)


# A question or a request, even typed without a "?" ("my dad has lymphoma is it treatable"): a
# question word, question word order ("is it", "will he"), or "tell me". What the doctors said
# ("they said his chances of survival are good") is an answer, not a request for advice.
_ASKS_ANYWHERE = re.compile(
    r"\?|^\s*(?:is|are|r|am|will|would|can|could|should|does|do|did)\b"
    r"|\b(?:what|wh?at|wut|how|which|why)\b|\btell\s+me\b|\bbe\s+(?:honest|straight)\b"
    r"|\b(?:is|are|r|am|will|would|can|could|should|shud|does|do|did)\s+"
    r"(?:it|this|that|he|she|they|i|we|my|his|her|their|the|there|u|you|stage)\b",
    re.IGNORECASE,
)
# Anything that reads as a question, also without "?": question words anywhere, a request for a
# recommendation, a choice between options.
_READS_AS_QUESTION = re.compile(
    r"\?|\b(?:what|whats|what's|wat|who|whom|whose|where|wheres|when|which|why|how|hows|any\s+(?:recs?|"
    r"recommendations?|advice|ideas?|tips?)|recommend\w*|better|worse|or\s+not|should|shud|could|would|can"
    r"|worried|worry|wondering|wonder|afraid)\b"
    r"|\b(?:do|does|did|is|are|am|will)\s+(?:\w+\s+)?(?:i|you|u|he|she|they|we|it|my|his|her|their|the|second|2nd"
    r"|other|another|doctors?|opinions?)\b",
    re.IGNORECASE,
)


def is_question(text: str) -> bool:
    """Whether a message asks something: it ends with "?" or opens with a question word.

    Said in the middle of a form, a question is a new request even when the classifier is only
    fairly sure of it; a statement there is most likely the answer.
    """
    return bool(_ASKS.search(text))


def asks_anywhere(text: str) -> bool:
    """Whether a message asks or requests, "?" or not: "my dad has lymphoma is it treatable", "tell me".

    Also in SMS spelling ("r", "wut", "shud"); what the doctors said is no question.
    """
    return _ASKS_ANYWHERE.search(text) is not None


def reads_as_question(text: str) -> bool:
    """Whether anything in a message reads as asking: question words anywhere, "should", "better",
    "any advice", "worried" - wider than `asks_anywhere`, for telling a plain statement apart."""
    return _READS_AS_QUESTION.search(text) is not None


def opens_as_question(clause: str) -> bool:
    """Whether a clause of a longer message is asked rather than told ("can they operate next week")."""
    return _OPENS_AS_QUESTION.match(clause) is not None


def extract_questions(text: str) -> list[str]:
    """Split a "save this" message into clean questions, without the lead-in.

    One message often carries several questions; saving them separately lets the person edit or
    remove one later. Splitting is conservative (a wrongly split question is worse than two kept
    together), and an empty list means nothing but the command itself was typed, so the caller
    can ask what to save.
    """
    body = _strip_lead_in(_normalise_quotes(text))
    questions: list[str] = []
    for piece in _split(body):
        question = tidy_question(piece)
        if question:
            questions.append(question)
    return questions


def tidy_question(text: str) -> str:
    """Clean one question: no lead-in or quotes, capital first letter, "?" when it asks something.

    Used for every text that ends up in the notebook so saved questions look alike whether they
    came from free text, an edit, or a suggestion.
    """
    piece = _strip_lead_in(_normalise_quotes(text))
    piece = _BULLET.sub("", piece)
    piece = _LEADING_CONJUNCTION.sub("", piece).strip() or piece
    piece = _strip_lead_in(piece)
    piece = re.sub(r"\s+", " ", piece).strip(" \t,;:-\u2013—")
    if not re.search(r"[A-Za-z]", piece):
        return ""
    piece = re.sub(r"\bi\b", "I", piece)
    asked = piece.endswith("?")
    piece = piece.rstrip("?.!,;: ")
    inverted = _invert_if_clause(piece)
    if inverted:
        piece, asked = inverted, True
    elif piece.lower().startswith("about "):
        piece = "Ask " + piece
    first_word = piece.split(" ", 1)[0].lower()
    if first_word in _QUESTION_STARTERS:
        asked = True
    piece = piece[0].upper() + piece[1:]
    return piece + "?" if asked else piece


def question_key(text: str) -> str:
    """A comparison key, so "What stage is it?" and "what stage is it" count as the same question.

    Keeps the notebook and the suggestions free of duplicates that differ only in case, spacing or
    final punctuation.
    """
    key = _normalise_quotes(text).lower()
    key = re.sub(r"\s+", " ", key)
    return key.strip(" ?.!,;:")


def parse_edit(text: str) -> tuple[int, str] | None:
    """The number and new wording from an edit command ("change question 2 to: ...").

    Returns None when either part is missing, so the caller can ask for it rather than saving a
    half-understood edit.
    """
    cleaned = _normalise_quotes(text).strip()
    for pattern in _EDIT_PATTERNS:
        match = pattern.search(cleaned)
        if not match:
            continue
        number = parse_number(match.group("num"))
        new_text = tidy_question(match.group("new"))
        if number is not None and new_text:
            return number, new_text
    return None


def _normalise_quotes(text: str) -> str:
    """Curly quotes to straight ones; drop quotation marks that wrap rather than join words."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\"“”«»]", " ", text)
    return re.sub(r"(?<![A-Za-z])'|'(?![A-Za-z])", " ", text).strip()


def _strip_lead_in(text: str) -> str:
    """Remove command words and politeness from the start and end, as often as they repeat."""
    previous = None
    while previous != text:
        previous = text
        for pattern in _LEAD_INS:
            text = pattern.sub("", text, count=1)
        text = _TRAILING_ASIDES.sub("", text)
    return text.strip()


def _split(body: str) -> list[str]:
    """Split on lines, numbered items, "?", ";" and ". <question>", then on safe "and"s."""
    pieces: list[str] = []
    for line in body.splitlines():
        for item in _split_numbered(line):
            for part in re.split(r"(?<=\?)|;", item):
                for sentence in _DOT_SPLIT.split(part):
                    pieces.extend(_split_on_and(sentence.strip()))
    return [piece for piece in pieces if piece.strip()]


def _split_numbered(line: str) -> list[str]:
    """Split "1) ... 2) ..." only when the markers count up from 1, so "stage 2." is left alone."""
    markers = list(_NUMBER_MARKER.finditer(line))
    numbers = [int(marker.group(1)) for marker in markers]
    if not numbers or numbers != list(range(1, len(numbers) + 1)):
        return [line]
    if len(numbers) == 1 and line[: markers[0].start()].strip():
        return [line]
    bounds = [marker.start() for marker in markers] + [len(line)]
    head = line[: bounds[0]]
    items = [line[marker.end() : bounds[index + 1]] for index, marker in enumerate(markers)]
    return [head, *items] if head.strip() else items


def _split_on_and(piece: str) -> list[str]:
    """Split "X and Y" only when X is a question of 3+ words and Y starts a new question."""
    if not _starts_like_question(piece):
        return [piece]
    for match in _AND_SPLIT.finditer(piece):
        left, right = piece[: match.start()], piece[match.end() :]
        if len(left.split()) >= 3 and len(right.split()) >= 3 and _opens_new_question(right):
            return [left, *_split_on_and(right)]
    return [piece]


def _starts_like_question(piece: str) -> bool:
    words = _LEADING_CONJUNCTION.sub("", piece.strip()).lower().split()
    return bool(words) and words[0] in _QUESTION_STARTERS


def _opens_new_question(text: str) -> bool:
    """A wh-word, or an auxiliary followed by a subject ("can I", "is the")."""
    words = text.lower().split()
    if words[0] in _WH_WORDS:
        return True
    return words[0] in _AUXILIARIES and len(words) > 1 and words[1] in _SUBJECTS


def _invert_if_clause(piece: str) -> str | None:
    """Turn "if I can keep working" (left after "ask the doctor") into "can I keep working"."""
    match = _IF_CLAUSE.match(piece)
    if not match:
        return None
    subject, aux, rest = match.group("subject"), " ".join(match.group("aux").lower().split()), match.group("rest")
    if aux in {"need to", "needs to", "have to", "has to"}:
        # "if my dad has to stop" -> "does my dad have to stop"; "if I need to fast" -> "do I need to fast"
        helper = "does" if aux in {"has to", "needs to"} else "do"
        verb = "have to" if aux.startswith("ha") else "need to"
        return f"{helper} {subject} {verb} {rest}"
    return f"{aux} {subject} {rest}"
