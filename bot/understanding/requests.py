"""The request inside a long message: "...so should we get a second opinion?", "...I need my records".

Why: people tell the whole story first - the diagnosis, what the doctor wants, how they feel - and
ask last. The story's words (conditions, treatments, names of hospitals and doctors) outnumber
the request's, so the classifier, trained mostly on shorter messages, falls back or follows the
story (an FAQ about family because a husband is mentioned, medical advice because a treatment is).
These readers find the request wherever it sits, so the intent holds
(`bot/rasa_ext/safety_override.py`) can act on it while the vocabulary keeps the story's facts.

Precision first: each needs the request's own words, not the topic alone.
"""

from __future__ import annotations

import re

_F = re.IGNORECASE
_WHO = r"(?:i|we|he|she|they|my\s+\w+|mom|dad)"
_OPINION = (
    r"(?:(?:a\s+)?(?:second|2nd|another|other|different|new|outside|independent)\s+(?:opinion|opinon|opion|look|view)"
    r"|(?:someone|somebody|another\s+(?:doctor|dr|specialist|surgeon|oncologist|hospital))(?:\s+else)?"
    r"\s*(?:to\s+)?(?:look|check|see|review)?|(?:this|it|her|him)\s+looked\s+at\s+(?:somewhere|by\s+someone)\s+else"
    r"|somewhere\s+else)"
)
_WHETHER_TO_GET_ONE = re.compile(
    "|".join(
        (
            rf"\b(?:should|shud|do|would|could|can|must)\s+{_WHO}\s+(?:really\s+)?(?:get|need|seek|see|have|go\s+for|try)"
            rf"\s+{_OPINION}",
            r"\b(?:is|would)\s+(?:a\s+|getting\s+a\s+)?(?:second|2nd|another)\s+opinion\s+(?:a\s+good\s+idea|worth|necessary"
            r"|needed|smart|wise|right|reasonable|overkill|something)",
            rf"\bhelp\s+(?:me|us)\s+(?:decide|figure\s+out|work\s+out|think)\b.{0,40}\b(?:{_OPINION}|see\s+someone)",
            r"\b(?:need|want|thinking\s+(?:about|of)|considering)\s+(?:a\s+|to\s+get\s+a\s+)?(?:second|2nd)\s+op\w*",
            rf"\bdo\s+{_WHO}\s+need\s+(?:an?\s+)?(?:other|another|second|2nd)\s+(?:opinion|look)",
            r"\b(?:overreacting|crazy|paranoid|silly|wrong|rude|unreasonable)\s+(?:for\s+|to\s+be\s+)?(?:wanting|to\s+want"
            r"|asking\s+for|getting|to\s+get|to\s+ask\s+for)\s+(?:a\s+)?(?:second|2nd|another)\s+op\w*",
            rf"\b(?:if|whether)\s+{_WHO}\s+(?:really\s+)?(?:should|need\s+to|ought\s+to|must)\s+(?:get|see|seek|have|try)"
            rf"\s+{_OPINION}",
        )
    ),
    _F,
)
# The story of someone's own case: a person and what their doctors said or want.
_OWN_CASE = re.compile(
    r"\b(?:i|i'm|im|i've|my|we|our|he|she|his|her)\b.{0,200}\b(?:diagnos\w*|dx|told|says?|said|wants?|recommend\w*"
    r"|pushing|scheduled|biopsy|scan|results?|surgery|operat\w*|chemo\w*|radiation|treatment|medication|transplant"
    r"|remove|stage|needs?|has|had|got|offered|suggest\w*|plan\w*|procedure|replace\w*|implant\w*|injection"
    r"|therapy|drug|medicine|pills?)\b",
    _F | re.DOTALL,
)

_RECORD_THINGS = (
    r"(?:records?|chart|files?|slides?|blocks|reports?|scans?|images?|imaging|films|discs?|cds?|results|notes"
    r"|paperwork|pathology|cytology|labs?\b|medication\s+list)"
)
_ASKS_FOR_RECORDS = re.compile(
    rf"\b(?:request|get|getting|obtain|send|sent|forward|transfer|need|want|copies\s+of|copy\s+of|draft|write|letter"
    rf"|release|pick\s+up|help\s+me\s+(?:get|request|ask))\b.{{0,80}}\b{_RECORD_THINGS}",
    _F | re.DOTALL,
)
# Saying one wants them: "I need my records from ...", "how do I get her scans", "help me get my chart".
_WANTS_RECORDS = re.compile(
    rf"\b(?:(?:i|we)\s+(?:need|want|would\s+like|'d\s+like|have\s+to\s+get)|how\s+(?:do|can|would)\s+(?:i|we)\s+get"
    rf"|help\s+(?:me|us)\s+(?:get|request))\b.{{0,80}}\b{_RECORD_THINGS}",
    _F | re.DOTALL,
)
_ALREADY_ASKED = re.compile(
    r"\b(?:requested|asked\s+(?:[\w.'-]+\s+){0,3}?for|sent\s+(?:a|the|my)\s+(?:records\s+)?request|put\s+in\s+(?:a|the)\s+(?:records\s+)?request"
    r"|request\s+(?:i|we)\s+(?:made|sent|filed|put\s+in)|follow(?:ing)?\s+up\s+on\s+(?:my|the|our)\s+(?:records?\s+)?request)\b.{0,160}"
    r"\b(?:ago|still|nothing|haven'?t|hasn'?t|not\s+yet|no\s+(?:word|reply|response|answer)|been\s+\d+|days|weeks"
    r"|where\s+(?:does|is)|status|in\s+process|pending|last\s+(?:week|month)|any\s+(?:news|update|word)|updates?"
    r"|being\s+processed|anything\s+changed|check\s+on|where\s+(?:it|this|that|things)\s+stands?|runaround)\b",
    _F | re.DOTALL,
)


def asks_whether_to_get_a_second_opinion(text: str) -> bool:
    """ "Should we get another opinion?", "do I need a 2nd opinion", "help us decide if we should see someone"."""
    return bool(_WHETHER_TO_GET_ONE.search(_plain(text)))


def tells_own_case(text: str) -> bool:
    """Whether the message tells someone's own case (a person, and what was found or proposed)."""
    return bool(_OWN_CASE.search(_plain(text)))


def asks_for_records(text: str) -> bool:
    """A request for records, slides, scans or reports to be requested, sent or written for."""
    text = _plain(text)
    return bool(_ASKS_FOR_RECORDS.search(text)) and not _ALREADY_ASKED.search(text)


def wants_records(text: str) -> bool:
    """The person says they want records ("I need my scans from ..."), not only that some were sent."""
    text = _plain(text)
    return bool(_WANTS_RECORDS.search(text)) and not _ALREADY_ASKED.search(text)


def asks_about_a_records_request(text: str) -> bool:
    """A records request made earlier that has not arrived ("requested my slides 3 weeks ago, nothing")."""
    return bool(_ALREADY_ASKED.search(_plain(text)))


def _plain(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").split())
