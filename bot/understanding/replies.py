"""Short replies and their meaning: yes, no, "not sure", a bare "ok", "forget it", a carrier keyword.

A bare "ok" right after "Shall I save it?" is a yes, even when the classifier cannot tell it from
"ok bye"; "ok stop the quiz please" in the middle of a form only means "leave this form". Both
readings need the whole message to be that reply, so a longer message with other words in it
stays the classifier's.
"""

from __future__ import annotations

import re

# What the classifier calls "ok", "go on", "let's continue": said while a question waits, it asks for
# that question (the forms, actions/forms.py) and is never itself an answer (a clinic called "Ok").
CARRY_ON_INTENTS = frozenset({"affirm", "resume"})
# The one list of ways to write "yes" and "no" (every reader that takes a yes or a no uses it).
YES_WORDS = ("yes", "yeah", "yea", "yep", "yup", "yah", "ya")
NO_WORDS = ("no", "nope", "nah", "naw", "nay")
# The same lists as regex alternatives, for readers whose patterns contain a yes or a no.
YES = "(?:" + "|".join(YES_WORDS) + ")"
NO = "(?:" + "|".join(NO_WORDS) + ")"

# "idk", "no clue", "they didn't say", "can't remember": the person doesn't know the answer.
_NOT_SURE_TEXT = re.compile(
    r"\b(?:not\s+(?:really\s+|quite\s+|totally\s+|too\s+|100%\s+|completely\s+|entirely\s+)?"
    r"(?:sure|certain)|unsure|no\s+idea|idk|dunno|dno|i\s+don'?t\s+know|don'?t\s+know|dont\s+know"
    r"|do\s+not\s+know|didn'?t\s+(?:say|tell|mention)|did\s+not\s+(?:say|tell)|no\s+clue"
    r"|can'?t\s+(?:remember|recall|say)|cannot\s+(?:remember|say)|don'?t\s+remember|hard\s+to\s+say"
    r"|who\s+knows|beats\s+me|haven'?t\s+(?:been\s+told|heard|asked)|(?:nobody|no\s+one)\s+"
    r"(?:said|told)|not\s+known|unknown|unclear|not\s+clear|skip|rather\s+not\s+say"
    r"|prefer\s+not\s+to\s+say|no\s+diagnosis\s+yet|no\s+treatment\s+yet|nothing\s+yet|none\s+yet"
    r"|not\s+decided|haven'?t\s+decided|hasn'?t\s+been\s+decided|still\s+waiting)\b",
    re.IGNORECASE,
)
# A yes anywhere in an answer to a yes-or-no question: "definitely", "i think so", "of course".
# A lone "y" (and below, "n") counts here, where a yes or a no is expected.
_YES_TEXT = re.compile(
    rf"\b(?:y|{YES}|sure|definitely|absolutely|of\s+course|correct|true"
    r"|i\s+think\s+so|i\s+believe\s+so|certainly|indeed|it\s+is|it\s+does|they\s+do|they\s+did)\b",
    re.IGNORECASE,
)
# A no anywhere in such an answer: "nope", "not really", "don't think so".
_NO_TEXT = re.compile(
    rf"\b(?:n|{NO}|not|not\s+really|no\s+way|negative|never|none|don'?t|doesn'?t"
    r"|didn'?t|don'?t\s+think\s+so"
    r"|do\s+not\s+think\s+so|not\s+that\s+i\s+know(?:\s+of)?|not\s+at\s+all)\b",
    re.IGNORECASE,
)
# A whole message that only agrees: "ok", "kk", "sure", "yes please", "go ahead", "do it".
_BARE_OK = re.compile(
    rf"^\W*(?:ok(?:ay|ie)?|k{{1,2}}|sure|{YES}|alright|all\s+right|sounds\s+good|go\s+ahead"
    r"|please|pls|do\s+it)(?:\W+(?:ok(?:ay)?|sure|yes|please|pls|thanks|thank\s+you|ty))*\W*$",
    re.IGNORECASE,
)
# A whole message that only says "leave this form": "forget about the letter", "ok stop the quiz
# please". A form's free-text answers (a clinic, dates, a name) never look like this, so a stop the
# classifier is only fairly sure of still interrupts; "Stop & Shop pharmacy" does not match.
_LEAVE_FORM = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|please|pls|actually|no|just|can\s+we|let'?s|i\s+want\s+to)\W+)*"
    r"(?:stop|cancel|quit|exit|abort|forget|never\s*mind|nevermind|nvm|drop|pause)\b"
    r"(?:\s+(?:about|with|doing|asking))?"
    r"(?:\s+(?:it|this|that|these|them|(?:all|with)\s+(?:this|that)|me|the\s+(?:\w+\s+)?(?:letter|form|quiz|"
    r"questions?|questionnaire|request|assessment|whole\s+thing)))?"
    r"(?:\s+(?:please|pls|plz|for\s+now|now|then|already|thanks|thx))*\W*$",
    re.IGNORECASE,
)


def says_not_sure(text: str) -> bool:
    """ "idk", "no clue", "they didn't say", "can't remember": the person doesn't know the answer."""
    return bool(_NOT_SURE_TEXT.search(text))


def first_match(text: str, *options: tuple[str, re.Pattern[str]]) -> str | None:
    """The code of the pattern that matches earliest in `text` ("yes, no doubt" -> yes)."""
    hits = [(m.start(), code) for code, pattern in options if (m := pattern.search(text))]
    return min(hits)[1] if hits else None


def yes_or_no(text: str) -> str | None:
    """ "yes" or "no", whichever the answer says first ("yeah I think so", "nope"), else None."""
    return first_match(text, ("yes", _YES_TEXT), ("no", _NO_TEXT))


def is_bare_ok(text: str) -> bool:
    """Whether the whole reply is an agreement and nothing else ("ok", "yes please", "sure thanks")."""
    return _BARE_OK.match(text) is not None


def says_leave_form(text: str) -> bool:
    """Whether the whole message only asks to stop the form ("never mind the letter", "cancel pls")."""
    return _LEAVE_FORM.match(text) is not None


# Twilio's default opt-out, opt-in and help keywords, so the bot agrees with the carrier.
_CARRIER_KEYWORDS = {
    **dict.fromkeys(("stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout"), "stop"),
    **dict.fromkeys(("start", "unstop", "yes"), "start"),
    **dict.fromkeys(("help", "info"), "help"),
}
_NOT_A_WORD = re.compile(r"[^\w\s]")
_NOT_A_WORD_CHARACTER = re.compile(r"[^\w]")


def carrier_keyword(text: str) -> str | None:
    """"stop", "start" or "help" when the whole text message is one of Twilio's keywords, else None.

    Only the whole message counts, as at Twilio: "stop" opts out, "please stop asking" does not.
    """
    return _CARRIER_KEYWORDS.get(_NOT_A_WORD_CHARACTER.sub("", text.strip().lower()))


def words_of(text: str) -> str:
    """The words alone, lower case and single-spaced, to compare a reply with a button's title."""
    return " ".join(_NOT_A_WORD.sub(" ", text.lower()).split())
