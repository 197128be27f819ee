"""Whether a message asks for a human, or says the person is fed up with the bot.

The classifier decides the intent; these readers only back up the dialogue where a wrong guess
costs most. An angry "are you even a real person, get me a human" can land on `bot_challenge`
("I'm a virtual patient advocate...") or fall back, and making someone who is already fed up ask
twice is the worst answer there is (issue 11: frustration reaches a person on the first try). So
`actions/handoff.py` (bot_challenge) and `actions/flow.py` (fallback) start the hand-off at once
when `asks_for_a_person` says so, and answer `is_fed_up` with an apology and the offer of a person.

Precision first: "talk to my doctor", "a second opinion from another person" or "my dad is a
stubborn person" ask for nobody here.
"""

from __future__ import annotations

import re

_PERSON = (
    r"(?:(?:a|an|the|some|any|one|your)\s+)?(?:real\s+|actual\s+|live\s+|human\s+)?"
    r"(?:human(?:\s+being)?s?|person|people|some(?:one|body)(?:\s+real)?|agent|advocate|representative|rep"
    r"|operator|staff|man|woman|lady|guy)\b"
)
# ...but not "someone else to review my case" (another doctor), "someone at a cancer centre" or
# "someone in another state" (a clinician somewhere else), or "someone to drive me home".
_NOT_A_PERSON_HERE = (
    r"(?!\s+(?:about|who)\s+(?:my|the|a|another)\s+(?:doctor|hospital|clinic))"
    r"(?!\s+(?:at|in|from)\s+(?:my|the|a|an|another|one|some)\b)"
    r"(?!\s+else)(?!\s+to\s+(?:drive|take|come|go|review|look|check|read|watch|stay|sit|pick|bring|help\s+(?:at|around)))"
)
_ASKS = re.compile(
    r"|".join(
        (
            # "get me a human", "I want to talk to a real person", "put me through to someone"
            rf"\b(?:want|need|wanna|like|get|give|let|put|connect|transfer|speak|talk|chat)\b"
            rf"(?:\s+\w+){{0,4}}?\s+(?:to|with|me|in)?\s*{_PERSON}{_NOT_A_PERSON_HERE}",
            # "is there a real person I can talk to", "is a human available", "any humans here?"
            rf"\b(?:is|are)\s+(?:there\s+)?{_PERSON}\s+(?:available|there|around|here|i\s+can|to\s+talk)",
            r"^\W*(?:any|a|real)\s+(?:real\s+)?(?:humans?|person|people)\b[^a-z]*(?:here|there|around|available)?\W*$",
            r"^\W*(?:(?:a\s+)?(?:real|live|actual)\s+)?(?:human|person|agent|operator|representative|advocate)"
            r"(?:\s+please|\s+pls|\s+now)*\W*$",
        )
    ),
    re.IGNORECASE,
)
_NOT_ASKING = re.compile(
    r"\b(?:are|r)\s+(?:you|u)\s+(?:a\s+)?(?:real\s+)?(?:human|person|bot|robot)\b(?!.*\b(?:want|need|get|talk|speak)\b)",
    re.IGNORECASE,
)
_FED_UP = re.compile(
    r"\b(?:useless|worthless|pointless|stupid|dumb|idiot\w*|moron\w*|garbage|rubbish|trash|crap\w*|shit\w*"
    r"|f+u+c+k+\w*|f\*+\w*|wtf|damn\w*|hopeless|ridiculous|sick\s+and\s+tired|sick\s+of\s+(?:this|you|it\b)|fed\s+up|had\s+enough"
    r"|waste\s+of\s+(?:my\s+)?time|(?:not|isn'?t|aren'?t|doesn'?t)\s+(?:even\s+)?help(?:ing|ful)?"
    r"|going\s+(?:round\s+)?in\s+circles|you\s+(?:don'?t|do\s+not|never)\s+(?:understand|get\s+it|listen))",
    re.IGNORECASE,
)


def asks_for_a_person(text: str) -> bool:
    """Whether the message asks to be put through to a human ("get me a real person").

    "Are you a real person?" on its own is a question about the bot, not a request: it gets the
    answer and the offer of a person.
    """
    text = " ".join(text.replace("\u2019", "'").split())
    return bool(_ASKS.search(text)) and not _NOT_ASKING.search(text)


def is_fed_up(text: str) -> bool:
    """Whether the message says the bot is not helping: insults, swearing, "waste of time"."""
    return bool(_FED_UP.search(" ".join(text.replace("\u2019", "'").split())))
